/*
 * Certificate applications, the ca_officer's side: the queue, the detail, accept (the
 * certificate issued in the same transaction when the application's order is paid;
 * otherwise it waits, accepted, and the payment's event issues it: whichever of the two
 * comes second issues, in its own transaction), reject with a reason,
 * ready for pickup or shipped (carrier, tracking number), completed. Acceptance takes
 * the subject from the registry again (kept, the identifier sealed, for the issuance);
 * issuance takes the key from the stored CSR or generated here: a
 * software certificate's key goes out once as PKCS#12 (AES-256, the password the
 * applicant set, sealed until now), a cloud certificate's key is sealed into cloud_keys.
 * A renewal runs from the old certificate's expiry. To anyone else these routes do not
 * exist (404).
 */
#include "orders.h"

#include "blobs.h"
#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "status.h"
#include "validate.h"

#include <openssl/crypto.h>
#include <openssl/pkcs12.h>

#include <stdlib.h>
#include <string.h>

static int officer(svc_ctx *ctx, const char **pid)
{
	int rv = caller_person(ctx, pid);
	if (rv != ST_OK)
		return rv;
	if (!caller_has_role(ctx, "ca_officer"))
		return status_err(ST_NOT_FOUND, NULL);
	return ST_OK;
}

static ProtobufCMessage *list_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	return &applications_row(ctx, r, row)->base;
}

int certs_app_officer_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ListApplicationsRequest *q = (const Certs__ListApplicationsRequest *)in;
	const char *pid;
	dblist_page pg;
	int rv = officer(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if ((rv = dblist_page_init(q->has_page, q->page, q->has_page_size, q->page_size, &pg)) !=
	    ST_OK)
		return rv;
	const char *v[] = {q->state && *q->state ? q->state : NULL, pg.limit, pg.offset};
	return dblist_query(
	        ctx, &certs__application_list__descriptor, &pg,
	        "SELECT count(*) FROM cert_applications a WHERE $1::text IS NULL OR a.state = $1",
	        1,
	        arena_printf(ctx->arena,
	                     "SELECT %s FROM cert_applications a WHERE $1::text IS NULL OR"
	                     " a.state = $1 ORDER BY a.created_at, a.id LIMIT $2::int"
	                     " OFFSET $3::bigint",
	                     applications_cols),
	        3, v, list_row, NULL, out);
}

int certs_app_officer_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationRef *q = (const Certs__ApplicationRef *)in;
	const char *pid;
	Certs__Application *o = NULL;
	int rv = officer(ctx, &pid);
	if (rv != ST_OK || (rv = applications_load(ctx, NULL, q->id, 0, &o)) != ST_OK ||
	    (rv = applications_materials(ctx, o)) != ST_OK)
		return rv;
	*out = &o->base;
	return ST_OK;
}

/* A scan of the application, for the officer's review. */
int certs_app_officer_material(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__MaterialRef *q = (const Certs__MaterialRef *)in;
	const char *pid;
	PGresult *r = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	int rv = officer(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if (!q->id || !validate_uuid(q->id) || !q->file_id || !validate_uuid(q->file_id))
		return status_err(ST_NOT_FOUND, "file_id");
	const char *v[] = {q->file_id, q->id};
	if ((rv = db_exec(
	             ctx->db,
	             "SELECT name, content_type, sha256 FROM cert_app_files WHERE id = $1::uuid"
	             " AND application_id = $2::uuid",
	             2, v, &r)) != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_NOT_FOUND, "file_id");
	}
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = dbrow_text(ctx->arena, r, 0, 0);
	d->content_type = dbrow_text(ctx->arena, r, 0, 1);
	rv = blobs_get(ctx, &CERTS_APP(ctx)->pii, "certs", PQgetvalue(r, 0, 2), &data, &len);
	PQclear(r);
	if (rv != ST_OK)
		return rv;
	d->has_data = 1;
	d->data.data = data;
	d->data.len = len;
	/* Images show in the browser; a PDF is saved (it may carry scripts). */
	d->has_inline_ = 1;
	d->inline_ = strncmp(d->content_type, "image/", 6) == 0;
	*out = &d->base;
	return ST_OK;
}

/* ---- a transition ------------------------------------------------------------------- */

struct step {
	const char *id, *actor, *from, *to, *action;
	const char *reason, *carrier, *tracking;
	Certs__Application *o;
};

static int step_tx(svc_ctx *ctx, void *arg)
{
	struct step *s = arg;
	PGresult *r = NULL;
	Certs__Application *o = NULL;
	int rv = applications_load(ctx, NULL, s->id, 1, &o);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {s->id, s->from, s->to, s->reason, s->carrier, s->tracking};
	if ((rv = change_guard(
	             ctx, ST_CERTAPP_STATE, "state",
	             arena_printf(ctx->arena,
	                          "WITH a AS (UPDATE cert_applications SET state = $3,"
	                          " reject_reason = COALESCE($4, reject_reason),"
	                          " carrier = COALESCE($5, carrier),"
	                          " tracking_no = COALESCE($6, tracking_no), updated_at = now()"
	                          " WHERE id = $1::uuid AND state = ANY(string_to_array($2, ','))"
	                          " RETURNING *) SELECT %s FROM a",
	                          applications_cols),
	             6, v, &r)) != ST_OK)
		return rv;
	s->o = applications_row(ctx, r, 0);
	PQclear(r);
	json_t *d = json_pack("{s:s,s:s}", "from", o->state, "to", s->to);
	if (s->reason)
		json_object_set_new(d, "reason", json_string(s->reason));
	if (s->tracking)
		json_object_set_new(d, "tracking_no", json_string(s->tracking));
	return applications_record(ctx, s->actor, s->o, s->action, d);
}

static int step(svc_ctx *ctx, struct step *s, ProtobufCMessage **out)
{
	const char *pid;
	int rv = officer(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	s->actor = arena_printf(ctx->arena, "person:%s", pid);
	if ((rv = change_run(ctx, step_tx, s)) != ST_OK)
		return rv;
	if ((rv = applications_materials(ctx, s->o)) != ST_OK)
		return rv;
	*out = &s->o->base;
	return ST_OK;
}

int certs_app_officer_reject(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__RejectApplicationRequest *q = (const Certs__RejectApplicationRequest *)in;
	int rv;
	if (!q->reason || !*q->reason)
		return status_err(ST_FIELD_REQUIRED, "reason");
	if ((rv = validate_text(q->reason, 200)) != 0)
		return status_err(rv, "reason");
	struct step s = {.id = q->id,
	                 .from = "pending",
	                 .to = "rejected",
	                 .action = "application.rejected",
	                 .reason = q->reason};
	return step(ctx, &s, out);
}

int certs_app_officer_ship(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ShipApplicationRequest *q = (const Certs__ShipApplicationRequest *)in;
	size_t n = q->tracking_no ? strlen(q->tracking_no) : 0;
	if (!q->carrier || !*q->carrier || validate_text(q->carrier, 32) != 0)
		return status_err(ST_CERTAPP_TRACKING, "carrier");
	if (n < 6 || n > 32 ||
	    strspn(q->tracking_no,
	           "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != n)
		return status_err(ST_CERTAPP_TRACKING, "tracking_no");
	struct step s = {.id = q->id,
	                 .from = "issued",
	                 .to = "shipped",
	                 .action = "application.shipped",
	                 .carrier = q->carrier,
	                 .tracking = q->tracking_no};
	return step(ctx, &s, out);
}

int certs_app_officer_ready(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationRef *q = (const Certs__ApplicationRef *)in;
	struct step s = {
	        .id = q->id, .from = "issued", .to = "ready", .action = "application.ready"};
	return step(ctx, &s, out);
}

int certs_app_officer_complete(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationRef *q = (const Certs__ApplicationRef *)in;
	struct step s = {.id = q->id,
	                 .from = "ready,shipped",
	                 .to = "completed",
	                 .action = "application.completed"};
	return step(ctx, &s, out);
}

/* ---- accept and issue ------------------------------------------------------------------ */

#define AAD_SUBJECT "certs.cert_applications.subject_code"

struct issue {
	const char *id, *actor;
	Certs__Application *o;
	certs_issued t;
	unsigned char *cloud_key, *p12;
	size_t cloud_len, p12_len;
};

/* What issuance reads besides the application: its CSR, the sealed PKCS#12 password and,
 * for a renewal, the new expiry (the old one plus the years, epoch seconds). */
static int issue_inputs(svc_ctx *ctx, const char *id, char **csr, unsigned char **pw, size_t *pwlen,
                        time_t *not_after)
{
	PGresult *r = NULL;
	const char *v[] = {id};
	int rv = db_query(ctx->db,
	                  "SELECT a.csr, a.p12_password_enc,"
	                  " extract(epoch FROM c.not_after + make_interval(years =>"
	                  " a.validity_years))::bigint"
	                  " FROM cert_applications a LEFT JOIN certificates c"
	                  " ON c.serial = a.renews_serial WHERE a.id = $1::uuid",
	                  1, v, NULL, NULL, 1, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_CERTAPP_NOT_FOUND, "id");
	}
	*csr = PQgetisnull(r, 0, 0) ? NULL : dbrow_text(ctx->arena, r, 0, 0);
	*pw = NULL;
	*pwlen = 0;
	if (!PQgetisnull(r, 0, 1)) {
		*pwlen = (size_t)PQgetlength(r, 0, 1);
		*pw = arena_alloc(ctx->arena, *pwlen);
		memcpy(*pw, PQgetvalue(r, 0, 1), *pwlen);
	}
	*not_after = 0;
	if (!PQgetisnull(r, 0, 2)) {
		/* binary int8, network order */
		const unsigned char *b = (const unsigned char *)PQgetvalue(r, 0, 2);
		uint64_t x = 0;
		for (int i = 0; i < 8; i++)
			x = (x << 8) | b[i];
		*not_after = (time_t)(int64_t)x;
	}
	PQclear(r);
	return ST_OK;
}

/* The PKCS#12 of the certificate, its chain and key under pw: PBES2 AES-256-CBC for
 * both the key and the certificates, SHA-256 MAC. */
static int issue_pkcs12(svc_ctx *ctx, struct issue *a, EVP_PKEY *key, const char *pw)
{
	struct certs_app *app = CERTS_APP(ctx);
	struct certs_ca *c = &app->ca[ca_alg_parse(a->t.ca)];
	STACK_OF(X509) *chain = sk_X509_new_null();
	PKCS12 *p = NULL;
	unsigned char *der = NULL;
	int len, rv = status_err(ST_INTERNAL, NULL);
	if (!chain || !sk_X509_push(chain, c->issuing) || !sk_X509_push(chain, c->root))
		goto out;
	if (!(p = PKCS12_create(pw, a->o ? a->o->no : "certificate", key, a->t.x, chain,
	                        NID_aes_256_cbc, NID_aes_256_cbc, 10000, 10000, 0)))
		goto out;
	if ((len = i2d_PKCS12(p, &der)) <= 0)
		goto out;
	if (crypto_seal(&app->ca_seal, der, (size_t)len,
	                arena_printf(ctx->arena, "certs.cert_applications.pkcs12/%s", a->id),
	                &a->p12, &a->p12_len) != 0)
		goto out;
	rv = ST_OK;
out:
	OPENSSL_free(der);
	PKCS12_free(p);
	sk_X509_free(chain);
	return rv;
}

/* Stores what issue_make made: the certificate, the cloud key, the application issued. */
static int issue_store(svc_ctx *ctx, struct issue *a)
{
	PGresult *r = NULL;
	int rv;
	if ((rv = certs_issue_store(ctx, &a->t)) != ST_OK)
		return rv;
	if (a->cloud_key) {
		const char *vc[] = {a->t.serial, (const char *)a->cloud_key};
		const int lens[] = {0, (int)a->cloud_len}, fmts[] = {0, 1};
		if ((rv = change_query(
		             ctx, "INSERT INTO cloud_keys (serial, key_sealed) VALUES ($1, $2)", 2,
		             vc, lens, fmts, NULL)) != ST_OK)
			return rv;
	}
	const char *vi[] = {a->id, a->t.serial, (const char *)a->p12};
	const int li[] = {0, 0, (int)a->p12_len}, fi[] = {0, 0, 1};
	if ((rv = change_guard_query(
	             ctx, ST_CERTAPP_STATE, "state",
	             arena_printf(ctx->arena,
	                          "WITH a AS (UPDATE cert_applications SET state = 'issued',"
	                          " certificate_serial = $2, pkcs12_sealed = $3,"
	                          " p12_password_enc = NULL, updated_at = now()"
	                          " WHERE id = $1::uuid AND state = 'accepted' RETURNING *)"
	                          " SELECT %s FROM a",
	                          applications_cols),
	             3, vi, li, fi, &r)) != ST_OK)
		return rv;
	a->o = applications_row(ctx, r, 0);
	PQclear(r);
	/* The certificate row is written with this transaction, so its expiry reads here. */
	a->o->certificate_not_after = (char *)a->t.na;
	return applications_record(ctx, a->actor, a->o, "application.issued",
	                           json_pack("{s:s}", "serial", a->t.serial));
}

int applications_issue_tx(svc_ctx *ctx, const char *id, const char *actor, Certs__Application **out)
{
	struct certs_app *app = CERTS_APP(ctx);
	Certs__Application *o = NULL;
	PGresult *r = NULL;
	EVP_PKEY *key = NULL;
	char *csr = NULL, *pw = NULL, *code = NULL;
	unsigned char *pw_sealed = NULL, *kder = NULL;
	size_t pw_len = 0, pwn = 0, klen = 0;
	time_t not_after = 0;
	struct issue a = {.id = id, .actor = actor};
	int rv = applications_load(ctx, NULL, id, 1, &o);
	if (rv != ST_OK)
		return rv;
	if (strcmp(o->state, "accepted") != 0)
		return status_err(ST_CERTAPP_STATE, "state");
	const char *v[] = {id};
	if ((rv = change_exec(ctx,
	                      "SELECT subject_name, subject_code_enc FROM cert_applications"
	                      " WHERE id = $1::uuid AND subject_code_enc IS NOT NULL",
	                      1, v, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return status_err(ST_INTERNAL, NULL);
	}
	const char *name = dbrow_text(ctx->arena, r, 0, 0);
	rv = dbrow_open(ctx, &app->pii, r, 0, 1, AAD_SUBJECT, &code);
	PQclear(r);
	if (rv != ST_OK)
		return rv;
	if ((rv = issue_inputs(ctx, id, &csr, &pw_sealed, &pw_len, &not_after)) != ST_OK)
		return rv;
	int server = strcmp(o->key_source, "server") == 0;
	if (server && (rv = ca_keygen((ca_alg)ca_alg_parse(o->algorithm), &key)) != ST_OK)
		return rv;
	Certs__IssueCertificateRequest ir = CERTS__ISSUE_CERTIFICATE_REQUEST__INIT;
	ir.algorithm = o->algorithm;
	ir.profile = o->profile;
	ir.csr = csr;
	ir.has_validity_years = 1;
	ir.validity_years = o->validity_years;
	ir.common_name = (char *)name;
	if (o->enterprise_id) {
		ir.organization = (char *)name;
		ir.uscc = code;
	} else
		ir.id_number = code;
	ir.actor = (char *)actor;
	ir.holder_account_id = o->applicant_id;
	ir.holder_enterprise_id = o->enterprise_id;
	ir.medium = o->medium;
	ir.application_id = o->id;
	a.o = o;
	if ((rv = certs_issue_make(ctx, &ir, key, not_after, &a.t)) != ST_OK)
		goto out;
	if (server && strcmp(o->medium, "cloud") == 0) {
		if (ca_key_der(key, &kder, &klen) != ST_OK ||
		    crypto_seal(&app->ca_seal, kder, klen,
		                arena_printf(ctx->arena, "certs.cloud_keys/%s", a.t.serial),
		                &a.cloud_key, &a.cloud_len) != 0) {
			rv = status_err(ST_INTERNAL, NULL);
			goto out;
		}
	} else if (server) {
		if (!pw_sealed ||
		    crypto_open(&app->pii, pw_sealed, pw_len,
		                "certs.cert_applications.p12_password", &pw, &pwn) != 0) {
			rv = status_err(ST_INTERNAL, NULL);
			goto out;
		}
		char *pwz = arena_alloc(ctx->arena, pwn + 1);
		memcpy(pwz, pw, pwn);
		pwz[pwn] = '\0';
		rv = issue_pkcs12(ctx, &a, key, pwz);
		OPENSSL_cleanse(pwz, pwn);
		if (rv != ST_OK)
			goto out;
	}
	if ((rv = issue_store(ctx, &a)) != ST_OK)
		goto out;
	if (out)
		*out = a.o;
out:
	if (pw) {
		OPENSSL_cleanse(pw, pwn);
		free(pw);
	}
	if (kder) {
		OPENSSL_cleanse(kder, klen);
		OPENSSL_free(kder);
	}
	free(a.cloud_key);
	free(a.p12);
	certs_issued_free(&a.t);
	EVP_PKEY_free(key);
	return rv;
}

struct accept {
	const char *id, *actor, *name;
	unsigned char *code;
	size_t code_len;
	Certs__Application *o;
};

/* Accepted with the subject as the registry gives it now; issued at once when its order
 * is paid, else when the payment arrives (orders_events.c). The order's row is locked
 * first, so a payment applied at the same moment either sees this acceptance or is seen
 * by it. */
static int accept_tx(svc_ctx *ctx, void *arg)
{
	struct accept *a = arg;
	PGresult *r = NULL;
	const char *order_state = NULL;
	int rv = orders_lock_of_application(ctx, a->id, &order_state);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {a->id, a->name, (const char *)a->code};
	const int lens[] = {0, 0, (int)a->code_len}, fmts[] = {0, 0, 1};
	if ((rv = change_guard_query(
	             ctx, ST_CERTAPP_STATE, "state",
	             arena_printf(ctx->arena,
	                          "WITH a AS (UPDATE cert_applications SET state = 'accepted',"
	                          " subject_name = $2, subject_code_enc = $3, updated_at = now()"
	                          " WHERE id = $1::uuid AND state = 'pending' RETURNING *)"
	                          " SELECT %s FROM a",
	                          applications_cols),
	             3, v, lens, fmts, &r)) != ST_OK)
		return rv;
	a->o = applications_row(ctx, r, 0);
	PQclear(r);
	if ((rv = applications_record(ctx, a->actor, a->o, "application.accepted", NULL)) != ST_OK)
		return rv;
	if (order_state && strcmp(order_state, "paid") == 0)
		return applications_issue_tx(ctx, a->id, a->actor, &a->o);
	return ST_OK;
}

int certs_app_officer_accept(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationRef *q = (const Certs__ApplicationRef *)in;
	const char *pid;
	Certs__Application *o = NULL;
	applications_subject subj;
	struct accept a = {0};
	int rv = officer(ctx, &pid);
	if (rv != ST_OK)
		return rv;
	if ((rv = applications_load(ctx, NULL, q->id, 0, &o)) != ST_OK)
		return rv;
	if (strcmp(o->state, "pending") != 0)
		return status_err(ST_CERTAPP_STATE, "state");
	if ((rv = applications_materials(ctx, o)) != ST_OK)
		return rv;
	int enterprise = o->enterprise_id != NULL, have = 0;
	for (size_t i = 0; i < o->n_materials; i++)
		have |= strcmp(o->materials[i]->kind,
		               enterprise ? "business_license" : "id_card") == 0
		                ? 1
		        : strcmp(o->materials[i]->kind, "authorization") == 0 ? 2
		                                                              : 0;
	if (have != (enterprise ? 3 : 1))
		return status_err(ST_CERTAPP_MATERIALS, "materials");
	if ((rv = applications_subject_of(ctx, o->enterprise_id, o->applicant_id, &subj)) != ST_OK)
		return rv;
	if (crypto_seal(&CERTS_APP(ctx)->pii, subj.code, strlen(subj.code), AAD_SUBJECT, &a.code,
	                &a.code_len) != 0)
		return status_err(ST_INTERNAL, NULL);
	a.id = q->id;
	a.name = subj.name;
	a.actor = arena_printf(ctx->arena, "person:%s", pid);
	rv = change_run(ctx, accept_tx, &a);
	free(a.code);
	if (rv != ST_OK)
		return rv;
	if ((rv = applications_materials(ctx, a.o)) != ST_OK)
		return rv;
	*out = &a.o->base;
	return ST_OK;
}
