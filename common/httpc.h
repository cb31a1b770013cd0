/*
 * One synchronous HTTP exchange on libcurl's easy interface, for the adapters of outside
 * providers (SMS, identity checks, business registry): a GET or POST of a URL with request
 * headers and a body, a total and a connect timeout, the answer's status, its body capped at
 * a size the caller gives, and the values of the response headers the caller names.
 *
 * Every exchange uses its own easy handle, so workers call httpc_exchange() concurrently once
 * httpc_global_init() was done. No signals are used for timeouts (CURLOPT_NOSIGNAL); only
 * http:// and https:// URLs are fetched; redirects are not followed; "Expect: 100-continue"
 * is never sent. Nothing is logged: failures are returned, the adapter logs them with its
 * own request id.
 */
#ifndef COMMON_HTTPC_H
#define COMMON_HTTPC_H

#include <stddef.h>

/*
 * Initialises libcurl for the process (curl_global_init). Call it from the main thread while
 * no other thread uses libcurl: when a provider is opened at start, before the workers run.
 * Each ST_OK is undone by one httpc_global_cleanup() (libcurl counts them), so several
 * providers of one process each pair their own. Returns ST_OK or ST_INTERNAL.
 */
int httpc_global_init(void);
void httpc_global_cleanup(void);

/*
 * The outcome of an exchange. Not status.def codes: each adapter maps them to its own outcome
 * (the registry: HTTPC_TIMEOUT is ST_REGISTRY_TIMEOUT, any other failure
 * ST_REGISTRY_UNAVAILABLE; identity checks: KYC_TIMEOUT and KYC_ERROR; SMS: a failed send).
 * An HTTP error status (404, 500, ...) is HTTPC_OK: an answer came, the adapter judges it.
 */
typedef enum httpc_result {
	HTTPC_OK = 0,    /* an HTTP answer arrived, whatever its status */
	HTTPC_TIMEOUT,   /* timeout_ms (or connect_timeout_ms while connecting) ran out */
	HTTPC_CONNECT,   /* no connection: refused, unreachable, name not resolved */
	HTTPC_TOO_LARGE, /* the response body exceeded max_body */
	HTTPC_ERROR,     /* anything else: TLS, a malformed answer, an invalid request, ... */
} httpc_result;

/* One request; everything is the caller's and only read during httpc_exchange(). */
typedef struct httpc_request {
	const char *method;         /* "GET" or "POST" */
	const char *url;            /* http:// or https:// */
	const char *const *headers; /* nheaders lines "Name: value", without CR or LF; */
	size_t nheaders;            /* "Name:" removes a header libcurl would add */
	const char *content_type;   /* POST: the Content-Type value, or NULL; GET: NULL */
	const char *body;           /* POST: body_len bytes (NULL: empty); GET: NULL */
	size_t body_len;            /*   (need not be NUL-terminated) */
	long timeout_ms;            /* the whole exchange, connecting included; > 0 */
	long connect_timeout_ms;    /* connecting; <= 0: timeout_ms */
	size_t max_body;            /* the largest response body accepted, bytes; > 0 */
	const char *const *want;    /* nwant response header names whose values are wanted */
	size_t nwant;               /*   (matched without regard to case) */
} httpc_request;

/* One answer. */
typedef struct httpc_response {
	long status;       /* HTTP status of the final answer */
	char *body;        /* malloc'd, NUL-terminated ("" when empty); the caller may take it */
	size_t body_len;   /*   (then set body to NULL) and free() it itself */
	char **values;     /* nvalues (= nwant) entries in the order of want: the malloc'd */
	size_t nvalues;    /*   value (blanks around it trimmed; the last one when the header */
	                   /*   is repeated), or NULL when the answer did not carry it */
	const char *error; /* failure: static English text for the log; "" on HTTPC_OK */
} httpc_response;

/*
 * Runs the exchange rq and blocks at most about rq->timeout_ms. *resp is always written: on
 * HTTPC_OK with the answer (free it with httpc_response_free()), on any other result with
 * only error set (status 0, body and values NULL; httpc_response_free() is harmless).
 * A request that breaks the rules above is HTTPC_ERROR without any I/O.
 */
httpc_result httpc_exchange(const httpc_request *rq, httpc_response *resp);

/* Frees body and values of resp and sets them to NULL; resp itself is the caller's. */
void httpc_response_free(httpc_response *resp);

#endif
