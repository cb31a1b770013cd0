/*
 * The development mail sink: every e-mail becomes one JSON line {to, subject, text, html,
 * attachments: [{filename, content_type, size}], delivery_id, sent_at} appended to
 * $VAR_DIR/mail/outbox.jsonl (O_APPEND, one write() per line, as the SMS sink), and
 * ListDevMail reads them back in development mode only.
 */
#include "notify.h"

#include "httpc.h"
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

#define NOTIFY_MAIL_LIST_MAX 50

struct notify_mail_dev {
	notify_mail_provider base; /* first */
	char *path;
};

static int notify_mail_dev_send(notify_mail_provider *p_, const notify_mail_msg *m,
                                const char *request_id)
{
	struct notify_mail_dev *p = (struct notify_mail_dev *)p_;
	char sent_at[64];
	int fd = -1, rv = NOTIFY_SEND_FAILED;
	char *line = NULL;
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(sent_at, sizeof sent_at, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
	json_t *atts = json_array();
	for (size_t i = 0; i < m->nattachments; i++)
		json_array_append_new(atts, json_pack("{s:s, s:s, s:I}", "filename",
		                                      m->attachments[i].filename, "content_type",
		                                      m->attachments[i].content_type, "size",
		                                      (json_int_t)m->attachments[i].len));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:s?, s:s}", "to", m->to, "subject",
	                      m->subject, "text", m->text, "html", m->html, "attachments", atts,
	                      "delivery_id", m->delivery_id, "sent_at", sent_at);
	if (!o)
		goto out;
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!line)
		goto out;
	size_t len = strlen(line);
	line[len++] = '\n';
	fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, len) != (ssize_t)len)
		goto out;
	rv = 0;
out:
	if (rv != 0)
		log_kv(LOGL_ERROR, request_id, "dev mail sink write failed", "path", p->path,
		       "error", strerror(errno), NULL);
	if (fd >= 0)
		close(fd);
	free(line);
	return rv;
}

static int notify_mail_dev_sent_before(notify_mail_provider *p_, const char *delivery_id)
{
	return notify_sink_has(((struct notify_mail_dev *)p_)->path, delivery_id, NULL);
}

static void notify_mail_dev_free(notify_mail_provider *p_)
{
	struct notify_mail_dev *p = (struct notify_mail_dev *)p_;
	if (!p)
		return;
	free(p->path);
	free(p);
}

notify_mail_provider *notify_mail_dev_new(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (slash && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_kv(LOGL_ERROR, NULL, "cannot create the dev mail sink directory", "path", dir,
		       "error", strerror(errno), NULL);
		return NULL;
	}
	struct notify_mail_dev *p = xcalloc(1, sizeof *p);
	p->base.name = "dev";
	p->base.send = notify_mail_dev_send;
	p->base.sent_before = notify_mail_dev_sent_before;
	p->base.free = notify_mail_dev_free;
	p->path = xstrdup(path);
	return &p->base;
}

/* ---- ListDevMail -------------------------------------------------------------------- */

static char *notify_json_text(arena *a, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? arena_strdup(a, s) : NULL;
}

static Notify__DevMail *notify_dev_mail_from(arena *a, json_t *o)
{
	Notify__DevMail *it = arena_alloc(a, sizeof *it);
	notify__dev_mail__init(it);
	it->to = notify_json_text(a, o, "to");
	it->subject = notify_json_text(a, o, "subject");
	it->text = notify_json_text(a, o, "text");
	it->html = notify_json_text(a, o, "html");
	it->delivery_id = notify_json_text(a, o, "delivery_id");
	it->sent_at = notify_json_text(a, o, "sent_at");
	json_t *atts = json_object_get(o, "attachments");
	size_t n = json_array_size(atts);
	it->attachments = arena_alloc(a, (n ? n : 1) * sizeof *it->attachments);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(atts, i);
		Notify__DevMailAttachment *d = arena_alloc(a, sizeof *d);
		notify__dev_mail_attachment__init(d);
		d->filename = notify_json_text(a, x, "filename");
		d->content_type = notify_json_text(a, x, "content_type");
		d->has_size = 1;
		d->size = (int32_t)json_integer_value(json_object_get(x, "size"));
		it->attachments[it->n_attachments++] = d;
	}
	return it;
}

int notify_mail_dev_list(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Notify__ListDevMailRequest *in = (const Notify__ListDevMailRequest *)in_;
	struct notify_app *app = NOTIFY_APP(ctx);
	if (!config_is_development(app->common))
		return status_err(ST_NOT_FOUND, NULL);
	if (!in->to || !*in->to)
		return status_err(ST_FIELD_REQUIRED, "to");
	json_t *ring[NOTIFY_MAIL_LIST_MAX] = {0};
	size_t seen = 0, cap = 0;
	char *line = NULL;
	FILE *f = fopen(app->mail_sink_path, "re");
	if (f) {
		while (getline(&line, &cap, f) > 0) {
			json_t *o = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
			const char *to = json_string_value(json_object_get(o, "to"));
			if (!to || strcmp(to, in->to) != 0) {
				json_decref(o);
				continue;
			}
			json_decref(ring[seen % NOTIFY_MAIL_LIST_MAX]);
			ring[seen++ % NOTIFY_MAIL_LIST_MAX] = o;
		}
		fclose(f);
	}
	free(line);
	size_t n = seen < NOTIFY_MAIL_LIST_MAX ? seen : NOTIFY_MAIL_LIST_MAX;
	Notify__ListDevMailResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	notify__list_dev_mail_response__init(resp);
	resp->items = arena_alloc(ctx->arena, (n ? n : 1) * sizeof *resp->items);
	for (size_t i = 0; i < n; i++)
		resp->items[resp->n_items++] = notify_dev_mail_from(
		        ctx->arena, ring[(seen - 1 - i) % NOTIFY_MAIL_LIST_MAX]);
	for (size_t i = 0; i < NOTIFY_MAIL_LIST_MAX; i++)
		json_decref(ring[i]);
	*out = &resp->base;
	return ST_OK;
}

/* ---- set-up ------------------------------------------------------------------------ */

const char *const notify_mail_provider_names[] = {"dev", "smtp", NULL};

int notify_mail_setup(struct notify_app *app)
{
	int dev = config_is_development(app->common);
	int kind = app->mail_provider >= 0 ? app->mail_provider
	           : dev                   ? NOTIFY_MAIL_DEV
	                                   : NOTIFY_MAIL_SMTP;
	snprintf(app->mail_sink_path, sizeof app->mail_sink_path, "%s/mail/outbox.jsonl",
	         app->common->var_dir);
	if (kind == NOTIFY_MAIL_DEV) {
		if (!dev) {
			log_kv(LOGL_ERROR, NULL,
			       "MAIL_PROVIDER=dev is refused when PLATFORM_MODE is production",
			       NULL);
			return ST_INTERNAL;
		}
		app->mail = notify_mail_dev_new(app->mail_sink_path);
	} else {
		if (!app->smtp.url || !*app->smtp.url || !app->smtp.from || !*app->smtp.from) {
			log_kv(LOGL_ERROR, NULL,
			       "the smtp mail provider needs MAIL_SMTP_URL and MAIL_FROM", NULL);
			return ST_INTERNAL;
		}
		if (!app->curl_ready) {
			if (httpc_global_init() != ST_OK)
				return ST_INTERNAL;
			app->curl_ready = 1;
		}
		app->mail = notify_mail_smtp_new(&app->smtp);
	}
	return app->mail ? ST_OK : ST_INTERNAL;
}

void notify_mail_teardown(struct notify_app *app)
{
	if (app->mail)
		app->mail->free(app->mail);
	app->mail = NULL;
}
