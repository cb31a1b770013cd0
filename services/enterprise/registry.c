/*
 * Business-registry look-ups: SearchRegistry (autofill by USCC or name), LookupUscc (bus
 * only) and enterprise_registry_lookup() for the other enterprise files; the provider
 * (sandbox or http, registry.h) is chosen and opened here.
 */
#include "registry.h"

#include "dblist.h"
#include "httpc.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct registry_provider {
	int sandbox;
	char *url; /* http: base without a trailing '/' */
	char *app_key;
	long timeout_ms;
	registry_dataset *data; /* sandbox */
	int curl_ready;
};

/* Time kept back from the request's deadline to reply after the registry answered. */
#define REGISTRY_DEADLINE_MARGIN_MS 100

/* ---- reference ---------------------------------------------------------------------------- */

int registry_status_certifiable(const char *status)
{
	return status && (strcmp(status, "存续") == 0 || strcmp(status, "在业") == 0);
}

const char *registry_industry_name(const char *section)
{
	/* GB/T 4754-2017 门类 A-T. */
	static const char *const names[] = {
	        "农、林、牧、渔业",
	        "采矿业",
	        "制造业",
	        "电力、热力、燃气及水生产和供应业",
	        "建筑业",
	        "批发和零售业",
	        "交通运输、仓储和邮政业",
	        "住宿和餐饮业",
	        "信息传输、软件和信息技术服务业",
	        "金融业",
	        "房地产业",
	        "租赁和商务服务业",
	        "科学研究和技术服务业",
	        "水利、环境和公共设施管理业",
	        "居民服务、修理和其他服务业",
	        "教育",
	        "卫生和社会工作",
	        "文化、体育和娱乐业",
	        "公共管理、社会保障和社会组织",
	        "国际组织",
	};
	if (!section || section[0] < 'A' || section[0] > 'T' || section[1] != '\0')
		return NULL;
	return names[section[0] - 'A'];
}

/* ---- the provider ------------------------------------------------------------------------ */

const char *const registry_provider_names[] = {"sandbox", "http", NULL};

int registry_provider_open(int kind, const char *url, const char *app_key, const char *sandbox_file,
                           long timeout_ms, int production, struct registry_provider **out)
{
	struct registry_provider *p;
	int sandbox = kind != REGISTRY_PROVIDER_HTTP;
	if (timeout_ms < 1) {
		log_kv(LOGL_ERROR, NULL, "REGISTRY_TIMEOUT_MS must be positive", NULL);
		return -1;
	}
	if (!sandbox && (!url || (strncmp(url, "https://", 8) != 0 &&
	                          (production || strncmp(url, "http://", 7) != 0)))) {
		log_kv(LOGL_ERROR, NULL,
		       production
		               ? "REGISTRY_URL must be an https URL in production mode"
		               : "REGISTRY_URL must be an http(s) URL for REGISTRY_PROVIDER=http",
		       NULL);
		return -1;
	}
	p = xcalloc(1, sizeof *p);
	p->sandbox = sandbox;
	p->timeout_ms = timeout_ms;
	if (sandbox) {
		if (!sandbox_file || registry_dataset_load(sandbox_file, &p->data) != 0) {
			free(p);
			return -1;
		}
		p->app_key = xstrdup(REGISTRY_SANDBOX_APP_KEY);
		log_kv(LOGL_INFO, NULL, "registry provider", "provider", "sandbox", "file",
		       sandbox_file, NULL);
	} else {
		if (httpc_global_init() != ST_OK) {
			log_kv(LOGL_ERROR, NULL, "curl_global_init failed", NULL);
			free(p);
			return -1;
		}
		p->curl_ready = 1;
		p->url = xstrdup(url);
		size_t n = strlen(p->url);
		while (n > 0 && p->url[n - 1] == '/')
			p->url[--n] = '\0';
		p->app_key = app_key && *app_key ? xstrdup(app_key) : NULL;
		log_kv(LOGL_INFO, NULL, "registry provider", "provider", "http", "url", p->url,
		       NULL);
	}
	*out = p;
	return 0;
}

void registry_provider_close(struct registry_provider *p)
{
	if (!p)
		return;
	if (p->curl_ready)
		httpc_global_cleanup();
	registry_dataset_free(p->data);
	free(p->url);
	free(p->app_key);
	free(p);
}

static long elapsed_us(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000000 + (t1.tv_nsec - t0->tv_nsec) / 1000);
}

int registry_provider_search(struct registry_provider *p, const registry_query *q, long timeout_ms,
                             const char *request_id, arena *a, registry_result *out)
{
	char path[512];
	registry_exchange x = {0};
	struct timespec t0;
	int rv;
	if (!p || registry_wire_path(q, path, sizeof path) != 0)
		return ST_REGISTRY_UNAVAILABLE;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	x.path = path;
	x.app_key = p->app_key;
	x.request_id = request_id;
	x.timeout_ms = timeout_ms > 0 && timeout_ms < p->timeout_ms ? timeout_ms : p->timeout_ms;
	if (p->sandbox)
		registry_sandbox_serve(p->data, &x);
	else
		registry_http_get(p->url, &x);
	if (x.timed_out)
		rv = ST_REGISTRY_TIMEOUT;
	else if (x.failed)
		rv = ST_REGISTRY_UNAVAILABLE;
	else
		rv = registry_wire_parse(q, x.status, x.body, x.body_len, a, out);

	int level = rv == ST_OK ? LOGL_DEBUG : LOGL_WARN;
	if (log_enabled(level)) {
		log_line l;
		log_line_begin(&l, level, rv == ST_OK ? "registry call" : "registry call failed",
		               request_id);
		log_line_str(&l, "by", q->uscc ? "uscc" : "name");
		log_line_int(&l, "http_status", x.status);
		log_line_str(&l, "outcome", status_code_name(rv));
		if (rv == ST_OK)
			log_line_int(&l, "total", out->total);
		log_line_ms(&l, "latency_ms", elapsed_us(&t0));
		log_line_end(&l);
	}
	free(x.body);
	return rv;
}

/* ---- look-ups ---------------------------------------------------------------------------- */

/* Searches with what is left of the request's deadline; errors are set with status_err(). */
static int registry_call(svc_ctx *ctx, const registry_query *q, registry_result *res)
{
	struct registry_provider *p = ENTERPRISE_APP(ctx)->registry;
	long budget = 0;
	if (ctx->deadline_ms) {
		budget = (long)(ctx->deadline_ms - bus_now_ms()) - REGISTRY_DEADLINE_MARGIN_MS;
		if (budget <= 0)
			return status_err(ST_DEADLINE, NULL);
	}
	if (!p)
		return status_err(ST_REGISTRY_UNAVAILABLE, NULL);
	int rv = registry_provider_search(p, q, budget, ctx->request_id, ctx->arena, res);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

int enterprise_registry_lookup(svc_ctx *ctx, const char *uscc, registry_record *out)
{
	registry_result res = {0};
	int check = validate_uscc(uscc), rv;
	if (check != 0 && check != ST_USCC_CHECKSUM)
		return status_err(check, "uscc");
	registry_query q = {.uscc = uscc, .page = 1, .page_size = 1};
	if ((rv = registry_call(ctx, &q, &res)) != ST_OK)
		return rv;
	if (res.n == 0)
		return check ? status_err(ST_USCC_CHECKSUM, "uscc")
		             : status_err(ST_NOT_FOUND, "uscc");
	*out = res.items[0];
	return ST_OK;
}

static char *registry_dup(arena *a, const char *s) { return s ? arena_strdup(a, s) : NULL; }

static Enterprise__RegistryRecord *registry_record_pb(arena *a, const registry_record *r)
{
	Enterprise__RegistryRecord *m = arena_alloc(a, sizeof *m);
	enterprise__registry_record__init(m);
	m->name = registry_dup(a, r->name);
	m->uscc = registry_dup(a, r->uscc);
	m->legal_rep = registry_dup(a, r->legal_rep);
	m->status = registry_dup(a, r->status);
	m->has_certifiable = 1;
	m->certifiable = registry_status_certifiable(r->status);
	m->type = registry_dup(a, r->type);
	m->founded_on = registry_dup(a, r->founded_on);
	if (r->registered_capital_fen >= 0) {
		m->has_registered_capital_fen = 1;
		m->registered_capital_fen = r->registered_capital_fen;
	}
	m->authority = registry_dup(a, r->authority);
	m->industry = registry_dup(a, r->industry);
	m->industry_name = registry_dup(a, registry_industry_name(r->industry));
	m->business_scope = registry_dup(a, r->business_scope);
	m->address = registry_dup(a, r->address);
	m->region_code = registry_dup(a, r->region_code);
	return m;
}

/* The query without surrounding spaces (ASCII and the ideographic U+3000). */
static void registry_trim(const char *s, const char **start, size_t *len)
{
	const char *end;
	if (!s)
		s = "";
	end = s + strlen(s);
	for (;;) {
		if (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			s++;
		else if (end - s >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	}
	for (;;) {
		if (end > s &&
		    (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
			end--;
		else if (end - s >= 3 && memcmp(end - 3, "\xE3\x80\x80", 3) == 0)
			end -= 3;
		else
			break;
	}
	*start = s;
	*len = (size_t)(end - s);
}

/* A code rather than a name: ASCII letters and digits only, at least 15 of them (the old
 * 15-digit registration numbers included, so that they get a clear answer). */
static int registry_looks_like_code(const char *s, size_t n)
{
	if (n < 15)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return 0;
	}
	return 1;
}

static size_t registry_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int registry_search(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__SearchRegistryRequest *in =
	        (const Enterprise__SearchRegistryRequest *)in_;
	registry_query q = {0};
	registry_result res = {0};
	const char *text;
	char code[19];
	size_t len;
	dblist_page pg;
	int check = 0, rv;

	const char *pid = NULL;
	if ((rv = caller_person(ctx, &pid)) != ST_OK)
		return rv;
	registry_trim(in->q, &text, &len);
	if (len == 0)
		return status_err(ST_FIELD_REQUIRED, "q");
	if (registry_looks_like_code(text, len)) {
		if (len != 18)
			return status_err(ST_USCC_INVALID, "q");
		for (size_t i = 0; i < 18; i++)
			code[i] = text[i] >= 'a' && text[i] <= 'z' ? (char)(text[i] - 32) : text[i];
		code[18] = '\0';
		check = validate_uscc(code);
		if (check != 0 && check != ST_USCC_CHECKSUM)
			return status_err(check, "q");
		q.uscc = code;
	} else {
		char *name = arena_strndup(ctx->arena, text, len);
		if ((rv = validate_text(name, REGISTRY_NAME_MAX)) != 0)
			return status_err(rv, "q");
		if (registry_chars(name) < REGISTRY_NAME_MIN)
			return status_err(ST_REGISTRY_QUERY_TOO_SHORT, "q");
		q.name = name;
	}
	if ((rv = dblist_page_init(in->has_page, in->page, in->has_page_size, in->page_size,
	                           &pg)) != ST_OK)
		return rv;
	q.page = pg.page;
	q.page_size = pg.size;
	if ((rv = registry_call(ctx, &q, &res)) != ST_OK)
		return rv;
	/* Known codes pass whatever their check character; unknown ones must be right. */
	if (check == ST_USCC_CHECKSUM && res.total == 0)
		return status_err(ST_USCC_CHECKSUM, "q");

	/* The provider's page, not a result: the items are mapped here, the rest is dblist's. */
	Enterprise__SearchRegistryResponse *resp = (Enterprise__SearchRegistryResponse *)dblist_new(
	        ctx, &enterprise__search_registry_response__descriptor);
	resp->items = arena_alloc(ctx->arena, (res.n ? res.n : 1) * sizeof *resp->items);
	for (size_t i = 0; i < res.n; i++)
		resp->items[resp->n_items++] = registry_record_pb(ctx->arena, &res.items[i]);
	dblist_total(&resp->base, res.total, &pg);
	*out = &resp->base;
	return ST_OK;
}

/* Bus only: no person needed (registry records are public; callers are services). */
static int registry_lookup_uscc(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__LookupUsccRequest *in = (const Enterprise__LookupUsccRequest *)in_;
	registry_record r;
	int rv;
	if (!in->uscc || !*in->uscc)
		return status_err(ST_FIELD_REQUIRED, "uscc");
	if ((rv = enterprise_registry_lookup(ctx, in->uscc, &r)) != ST_OK)
		return rv;
	*out = &registry_record_pb(ctx->arena, &r)->base;
	return ST_OK;
}

/* Service Registry of proto/enterprise_registry.proto, bound by method name. */
static const svc_handler registry_handlers[] = {
        {"SearchRegistry", registry_search},
        {"LookupUscc", registry_lookup_uscc},
};
/* Asked by services only: no gateway route reaches it. */
static const char *const registry_bus_only[] = {"LookupUscc", NULL};
const svc_api enterprise_registry_api = SVC_API(&enterprise__registry__descriptor,
                                                registry_handlers, .bus_only = registry_bus_only);

/* ---- opening ---------------------------------------------------------------------------- */

int enterprise_registry_open(struct enterprise_app *app, long timeout_ms)
{
	int sandbox = app->registry_provider != REGISTRY_PROVIDER_HTTP;
	if (sandbox && !app->development) {
		if (app->registry_provider < 0) {
			log_kv(LOGL_ERROR, NULL,
			       "production mode needs REGISTRY_PROVIDER set explicitly (http, or "
			       "sandbox for a staging system)",
			       NULL);
			return ST_INTERNAL;
		}
		log_kv(LOGL_WARN, NULL,
		       "registry sandbox in production mode: enterprises are NOT checked against "
		       "the real registry",
		       NULL);
	}
	if (registry_provider_open(app->registry_provider, app->registry_url, app->registry_app_key,
	                           app->registry_file, timeout_ms, !app->development,
	                           &app->registry) != 0)
		return ST_INTERNAL;
	return ST_OK;
}

void enterprise_registry_close(struct enterprise_app *app)
{
	registry_provider_close(app->registry);
	app->registry = NULL;
}
