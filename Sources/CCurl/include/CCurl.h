/* libcurl for Swift, loaded when first needed.
 *
 * libcurl and the thirty libraries it pulls in (TLS, Kerberos, LDAP, SSH, IDN...)
 * took 6 of the 15 ms a `tidings` command needed to start, and only the daemon and
 * `tidings extract URL` ever fetch. So nothing links libcurl: tidings_curl_load()
 * opens libcurl.so.4 with dlopen on first use and every entry point below calls
 * through the function it found. Swift cannot call C variadics either, so each form
 * of curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt that Tidings uses has
 * a typed entry point of its own, and the multi interface's message reading (CURLMsg
 * holds a union) is done here. Call only tidings_* functions: a direct call to a
 * curl_* function fails to link. */
#ifndef TIDINGS_CCURL_H
#define TIDINGS_CCURL_H

#include <curl/curl.h>

/* Opens libcurl and finds every function used, once per process (thread-safe). Returns NULL
 * when libcurl is ready, otherwise a message naming what was missing; no other tidings_curl_
 * function may be called until it has returned NULL. */
const char *tidings_curl_load(void);

typedef size_t (*tidings_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);
typedef int (*tidings_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                              curl_off_t ultotal, curl_off_t ulnow);

CURLcode tidings_curl_global_init(long flags);
/* curl_version_info(CURLVERSION_NOW): the macro alias is not imported by Swift. */
curl_version_info_data *tidings_curl_version_info(void);
const char *tidings_curl_easy_strerror(CURLcode code);

CURL *tidings_curl_easy_init(void);
void tidings_curl_easy_cleanup(CURL *handle);
CURLcode tidings_curl_easy_perform(CURL *handle);
CURLcode tidings_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode tidings_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode tidings_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode tidings_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode tidings_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode tidings_easy_setopt_data_callback(CURL *handle, CURLoption option, tidings_curl_data_callback value);
CURLcode tidings_easy_setopt_xferinfo_callback(CURL *handle, tidings_curl_xferinfo_callback value);
CURLcode tidings_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode tidings_easy_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode tidings_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

struct curl_slist *tidings_curl_slist_append(struct curl_slist *list, const char *line);
void tidings_curl_slist_free_all(struct curl_slist *list);

CURLM *tidings_curl_multi_init(void);
CURLMcode tidings_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLMcode tidings_curl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode tidings_curl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode tidings_curl_multi_perform(CURLM *multi, int *running);
CURLMcode tidings_curl_multi_poll(CURLM *multi, struct curl_waitfd *extra, unsigned int count, int timeout_ms, int *ready);
CURLMcode tidings_curl_multi_wakeup(CURLM *multi);
/* The next finished transfer, if any: returns 1 and fills easy and result, or 0. */
int tidings_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

#endif
