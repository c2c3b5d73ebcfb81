#include "cmail.h"

#include <pthread.h>

static pthread_once_t cmail_global_once = PTHREAD_ONCE_INIT;
static CURLcode cmail_global_result = CURLE_FAILED_INIT;

static void cmail_global_init(void) {
    cmail_global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode cmail_global_init_once(void) {
    pthread_once(&cmail_global_once, cmail_global_init);
    return cmail_global_result;
}
