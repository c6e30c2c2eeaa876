/* libcurl through dlopen: see CCurl.h for why. */
#define CURL_DISABLE_TYPECHECK 1
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The soname of the libcurl ABI the headers describe (libcurl4-openssl-dev and friends). */
#define TIDINGS_CURL_LIBRARY "libcurl.so.4"

/* One pointer per libcurl function used, typed after its declaration in curl.h. */
#define TIDINGS_CURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_version_info) X(curl_easy_strerror) \
    X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_perform) X(curl_easy_setopt) X(curl_easy_getinfo) \
    X(curl_slist_append) X(curl_slist_free_all) \
    X(curl_multi_init) X(curl_multi_setopt) X(curl_multi_add_handle) X(curl_multi_remove_handle) \
    X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_wakeup) X(curl_multi_info_read)

#define TIDINGS_CURL_POINTER(name) static __typeof__(name) *p_##name;
TIDINGS_CURL_FUNCTIONS(TIDINGS_CURL_POINTER)

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error;
static char load_message[512];

static void load(void) {
    void *library = dlopen(TIDINGS_CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_message, sizeof load_message, "cannot load %s (install libcurl4): %s",
                 TIDINGS_CURL_LIBRARY, reason ? reason : "unknown error");
        load_error = load_message;
        return;
    }
#define TIDINGS_CURL_RESOLVE(name) \
    if (load_error == NULL && (p_##name = (__typeof__(name) *)dlsym(library, #name)) == NULL) { \
        snprintf(load_message, sizeof load_message, "%s has no %s: libcurl 7.68 or later is needed", \
                 TIDINGS_CURL_LIBRARY, #name); \
        load_error = load_message; \
    }
    TIDINGS_CURL_FUNCTIONS(TIDINGS_CURL_RESOLVE)
}

const char *tidings_curl_load(void) {
    pthread_once(&load_once, load);
    return load_error;
}

CURLcode tidings_curl_global_init(long flags) { return p_curl_global_init(flags); }
curl_version_info_data *tidings_curl_version_info(void) { return p_curl_version_info(CURLVERSION_NOW); }
const char *tidings_curl_easy_strerror(CURLcode code) { return p_curl_easy_strerror(code); }

CURL *tidings_curl_easy_init(void) { return p_curl_easy_init(); }
void tidings_curl_easy_cleanup(CURL *handle) { p_curl_easy_cleanup(handle); }
CURLcode tidings_curl_easy_perform(CURL *handle) { return p_curl_easy_perform(handle); }

CURLcode tidings_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return p_curl_easy_setopt(handle, option, value);
}
CURLcode tidings_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return p_curl_easy_setopt(handle, option, value);
}
CURLcode tidings_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return p_curl_easy_setopt(handle, option, value);
}
CURLcode tidings_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return p_curl_easy_setopt(handle, option, value);
}
CURLcode tidings_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return p_curl_easy_setopt(handle, option, value);
}
CURLcode tidings_easy_setopt_data_callback(CURL *handle, CURLoption option, tidings_curl_data_callback value) {
    return p_curl_easy_setopt(handle, option, value);
}
CURLcode tidings_easy_setopt_xferinfo_callback(CURL *handle, tidings_curl_xferinfo_callback value) {
    return p_curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}
CURLcode tidings_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return p_curl_easy_getinfo(handle, info, value);
}
CURLcode tidings_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return p_curl_easy_getinfo(handle, info, value);
}
CURLcode tidings_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return p_curl_easy_getinfo(handle, info, value);
}

struct curl_slist *tidings_curl_slist_append(struct curl_slist *list, const char *line) {
    return p_curl_slist_append(list, line);
}
void tidings_curl_slist_free_all(struct curl_slist *list) { p_curl_slist_free_all(list); }

CURLM *tidings_curl_multi_init(void) { return p_curl_multi_init(); }
CURLMcode tidings_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return p_curl_multi_setopt(multi, option, value);
}
CURLMcode tidings_curl_multi_add_handle(CURLM *multi, CURL *handle) { return p_curl_multi_add_handle(multi, handle); }
CURLMcode tidings_curl_multi_remove_handle(CURLM *multi, CURL *handle) {
    return p_curl_multi_remove_handle(multi, handle);
}
CURLMcode tidings_curl_multi_perform(CURLM *multi, int *running) { return p_curl_multi_perform(multi, running); }
CURLMcode tidings_curl_multi_poll(CURLM *multi, struct curl_waitfd *extra, unsigned int count, int timeout_ms,
                                  int *ready) {
    return p_curl_multi_poll(multi, extra, count, timeout_ms, ready);
}
CURLMcode tidings_curl_multi_wakeup(CURLM *multi) { return p_curl_multi_wakeup(multi); }

int tidings_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = p_curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}
