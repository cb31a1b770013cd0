/*
 * HTTP exchanges of the API test runner, through libcurl's easy interface.
 * The racing exchanges run on threads of their own; they share only the
 * request, which they read, and the start line, under its mutex.
 */
#include "http.h"

#include "mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CONNECT_TIMEOUT_MS 10000L
#define MAX_RESPONSE       ((size_t)64 << 20)

char *http_url(const char *base, const char *path)
{
	struct strbuf b = {0};
	strbuf_add(&b, "", 0);
	if (strncmp(path, "http://", 7) != 0 && strncmp(path, "https://", 8) != 0) {
		size_t bl = strlen(base);
		if (bl > 0 && base[bl - 1] == '/' && path[0] == '/')
			bl--;
		strbuf_add(&b, base, bl);
	}
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if (*s >= 0x80 || *s == ' ')
			strbuf_printf(&b, "%%%02X", *s);
		else
			strbuf_add(&b, s, 1);
	}
	return b.p;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_response *r = arg;
	size_t n = size * nmemb;
	if (r->body.len + n > MAX_RESPONSE) {
		r->too_big = 1;
		return 0;
	}
	strbuf_add(&r->body, data, n);
	return n;
}

static void clear_headers(struct http_response *r)
{
	for (size_t i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	r->nhdrs = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_response *r = arg;
	size_t n = size * nmemb;
	/* A new status line (after a 100 Continue) starts a new header block. */
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		clear_headers(r);
		return n;
	}
	const char *colon = memchr(data, ':', n);
	if (!colon)
		return n;
	const char *v = colon + 1, *end = data + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	if (r->nhdrs == r->caphdrs) {
		r->caphdrs = r->caphdrs ? r->caphdrs * 2 : 16;
		r->hdrs = xrealloc(r->hdrs, r->caphdrs * sizeof *r->hdrs);
	}
	struct http_header *h = &r->hdrs[r->nhdrs++];
	h->name = xstrndup(data, (size_t)(colon - data));
	for (char *s = h->name; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	h->value = xstrndup(v, (size_t)(end - v));
	return n;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int http_exchange(CURL *h, const struct http_request *rq, struct http_response *resp, char *err,
                  size_t errlen)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, HTTP_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "api-test/1");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, rq->headers);
	if (strcmp(rq->method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (rq->has_body || strcmp(rq->method, "POST") == 0) {
		const char *body = rq->body && rq->body->p ? rq->body->p : "";
		curl_off_t len = rq->body ? (curl_off_t)rq->body->len : 0;
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		if (strcmp(rq->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
	} else if (strcmp(rq->method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
	}
	double t0 = now_ms();
	CURLcode rc = curl_easy_perform(h);
	resp->ms = now_ms() - t0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	if (rc == CURLE_OK)
		return 0;
	if (resp->too_big) {
		snprintf(err, errlen, "response larger than %zu bytes", MAX_RESPONSE);
		return -1;
	}
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	/* A server refusing a large body may answer and close before reading it all. */
	if ((rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR) && resp->status > 0) {
		resp->ended_early = 1;
		return 0;
	}
	snprintf(err, errlen, "%s %s: %s (after %.0f ms)", rq->method, rq->url, why, resp->ms);
	return -1;
}

/* The start line of http_exchange_parallel(): each thread, once ready, waits for go. */
struct race {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready;
	int go; /* 0: wait; 1: send; -1: give up */
	const struct http_request *rq;
};

struct racer {
	struct race *race;
	struct http_result *res;
};

static void *racer_run(void *arg)
{
	struct racer *me = arg;
	struct race *race = me->race;
	struct http_result *res = me->res;
	CURL *h = curl_easy_init();
	pthread_mutex_lock(&race->mu);
	race->ready++;
	pthread_cond_broadcast(&race->cv);
	while (race->go == 0)
		pthread_cond_wait(&race->cv, &race->mu);
	int go = race->go;
	pthread_mutex_unlock(&race->mu);
	if (go < 0) {
		res->failed = 1;
		snprintf(res->err, sizeof res->err, "not sent");
	} else if (!h) {
		res->failed = 1;
		snprintf(res->err, sizeof res->err, "cannot create a curl handle");
	} else if (http_exchange(h, race->rq, &res->resp, res->err, sizeof res->err) != 0) {
		res->failed = 1;
	}
	if (h)
		curl_easy_cleanup(h);
	return NULL;
}

int http_exchange_parallel(const struct http_request *rq, size_t n, struct http_result *out,
                           char *err, size_t errlen)
{
	struct race race = {.rq = rq};
	pthread_t *threads = xcalloc(n, sizeof *threads);
	struct racer *racers = xcalloc(n, sizeof *racers);
	size_t started = 0;
	int rc = -1, e = 0;
	pthread_mutex_init(&race.mu, NULL);
	pthread_cond_init(&race.cv, NULL);
	for (; started < n; started++) {
		racers[started] = (struct racer){.race = &race, .res = &out[started]};
		e = pthread_create(&threads[started], NULL, racer_run, &racers[started]);
		if (e != 0)
			break;
	}
	pthread_mutex_lock(&race.mu);
	while (e == 0 && race.ready < n)
		pthread_cond_wait(&race.cv, &race.mu);
	race.go = e == 0 ? 1 : -1;
	pthread_cond_broadcast(&race.cv);
	pthread_mutex_unlock(&race.mu);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (e != 0) {
		snprintf(err, errlen, "cannot start thread %zu of %zu: %s", started + 1, n,
		         strerror(e));
		goto out;
	}
	rc = 0;
out:
	pthread_cond_destroy(&race.cv);
	pthread_mutex_destroy(&race.mu);
	free(racers);
	free(threads);
	return rc;
}

const char *http_header(const struct http_response *r, const char *name, size_t nth)
{
	for (size_t i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, name) == 0 && nth-- == 0)
			return r->hdrs[i].value;
	return NULL;
}

json_t *http_cookie(const struct http_response *r, const char *name)
{
	size_t n = strlen(name);
	const char *v;
	for (size_t i = 0; (v = http_header(r, "set-cookie", i)); i++) {
		if (strncmp(v, name, n) == 0 && v[n] == '=')
			return json_stringn(v + n + 1, strcspn(v + n + 1, ";"));
	}
	return NULL;
}

void http_response_free(struct http_response *r)
{
	clear_headers(r);
	free(r->hdrs);
	free(r->body.p);
}
