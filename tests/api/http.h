/*
 * One HTTP exchange of the API test runner over a reused libcurl easy handle
 * (connections are kept alive between cases): the request as built from a
 * case, the response with its headers, status, body and time. And the same
 * request sent several times at once, for the cases that race.
 */
#ifndef API_HTTP_H
#define API_HTTP_H

#include "strbuf.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stddef.h>

#define HTTP_TIMEOUT_MS 30000L

struct http_request {
	const char *method;         /* "GET", "POST", "HEAD", … */
	const char *url;            /* from http_url() */
	struct curl_slist *headers; /* "Name: value" lines; may be NULL */
	const struct strbuf *body;  /* sent when has_body or the method is POST */
	int has_body;
};

struct http_header {
	char *name; /* lower case */
	char *value;
};

/* Zero-initialise before http_exchange(); release with http_response_free(). */
struct http_response {
	long status;
	struct strbuf body;
	struct http_header *hdrs; /* of the final response, in order */
	size_t nhdrs;
	size_t caphdrs;
	double ms;       /* from sending to the end of the body */
	int ended_early; /* the connection failed after a status arrived */
	int too_big;
};

/*
 * base + path (a path that is a full http:// or https:// URL is used alone),
 * with bytes outside ASCII and spaces percent-encoded. Malloc'd; caller frees.
 */
char *http_url(const char *base, const char *path);

/*
 * Sends rq with a 30 s timeout and fills *resp. Returns 0 when a response
 * arrived (whatever its status; ended_early tells that a server refusing a
 * large body closed before reading it all), or -1 with the reason in err.
 */
int http_exchange(CURL *h, const struct http_request *rq, struct http_response *resp, char *err,
                  size_t errlen);

/* One exchange of http_exchange_parallel(): its response, or failed with the reason in err. */
struct http_result {
	struct http_response resp;
	int failed;
	char err[512];
};

/*
 * Sends rq n times at once: n threads, each with an easy handle (so a
 * connection) of its own, released together once all of them are ready.
 * Fills out[0..n-1], zero-initialised by the caller, who releases each resp
 * with http_response_free(). Returns 0 when the exchanges ran (each may have
 * failed on its own), or -1 with the reason in err when the threads could not
 * be started (then nothing was sent).
 */
int http_exchange_parallel(const struct http_request *rq, size_t n, struct http_result *out,
                           char *err, size_t errlen);

/* The nth value (from 0) of a response header, name in any case, or NULL. */
const char *http_header(const struct http_response *r, const char *name, size_t nth);

/* The value of cookie name as set by the response's Set-Cookie headers, as a new
 * JSON string, or NULL. */
json_t *http_cookie(const struct http_response *r, const char *name);

void http_response_free(struct http_response *r);

#endif
