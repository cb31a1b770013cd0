/*
 * The sandbox disclosure platform: the bundled data set answering in the wire format
 * (disclosure.h), and the check of an inquiry's acceptor through either provider.
 */
#include "disclosure.h"

#include "httpc.h"
#include "log.h"
#include "mem.h"
#include "status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const disclosure_provider_names[] = {"sandbox", "http", NULL};

struct disclosure_sandbox {
	json_t *by_name; /* name -> the 200 answer's object */
};

struct disclosure_provider {
	int sandbox;
	struct disclosure_sandbox *data;
	const char *url;
	long timeout_ms;
};

int disclosure_wire_parse(long status, const char *body, size_t len, arena *a,
                          disclosure_acceptor *out)
{
	if (status == 404)
		return 1;
	if (status != 200 || !body)
		return -1;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	const char *name = NULL, *type = NULL, *uscc = "", *on = NULL;
	int overdue = 0;
	int rv = -1;
	if (j && json_unpack(j, "{s:s, s:s, s?s, s:s, s:b}", "name", &name, "type", &type, "uscc",
	                     &uscc, "disclosed_on", &on, "persistently_overdue", &overdue) == 0) {
		out->name = arena_strdup(a, name);
		out->type = arena_strdup(a, type);
		out->uscc = arena_strdup(a, uscc);
		out->disclosed_on = arena_strdup(a, on);
		out->persistently_overdue = overdue;
		rv = 0;
	}
	json_decref(j);
	return rv;
}

/* One line of the CSV into its five fields (no quoting: the data set has no commas). */
static int sandbox_fields(char *line, char *f[5])
{
	int n = 0;
	char *p = line;
	while (n < 5) {
		f[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n == 5 ? 0 : -1;
}

int disclosure_sandbox_load(const char *file, struct disclosure_sandbox **out)
{
	FILE *fp = fopen(file, "r");
	char line[1024];
	int rv = 0;
	if (!fp) {
		log_kv(LOGL_ERROR, NULL, "disclosure sandbox file not readable", "file", file,
		       NULL);
		return -1;
	}
	struct disclosure_sandbox *s = xcalloc(1, sizeof *s);
	s->by_name = json_object();
	while (rv == 0 && fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char *f[5];
		if (sandbox_fields(line, f) != 0) {
			log_kv(LOGL_ERROR, NULL, "disclosure sandbox line malformed", "file", file,
			       NULL);
			rv = -1;
			break;
		}
		json_object_set_new(s->by_name, f[0],
		                    json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", f[0], "type",
		                              f[1], "uscc", f[2], "disclosed_on", f[3],
		                              "persistently_overdue", strcmp(f[4], "1") == 0));
	}
	fclose(fp);
	if (rv != 0) {
		disclosure_sandbox_free(s);
		return rv;
	}
	*out = s;
	return 0;
}

void disclosure_sandbox_serve(const struct disclosure_sandbox *s, const char *name, long *status,
                              char **body, size_t *len)
{
	json_t *j = json_object_get(s->by_name, name);
	*status = j ? 200 : 404;
	*body = j ? json_dumps(j, JSON_COMPACT) : xstrdup("{\"error\":\"not_disclosed\"}");
	*len = strlen(*body);
}

void disclosure_sandbox_free(struct disclosure_sandbox *s)
{
	if (!s)
		return;
	json_decref(s->by_name);
	free(s);
}

int billfin_disclosure_check(svc_ctx *ctx, const char *name, const char *type,
                             disclosure_acceptor *out)
{
	const struct disclosure_provider *p = BILLFIN_APP(ctx)->disclosure;
	long status = 0;
	char *body = NULL;
	size_t len = 0;
	if (!p)
		return status_err(ST_DISCLOSURE_UNAVAILABLE, NULL);
	if (p->sandbox) {
		disclosure_sandbox_serve(p->data, name, &status, &body, &len);
	} else if (disclosure_http_get(p->url, p->timeout_ms, ctx->request_id, name, &status, &body,
	                               &len) != 0) {
		return status_err(ST_DISCLOSURE_UNAVAILABLE, NULL);
	}
	disclosure_acceptor a = {0};
	int r = disclosure_wire_parse(status, body, len, ctx->arena, &a);
	free(body);
	if (r < 0) {
		log_kv(LOGL_WARN, ctx->request_id, "disclosure platform answer malformed", NULL);
		return status_err(ST_DISCLOSURE_UNAVAILABLE, NULL);
	}
	if (r == 1)
		return status_err(ST_BILL_ACCEPTOR_UNDISCLOSED, "acceptor_name");
	if (strcmp(a.name, name) != 0 || strcmp(a.type, type) != 0)
		return status_err(ST_BILL_ACCEPTOR_MISMATCH, "acceptor_type");
	if (a.persistently_overdue)
		return status_err(ST_BILL_ACCEPTOR_OVERDUE, "acceptor_name");
	*out = a;
	return ST_OK;
}

int billfin_disclosure_open(struct billfin_app *app)
{
	int sandbox = app->disclosure_kind != DISCLOSURE_PROVIDER_HTTP;
	if (sandbox && !app->development) {
		if (app->disclosure_kind < 0) {
			log_kv(LOGL_ERROR, NULL,
			       "production mode needs DISCLOSURE_PROVIDER set explicitly (http, or "
			       "sandbox for a staging system)",
			       NULL);
			return ST_INTERNAL;
		}
		log_kv(LOGL_WARN, NULL,
		       "disclosure sandbox in production mode: acceptors are NOT checked against "
		       "the real platform",
		       NULL);
	}
	struct disclosure_provider *p = xcalloc(1, sizeof *p);
	p->sandbox = sandbox;
	p->url = app->disclosure_url;
	p->timeout_ms = app->disclosure_timeout_ms;
	if (sandbox && disclosure_sandbox_load(app->disclosure_file, &p->data) != 0) {
		free(p);
		return ST_INTERNAL;
	}
	if (!sandbox && (!p->url || (strncmp(p->url, "https://", 8) != 0 &&
	                             (!app->development || strncmp(p->url, "http://", 7) != 0)))) {
		log_kv(LOGL_ERROR, NULL, "DISCLOSURE_URL must be an https URL", NULL);
		free(p);
		return ST_INTERNAL;
	}
	if (!sandbox && httpc_global_init() != ST_OK) {
		free(p);
		return ST_INTERNAL;
	}
	app->disclosure = p;
	return ST_OK;
}

void billfin_disclosure_close(struct billfin_app *app)
{
	if (!app->disclosure)
		return;
	if (!app->disclosure->sandbox)
		httpc_global_cleanup();
	disclosure_sandbox_free(app->disclosure->data);
	free(app->disclosure);
	app->disclosure = NULL;
}
