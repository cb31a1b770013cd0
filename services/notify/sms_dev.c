/*
 * The development SMS provider: every message becomes one JSON line
 * {phone, purpose, text, code, sent_at} appended to $VAR_DIR/sms/outbox.jsonl,
 * and ListDevSms reads them back (development mode only) so that people and
 * tests can use the codes. The file is opened with O_APPEND and each line is one
 * write(), so workers and replicas appending at once never interleave.
 */
#include "notify.h"

#include "log.h"
#include "notify.pb-c.h"
#include "status.h"
#include "validate.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NOTIFY_DEV_LIST_MAX 50

struct notify_sms_dev {
	notify_sms_provider base; /* first: the provider pointer is the struct's */
	char *path;
	char *fault_path;
};

/* The behaviour SetDevSmsFault chose: 0 (ok, or no file) or a NOTIFY_SEND_* failure. */
static int notify_sms_dev_fault(const char *path)
{
	char mode[32] = "";
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(mode, sizeof mode, f))
		mode[0] = '\0';
	fclose(f);
	mode[strcspn(mode, "\n")] = '\0';
	if (strcmp(mode, "fail") == 0)
		return NOTIFY_SEND_FAILED;
	if (strcmp(mode, "timeout") == 0) {
		/* A provider that does not answer costs the sender time; a short one here. */
		struct timespec ts = {0, 100 * 1000000L};
		nanosleep(&ts, NULL);
		return NOTIFY_SEND_TIMEOUT;
	}
	if (strcmp(mode, "rate_limit") == 0)
		return NOTIFY_SEND_RATE_LIMITED;
	if (strcmp(mode, "slow_ack") == 0)
		return 1;
	return 0;
}

/* mkdir -p of the directory holding path. 0 or -1. */
static int notify_mkdirs_for(const char *path)
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

/* Now as RFC 3339 in Beijing time: 2026-12-02T10:15:03.123+08:00. */
static void notify_now_rfc3339(char out[96])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t t = ts.tv_sec + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%03ld+08:00", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static int notify_sms_dev_send(notify_sms_provider *p_, const notify_sms_msg *m,
                               const char *request_id)
{
	struct notify_sms_dev *p = (struct notify_sms_dev *)p_;
	const char *code = NULL;
	char sent_at[96], masked[16];
	int fd = -1, rv = -1;
	char *line = NULL;
	for (size_t i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, "code") == 0)
			code = m->params[i].value;
	int fault = notify_sms_dev_fault(p->fault_path);
	if (fault < 0) {
		validate_mask_mobile(m->phone, masked);
		log_kv(LOGL_WARN, request_id, "sandbox sms provider told to fail", "provider",
		       p->base.name, "phone", masked, NULL);
		return fault;
	}
	notify_now_rfc3339(sent_at);
	json_t *o =
	        json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s?}", "phone", m->phone, "purpose",
	                  m->purpose ? m->purpose : "", "text", m->text, "code", code, "sent_at",
	                  sent_at, "provider", p->base.name, "delivery_id", m->delivery_id);
	if (!o)
		goto out;
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!line)
		goto out;
	size_t len = strlen(line);
	line[len++] = '\n'; /* replaces the NUL: written with its length, not as a string */
	fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT && notify_mkdirs_for(p->path) == 0)
		fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	/* One write per line: a short write on a local file means the disk is full. */
	if (write(fd, line, len) != (ssize_t)len)
		goto out;
	rv = 0;
	if (fault == 1) {
		/* Accepted, the answer slow to come back (slow_ack). */
		struct timespec ts = {3, 0};
		nanosleep(&ts, NULL);
	}
out:
	validate_mask_mobile(m->phone, masked);
	if (rv != 0)
		log_kv(LOGL_ERROR, request_id, "dev sms sink write failed", "path", p->path,
		       "error", strerror(errno), "phone", masked, NULL);
	if (fd >= 0)
		close(fd);
	free(line);
	return rv;
}

int notify_sink_has(const char *path, const char *delivery_id, const char *provider)
{
	char needle[128];
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	if (!delivery_id || snprintf(needle, sizeof needle, "\"delivery_id\":\"%s\"",
	                             delivery_id) >= (int)sizeof needle)
		return -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (!found && getline(&line, &cap, f) > 0) {
		if (!strstr(line, needle))
			continue;
		json_t *o = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
		const char *id = json_string_value(json_object_get(o, "delivery_id"));
		const char *pv = json_string_value(json_object_get(o, "provider"));
		found = id && strcmp(id, delivery_id) == 0 &&
		        (!provider || (pv && strcmp(pv, provider) == 0));
		json_decref(o);
	}
	int err = ferror(f);
	fclose(f);
	free(line);
	return found ? 1 : err ? -1 : 0;
}

static int notify_sms_dev_sent_before(notify_sms_provider *p_, const char *delivery_id)
{
	struct notify_sms_dev *p = (struct notify_sms_dev *)p_;
	return notify_sink_has(p->path, delivery_id, p->base.name);
}

static void notify_sms_dev_free(notify_sms_provider *p_)
{
	struct notify_sms_dev *p = (struct notify_sms_dev *)p_;
	if (!p)
		return;
	free(p->path);
	free(p->fault_path);
	free(p);
}

notify_sms_provider *notify_sms_dev_new(const char *name, const char *path, const char *fault_path)
{
	if (notify_mkdirs_for(path) != 0) {
		log_kv(LOGL_ERROR, NULL, "cannot create the dev sms sink directory", "path", path,
		       "error", strerror(errno), NULL);
		return NULL;
	}
	struct notify_sms_dev *p = xcalloc(1, sizeof *p);
	p->base.name = name;
	p->base.send = notify_sms_dev_send;
	p->base.sent_before = notify_sms_dev_sent_before;
	p->base.free = notify_sms_dev_free;
	p->path = xstrdup(path);
	p->fault_path = xstrdup(fault_path);
	return &p->base;
}

/* ---- ListDevSms ------------------------------------------------------------------ */

static char *notify_json_str(arena *a, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? arena_strdup(a, s) : NULL;
}

int notify_sms_dev_list(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__ListDevSmsRequest *in = (const Notify__ListDevSmsRequest *)in_;
	struct notify_app *app = NOTIFY_APP(ctx);
	/* The route is refused by the gateway outside development too; this is the
	 * service's own guard, so no other caller on the bus can read codes either. */
	if (!config_is_development(app->common))
		return status_err(ST_NOT_FOUND, NULL);
	if (!in->phone || !*in->phone)
		return status_err(ST_FIELD_REQUIRED, "phone");
	if (validate_mobile(in->phone) != 0)
		return status_err(ST_MOBILE_INVALID, "phone");

	/* The newest NOTIFY_DEV_LIST_MAX lines of this phone (of that purpose), in a ring: a
	 * code asked for just now is items[0] even when a notification SMS to the same phone
	 * is written after it. */
	json_t *ring[NOTIFY_DEV_LIST_MAX] = {0};
	size_t seen = 0;
	char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen(app->sink_path, "re");
	if (f) {
		while (getline(&line, &cap, f) > 0) {
			json_t *o = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
			const char *phone = json_string_value(json_object_get(o, "phone"));
			const char *purpose = json_string_value(json_object_get(o, "purpose"));
			if (!phone || strcmp(phone, in->phone) != 0 ||
			    (in->purpose && *in->purpose &&
			     (!purpose || strcmp(purpose, in->purpose) != 0))) {
				json_decref(o);
				continue;
			}
			json_decref(ring[seen % NOTIFY_DEV_LIST_MAX]);
			ring[seen++ % NOTIFY_DEV_LIST_MAX] = o;
		}
		fclose(f);
	}
	free(line);

	size_t n = seen < NOTIFY_DEV_LIST_MAX ? seen : NOTIFY_DEV_LIST_MAX;
	Notify__ListDevSmsResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	notify__list_dev_sms_response__init(resp);
	resp->items = arena_alloc(ctx->arena, (n ? n : 1) * sizeof *resp->items);
	for (size_t i = 0; i < n; i++) {
		json_t *o = ring[(seen - 1 - i) % NOTIFY_DEV_LIST_MAX];
		Notify__DevSms *it = arena_alloc(ctx->arena, sizeof *it);
		notify__dev_sms__init(it);
		it->phone = notify_json_str(ctx->arena, o, "phone");
		it->purpose = notify_json_str(ctx->arena, o, "purpose");
		it->text = notify_json_str(ctx->arena, o, "text");
		it->code = notify_json_str(ctx->arena, o, "code");
		it->sent_at = notify_json_str(ctx->arena, o, "sent_at");
		it->provider = notify_json_str(ctx->arena, o, "provider");
		it->delivery_id = notify_json_str(ctx->arena, o, "delivery_id");
		resp->items[resp->n_items++] = it;
	}
	for (size_t i = 0; i < NOTIFY_DEV_LIST_MAX; i++)
		json_decref(ring[i]);
	*out = &resp->base;
	return ST_OK;
}

/* ---- SetDevSmsFault ---------------------------------------------------------------- */

int notify_sms_dev_fault_set(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__SetDevSmsFaultRequest *in = (const Notify__SetDevSmsFaultRequest *)in_;
	struct notify_app *app = NOTIFY_APP(ctx);
	static const char *const modes[] = {"ok", "fail", "timeout", "rate_limit", "slow_ack"};
	char path[1100];
	size_t i;
	/* The sandbox's control exists in development only, like the sink. */
	if (!config_is_development(app->common))
		return status_err(ST_NOT_FOUND, NULL);
	if (!in->provider ||
	    (strcmp(in->provider, "primary") != 0 && strcmp(in->provider, "secondary") != 0))
		return status_err(ST_FIELD_RANGE, "provider");
	for (i = 0; in->mode && i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(in->mode, modes[i]) == 0)
			break;
	if (!in->mode || i == sizeof modes / sizeof modes[0])
		return status_err(ST_FIELD_RANGE, "mode");
	snprintf(path, sizeof path, "%s/sms/fault-%s", app->common->var_dir, in->provider);
	if (i == 0) {
		if (unlink(path) != 0 && errno != ENOENT)
			return status_err(ST_INTERNAL, NULL);
	} else {
		FILE *f = fopen(path, "we");
		if (!f || fprintf(f, "%s\n", modes[i]) < 0) {
			if (f)
				fclose(f);
			return status_err(ST_INTERNAL, NULL);
		}
		if (fclose(f) != 0)
			return status_err(ST_INTERNAL, NULL);
	}
	Notify__SetDevSmsFaultResponse *r = arena_alloc(ctx->arena, sizeof *r);
	notify__set_dev_sms_fault_response__init(r);
	r->provider = arena_strdup(ctx->arena, in->provider);
	r->mode = arena_strdup(ctx->arena, modes[i]);
	*out = &r->base;
	return ST_OK;
}
