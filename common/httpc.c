/*
 * The HTTP client of the provider adapters (httpc.h): one libcurl easy handle per exchange,
 * the body collected up to the caller's cap, the wanted response headers picked out of the
 * header lines, and libcurl's outcome reduced to the five results the adapters tell apart.
 */
#include "httpc.h"

#include "mem.h"
#include "status.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int httpc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ST_OK : ST_INTERNAL;
}

void httpc_global_cleanup(void) { curl_global_cleanup(); }

void httpc_response_free(httpc_response *resp)
{
	if (!resp)
		return;
	for (size_t i = 0; resp->values && i < resp->nvalues; i++)
		free(resp->values[i]);
	free(resp->values);
	free(resp->body);
	resp->values = NULL;
	resp->nvalues = 0;
	resp->body = NULL;
	resp->body_len = 0;
}

/* ---- checking the request ------------------------------------------------------------------ */

/* 1 when s is a string without CR or LF (a header line cannot smuggle in another). */
static int httpc_one_line(const char *s) { return s && !strpbrk(s, "\r\n"); }

static int httpc_request_valid(const httpc_request *rq, int *post)
{
	if (!rq || !rq->method || !rq->url || rq->timeout_ms <= 0 || rq->max_body == 0 ||
	    rq->max_body > SIZE_MAX / 4 || (rq->nheaders && !rq->headers) ||
	    (rq->nwant && !rq->want) || (rq->body_len && !rq->body))
		return 0;
	if (strcmp(rq->method, "POST") == 0)
		*post = 1;
	else if (strcmp(rq->method, "GET") == 0 && !rq->body && !rq->content_type)
		*post = 0;
	else
		return 0;
	if (rq->content_type && !httpc_one_line(rq->content_type))
		return 0;
	for (size_t i = 0; i < rq->nheaders; i++)
		if (!httpc_one_line(rq->headers[i]) || !strchr(rq->headers[i], ':'))
			return 0;
	for (size_t i = 0; i < rq->nwant; i++)
		if (!httpc_one_line(rq->want[i]) || !rq->want[i][0] || strchr(rq->want[i], ':'))
			return 0;
	return 1;
}

/* ---- callbacks ---------------------------------------------------------------------------- */

struct httpc_call {
	const httpc_request *rq;
	httpc_response *resp;
	size_t cap; /* bytes allocated at resp->body */
	int too_big;
};

static size_t httpc_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_call *c = arg;
	httpc_response *r = c->resp;
	size_t n = size * nmemb;
	if (n > c->rq->max_body - r->body_len) {
		c->too_big = 1;
		return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
	}
	if (r->body_len + n + 1 > c->cap) {
		size_t cap = (r->body_len + n + 1) * 2;
		if (cap > c->rq->max_body + 1)
			cap = c->rq->max_body + 1;
		r->body = xrealloc(r->body, cap);
		c->cap = cap;
	}
	memcpy(r->body + r->body_len, data, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return n;
}

/* Called with each header line ("Name: value\r\n") of each answer, status lines included. */
static size_t httpc_on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct httpc_call *c = arg;
	httpc_response *r = c->resp;
	size_t n = size * nmemb;
	if (r->nvalues == 0)
		return n;
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		/* A new answer (after a 1xx one): only the final answer's headers count. */
		for (size_t i = 0; i < r->nvalues; i++) {
			free(r->values[i]);
			r->values[i] = NULL;
		}
		return n;
	}
	const char *colon = memchr(line, ':', n);
	if (!colon)
		return n;
	size_t k = (size_t)(colon - line);
	const char *v = colon + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (size_t i = 0; i < r->nvalues; i++) {
		if (strlen(c->rq->want[i]) == k && strncasecmp(line, c->rq->want[i], k) == 0) {
			free(r->values[i]);
			r->values[i] = xstrndup(v, (size_t)(end - v));
		}
	}
	return n;
}

/* ---- the exchange ------------------------------------------------------------------------ */

/* Appends line to *list; -1 when libcurl could not (*list is kept). */
static int httpc_add(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);
	if (!l)
		return -1;
	*list = l;
	return 0;
}

static httpc_result httpc_result_of(CURLcode e, int too_big)
{
	switch (e) {
	case CURLE_OK:
		return HTTPC_OK;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTPC_TIMEOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTPC_CONNECT;
	case CURLE_FILESIZE_EXCEEDED: /* a Content-Length above CURLOPT_MAXFILESIZE_LARGE */
		return HTTPC_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return too_big ? HTTPC_TOO_LARGE : HTTPC_ERROR;
	default:
		return HTTPC_ERROR;
	}
}

httpc_result httpc_exchange(const httpc_request *rq, httpc_response *resp)
{
	struct httpc_call call = {.rq = rq, .resp = resp};
	struct curl_slist *hdrs = NULL;
	char *ctype = NULL;
	CURL *h = NULL;
	httpc_result rv = HTTPC_ERROR;
	CURLcode e;
	int post = 0;

	memset(resp, 0, sizeof *resp);
	resp->error = "invalid request";
	if (!httpc_request_valid(rq, &post))
		return HTTPC_ERROR;
	resp->error = "cannot set up the request";
	for (size_t i = 0; i < rq->nheaders; i++)
		if (httpc_add(&hdrs, rq->headers[i]) != 0)
			goto out;
	if (post && rq->content_type) {
		size_t n = strlen("Content-Type: ") + strlen(rq->content_type) + 1;
		ctype = xmalloc(n);
		snprintf(ctype, n, "Content-Type: %s", rq->content_type);
		if (httpc_add(&hdrs, ctype) != 0)
			goto out;
	}
	/* libcurl would ask a large POST body to be accepted first and wait for the answer. */
	if (post && httpc_add(&hdrs, "Expect:") != 0)
		goto out;
	if (rq->nwant) {
		resp->values = xcalloc(rq->nwant, sizeof *resp->values);
		resp->nvalues = rq->nwant;
	}
	if (!(h = curl_easy_init()))
		goto out;
	if (curl_easy_setopt(h, CURLOPT_URL, rq->url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    /* Workers are threads: no signals for timeouts (nor for name resolution). */
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, rq->timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	                     rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms
	                                                : rq->timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)rq->max_body) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, httpc_on_body) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, &call) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, httpc_on_header) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HEADERDATA, &call) != CURLE_OK)
		goto out;
	if (post) {
		if (curl_easy_setopt(h, CURLOPT_POST, 1L) != CURLE_OK ||
		    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len) !=
		            CURLE_OK ||
		    curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "") != CURLE_OK)
			goto out;
	} else if (curl_easy_setopt(h, CURLOPT_HTTPGET, 1L) != CURLE_OK) {
		goto out;
	}

	e = curl_easy_perform(h);
	rv = httpc_result_of(e, call.too_big);
	if (rv == HTTPC_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
		if (!resp->body)
			resp->body = xstrdup("");
		resp->error = "";
	} else {
		resp->error = rv == HTTPC_TOO_LARGE ? "response too large" : curl_easy_strerror(e);
	}
out:
	if (rv != HTTPC_OK)
		httpc_response_free(resp); /* what a failed exchange collected */
	if (h)
		curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	free(ctype);
	return rv;
}
