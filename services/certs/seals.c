/*
 * 印章 (issue 19, manual 002 申请印章): an enterprise's seals, created by its admin, and each
 * person's own signature, each backed by an issued cloud certificate of its holder, the
 * image generated (seal_image.h, with the holder's verified name) or uploaded (a
 * transparent PNG, judged and decoded). Who may use a seal (certs_seal_use_check): an
 * enterprise seal, a member with an unrevoked grant (seals_grants.c) while still a member;
 * a personal one, its owner alone.
 */
#include "certs.h"
#include "caller.h"
#include "certs_seals.pb-c.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "blobs.h"
#include "memberproj.h"
#include "seal_image.h"
#include "seals.h"
#include "status.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* SQL over certificate alias c: usable for signing now (issued, valid, not revoked, cloud
 * with its key kept). */
#define SEAL_CERT_USABLE(c)                                                                        \
	"(" c ".revoked_at IS NULL AND now() >= " c ".not_before AND now() < " c ".not_after"      \
	" AND " c ".medium = 'cloud' AND EXISTS (SELECT 1 FROM cloud_keys k WHERE k.serial = " c   \
	".serial))"

/* certs_seal_use_check's decision; the image only with_png (the usable list needs none). */
static int seal_use_decide(svc_ctx *ctx, const char *seal_id, const char *person_id,
                           const char *enterprise_id, int with_png, certs_seal_use *out)
{
	PGresult *r = NULL;
	int rv;
	if (!seal_id || !validate_uuid(seal_id) || !person_id || !validate_uuid(person_id) ||
	    (enterprise_id && !validate_uuid(enterprise_id)))
		return status_err(ST_SEAL_NOT_FOUND, "seal_id");
	const char *v[] = {seal_id, person_id};
	if ((rv = change_exec(
	             ctx,
	             "SELECT s.kind, s.name, coalesce(s.enterprise_id::text, ''),"
	             " coalesce(s.person_id::text, ''), s.cert_serial, s.companion_serial,"
	             " s.image_sha256, s.disabled_at IS NOT NULL,"
	             " " SEAL_CERT_USABLE("c") " AND (cc.serial IS NULL OR " SEAL_CERT_USABLE(
	                     "cc") "),"
	                           " EXISTS (SELECT 1 FROM enterprise_memberships m WHERE "
	                           "m.person_id = $2::uuid"
	                           " AND m.enterprise_id = s.enterprise_id),"
	                           " EXISTS (SELECT 1 FROM seal_grants g WHERE g.seal_id = s.id"
	                           " AND g.person_id = $2::uuid AND g.revoked_at IS NULL),"
	                           " EXISTS (SELECT 1 FROM seal_grants g WHERE g.seal_id = s.id"
	                           " AND g.person_id = $2::uuid)"
	                           " FROM seals s JOIN certificates c ON c.serial = s.cert_serial"
	                           " LEFT JOIN certificates cc ON cc.serial = s.companion_serial"
	                           " WHERE s.id = $1::uuid",
	             2, v, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		rv = status_err(ST_SEAL_NOT_FOUND, "seal_id");
		goto out;
	}
	const char *ent = PQgetvalue(r, 0, 2), *owner = PQgetvalue(r, 0, 3);
	int member = PQgetvalue(r, 0, 9)[0] == 't', granted = PQgetvalue(r, 0, 10)[0] == 't',
	    ever = PQgetvalue(r, 0, 11)[0] == 't';
	if (!enterprise_id) {
		/* Personally: one's own signature only. */
		if (!*owner || strcmp(owner, person_id) != 0) {
			rv = status_err(ST_SEAL_NOT_FOUND, "seal_id");
			goto out;
		}
	} else if (!*ent || strcmp(ent, enterprise_id) != 0 || (!member && !ever)) {
		/* Another enterprise's seal, or a stranger to this one: its existence does not
		 * leak. */
		rv = status_err(ST_SEAL_NOT_FOUND, "seal_id");
		goto out;
	} else if (!member || !granted) {
		rv = status_err(ST_SEAL_NOT_AUTHORISED, "seal_id");
		goto out;
	}
	if (PQgetvalue(r, 0, 7)[0] == 't') {
		rv = status_err(ST_SEAL_DISABLED, "seal_id");
		goto out;
	}
	if (PQgetvalue(r, 0, 8)[0] != 't') {
		rv = status_err(ST_SEAL_CERT_UNAVAILABLE, "seal_id");
		goto out;
	}
	arena *a = ctx->arena;
	memset(out, 0, sizeof *out);
	out->id = arena_strdup(a, seal_id);
	out->kind = dbrow_text(a, r, 0, 0);
	out->name = dbrow_text(a, r, 0, 1);
	out->enterprise_id = *ent ? dbrow_text(a, r, 0, 2) : NULL;
	out->cert_serial = dbrow_text(a, r, 0, 4);
	out->companion_serial = dbrow_text(a, r, 0, 5);
	rv = with_png ? blobs_get(ctx, &CERTS_APP(ctx)->pii, "certs", PQgetvalue(r, 0, 6),
	                          &out->png, &out->png_len)
	              : ST_OK;
out:
	PQclear(r);
	return rv;
}

int certs_seal_use_check(svc_ctx *ctx, const char *seal_id, const char *person_id,
                         const char *enterprise_id, certs_seal_use *out)
{
	return seal_use_decide(ctx, seal_id, person_id, enterprise_id, 1, out);
}

/* ---- the caller's scope --------------------------------------------------------------- */

/* Generated images: the side in pixels (sharp at 4 cm when printed, small enough to ship
 * with every signature). */
#define SEAL_PX 480

int certs_seals_scope(svc_ctx *ctx, int enterprise, int admin, certs_seal_scope *s)
{
	memberproj_row m;
	memset(s, 0, sizeof *s);
	int rv = caller_person(ctx, &s->person_id);
	if (rv != ST_OK)
		return rv;
	s->actor = arena_printf(ctx->arena, "person:%s", s->person_id);
	if (!enterprise)
		return ST_OK;
	const char *ent = caller_enterprise_claim(ctx);
	if (!ent || !*ent)
		return status_err(ST_FORBIDDEN, NULL);
	/* Live membership: a removed member's session may still claim the enterprise. */
	rv = memberproj_get(ctx, s->person_id, ent, &m);
	if (rv == ST_NOT_FOUND)
		return status_err(ST_FORBIDDEN, NULL);
	if (rv != ST_OK)
		return rv;
	s->enterprise_id = ent;
	s->admin = strcmp(m.role, "admin") == 0;
	if (admin && !s->admin)
		return status_err(ST_SEAL_ADMIN_REQUIRED, NULL);
	return ST_OK;
}

/* ---- reading seals -------------------------------------------------------------------- */

/* The columns seal_row reads; $1 is the caller (granted_to_me). */
#define SEAL_COLS                                                                                                                               \
	"s.id, s.kind, s.name, s.enterprise_id, s.person_id, s.source, s.cert_serial, "                                                         \
	"c.ca, " DBROW_CST(                                                                                                                     \
	        "c.not_after") ", s.companion_serial, s.disabled_at IS NOT "                                                                    \
	                       "NULL, " DBROW_CST(                                                                                              \
	                               "s.disabled_at") ", "                                                                                    \
	                                                "s.created_by,"                                                                         \
	                                                " " DBROW_CST(                                                                          \
	                                                        "s.created_"                                                                    \
	                                                        "at") ", "                                                                      \
	                                                              "s."                                                                      \
	                                                              "imag"                                                                    \
	                                                              "e_"                                                                      \
	                                                              "sha2"                                                                    \
	                                                              "56,"                                                                     \
	                                                              " ("                                                                      \
	                                                              "SELE"                                                                    \
	                                                              "CT "                                                                     \
	                                                              "coun"                                                                    \
	                                                              "t(*)"                                                                    \
	                                                              " FRO"                                                                    \
	                                                              "M "                                                                      \
	                                                              "seal"                                                                    \
	                                                              "_gra"                                                                    \
	                                                              "nts "                                                                    \
	                                                              "g "                                                                      \
	                                                              "JOIN"                                                                    \
	                                                              " ent"                                                                    \
	                                                              "erpr"                                                                    \
	                                                              "ise_"                                                                    \
	                                                              "memb"                                                                    \
	                                                              "ersh"                                                                    \
	                                                              "ips"                                                                     \
	                                                              " m "                                                                     \
	                                                              "ON "                                                                     \
	                                                              "m."                                                                      \
	                                                              "pers"                                                                    \
	                                                              "on_"                                                                     \
	                                                              "id "                                                                     \
	                                                              "= "                                                                      \
	                                                              "g."                                                                      \
	                                                              "pers"                                                                    \
	                                                              "on_"                                                                     \
	                                                              "id "                                                                     \
	                                                              "AND "                                                                    \
	                                                              "m."                                                                      \
	                                                              "ente"                                                                    \
	                                                              "rpri"                                                                    \
	                                                              "se_"                                                                     \
	                                                              "id ="                                                                    \
	                                                              " s."                                                                     \
	                                                              "ente"                                                                    \
	                                                              "rpri"                                                                    \
	                                                              "se_"                                                                     \
	                                                              "id "                                                                     \
	                                                              "WHER"                                                                    \
	                                                              "E "                                                                      \
	                                                              "g."                                                                      \
	                                                              "seal"                                                                    \
	                                                              "_id "                                                                    \
	                                                              "= "                                                                      \
	                                                              "s."                                                                      \
	                                                              "id "                                                                     \
	                                                              "AND "                                                                    \
	                                                              "g."                                                                      \
	                                                              "revo"                                                                    \
	                                                              "ked_"                                                                    \
	                                                              "at "                                                                     \
	                                                              "IS"                                                                      \
	                                                              " NUL"                                                                    \
	                                                              "L),"                                                                     \
	                                                              " " SEAL_CERT_USABLE("c") " AND (cc.serial IS NULL OR " SEAL_CERT_USABLE( \
	                                                                      "cc") "), EXISTS "                                                \
	                                                                            "(SELECT 1 "                                                \
	                                                                            "FROM "                                                     \
	                                                                            "seal_grants "                                              \
	                                                                            "g"                                                         \
	                                                                            " WHERE "                                                   \
	                                                                            "g.seal_id = "                                              \
	                                                                            "s.id AND "                                                 \
	                                                                            "g.person_id"                                               \
	                                                                            " = $1::uuid "                                              \
	                                                                            "AND "                                                      \
	                                                                            "g.revoked_"                                                \
	                                                                            "at IS NULL)"
#define SEAL_FROM                                                                                  \
	" FROM seals s JOIN certificates c ON c.serial = s.cert_serial"                            \
	" LEFT JOIN certificates cc ON cc.serial = s.companion_serial"

static ProtobufCMessage *seal_row(svc_ctx *ctx, const PGresult *r, int i, void *arg)
{
	(void)arg;
	arena *a = ctx->arena;
	Certs__Seal *s = arena_alloc(a, sizeof *s);
	certs__seal__init(s);
	s->id = dbrow_text(a, r, i, 0);
	s->kind = dbrow_text(a, r, i, 1);
	s->kind_label = (char *)certs_seal_kind_label(s->kind);
	s->name = dbrow_text(a, r, i, 2);
	s->enterprise_id = dbrow_text(a, r, i, 3);
	s->person_id = dbrow_text(a, r, i, 4);
	s->source = dbrow_text(a, r, i, 5);
	s->cert_serial = dbrow_text(a, r, i, 6);
	s->cert_algorithm = dbrow_text(a, r, i, 7);
	s->cert_not_after = dbrow_text(a, r, i, 8);
	s->companion_serial = dbrow_text(a, r, i, 9);
	int disabled = PQgetvalue(r, i, 10)[0] == 't';
	s->state = disabled ? "disabled" : "active";
	s->state_label = disabled ? "已停用" : "启用";
	s->disabled_at = dbrow_text(a, r, i, 11);
	s->created_by = dbrow_text(a, r, i, 12);
	s->created_at = dbrow_text(a, r, i, 13);
	s->image_sha256 = dbrow_text(a, r, i, 14);
	s->image_url = s->enterprise_id
	                       ? arena_printf(a, "/api/v1/enterprise/seals/%s/image", s->id)
	                       : arena_printf(a, "/api/v1/me/seals/%s/image", s->id);
	if (s->enterprise_id) {
		s->has_grants = 1;
		s->grants = (int32_t)strtol(PQgetvalue(r, i, 15), NULL, 10);
		s->has_granted_to_me = 1;
		s->granted_to_me = PQgetvalue(r, i, 17)[0] == 't';
	}
	s->has_cert_usable = 1;
	s->cert_usable = PQgetvalue(r, i, 16)[0] == 't';
	return &s->base;
}

/* The seal id of the scope (an enterprise's, or the person's own): ST_SEAL_NOT_FOUND
 * otherwise. */
static int seal_load(svc_ctx *ctx, const certs_seal_scope *sc, const char *id, Certs__Seal **out);
int certs_seals_load(svc_ctx *ctx, const certs_seal_scope *sc, const char *id, void **out)
{
	Certs__Seal *s = NULL;
	int rv = seal_load(ctx, sc, id, &s);
	if (rv == ST_OK)
		*out = s;
	return rv;
}

static int seal_load(svc_ctx *ctx, const certs_seal_scope *sc, const char *id, Certs__Seal **out)
{
	PGresult *r = NULL;
	if (!id || !validate_uuid(id))
		return status_err(ST_SEAL_NOT_FOUND, "id");
	const char *v[] = {sc->person_id, id, sc->enterprise_id};
	int rv = change_exec(ctx,
	                     sc->enterprise_id
	                             ? "SELECT " SEAL_COLS SEAL_FROM
	                               " WHERE s.id = $2::uuid AND s.enterprise_id = $3::uuid"
	                             : "SELECT " SEAL_COLS SEAL_FROM
	                               " WHERE s.id = $2::uuid AND s.person_id = $1::uuid",
	                     sc->enterprise_id ? 3 : 2, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_SEAL_NOT_FOUND, "id");
	}
	*out = (Certs__Seal *)seal_row(ctx, r, 0, NULL);
	PQclear(r);
	return ST_OK;
}

static int seal_list(svc_ctx *ctx, const certs_seal_scope *sc, const char *where, const char *state,
                     const char *extra, ProtobufCMessage **out)
{
	PGresult *r = NULL;
	state = state ? state : "";
	if (*state && strcmp(state, "active") != 0 && strcmp(state, "disabled") != 0)
		return status_err(ST_VALIDATION, "state");
	const char *v[] = {sc->person_id, sc->enterprise_id ? sc->enterprise_id : "", state};
	int rv = change_exec(
	        ctx,
	        arena_printf(ctx->arena,
	                     "SELECT " SEAL_COLS SEAL_FROM " WHERE %s"
	                     " AND ($3 = '' OR ($3 = 'disabled') = (s.disabled_at IS NOT NULL))%s"
	                     " ORDER BY s.disabled_at IS NOT NULL, s.created_at DESC LIMIT 200",
	                     where, extra ? extra : ""),
	        3, v, &r);
	if (rv != ST_OK)
		return rv;
	ProtobufCMessage *list = dblist_new(ctx, &certs__seal_list__descriptor);
	rv = dblist_fill(ctx, list, r, seal_row, NULL);
	if (rv == ST_OK)
		dblist_total(list, PQntuples(r), NULL);
	PQclear(r);
	if (rv == ST_OK)
		*out = list;
	return rv;
}

int certs_seals_ent_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ListSealsRequest *q = (const Certs__ListSealsRequest *)in;
	certs_seal_scope sc;
	int rv = certs_seals_scope(ctx, 1, 0, &sc);
	if (rv != ST_OK)
		return rv;
	return seal_list(ctx, &sc, "s.enterprise_id = $2::uuid", q->state, NULL, out);
}

int certs_seals_my_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ListSealsRequest *q = (const Certs__ListSealsRequest *)in;
	certs_seal_scope sc;
	int rv = certs_seals_scope(ctx, 0, 0, &sc);
	if (rv != ST_OK)
		return rv;
	return seal_list(ctx, &sc, "s.person_id = $1::uuid AND $2 = ''", q->state, NULL, out);
}

/* The caller's usable seals: every candidate (the enterprise's seals, or the caller's own
 * signature) put through certs_seal_use_check's own decision, so the signing page offers
 * exactly what signing will accept. */
int certs_seals_usable(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__UsableSealsRequest *q = (const Certs__UsableSealsRequest *)in;
	certs_seal_scope sc;
	certs_seal_use u;
	PGresult *r = NULL;
	int rv = certs_seals_scope(ctx, 0, 0, &sc);
	if (rv != ST_OK)
		return rv;
	const char *ent = q->enterprise_id && *q->enterprise_id ? q->enterprise_id : NULL;
	if (ent && !validate_uuid(ent))
		return status_err(ST_VALIDATION, "enterprise_id");
	const char *v[] = {ent ? ent : sc.person_id};
	if ((rv = change_exec(ctx,
	                      ent ? "SELECT id FROM seals WHERE enterprise_id = $1::uuid"
	                            " AND disabled_at IS NULL ORDER BY created_at DESC LIMIT 50"
	                          : "SELECT id FROM seals WHERE person_id = $1::uuid"
	                            " AND disabled_at IS NULL ORDER BY created_at DESC LIMIT 50",
	                      1, v, &r)) != ST_OK)
		return rv;
	Certs__SealList *list = (Certs__SealList *)dblist_new(ctx, &certs__seal_list__descriptor);
	list->items = arena_alloc(ctx->arena, sizeof *list->items * (size_t)(PQntuples(r) + 1));
	sc.enterprise_id = ent;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *id = PQgetvalue(r, i, 0);
		Certs__Seal *s = NULL;
		rv = seal_use_decide(ctx, id, sc.person_id, ent, 0, &u);
		if (rv == ST_SEAL_NOT_FOUND || rv == ST_SEAL_NOT_AUTHORISED ||
		    rv == ST_SEAL_DISABLED || rv == ST_SEAL_CERT_UNAVAILABLE)
			continue;
		if (rv != ST_OK || (rv = seal_load(ctx, &sc, id, &s)) != ST_OK)
			goto out;
		list->items[list->n_items++] = s;
	}
	status_clear();
	dblist_total(&list->base, (long long)list->n_items, NULL);
	*out = &list->base;
	rv = ST_OK;
out:
	PQclear(r);
	return rv;
}

int certs_seals_ent_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__SealRef *q = (const Certs__SealRef *)in;
	certs_seal_scope sc;
	Certs__Seal *s = NULL;
	int rv = certs_seals_scope(ctx, 1, 0, &sc);
	if (rv != ST_OK || (rv = seal_load(ctx, &sc, q->id, &s)) != ST_OK)
		return rv;
	*out = &s->base;
	return ST_OK;
}

static int seal_image(svc_ctx *ctx, int enterprise, const char *id, ProtobufCMessage **out)
{
	certs_seal_scope sc;
	Certs__Seal *s = NULL;
	unsigned char *png = NULL;
	size_t len = 0;
	int rv = certs_seals_scope(ctx, enterprise, 0, &sc);
	if (rv != ST_OK || (rv = seal_load(ctx, &sc, id, &s)) != ST_OK)
		return rv;
	if ((rv = blobs_get(ctx, &CERTS_APP(ctx)->pii, "certs", s->image_sha256, &png, &len)) !=
	    ST_OK)
		return rv;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->content_type = "image/png";
	d->has_data = 1;
	d->data.data = png;
	d->data.len = len;
	d->has_inline_ = 1;
	d->inline_ = 1;
	*out = &d->base;
	return ST_OK;
}

int certs_seals_ent_image(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return seal_image(ctx, 1, ((const Certs__SealRef *)in)->id, out);
}

int certs_seals_my_image(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return seal_image(ctx, 0, ((const Certs__SealRef *)in)->id, out);
}

/* ---- creating a seal ------------------------------------------------------------------- */

typedef struct seal_new {
	const certs_seal_scope *sc;
	const char *kind, *name, *cert, *companion, *source;
	const char *holder_name; /* enterprise: its verified name; person: the certificate's CN */
	Files__Upload up;        /* the PNG, generated or uploaded */
	char id[37];
} seal_new;

/* A certificate the holder of the scope may back a seal with. Sets *alg ("rsa", "ecdsa",
 * "sm2") and, for a personal certificate, *cn (its subject's CN: the verified name as
 * accounts gave it at issuance). */
static int seal_cert_check(svc_ctx *ctx, const certs_seal_scope *sc, const char *serial,
                           const char *field, const char **alg, const char **cn)
{
	PGresult *r = NULL;
	int rv;
	if (!serial || !*serial)
		return status_err(ST_FIELD_REQUIRED, field);
	if (strlen(serial) != 32 || strspn(serial, "0123456789ABCDEF") != 32)
		return status_err(ST_SEAL_CERT_NOT_HELD, field);
	const char *v[] = {serial, sc->person_id, sc->enterprise_id ? sc->enterprise_id : ""};
	if ((rv = change_exec(
	             ctx,
	             "SELECT c.ca, coalesce(c.medium, '') = 'cloud' AND EXISTS (SELECT 1 FROM"
	             " cloud_keys k WHERE k.serial = c.serial), c.revoked_at IS NULL AND now() >="
	             " c.not_before AND now() < c.not_after, c.cert_der FROM certificates c"
	             " WHERE c.serial = $1 AND CASE WHEN $3 = '' THEN c.profile = 'personal'"
	             " AND c.holder_account_id = $2 AND c.holder_enterprise_id IS NULL"
	             " ELSE c.profile = 'enterprise' AND c.holder_enterprise_id = $3 END",
	             3, v, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1)
		rv = status_err(ST_SEAL_CERT_NOT_HELD, field);
	else if (PQgetvalue(r, 0, 1)[0] != 't')
		rv = status_err(ST_SEAL_CERT_NOT_CLOUD, field);
	else if (PQgetvalue(r, 0, 2)[0] != 't')
		rv = status_err(ST_SEAL_CERT_UNAVAILABLE, field);
	if (rv != ST_OK)
		goto out;
	*alg = dbrow_text(ctx->arena, r, 0, 0);
	if (cn) {
		size_t n = 0;
		unsigned char *der =
		        PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 3), &n);
		X509 *x = der ? ca_cert_from_der(der, n) : NULL;
		X509_NAME *name = x ? X509_get_subject_name(x) : NULL;
		int i = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
		unsigned char *utf8 = NULL;
		if (i >= 0 && ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
		                                                 X509_NAME_get_entry(name, i))) > 0)
			*cn = arena_strdup(ctx->arena, (const char *)utf8);
		else
			rv = status_err(ST_INTERNAL, NULL);
		OPENSSL_free(utf8);
		X509_free(x);
		PQfreemem(der);
	}
out:
	PQclear(r);
	return rv;
}

/* The enterprise's verified name, from enterprise (as applications.c takes it). */
static int seal_enterprise_name(svc_ctx *ctx, const char *enterprise_id, const char **name)
{
	ProtobufCMessage *o = NULL;
	Enterprise__GetEnterpriseRequest q = ENTERPRISE__GET_ENTERPRISE_REQUEST__INIT;
	q.id = (char *)enterprise_id;
	int rv = bus_call(CERTS_APP(ctx)->enterprise, "GetEnterprise", ctx->caller,
	                  bus_call_timeout_ms(ctx->deadline_ms, BUS_CALL_MIN_MS, BUS_CALL_MAX_MS),
	                  &q.base, &enterprise__enterprise_info__descriptor, ctx->arena, &o);
	if (rv != ST_OK)
		return rv == ST_NOT_FOUND ? status_err(ST_FORBIDDEN, NULL) : rv;
	const Enterprise__EnterpriseInfo *e = (const Enterprise__EnterpriseInfo *)o;
	if (!e->name || !*e->name)
		return status_err(ST_FORBIDDEN, NULL);
	*name = e->name;
	return ST_OK;
}

/* Kind, label, the backing certificate and its companion: checked before anything is
 * drawn. */
static int seal_form_check(svc_ctx *ctx, seal_new *n)
{
	const char *alg = NULL, *calg = NULL;
	int rv;
	if (n->sc->enterprise_id) {
		if (!n->kind || !*n->kind)
			return status_err(ST_FIELD_REQUIRED, "kind");
		if (!certs_seal_kind_label(n->kind) || strcmp(n->kind, "personal") == 0)
			return status_err(ST_SEAL_KIND, "kind");
	} else {
		/* A person's seal is their signature whatever the form says. */
		n->kind = "personal";
	}
	if (n->name && *n->name) {
		if (validate_text(n->name, 30) != ST_OK)
			return status_err(ST_SEAL_NAME, "name");
	} else {
		n->name = certs_seal_kind_label(n->kind);
	}
	if ((rv = seal_cert_check(ctx, n->sc, n->cert, "cert_serial", &alg,
	                          n->sc->enterprise_id ? NULL : &n->holder_name)) != ST_OK)
		return rv;
	if (strcmp(alg, "sm2") != 0) {
		n->companion = NULL;
		return ST_OK;
	}
	if (!n->companion || !*n->companion)
		return status_err(ST_SEAL_COMPANION, "companion_serial");
	if ((rv = seal_cert_check(ctx, n->sc, n->companion, "companion_serial", &calg, NULL)) !=
	    ST_OK)
		return rv;
	if (strcmp(calg, "sm2") == 0)
		return status_err(ST_SEAL_COMPANION, "companion_serial");
	return ST_OK;
}

int certs_seals_event(svc_ctx *ctx, const char *actor, const char *type, const char *seal_id,
                      const char *kind, const char *enterprise_id, const char *person_id,
                      void *detail)
{
	/* The audit action is the event's type without its source: seal.created … */
	const char *action = strncmp(type, "certs.", 6) == 0 ? type + 6 : type;
	Certs__SealEvent p = CERTS__SEAL_EVENT__INIT;
	p.seal_id = (char *)seal_id;
	p.kind = (char *)kind;
	p.enterprise_id = (char *)enterprise_id;
	p.person_id = (char *)person_id;
	p.actor_person_id = (char *)(strncmp(actor, "person:", 7) == 0 ? actor + 7 : actor);
	change_event ev = {type, NULL, &p.base};
	return change_record(ctx, actor, arena_printf(ctx->arena, "seal/%s", seal_id), action,
	                     (json_t *)detail, &ev);
}

static int seal_create_tx(svc_ctx *ctx, void *arg)
{
	seal_new *n = arg;
	blobs_info b;
	PGresult *r = NULL;
	int rv = blobs_put(ctx, &CERTS_APP(ctx)->pii, "certs", &n->up, "image", "seal", &b);
	if (rv != ST_OK)
		return rv;
	const certs_seal_scope *sc = n->sc;
	const char *v[] = {sc->enterprise_id, sc->enterprise_id ? NULL : sc->person_id,
	                   n->kind,           n->name,
	                   b.sha256,          n->source,
	                   n->cert,           n->companion,
	                   sc->actor};
	rv = change_unique(ctx, sc->enterprise_id ? ST_SEAL_KIND_TAKEN : ST_SEAL_PERSONAL_TAKEN,
	                   "kind",
	                   "INSERT INTO seals (enterprise_id, person_id, kind, name, image_sha256,"
	                   " source, cert_serial, companion_serial, created_by) VALUES ($1::uuid,"
	                   " $2::uuid, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	                   9, v, NULL, NULL, &r);
	if (rv != ST_OK)
		return rv;
	snprintf(n->id, sizeof n->id, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return certs_seals_event(ctx, sc->actor, "certs.seal.created", n->id, n->kind,
	                         sc->enterprise_id, sc->enterprise_id ? NULL : sc->person_id,
	                         json_pack("{s:s,s:s,s:s,s:s?}", "kind", n->kind, "source",
	                                   n->source, "cert_serial", n->cert, "companion_serial",
	                                   n->companion));
}

/* Draws (generated) or checks (uploaded) the image, stores the seal, answers it. */
static int seal_create(svc_ctx *ctx, seal_new *n, ProtobufCMessage **out)
{
	unsigned char *png = NULL;
	size_t len = 0;
	Certs__Seal *s = NULL;
	int rv;
	if ((rv = seal_form_check(ctx, n)) != ST_OK)
		return rv;
	if (strcmp(n->source, "generated") == 0) {
		if (n->sc->enterprise_id) {
			if ((rv = seal_enterprise_name(ctx, n->sc->enterprise_id,
			                               &n->holder_name)) != ST_OK)
				return rv;
			rv = seal_image_round(n->holder_name, certs_seal_kind_text(n->kind),
			                      SEAL_PX, &png, &len);
		} else {
			rv = seal_image_square(n->holder_name, SEAL_PX, &png, &len);
		}
		if (rv != ST_OK)
			return rv;
		n->up.name = "seal.png";
		n->up.has_data = 1;
		n->up.data.data = png;
		n->up.data.len = len;
	} else if ((rv = certs_seal_png_check(n->up.has_data ? n->up.data.data : NULL,
	                                      n->up.has_data ? n->up.data.len : 0)) != ST_OK) {
		return rv;
	}
	rv = change_run(ctx, seal_create_tx, n);
	free(png);
	if (rv != ST_OK)
		return rv;
	if ((rv = seal_load(ctx, n->sc, n->id, &s)) != ST_OK)
		return rv;
	*out = &s->base;
	return ST_CREATED;
}

int certs_seals_ent_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__SealForm *q = (const Certs__SealForm *)in;
	certs_seal_scope sc;
	int rv = certs_seals_scope(ctx, 1, 1, &sc);
	if (rv != ST_OK)
		return rv;
	seal_new n = {.sc = &sc,
	              .kind = q->kind,
	              .name = q->name,
	              .cert = q->cert_serial,
	              .companion = q->companion_serial,
	              .source = "generated",
	              .up = FILES__UPLOAD__INIT};
	return seal_create(ctx, &n, out);
}

int certs_seals_ent_upload(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__SealUpload *q = (const Certs__SealUpload *)in;
	certs_seal_scope sc;
	int rv = certs_seals_scope(ctx, 1, 1, &sc);
	if (rv != ST_OK)
		return rv;
	if (!q->image || !q->image->has_data || q->image->data.len == 0)
		return status_err(ST_FIELD_REQUIRED, "image");
	seal_new n = {.sc = &sc,
	              .kind = q->kind,
	              .name = q->name,
	              .cert = q->cert_serial,
	              .companion = q->companion_serial,
	              .source = "uploaded",
	              .up = *q->image};
	return seal_create(ctx, &n, out);
}

int certs_seals_my_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__SealForm *q = (const Certs__SealForm *)in;
	certs_seal_scope sc;
	int rv = certs_seals_scope(ctx, 0, 0, &sc);
	if (rv != ST_OK)
		return rv;
	seal_new n = {.sc = &sc,
	              .kind = "personal",
	              .name = q->name,
	              .cert = q->cert_serial,
	              .companion = q->companion_serial,
	              .source = "generated",
	              .up = FILES__UPLOAD__INIT};
	return seal_create(ctx, &n, out);
}

/* ---- disabling ------------------------------------------------------------------------- */

typedef struct seal_off {
	const certs_seal_scope *sc;
	const Certs__Seal *s;
} seal_off;

static int seal_disable_tx(svc_ctx *ctx, void *arg)
{
	const seal_off *o = arg;
	const char *v[] = {o->s->id, o->sc->actor};
	int rv = change_guard(ctx, ST_SEAL_DISABLED, "id",
	                      "UPDATE seals SET disabled_at = now(), disabled_by = $2"
	                      " WHERE id = $1::uuid AND disabled_at IS NULL",
	                      2, v, NULL);
	if (rv != ST_OK)
		return rv;
	return certs_seals_event(ctx, o->sc->actor, "certs.seal.disabled", o->s->id, o->s->kind,
	                         o->s->enterprise_id, o->s->person_id,
	                         json_pack("{s:s}", "kind", o->s->kind));
}

static int seal_disable(svc_ctx *ctx, int enterprise, const char *id, ProtobufCMessage **out)
{
	certs_seal_scope sc;
	Certs__Seal *s = NULL;
	int rv = certs_seals_scope(ctx, enterprise, enterprise, &sc);
	if (rv != ST_OK || (rv = seal_load(ctx, &sc, id, &s)) != ST_OK)
		return rv;
	seal_off o = {&sc, s};
	if ((rv = change_run(ctx, seal_disable_tx, &o)) != ST_OK ||
	    (rv = seal_load(ctx, &sc, id, &s)) != ST_OK)
		return rv;
	*out = &s->base;
	return ST_OK;
}

int certs_seals_ent_disable(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return seal_disable(ctx, 1, ((const Certs__SealRef *)in)->id, out);
}

int certs_seals_my_disable(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	return seal_disable(ctx, 0, ((const Certs__SealRef *)in)->id, out);
}
