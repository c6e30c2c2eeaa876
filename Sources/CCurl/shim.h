/* Typed, non-variadic entry points into libcurl for Swift.
 *
 * Swift cannot call C variadic functions, so every form of curl_easy_setopt
 * and curl_easy_getinfo that Tidings uses gets one small
 * static inline wrapper here, and the multi interface's message reading
 * (CURLMsg holds a union). Nothing else belongs in this file. */
#ifndef TIDINGS_CCURL_SHIM_H
#define TIDINGS_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*tidings_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);
typedef int (*tidings_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                              curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode tidings_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tidings_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tidings_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tidings_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tidings_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tidings_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                                         tidings_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tidings_easy_setopt_xferinfo_callback(CURL *handle, tidings_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

static inline CURLcode tidings_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tidings_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tidings_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode tidings_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/* The next finished transfer, if any: returns 1 and fills easy and result, or 0. */
static inline int tidings_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

/* CURLVERSION_NOW is a macro alias that Swift does not import. */
static inline curl_version_info_data *tidings_curl_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

#endif
