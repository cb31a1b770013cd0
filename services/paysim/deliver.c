/* paysim's delivery threads: notifies posted to the merchant when due, as the providers send
 * them (at least once; the merchant's answer is counted, a failure is not retried here — the
 * merchant's query settles it). Lock order: deliver_mu, then storms_mu. */
#include "paysim.h"

#include "httpc.h"
#include "log.h"
#include "mem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sim_storm {
	long id;
	size_t deliveries;
	atomic_long done, accepted, refused, failed, bad_sent, bad_refused;
};

typedef struct node {
	sim_msg *m;
	struct node *next;
} node;

static pthread_mutex_t deliver_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t deliver_cv = PTHREAD_COND_INITIALIZER;
static node *queue; /* sorted by due_ms */
static int stopping;
static pthread_t *workers;
static int nworkers;

/* Every storm stays until the end: queued messages point at theirs. */
static pthread_mutex_t storms_mu = PTHREAD_MUTEX_INITIALIZER;
static sim_storm **storms;
static size_t nstorms;

int64_t paysim_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msg_free(sim_msg *m)
{
	free(m->url);
	free(m->content_type);
	free(m->body);
	for (int i = 0; i < 4; i++)
		free(m->headers[i]);
	free(m);
}

void paysim_deliver_push(sim_msg *m)
{
	node *n = xmalloc(sizeof *n);
	n->m = m;
	pthread_mutex_lock(&deliver_mu);
	node **p = &queue;
	while (*p && (*p)->m->due_ms <= m->due_ms)
		p = &(*p)->next;
	n->next = *p;
	*p = n;
	pthread_cond_broadcast(&deliver_cv);
	pthread_mutex_unlock(&deliver_mu);
}

/* The answers per trade, for the tests' control API (storms are counted apart). */
typedef struct answers {
	char trade[65];
	int status[16];
	int n;
} answers;
static pthread_mutex_t answers_mu = PTHREAD_MUTEX_INITIALIZER;
static answers *answer_log;
static size_t nanswers;

static void answers_add(const char *trade, int status)
{
	pthread_mutex_lock(&answers_mu);
	answers *a = NULL;
	for (size_t i = 0; i < nanswers && !a; i++)
		if (strcmp(answer_log[i].trade, trade) == 0)
			a = &answer_log[i];
	if (!a) {
		answer_log = xrealloc(answer_log, (nanswers + 1) * sizeof *answer_log);
		a = &answer_log[nanswers++];
		memset(a, 0, sizeof *a);
		snprintf(a->trade, sizeof a->trade, "%s", trade);
	}
	if (a->n < 16)
		a->status[a->n++] = status;
	pthread_mutex_unlock(&answers_mu);
}

char *paysim_answers_json(const char *out_trade_no)
{
	char buf[256] = "[";
	size_t len = 1;
	pthread_mutex_lock(&answers_mu);
	for (size_t i = 0; i < nanswers; i++)
		if (strcmp(answer_log[i].trade, out_trade_no) == 0)
			for (int k = 0; k < answer_log[i].n; k++)
				len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%d",
				                        k ? "," : "", answer_log[i].status[k]);
	pthread_mutex_unlock(&answers_mu);
	snprintf(buf + len, sizeof buf - len, "]");
	return xstrdup(buf);
}

static void deliver_one(sim_msg *m)
{
	const char *headers[4];
	size_t nh = 0;
	for (int i = 0; i < 4; i++)
		if (m->headers[i])
			headers[nh++] = m->headers[i];
	httpc_request rq = {.method = "POST",
	                    .url = m->url,
	                    .headers = headers,
	                    .nheaders = nh,
	                    .content_type = m->content_type,
	                    .body = m->body,
	                    .body_len = strlen(m->body),
	                    .timeout_ms = 15000,
	                    .max_body = 65536};
	httpc_response r;
	httpc_result hr = httpc_exchange(&rq, &r);
	int ok = hr == HTTPC_OK && r.status >= 200 && r.status < 300 &&
	         (strcmp(m->content_type, "application/json") == 0 ||
	          strcmp(r.body, "success") == 0);
	log_kv(ok || m->bad ? LOGL_DEBUG : LOGL_WARN, NULL, "notify delivered", "url", m->url,
	       "status", hr == HTTPC_OK ? (ok ? "accepted" : "refused") : r.error, NULL);
	if (!m->storm && m->trade[0])
		answers_add(m->trade, hr == HTTPC_OK ? (int)r.status : 0);
	if (m->storm) {
		sim_storm *st = m->storm;
		if (hr != HTTPC_OK)
			atomic_fetch_add(&st->failed, 1);
		else if (ok)
			atomic_fetch_add(&st->accepted, 1);
		else
			atomic_fetch_add(&st->refused, 1);
		if (m->bad) {
			atomic_fetch_add(&st->bad_sent, 1);
			if (hr == HTTPC_OK && !ok)
				atomic_fetch_add(&st->bad_refused, 1);
		}
		atomic_fetch_add(&st->done, 1);
	}
	httpc_response_free(&r);
}

static void *deliver_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&deliver_mu);
	while (!stopping) {
		if (!queue) {
			pthread_cond_wait(&deliver_cv, &deliver_mu);
			continue;
		}
		int64_t now = paysim_now_ms();
		if (queue->m->due_ms > now) {
			struct timespec until = {.tv_sec = queue->m->due_ms / 1000,
			                         .tv_nsec = (queue->m->due_ms % 1000) * 1000000};
			pthread_cond_timedwait(&deliver_cv, &deliver_mu, &until);
			continue;
		}
		node *n = queue;
		queue = n->next;
		pthread_mutex_unlock(&deliver_mu);
		deliver_one(n->m);
		msg_free(n->m);
		free(n);
		pthread_mutex_lock(&deliver_mu);
	}
	pthread_mutex_unlock(&deliver_mu);
	return NULL;
}

int paysim_deliver_start(int threads)
{
	workers = xcalloc((size_t)threads, sizeof *workers);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&workers[i], NULL, deliver_main, NULL) != 0)
			return -1;
		nworkers++;
	}
	return 0;
}

void paysim_deliver_stop(void)
{
	pthread_mutex_lock(&deliver_mu);
	stopping = 1;
	pthread_cond_broadcast(&deliver_cv);
	pthread_mutex_unlock(&deliver_mu);
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	free(workers);
	while (queue) {
		node *n = queue;
		queue = n->next;
		msg_free(n->m);
		free(n);
	}
	for (size_t i = 0; i < nstorms; i++)
		free(storms[i]);
	free(storms);
	free(answer_log);
}

sim_storm *paysim_storm_new(size_t deliveries)
{
	sim_storm *st = xcalloc(1, sizeof *st);
	st->deliveries = deliveries;
	pthread_mutex_lock(&storms_mu);
	storms = xrealloc(storms, (nstorms + 1) * sizeof *storms);
	storms[nstorms++] = st;
	st->id = (long)nstorms;
	pthread_mutex_unlock(&storms_mu);
	return st;
}

long paysim_storm_id(const sim_storm *st) { return st->id; }

char *paysim_storm_json(long id)
{
	char *out = NULL;
	pthread_mutex_lock(&storms_mu);
	sim_storm *st = id >= 1 && (size_t)id <= nstorms ? storms[id - 1] : NULL;
	if (st) {
		char buf[512];
		snprintf(buf, sizeof buf,
		         "{\"id\":%ld,\"deliveries\":%zu,\"done\":%ld,\"accepted\":%ld,\"refused\":"
		         "%ld,"
		         "\"failed\":%ld,\"bad_sent\":%ld,\"bad_refused\":%ld,\"finished\":%s}",
		         st->id, st->deliveries, atomic_load(&st->done), atomic_load(&st->accepted),
		         atomic_load(&st->refused), atomic_load(&st->failed),
		         atomic_load(&st->bad_sent), atomic_load(&st->bad_refused),
		         (size_t)atomic_load(&st->done) == st->deliveries ? "true" : "false");
		out = xstrdup(buf);
	}
	pthread_mutex_unlock(&storms_mu);
	return out;
}
