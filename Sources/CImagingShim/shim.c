#include "cimaging.h"
int cimaging_placeholder(void){return 0;}
