/*
 * Site settings shown on every page of the portal: the customer-service phone and
 * hours, the ICP filing number, the footer links. One record (site_settings, id 1,
 * written by migration 004), read by anyone, replaced as a whole by a content_editor
 * (or admin), audited. The gateway answers GET /site-settings with an ETag of the
 * reply and 304 to a matching If-None-Match (routes_market.c, GW_ETAG).
 */
#include "content.h"

#include "catalogue.h"
#include "change.h"
#include "dbrow.h"
#include "market.pb-c.h"
#include "status.h"
#include "validate.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FOOTER_LINKS 20

static int site_load(svc_ctx *ctx, Market__SiteSettings **out)
{
	PGresult *r = NULL;
	int rv = db_exec(
	        ctx->db,
	        "SELECT service_phone, service_hours, icp_number, footer_links::text, " DBROW_CST(
	                "updated_at") " FROM site_settings WHERE id = 1",
	        0, NULL, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_INTERNAL, NULL); /* migration 004 writes it */
	}
	Market__SiteSettings *s = arena_alloc(ctx->arena, sizeof *s);
	market__site_settings__init(s);
	s->service_phone = dbrow_text(ctx->arena, r, 0, 0);
	s->service_hours = dbrow_text(ctx->arena, r, 0, 1);
	s->icp_number = dbrow_text(ctx->arena, r, 0, 2);
	s->updated_at = dbrow_text(ctx->arena, r, 0, 4);
	json_t *links = json_loads(PQgetvalue(r, 0, 3), 0, NULL);
	size_t n = json_is_array(links) ? json_array_size(links) : 0;
	s->footer_links = arena_alloc(ctx->arena, (n ? n : 1) * sizeof *s->footer_links);
	for (size_t i = 0; i < n; i++) {
		json_t *l = json_array_get(links, i);
		const char *t = json_string_value(json_object_get(l, "title"));
		const char *u = json_string_value(json_object_get(l, "url"));
		if (!t || !u)
			continue;
		Market__FooterLink *fl = arena_alloc(ctx->arena, sizeof *fl);
		market__footer_link__init(fl);
		fl->title = arena_strdup(ctx->arena, t);
		fl->url = arena_strdup(ctx->arena, u);
		s->footer_links[s->n_footer_links++] = fl;
	}
	json_decref(links);
	PQclear(r);
	*out = s;
	return ST_OK;
}

int content_site_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	(void)in;
	Market__SiteSettings *s = NULL;
	int rv = site_load(ctx, &s);
	if (rv == ST_OK)
		*out = &s->base;
	return rv;
}

/* 5-20 characters of digits and hyphens, starting and ending with a digit:
 * 400-888-1234, 0731-88888888, 12345. */
static int phone_ok(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n < 5 || n > 20 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] != '-')
			return 0;
	}
	return digits >= 5;
}

/* A footer link leads to an http(s) site or a page of this one. */
static int link_url_ok(const char *s)
{
	if (!validate_url_inert(s))
		return 0;
	if (strncasecmp(s, "https://", 8) == 0)
		return s[8] != '\0' && s[8] != '/';
	if (strncasecmp(s, "http://", 7) == 0)
		return s[7] != '\0' && s[7] != '/';
	return s[0] == '/' && s[1] != '/';
}

static int site_check(const Market__SiteSettings *f)
{
	int rv;
	if ((rv = market_text(f->service_phone, 20, 1, "service_phone")) != ST_OK)
		return rv;
	if (!phone_ok(f->service_phone))
		return status_err(ST_SERVICE_PHONE_INVALID, "service_phone");
	if ((rv = market_text(f->service_hours, 50, 1, "service_hours")) != ST_OK ||
	    (rv = market_text(f->icp_number, 50, 0, "icp_number")) != ST_OK)
		return rv;
	if (f->n_footer_links > MAX_FOOTER_LINKS)
		return status_err(ST_TOO_MANY_ITEMS, "footer_links");
	for (size_t i = 0; i < f->n_footer_links; i++) {
		const Market__FooterLink *l = f->footer_links[i];
		if ((rv = market_text(l->title, 20, 1, "footer_links.title")) != ST_OK ||
		    (rv = market_text(l->url, 500, 1, "footer_links.url")) != ST_OK)
			return rv;
		if (!link_url_ok(l->url))
			return status_err(ST_FOOTER_LINK_URL_INVALID, "footer_links.url");
	}
	return ST_OK;
}

static int site_tx(svc_ctx *ctx, void *arg)
{
	const Market__SiteSettings *f = arg;
	json_t *links = json_array();
	for (size_t i = 0; i < f->n_footer_links; i++)
		json_array_append_new(links,
		                      json_pack("{s:s, s:s}", "title", f->footer_links[i]->title,
		                                "url", f->footer_links[i]->url));
	char *text = json_dumps(links, JSON_COMPACT);
	json_decref(links);
	const char *actor = market_actor(ctx);
	const char *vals[] = {f->service_phone, f->service_hours,
	                      f->icp_number ? f->icp_number : "", text, actor};
	int rv = change_guard(ctx, 0, NULL,
	                      "UPDATE site_settings SET service_phone = $1, service_hours = $2,"
	                      " icp_number = $3, footer_links = $4::jsonb, updated_by = $5,"
	                      " updated_at = now() WHERE id = 1",
	                      5, vals, NULL);
	free(text);
	if (rv != ST_OK)
		return rv;
	return change_record(ctx, actor, "site_settings/1", "site_settings.updated",
	                     json_pack("{s:s, s:s, s:i}", "service_phone", f->service_phone,
	                               "icp_number", f->icp_number ? f->icp_number : "",
	                               "footer_links", (int)f->n_footer_links),
	                     NULL);
}

int content_site_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Market__SiteSettings *f = (const Market__SiteSettings *)in;
	Market__SiteSettings *s = NULL;
	int rv;
	if ((rv = content_editor_check(ctx)) != ST_OK || (rv = site_check(f)) != ST_OK ||
	    (rv = change_run(ctx, site_tx, (void *)f)) != ST_OK ||
	    (rv = site_load(ctx, &s)) != ST_OK)
		return rv;
	*out = &s->base;
	return ST_OK;
}
