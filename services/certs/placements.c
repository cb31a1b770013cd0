/*
 * A signer's seal placements (manual 002 签章: drag a seal onto the page, move it, delete
 * it, before 确认签署). Only the signer whose turn it is places, and only seals they may
 * use now (seals.h: the seal's own error otherwise); page and rectangle are checked
 * against the document's page (its MediaBox), a keyword placement takes the keyword's
 * position in the text (pdftext.h), a cross-page seal (骑缝章) spans every page's right
 * edge at signing time. JSON pages are 1-based, the table's 0-based.
 */
#include "caller.h"
#include "certs.h"
#include "certs_signing.pb-c.h"
#include "change.h"
#include "pdftext.h"
#include "seals.h"
#include "signing.h"
#include "status.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLACEMENTS_MAX 20
#define SEAL_PT        120.0 /* a round seal of 42 mm */
#define PERSONAL_PT    80.0  /* a square name seal */
#define DATE_W_PT      120.0 /* the date stamp */
#define DATE_H_PT      24.0
#define KEYWORD_HITS   16

#define PLACEMENT_COLS                                                                             \
	"p.id, p.contract_id, p.seq, p.kind, p.seal_id, coalesce(s.name, ''), p.page,"             \
	" p.x::float8, p.y::float8, p.w::float8, p.h::float8, p.keyword,"                          \
	" to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static Certs__Placement *placement_row(svc_ctx *ctx, PGresult *r, int i)
{
	Certs__Placement *p = arena_alloc(ctx->arena, sizeof *p);
	certs__placement__init(p);
	p->id = arena_strdup(ctx->arena, PQgetvalue(r, i, 0));
	p->contract_id = arena_strdup(ctx->arena, PQgetvalue(r, i, 1));
	p->has_seq = 1;
	p->seq = (int32_t)strtol(PQgetvalue(r, i, 2), NULL, 10);
	p->kind = arena_strdup(ctx->arena, PQgetvalue(r, i, 3));
	if (!PQgetisnull(r, i, 4)) {
		p->seal_id = arena_strdup(ctx->arena, PQgetvalue(r, i, 4));
		p->seal_name = arena_strdup(ctx->arena, PQgetvalue(r, i, 5));
	}
	p->has_page = 1;
	p->page = strcmp(p->kind, "cross_page") == 0
	                  ? 0
	                  : (int32_t)strtol(PQgetvalue(r, i, 6), NULL, 10) + 1;
	p->has_x = p->has_y = p->has_w = p->has_h = 1;
	p->x = strtod(PQgetvalue(r, i, 7), NULL);
	p->y = strtod(PQgetvalue(r, i, 8), NULL);
	p->w = strtod(PQgetvalue(r, i, 9), NULL);
	p->h = strtod(PQgetvalue(r, i, 10), NULL);
	if (!PQgetisnull(r, i, 11))
		p->keyword = arena_strdup(ctx->arena, PQgetvalue(r, i, 11));
	p->created_at = arena_strdup(ctx->arena, PQgetvalue(r, i, 12));
	return p;
}

static int current_doc(svc_ctx *ctx, const char *cid, unsigned char **pdf, size_t *len);

static int placements_reply(svc_ctx *ctx, const signing_signer *s, ProtobufCMessage **out)
{
	PGresult *r = NULL;
	char seq[16];
	snprintf(seq, sizeof seq, "%d", s->seq);
	const char *v[] = {s->contract_id, seq};
	int rv = db_query(
	        ctx->db,
	        "SELECT " PLACEMENT_COLS " FROM contract_placements p"
	        " LEFT JOIN seals s ON s.id = p.seal_id"
	        " WHERE p.contract_id = $1 AND p.seq = $2::int ORDER BY p.created_at, p.id",
	        2, v, NULL, NULL, 0, &r);
	if (rv != ST_OK)
		return rv;
	Certs__PlacementList *o = arena_alloc(ctx->arena, sizeof *o);
	certs__placement_list__init(o);
	o->n_items = (size_t)PQntuples(r);
	o->items = arena_alloc(ctx->arena, (o->n_items ? o->n_items : 1) * sizeof *o->items);
	for (size_t i = 0; i < o->n_items; i++)
		o->items[i] = placement_row(ctx, r, (int)i);
	o->has_total = 1;
	o->total = (int32_t)o->n_items;
	PQclear(r);
	*out = &o->base;
	return ST_OK;
}

/* The list with every page's size (the signing page places by scale). */
static int placements_reply_boxes(svc_ctx *ctx, const signing_signer *s, ProtobufCMessage **out)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rv = placements_reply(ctx, s, out);
	if (rv != ST_OK || (rv = current_doc(ctx, s->contract_id, &pdf, &len)) != ST_OK)
		return rv;
	Certs__PlacementList *o = (Certs__PlacementList *)*out;
	int n = s->pages > 0 && s->pages <= 10000 ? s->pages : 0;
	o->page_boxes = arena_alloc(ctx->arena, (size_t)(n ? n : 1) * sizeof *o->page_boxes);
	for (int i = 0; i < n; i++) {
		Certs__PageBox *b = arena_alloc(ctx->arena, sizeof *b);
		certs__page_box__init(b);
		b->has_page = b->has_w = b->has_h = 1;
		b->page = i + 1;
		if ((rv = signing_page_size(pdf, len, i, &b->w, &b->h)) != ST_OK)
			return rv;
		o->page_boxes[o->n_page_boxes++] = b;
	}
	return ST_OK;
}

int certs_placements_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__PlacementsRequest *q = (const Certs__PlacementsRequest *)in;
	signing_signer s;
	int rv = signing_signer_get(ctx, q->contract_id, 0, &s);
	return rv == ST_OK ? placements_reply_boxes(ctx, &s, out) : rv;
}

/* The placement as it will be stored, checked against the document. */
struct place {
	signing_signer s;
	const char *id, *kind, *seal_id, *keyword;
	int page; /* 0-based */
	double x, y, w, h;
};

static int fnum(double v) { return isfinite(v) && v >= 0 && v <= 14400; }

/* The current document of the contract (ctx->arena). */
static int current_doc(svc_ctx *ctx, const char *cid, unsigned char **pdf, size_t *len)
{
	PGresult *r = NULL;
	const char *v[] = {cid};
	int rv = db_query(ctx->db, "SELECT doc_sha256 FROM contracts WHERE id = $1", 1, v, NULL,
	                  NULL, 0, &r);
	if (rv != ST_OK)
		return rv;
	rv = PQntuples(r) == 1 ? signing_doc_get(ctx, PQgetvalue(r, 0, 0), pdf, len)
	                       : status_err(ST_CONTRACT_NOT_FOUND, "id");
	PQclear(r);
	return rv;
}

/* Seal, page, rectangle or keyword of the form into p (kind and seal already set). */
static int place_check(svc_ctx *ctx, const Certs__PlacementForm *q, struct place *p)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	double pw = 0, ph = 0;
	int rv;
	if (p->seal_id) {
		certs_seal_use use;
		if (!validate_uuid(p->seal_id))
			return status_err(ST_SEAL_NOT_FOUND, "seal_id");
		if ((rv = certs_seal_use_check(ctx, p->seal_id, p->s.person_id, p->s.enterprise_id,
		                               &use)) != ST_OK)
			return rv;
		if (!q->has_w)
			p->w = strcmp(use.kind, "personal") == 0 ? PERSONAL_PT : SEAL_PT;
		if (!q->has_h)
			p->h = p->w;
	} else {
		p->w = q->has_w ? q->w : DATE_W_PT;
		p->h = q->has_h ? q->h : DATE_H_PT;
	}
	if (q->has_w)
		p->w = q->w;
	if (q->has_h)
		p->h = q->h;
	if (!fnum(p->w) || p->w < 8 || !fnum(p->h) || p->h < 8)
		return status_err(ST_PDF_RECT, q->has_w ? "w" : "h");
	if (strcmp(p->kind, "cross_page") == 0) {
		/* every page's right edge, drawn at signing: only the size matters (the engine
		 * cuts 20–400 pt) */
		if (p->w < 20 || p->w > 400)
			return status_err(ST_PDF_RECT, "w");
		p->page = 0;
		p->x = p->y = 0;
		p->h = p->w;
		return ST_OK;
	}
	if ((rv = current_doc(ctx, p->s.contract_id, &pdf, &len)) != ST_OK)
		return rv;
	if (q->keyword && *q->keyword) {
		pdftext_hit hits[KEYWORD_HITS];
		size_t n = 0;
		if (validate_text(q->keyword, 40) != 0)
			return status_err(ST_PLACEMENT_KEYWORD, "keyword");
		if ((rv = pdftext_find(pdf, len, q->keyword, hits, KEYWORD_HITS, &n)) != ST_OK)
			return status_err(rv, "keyword");
		if (!n)
			return status_err(ST_PLACEMENT_KEYWORD, "keyword");
		/* The last occurrence (the signature block ends a contract), the seal centred
		 * on the keyword. */
		const pdftext_hit *h = &hits[n - 1];
		p->keyword = q->keyword;
		p->page = h->page;
		p->x = h->x + h->w / 2 - p->w / 2;
		p->y = h->y + h->h / 2 - p->h / 2;
		if ((rv = signing_page_size(pdf, len, p->page, &pw, &ph)) != ST_OK)
			return rv;
		/* kept on the page */
		p->x = fmin(fmax(p->x, 0), fmax(pw - p->w, 0));
		p->y = fmin(fmax(p->y, 0), fmax(ph - p->h, 0));
		return ST_OK;
	}
	if (!q->has_page)
		return status_err(ST_FIELD_REQUIRED, "page");
	if (q->page < 1 || q->page > p->s.pages)
		return status_err(ST_PDF_PAGE, "page");
	p->page = q->page - 1;
	if (!q->has_x || !q->has_y)
		return status_err(ST_FIELD_REQUIRED, q->has_x ? "y" : "x");
	p->x = q->x;
	p->y = q->y;
	if ((rv = signing_page_size(pdf, len, p->page, &pw, &ph)) != ST_OK)
		return rv;
	if (!fnum(p->x) || !fnum(p->y) || p->x + p->w > pw + 0.5 || p->y + p->h > ph + 0.5)
		return status_err(ST_PDF_RECT, !fnum(p->x) || p->x + p->w > pw + 0.5 ? "x" : "y");
	return ST_OK;
}

static const char *num(svc_ctx *ctx, double v) { return arena_printf(ctx->arena, "%.2f", v); }

static int create_tx(svc_ctx *ctx, void *arg)
{
	struct place *p = arg;
	PGresult *r = NULL;
	char seq[16], page[16];
	snprintf(seq, sizeof seq, "%d", p->s.seq);
	snprintf(page, sizeof page, "%d", p->page);
	const char *cv[] = {p->s.contract_id, seq};
	int rv = change_exec(ctx,
	                     "SELECT count(*) FROM contract_placements"
	                     " WHERE contract_id = $1 AND seq = $2::int",
	                     2, cv, &r);
	if (rv != ST_OK)
		return rv;
	long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (n >= PLACEMENTS_MAX)
		return status_err(ST_PLACEMENT_TOO_MANY, "placements");
	const char *v[] = {p->s.contract_id,
	                   seq,
	                   p->seal_id,
	                   p->kind,
	                   page,
	                   num(ctx, p->x),
	                   num(ctx, p->y),
	                   num(ctx, p->w),
	                   num(ctx, p->h),
	                   p->keyword};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO contract_placements (id, contract_id, seq, seal_id, kind,"
	             " page, x, y, w, h, keyword) VALUES (gen_random_uuid(), $1, $2::int,"
	             " $3::uuid, $4, $5::int, $6::numeric, $7::numeric, $8::numeric,"
	             " $9::numeric, $10) RETURNING id",
	             10, v, &r)) != ST_OK)
		return rv;
	p->id = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
	PQclear(r);
	return change_record(ctx, arena_printf(ctx->arena, "person:%s", p->s.person_id),
	                     arena_printf(ctx->arena, "contract/%s", p->s.contract_id),
	                     "contract.placement_added",
	                     json_pack("{s:s,s:s,s:i}", "placement_id", p->id, "kind", p->kind,
	                               "page", p->page + 1),
	                     NULL);
}

static int placement_reply_one(svc_ctx *ctx, const char *id, ProtobufCMessage **out)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = db_query(ctx->db,
	                  "SELECT " PLACEMENT_COLS " FROM contract_placements p"
	                  " LEFT JOIN seals s ON s.id = p.seal_id WHERE p.id = $1::uuid",
	                  1, v, NULL, NULL, 0, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1)
		rv = status_err(ST_PLACEMENT_NOT_FOUND, "placement_id");
	else
		*out = &placement_row(ctx, r, 0)->base;
	PQclear(r);
	return rv;
}

int certs_placement_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__PlacementForm *q = (const Certs__PlacementForm *)in;
	struct place p = {0};
	int rv = signing_signer_get(ctx, q->contract_id, 1, &p.s);
	if (rv != ST_OK)
		return rv;
	const char *kind = q->kind && *q->kind ? q->kind : "seal";
	if (strcmp(kind, "date") == 0) {
		if (q->seal_id && *q->seal_id)
			return status_err(ST_PLACEMENT_KIND, "seal_id");
	} else if (strcmp(kind, "seal") == 0 || strcmp(kind, "cross_page") == 0) {
		if (!q->seal_id || !*q->seal_id)
			return status_err(ST_FIELD_REQUIRED, "seal_id");
		p.seal_id = q->seal_id;
	} else
		return status_err(ST_PLACEMENT_KIND, "kind");
	p.kind = kind;
	if ((rv = place_check(ctx, q, &p)) != ST_OK)
		return rv;
	if ((rv = change_run(ctx, create_tx, &p)) != ST_OK)
		return rv;
	rv = placement_reply_one(ctx, p.id, out);
	return rv == ST_OK ? ST_CREATED : rv;
}

/* The placement of the caller's (not yet signed), its kind and seal. */
static int placement_mine(svc_ctx *ctx, const char *pid, struct place *p)
{
	PGresult *r = NULL;
	char seq[16];
	if (!pid || !validate_uuid(pid))
		return status_err(ST_PLACEMENT_NOT_FOUND, "placement_id");
	snprintf(seq, sizeof seq, "%d", p->s.seq);
	const char *v[] = {pid, p->s.contract_id, seq};
	int rv = db_query(ctx->db,
	                  "SELECT kind, seal_id FROM contract_placements WHERE id = $1::uuid"
	                  " AND contract_id = $2 AND seq = $3::int AND signed_at IS NULL",
	                  3, v, NULL, NULL, 0, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1)
		rv = status_err(ST_PLACEMENT_NOT_FOUND, "placement_id");
	else {
		p->id = pid;
		p->kind = arena_strdup(ctx->arena, PQgetvalue(r, 0, 0));
		p->seal_id =
		        PQgetisnull(r, 0, 1) ? NULL : arena_strdup(ctx->arena, PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return rv;
}

static int update_tx(svc_ctx *ctx, void *arg)
{
	struct place *p = arg;
	char page[16];
	snprintf(page, sizeof page, "%d", p->page);
	const char *v[] = {p->id,          page,           num(ctx, p->x), num(ctx, p->y),
	                   num(ctx, p->w), num(ctx, p->h), p->keyword};
	return change_guard(ctx, ST_PLACEMENT_NOT_FOUND, "placement_id",
	                    "UPDATE contract_placements SET page = $2::int, x = $3::numeric,"
	                    " y = $4::numeric, w = $5::numeric, h = $6::numeric, keyword = $7"
	                    " WHERE id = $1::uuid AND signed_at IS NULL",
	                    7, v, NULL);
}

int certs_placement_update(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__PlacementForm *q = (const Certs__PlacementForm *)in;
	struct place p = {0};
	int rv = signing_signer_get(ctx, q->contract_id, 1, &p.s);
	if (rv != ST_OK || (rv = placement_mine(ctx, q->placement_id, &p)) != ST_OK)
		return rv;
	if ((rv = place_check(ctx, q, &p)) != ST_OK ||
	    (rv = change_run(ctx, update_tx, &p)) != ST_OK)
		return rv;
	return placement_reply_one(ctx, p.id, out);
}

static int delete_tx(svc_ctx *ctx, void *arg)
{
	struct place *p = arg;
	const char *v[] = {p->id};
	return change_guard(
	        ctx, ST_PLACEMENT_NOT_FOUND, "placement_id",
	        "DELETE FROM contract_placements WHERE id = $1::uuid AND signed_at IS NULL", 1, v,
	        NULL);
}

int certs_placement_delete(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__PlacementRef *q = (const Certs__PlacementRef *)in;
	struct place p = {0};
	int rv = signing_signer_get(ctx, q->contract_id, 1, &p.s);
	if (rv != ST_OK || (rv = placement_mine(ctx, q->placement_id, &p)) != ST_OK ||
	    (rv = change_run(ctx, delete_tx, &p)) != ST_OK)
		return rv;
	return placements_reply(ctx, &p.s, out);
}
