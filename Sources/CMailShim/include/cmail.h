/*
 * cmail.h — typed wrappers around libcurl's variadic calls, for Swift.
 *
 * curl_easy_setopt and curl_easy_getinfo are variadic and therefore unavailable
 * in Swift; each wrapper below fixes the argument type of one family of options.
 * CURL_GLOBAL_DEFAULT is a macro expression Swift does not import, so the
 * process-wide initialisation lives here too.
 */
#ifndef CMAIL_H
#define CMAIL_H

#include <curl/curl.h>

/// Runs curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process
/// (thread-safe) and returns its result on every call.
CURLcode cmail_global_init_once(void);

/// Size of the buffer CURLOPT_ERRORBUFFER writes into.
static const size_t CMAIL_ERROR_SIZE = CURL_ERROR_SIZE;

static inline CURLcode cmail_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cmail_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cmail_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cmail_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cmail_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cmail_setopt_read_function(CURL *handle, curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode cmail_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode cmail_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif /* CMAIL_H */
