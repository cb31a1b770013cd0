/*
 * The sandbox bank: a payout ledger in one file of JSON lines (one accepted order a line:
 * request_id, reference, account_number, account_name, bank_name, amount_fen, memo,
 * accepted_ms). An order is accepted at once (processing) and settles settle_ms later,
 * succeeded or failed by the account number's ending (payout_sandbox_outcome); nothing
 * but time moves it, so every replica and restart sees the same answer without a
 * background job. Submissions take an exclusive flock while they look the request id up
 * and append, so the same id is accepted once across workers and replicas. The file is
 * also the development bank statement (the credits whose settle time has passed).
 */
#include "payout.h"

#include "crypto.h"
#include "log.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct payout_sandbox {
	payout_provider base; /* first: the provider pointer is the struct's */
	char *path;
	long settle_ms;
};

static int64_t sandbox_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sandbox_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

payout_state payout_sandbox_outcome(const char *account_number, const char **reason, long *hold_ms)
{
	*reason = NULL;
	*hold_ms = 0;
	if (sandbox_ends_with(account_number, PAYOUT_SANDBOX_NO_ACCOUNT)) {
		*reason = "账户不存在";
		return PAYOUT_FAILED;
	}
	if (sandbox_ends_with(account_number, PAYOUT_SANDBOX_NAME_WRONG)) {
		*reason = "户名不符";
		return PAYOUT_FAILED;
	}
	if (sandbox_ends_with(account_number, PAYOUT_SANDBOX_SLOW)) {
		*hold_ms = PAYOUT_SANDBOX_SLOW_MS;
		return PAYOUT_SUCCEEDED;
	}
	return PAYOUT_SUCCEEDED;
}

/* mkdir -p of the directory holding path. 0 or -1. */
static int sandbox_mkdirs_for(const char *path)
{
	char dir[1024];
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return -1;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* The status of a ledger line at now_ms. */
static void sandbox_status_of(const struct payout_sandbox *p, json_t *o, int64_t now_ms,
                              payout_status *out)
{
	const char *number = json_string_value(json_object_get(o, "account_number"));
	const char *ref = json_string_value(json_object_get(o, "reference"));
	int64_t accepted = json_integer_value(json_object_get(o, "accepted_ms"));
	const char *reason;
	long hold;
	payout_state end = payout_sandbox_outcome(number ? number : "", &reason, &hold);
	memset(out, 0, sizeof *out);
	snprintf(out->reference, sizeof out->reference, "%s", ref ? ref : "");
	if (now_ms < accepted + p->settle_ms + hold) {
		out->state = PAYOUT_PROCESSING;
		return;
	}
	out->state = end;
	if (reason)
		snprintf(out->reason, sizeof out->reason, "%s", reason);
}

/* The ledger line of id from f (read from its start), or NULL; the caller decrefs. */
static json_t *sandbox_find(FILE *f, const char *id)
{
	char *line = NULL;
	size_t cap = 0;
	json_t *found = NULL;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
		const char *rid = json_string_value(json_object_get(o, "request_id"));
		if (rid && strcmp(rid, id) == 0) {
			json_decref(found); /* the last line wins; there is one */
			found = o;
			continue;
		}
		json_decref(o);
	}
	free(line);
	return found;
}

static int sandbox_submit(payout_provider *p_, const payout_order *o, const char *request_id,
                          payout_status *out)
{
	struct payout_sandbox *p = (struct payout_sandbox *)p_;
	int rv = ST_UNAVAILABLE, fd = -1;
	FILE *f = NULL;
	char *line = NULL;
	json_t *have = NULL, *rec = NULL;
	fd = open(p->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0)
		goto out;
	if (!(f = fdopen(fd, "r")))
		goto out;
	if ((have = sandbox_find(f, o->request_id))) {
		/* The same request id again: the order already accepted, no second payment. */
		sandbox_status_of(p, have, sandbox_now_ms(), out);
		rv = ST_OK;
		goto out;
	}
	char ref[40] = "SBX";
	if (crypto_token(ref + 3, sizeof ref - 3, 12) != 0)
		goto out;
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I}", "request_id", o->request_id,
	                "reference", ref, "account_number", o->account_number, "account_name",
	                o->account_name ? o->account_name : "", "bank_name",
	                o->bank_name ? o->bank_name : "", "amount_fen", (json_int_t)o->amount_fen,
	                "memo", o->memo ? o->memo : "", "accepted_ms",
	                (json_int_t)sandbox_now_ms());
	if (!rec || !(line = json_dumps(rec, JSON_COMPACT)))
		goto out;
	size_t len = strlen(line);
	line[len++] = '\n'; /* replaces the NUL: written with its length */
	if (write(fd, line, len) != (ssize_t)len)
		goto out;
	sandbox_status_of(p, rec, sandbox_now_ms(), out);
	rv = ST_OK;
out:
	if (rv != ST_OK)
		log_kv(LOGL_ERROR, request_id, "sandbox bank: payout not accepted", "path", p->path,
		       "error", strerror(errno), NULL);
	json_decref(have);
	json_decref(rec);
	free(line);
	if (f)
		fclose(f); /* closes fd, releasing the lock */
	else if (fd >= 0)
		close(fd);
	return rv;
}

static int sandbox_query(payout_provider *p_, const char *id, const char *request_id,
                         payout_status *out)
{
	struct payout_sandbox *p = (struct payout_sandbox *)p_;
	FILE *f = fopen(p->path, "re");
	if (!f) {
		if (errno == ENOENT)
			return ST_NOT_FOUND;
		log_kv(LOGL_ERROR, request_id, "sandbox bank: ledger unreadable", "path", p->path,
		       "error", strerror(errno), NULL);
		return ST_UNAVAILABLE;
	}
	json_t *o = sandbox_find(f, id);
	fclose(f);
	if (!o)
		return ST_NOT_FOUND;
	sandbox_status_of(p, o, sandbox_now_ms(), out);
	json_decref(o);
	return ST_OK;
}

/* ms since the epoch as RFC 3339 in Beijing time. */
static void sandbox_rfc3339(int64_t ms, char out[96])
{
	time_t t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *sandbox_str(arena *a, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return arena_strdup(a, s ? s : "");
}

int payout_sandbox_statement(payout_provider *p_, const char *account_number, size_t max, arena *a,
                             payout_credit **items, size_t *n, size_t *total)
{
	if (!p_ || strcmp(p_->name, "sandbox") != 0)
		return ST_NOT_FOUND;
	struct payout_sandbox *p = (struct payout_sandbox *)p_;
	json_t *credits = json_array();
	int64_t now = sandbox_now_ms();
	FILE *f = fopen(p->path, "re");
	if (f) {
		char *line = NULL;
		size_t cap = 0;
		while (getline(&line, &cap, f) > 0) {
			json_t *o = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
			const char *num = json_string_value(json_object_get(o, "account_number"));
			payout_status st;
			if (num && strcmp(num, account_number) == 0) {
				sandbox_status_of(p, o, now, &st);
				if (st.state == PAYOUT_SUCCEEDED)
					json_array_append(credits, o);
			}
			json_decref(o);
		}
		free(line);
		fclose(f);
	}
	size_t all = json_array_size(credits), k = all < max ? all : max;
	payout_credit *it = arena_alloc(a, (k ? k : 1) * sizeof *it);
	for (size_t i = 0; i < k; i++) {
		json_t *o = json_array_get(credits, all - 1 - i); /* newest first */
		char at[96];
		sandbox_rfc3339(
		        json_integer_value(json_object_get(o, "accepted_ms")) + p->settle_ms, at);
		it[i].account_number = sandbox_str(a, o, "account_number");
		it[i].account_name = sandbox_str(a, o, "account_name");
		it[i].reference = sandbox_str(a, o, "reference");
		it[i].memo = sandbox_str(a, o, "memo");
		it[i].credited_at = arena_strdup(a, at);
		it[i].amount_fen = json_integer_value(json_object_get(o, "amount_fen"));
	}
	json_decref(credits);
	*items = it;
	*n = k;
	*total = all;
	return ST_OK;
}

static void sandbox_free(payout_provider *p_)
{
	struct payout_sandbox *p = (struct payout_sandbox *)p_;
	if (!p)
		return;
	free(p->path);
	free(p);
}

int payout_sandbox_open(const payout_config *c, payout_provider **out)
{
	if (!c->sandbox_file || !*c->sandbox_file || sandbox_mkdirs_for(c->sandbox_file) != 0) {
		log_kv(LOGL_ERROR, NULL, "sandbox bank: cannot create the ledger's directory",
		       "path", c->sandbox_file ? c->sandbox_file : "", NULL);
		return -1;
	}
	struct payout_sandbox *p = xcalloc(1, sizeof *p);
	p->base.name = "sandbox";
	p->base.submit = sandbox_submit;
	p->base.query = sandbox_query;
	p->base.free = sandbox_free;
	p->path = xstrdup(c->sandbox_file);
	p->settle_ms = c->settle_ms;
	*out = &p->base;
	return 0;
}
