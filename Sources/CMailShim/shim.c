#include "cmail.h"
int cmail_placeholder(void){return 0;}
