/*
 * The confirmation of a contract by its signer (manual 002 签署: 确认签署 with the SMS code)
 * and the refusal (拒签). A confirmation checks the signer's turn, every placed seal
 * (seals.h: the signer may use it now, its certificate available), the SMS code of purpose
 * sign ONCE (accounts CheckCertificateHolder, the signer's own phone, even for an
 * enterprise's key), opens each seal's cloud key in process (cloudsign.c), then, under the
 * contract's row lock (parallel signers queue there, so none loses the other's revision),
 * signs the current document once per seal placement — PAdES B-T: the seal's widget, and
 * every date placement of the signer riding in the nearest seal's signature as a second
 * widget — with an SM2 seal's RSA/ECDSA companion signing again right after it. The new
 * document is stored, doc_sha256 and doc_version advanced, the signer signed, the trail
 * row written (who, identity, IP, digests, serials, the SMS confirmation time) and the
 * event certs.contract.signed recorded; when no signer is left waiting the contract is
 * completed (trail, event, completion certificate) in the same transaction.
 */
#include "blobs.h"
#include "caller.h"
#include "certs.h"
#include "certs_signing.pb-c.h"
#include "change.h"
#include "contracts.h"
#include "pades.h"
#include "pdfread.h"
#include "pki.h"
#include "seal_image.h"
#include "seals.h"
#include "signing.h"
#include "status.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIGN_MAX_SEALS 20
#define DATE_PX        480 /* the date stamp's width in pixels */

/* ---- the signer and their turn ------------------------------------------------------- */

int signing_signer_get(svc_ctx *ctx, const char *contract_id, int turn, signing_signer *out)
{
	const char *pid = NULL;
	PGresult *r = NULL;
	certs_contract_row row;
	int rv = certs_contract_for_caller(ctx, contract_id, &pid, &row);
	if (rv != ST_OK)
		return rv;
	const char *claim = caller_enterprise_claim(ctx);
	const char *v[] = {contract_id, pid, claim ? claim : ""};
	/* The person may sign for several identities: the session's first, then a waiting one. */
	if ((rv = db_query(ctx->db,
	                   "SELECT s.seq, s.enterprise_id, s.state, c.state, c.expires_at < now(),"
	                   " c.order_mode, c.pages, (SELECT min(w.seq) FROM contract_signers w"
	                   " WHERE w.contract_id = c.id AND w.state = 'waiting')"
	                   " FROM contract_signers s JOIN contracts c ON c.id = s.contract_id"
	                   " WHERE s.contract_id = $1 AND s.person_id = $2"
	                   " ORDER BY coalesce(s.enterprise_id::text, '') = $3 DESC,"
	                   " s.state = 'waiting' DESC, s.seq LIMIT 1",
	                   3, v, NULL, NULL, 0, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		rv = status_err(ST_SIGN_NOT_SIGNER, "id");
		goto out;
	}
	out->contract_id = arena_strdup(ctx->arena, contract_id);
	out->person_id = pid;
	out->seq = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	out->enterprise_id =
	        PQgetisnull(r, 0, 1) ? NULL : arena_strdup(ctx->arena, PQgetvalue(r, 0, 1));
	out->pages = (int)strtol(PQgetvalue(r, 0, 6), NULL, 10);
	rv = ST_OK;
	if (!turn)
		goto out;
	if (strcmp(PQgetvalue(r, 0, 3), "signing") != 0)
		rv = status_err(ST_SIGN_CONTRACT_STATE, "state");
	else if (PQgetvalue(r, 0, 4)[0] == 't')
		rv = status_err(ST_SIGN_CONTRACT_EXPIRED, "expires_at");
	else if (strcmp(PQgetvalue(r, 0, 2), "waiting") != 0)
		rv = status_err(ST_SIGN_ALREADY_DONE, "id");
	else if (strcmp(PQgetvalue(r, 0, 5), "sequential") == 0 &&
	         strtol(PQgetvalue(r, 0, 7), NULL, 10) != out->seq)
		rv = status_err(ST_SIGN_NOT_YOUR_TURN, "id");
out:
	PQclear(r);
	return rv;
}

int signing_turn_locked(svc_ctx *ctx, const signing_signer *s, char doc_sha256[65],
                        int *doc_version)
{
	PGresult *r = NULL;
	char seq[16];
	snprintf(seq, sizeof seq, "%d", s->seq);
	const char *v[] = {s->contract_id, seq};
	int rv = change_exec(ctx,
	                     "SELECT state, expires_at < now(), order_mode, doc_sha256, doc_version"
	                     " FROM contracts WHERE id = $1 FOR UPDATE",
	                     1, v, &r);
	if (rv != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		rv = status_err(ST_CONTRACT_NOT_FOUND, "id");
		goto out;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "signing") != 0) {
		rv = status_err(ST_SIGN_CONTRACT_STATE, "state");
		goto out;
	}
	if (PQgetvalue(r, 0, 1)[0] == 't') {
		rv = status_err(ST_SIGN_CONTRACT_EXPIRED, "expires_at");
		goto out;
	}
	snprintf(doc_sha256, 65, "%s", PQgetvalue(r, 0, 3));
	*doc_version = (int)strtol(PQgetvalue(r, 0, 4), NULL, 10);
	int sequential = strcmp(PQgetvalue(r, 0, 2), "sequential") == 0;
	PQclear(r);
	r = NULL;
	if ((rv = change_exec(ctx,
	                      "SELECT (SELECT state FROM contract_signers WHERE contract_id = $1"
	                      " AND seq = $2::int), (SELECT min(seq) FROM contract_signers"
	                      " WHERE contract_id = $1 AND state = 'waiting')",
	                      2, v, &r)) != ST_OK)
		return rv;
	if (strcmp(PQgetvalue(r, 0, 0), "waiting") != 0)
		rv = status_err(ST_SIGN_ALREADY_DONE, "id");
	else if (sequential && strtol(PQgetvalue(r, 0, 1), NULL, 10) != s->seq)
		rv = status_err(ST_SIGN_NOT_YOUR_TURN, "id");
out:
	PQclear(r);
	return rv;
}

/* ---- the platform TSA in process, the document's bytes ------------------------------- */

int signing_tsa_open(svc_ctx *ctx, signing_tsa *t)
{
	memset(t, 0, sizeof *t);
	t->ctx = ctx;
	int rv = certs_pki_signer(ctx, PKI_TSA_NAME, &t->cert, &t->key);
	if (rv != ST_OK)
		return rv;
	/* certReq: the issuing CA travels with the TSA's own certificate (as tsa.c). */
	if (!(t->chain = sk_X509_new_null()) ||
	    !sk_X509_push(t->chain, CERTS_APP(ctx)->ca[CA_RSA].issuing)) {
		signing_tsa_close(t);
		return status_err(ST_INTERNAL, NULL);
	}
	return ST_OK;
}

void signing_tsa_close(signing_tsa *t)
{
	sk_X509_free(t->chain);
	X509_free(t->cert);
	EVP_PKEY_free(t->key);
	memset(t, 0, sizeof *t);
}

int signing_tsa_cb(void *arg, const unsigned char imprint[32], unsigned char **token,
                   size_t *toklen)
{
	signing_tsa *t = arg;
	unsigned char *q = NULL, *resp = NULL;
	size_t qlen = 0, rlen = 0;
	PGresult *r = NULL;
	int granted = 0;
	int rv = change_exec(t->ctx, "SELECT nextval('tsa_serial')", 0, NULL, &r);
	if (rv != ST_OK)
		return rv;
	long long serial = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if ((rv = cades_tsa_query(imprint, &q, &qlen)) == ST_OK &&
	    (rv = pki_tsa_answer(t->cert, t->key, t->chain, serial, q, qlen, &resp, &rlen,
	                         &granted)) == ST_OK)
		rv = granted ? cades_tsa_token(resp, rlen, token, toklen) : ST_SIGN_TIMESTAMP;
	free(q);
	OPENSSL_free(resp);
	return rv == ST_OK ? ST_OK : status_err(rv, NULL);
}

int signing_doc_get(svc_ctx *ctx, const char *sha256, unsigned char **pdf, size_t *len)
{
	return blobs_get(ctx, &CERTS_APP(ctx)->pii, "certs", sha256, pdf, len);
}

/* blobs_put judges uploads (5 MiB, by content); a signed revision is our own output of a
 * document already judged, so its bytes are sealed the same way without that check. */
int signing_doc_put(svc_ctx *ctx, const unsigned char *pdf, size_t len, char sha256[65])
{
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	char size[24];
	if (crypto_sha256_hex(pdf, len, sha256) != 0)
		return status_err(ST_INTERNAL, NULL);
	snprintf(size, sizeof size, "%zu", len);
	if (crypto_seal(&CERTS_APP(ctx)->pii, pdf, len,
	                arena_printf(ctx->arena, "certs.file_blobs.data/%s", sha256), &sealed,
	                &sealed_len) != 0)
		return status_err(ST_INTERNAL, NULL);
	const char *v[] = {sha256, (const char *)sealed, size};
	const int lens[] = {0, (int)sealed_len, 0};
	const int fmts[] = {0, 1, 0};
	int rv = change_query(
	        ctx,
	        "INSERT INTO file_blobs (sha256, data, size) VALUES ($1, $2, $3::bigint)"
	        " ON CONFLICT (sha256) DO NOTHING",
	        3, v, lens, fmts, NULL);
	free(sealed);
	return rv;
}

/* ---- the confirmation ---------------------------------------------------------------- */

typedef struct sign_place {
	char kind[16];
	const char *seal_id;
	int page;
	double x, y, w, h;
} sign_place;

/* One seal placement with its keys and the date stamps riding in its signature. */
typedef struct sign_seal {
	const sign_place *p;
	certs_seal_use use;
	certs_cloud_key key, companion;
	int has_companion;
	const sign_place *dates[SIGN_MAX_SEALS];
	size_t ndates;
} sign_seal;

typedef struct sign_job {
	signing_signer s;
	const char *ip;
	sign_place *places;
	size_t nplaces;
	sign_seal seals[SIGN_MAX_SEALS];
	size_t nseals;
	unsigned char *date_png;
	size_t date_len;
	char sms_at[40];
	signing_tsa tsa;
	/* results */
	char before[65], after[65];
	int version;
	int completed;
	Certs__SignatureMade *made[2 * SIGN_MAX_SEALS];
	size_t nmade;
} sign_job;

static int places_load(svc_ctx *ctx, sign_job *j)
{
	PGresult *r = NULL;
	char seq[16];
	snprintf(seq, sizeof seq, "%d", j->s.seq);
	const char *v[] = {j->s.contract_id, seq};
	int rv = db_query(ctx->db,
	                  "SELECT kind, seal_id, page, x::float8, y::float8, w::float8, h::float8"
	                  " FROM contract_placements WHERE contract_id = $1 AND seq = $2::int"
	                  " ORDER BY created_at, id",
	                  2, v, NULL, NULL, 0, &r);
	if (rv != ST_OK)
		return rv;
	j->nplaces = (size_t)PQntuples(r);
	j->places = arena_calloc(ctx->arena, (j->nplaces ? j->nplaces : 1) * sizeof *j->places);
	for (size_t i = 0; i < j->nplaces; i++) {
		sign_place *p = &j->places[i];
		snprintf(p->kind, sizeof p->kind, "%s", PQgetvalue(r, (int)i, 0));
		p->seal_id = PQgetisnull(r, (int)i, 1)
		                     ? NULL
		                     : arena_strdup(ctx->arena, PQgetvalue(r, (int)i, 1));
		p->page = (int)strtol(PQgetvalue(r, (int)i, 2), NULL, 10);
		p->x = strtod(PQgetvalue(r, (int)i, 3), NULL);
		p->y = strtod(PQgetvalue(r, (int)i, 4), NULL);
		p->w = strtod(PQgetvalue(r, (int)i, 5), NULL);
		p->h = strtod(PQgetvalue(r, (int)i, 6), NULL);
	}
	PQclear(r);
	return ST_OK;
}

/* Each seal placement checked (the seal's own error), each date stamp given to the seal
 * placement nearest to it (same page first, then by distance). */
static int seals_check(svc_ctx *ctx, sign_job *j)
{
	size_t ndates = 0;
	for (size_t i = 0; i < j->nplaces; i++) {
		sign_place *p = &j->places[i];
		if (!p->seal_id) {
			ndates++;
			continue;
		}
		if (j->nseals == SIGN_MAX_SEALS)
			return status_err(ST_PLACEMENT_TOO_MANY, "placements");
		sign_seal *s = &j->seals[j->nseals++];
		s->p = p;
		int rv = certs_seal_use_check(ctx, p->seal_id, j->s.person_id, j->s.enterprise_id,
		                              &s->use);
		if (rv != ST_OK)
			return rv;
	}
	if (!j->nseals)
		return status_err(ndates ? ST_SIGN_DATE_ALONE : ST_SIGN_NO_PLACEMENT, "placements");
	for (size_t i = 0; i < j->nplaces; i++) {
		const sign_place *d = &j->places[i];
		if (d->seal_id)
			continue;
		signing_spot spots[SIGN_MAX_SEALS];
		for (size_t k = 0; k < j->nseals; k++) {
			const sign_place *p = j->seals[k].p;
			spots[k] = (signing_spot){p->page, p->x, p->y,
			                          strcmp(p->kind, "cross_page") == 0};
		}
		size_t k =
		        signing_nearest(spots, j->nseals, &(signing_spot){d->page, d->x, d->y, 0});
		j->seals[k].dates[j->seals[k].ndates++] = d;
	}
	return ST_OK;
}

static int keys_open(svc_ctx *ctx, sign_job *j)
{
	int rv = ST_OK;
	for (size_t i = 0; i < j->nseals && rv == ST_OK; i++) {
		sign_seal *s = &j->seals[i];
		if ((rv = certs_cloud_key_find(ctx, s->use.cert_serial, NULL, &s->key)) == ST_OK)
			rv = certs_cloud_key_open(ctx, &s->key);
		if (rv != ST_OK)
			break;
		if (s->key.alg != CA_SM2)
			continue;
		if (!s->use.companion_serial || !*s->use.companion_serial)
			return status_err(ST_SIGN_COMPANION_MISSING, "seal_id");
		if ((rv = certs_cloud_key_find(ctx, s->use.companion_serial, NULL,
		                               &s->companion)) == ST_OK)
			rv = certs_cloud_key_open(ctx, &s->companion);
		s->has_companion = rv == ST_OK;
	}
	return rv;
}

static void keys_close(sign_job *j)
{
	for (size_t i = 0; i < j->nseals; i++) {
		certs_cloud_key_close(&j->seals[i].key);
		certs_cloud_key_close(&j->seals[i].companion);
	}
}

static const char *const alg_names[] = {"rsa", "ecdsa", "sm2"};

/* One signature on *pdf (replaced by the result) with key, widgets of the seal and its
 * date stamps; its row in contract_signatures. */
static int sign_one(svc_ctx *ctx, sign_job *j, sign_seal *s, certs_cloud_key *key,
                    unsigned char **pdf, size_t *len)
{
	pades_widget *wg = NULL;
	unsigned char **slices = NULL;
	size_t nw = 0, nslices = 0;
	unsigned char *out = NULL;
	size_t outlen = 0;
	char before[65], after[65], rev[16], seq[16];
	int rv;
	if (strcmp(s->p->kind, "cross_page") == 0) {
		if ((rv = pades_cross_page_widgets(*pdf, *len, s->use.png, s->use.png_len, s->p->w,
		                                   &wg, &nw, &slices)) != ST_OK) {
			rv = status_err(rv, "placements");
			goto out;
		}
		nslices = nw;
	}
	pades_widget *all = arena_calloc(ctx->arena, (nw + 1 + s->ndates) * sizeof *all);
	size_t n = 0;
	if (nw) {
		memcpy(all, wg, nw * sizeof *wg);
		n = nw;
	} else {
		all[n++] = (pades_widget){s->p->page, s->p->x,    s->p->y,       s->p->w,
		                          s->p->h,    s->use.png, s->use.png_len};
	}
	for (size_t i = 0; i < s->ndates; i++) {
		const sign_place *d = s->dates[i];
		all[n++] =
		        (pades_widget){d->page, d->x, d->y, d->w, d->h, j->date_png, j->date_len};
	}
	pades_input in = {.pdf = *pdf,
	                  .pdf_len = *len,
	                  .page = all[0].page,
	                  .x = all[0].x,
	                  .y = all[0].y,
	                  .w = all[0].w,
	                  .h = all[0].h,
	                  .png = all[0].png,
	                  .png_len = all[0].png_len,
	                  .widgets = all,
	                  .nwidgets = n,
	                  .cert = key->cert,
	                  .chain = key->chain,
	                  .sign = cades_key_sign,
	                  .sign_arg = key->key,
	                  .tsa = signing_tsa_cb,
	                  .tsa_arg = &j->tsa};
	if ((rv = pades_sign(&in, &out, &outlen)) != ST_OK) {
		rv = status_err(rv, "placements");
		goto out;
	}
	if (crypto_sha256_hex(*pdf, *len, before) != 0 ||
	    crypto_sha256_hex(out, outlen, after) != 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto out;
	}
	j->version++;
	snprintf(rev, sizeof rev, "%d", j->version);
	snprintf(seq, sizeof seq, "%d", j->s.seq);
	char subj[512] = "";
	X509_NAME_oneline(X509_get_subject_name(key->cert), subj, sizeof subj);
	const char *v[] = {j->s.contract_id,    rev,       seq,         j->s.person_id,
	                   j->s.enterprise_id,  s->use.id, key->serial, subj,
	                   alg_names[key->alg], before,    after};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO contract_signatures (contract_id, revision, seq, person_id,"
	             " enterprise_id, seal_id, cert_serial, subject, algorithm,"
	             " doc_sha256_before, doc_sha256_after) VALUES ($1, $2::int, $3::int,"
	             " $4::uuid, $5::uuid, $6::uuid, $7, $8, $9, $10, $11)",
	             11, v, NULL)) != ST_OK)
		goto out;
	Certs__SignatureMade *m = arena_alloc(ctx->arena, sizeof *m);
	certs__signature_made__init(m);
	m->seal_id = (char *)s->use.id;
	m->cert_serial = arena_strdup(ctx->arena, key->serial);
	m->algorithm = (char *)alg_names[key->alg];
	m->has_widgets = 1;
	m->widgets = (int32_t)n;
	j->made[j->nmade++] = m;
	*pdf = arena_alloc(ctx->arena, outlen);
	memcpy(*pdf, out, outlen);
	*len = outlen;
	rv = ST_OK;
out:
	free(out);
	if (wg)
		pades_cross_page_free(wg, slices, nslices);
	return rv;
}

static int sign_tx(svc_ctx *ctx, void *arg)
{
	sign_job *j = arg;
	unsigned char *pdf = NULL;
	size_t len = 0;
	PGresult *r = NULL;
	int rv = signing_turn_locked(ctx, &j->s, j->before, &j->version);
	if (rv != ST_OK)
		return rv;
	int from = j->version;
	if ((rv = signing_doc_get(ctx, j->before, &pdf, &len)) != ST_OK)
		return rv;
	for (size_t i = 0; i < j->nseals && rv == ST_OK; i++) {
		sign_seal *s = &j->seals[i];
		rv = sign_one(ctx, j, s, &s->key, &pdf, &len);
		/* SM2: the same seal again with the holder's RSA/ECDSA companion, which every
		 * reader can check (no common reader verifies SM2). */
		if (rv == ST_OK && s->has_companion)
			rv = sign_one(ctx, j, s, &s->companion, &pdf, &len);
	}
	if (rv != ST_OK || (rv = signing_doc_put(ctx, pdf, len, j->after)) != ST_OK)
		return rv;
	char seq[16], ver[16], fromv[16], size[24];
	snprintf(seq, sizeof seq, "%d", j->s.seq);
	snprintf(ver, sizeof ver, "%d", j->version);
	snprintf(fromv, sizeof fromv, "%d", from);
	snprintf(size, sizeof size, "%zu", len);
	const char *cv[] = {j->s.contract_id, j->after, ver, fromv, size};
	if ((rv = change_guard(ctx, ST_CONFLICT, "doc_version",
	                       "UPDATE contracts SET doc_sha256 = $2, doc_version = $3::int,"
	                       " size = $5::bigint WHERE id = $1 AND doc_version = $4::int",
	                       5, cv, NULL)) != ST_OK)
		return rv;
	const char *sv[] = {j->s.contract_id, seq};
	if ((rv = change_guard(ctx, ST_SIGN_ALREADY_DONE, "id",
	                       "UPDATE contract_signers SET state = 'signed', signed_at = now()"
	                       " WHERE contract_id = $1 AND seq = $2::int AND state = 'waiting'",
	                       2, sv, NULL)) != ST_OK ||
	    (rv = change_exec(ctx,
	                      "UPDATE contract_placements SET signed_at = now()"
	                      " WHERE contract_id = $1 AND seq = $2::int",
	                      2, sv, NULL)) != ST_OK)
		return rv;
	/* The trail: every serial that signed, the seals, the SMS confirmation's time. */
	char serials[2 * SIGN_MAX_SEALS * 33 + 1] = "", seals[SIGN_MAX_SEALS * 37 + 1] = "";
	for (size_t i = 0; i < j->nmade; i++) {
		size_t at = strlen(serials);
		snprintf(serials + at, sizeof serials - at, "%s%s", i ? "," : "",
		         j->made[i]->cert_serial);
	}
	for (size_t i = 0; i < j->nseals; i++) {
		size_t at = strlen(seals);
		snprintf(seals + at, sizeof seals - at, "%s%s", i ? "," : "", j->seals[i].use.id);
	}
	const char *tv[] = {
	        j->s.contract_id, j->s.person_id, j->s.enterprise_id, j->ip,     j->before,
	        j->after,         serials,        j->seals[0].use.id, j->sms_at, seals};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO signing_trail (contract_id, at, person_id, enterprise_id,"
	             " action, ip, doc_sha256_before, doc_sha256_after, cert_serial, seal_id,"
	             " sms_confirmed_at, detail) VALUES ($1, now(), $2::uuid, $3::uuid,"
	             " 'signed', $4, $5, $6, $7, $8::uuid, $9::timestamptz, $10)",
	             10, tv, NULL)) != ST_OK)
		return rv;
	if ((rv = certs_contract_event(ctx, "signed", j->s.contract_id, j->s.person_id, NULL)) !=
	    ST_OK)
		return rv;
	/* The last signer completes the contract. */
	const char *v1[] = {j->s.contract_id};
	if ((rv = change_exec(ctx,
	                      "UPDATE contracts SET state = 'completed', completed_at = now()"
	                      " WHERE id = $1 AND state = 'signing' AND NOT EXISTS (SELECT 1 FROM"
	                      " contract_signers WHERE contract_id = $1 AND state <> 'signed')",
	                      1, v1, &r)) != ST_OK)
		return rv;
	j->completed = change_rows(r) == 1;
	PQclear(r);
	if (!j->completed)
		return ST_OK;
	const char *cv2[] = {j->s.contract_id, j->after};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO signing_trail (contract_id, at, action, doc_sha256_before,"
	             " doc_sha256_after) VALUES ($1, now(), 'completed', $2, $2)",
	             2, cv2, NULL)) != ST_OK ||
	    (rv = certs_contract_event(ctx, "completed", j->s.contract_id, j->s.person_id, NULL)) !=
	            ST_OK)
		return rv;
	return signing_completion_make_tx(ctx, j->s.contract_id, &j->tsa);
}

int certs_signing_sign(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__SignRequest *q = (const Certs__SignRequest *)in;
	sign_job *j = arena_calloc(ctx->arena, sizeof *j);
	int rv = signing_signer_get(ctx, q->contract_id, 1, &j->s);
	if (rv != ST_OK)
		return rv;
	j->ip = ctx->caller->client_ip && *ctx->caller->client_ip ? ctx->caller->client_ip : NULL;
	if ((rv = places_load(ctx, j)) != ST_OK || (rv = seals_check(ctx, j)) != ST_OK)
		return rv;
	if (!q->sms_code || !*q->sms_code)
		return status_err(ST_FIELD_REQUIRED, "sms_code");
	/* 签署意愿: the signer's own code, once for the whole confirmation, before any key. */
	if ((rv = certs_cloud_code_check(ctx, j->s.person_id, q->sms_code)) != ST_OK)
		return rv;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(j->sms_at, sizeof j->sms_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (size_t i = 0; i < j->nplaces; i++)
		if (!j->places[i].seal_id && !j->date_png &&
		    (rv = seal_image_date(now, DATE_PX, &j->date_png, &j->date_len)) != ST_OK)
			goto out;
	if ((rv = keys_open(ctx, j)) != ST_OK || (rv = signing_tsa_open(ctx, &j->tsa)) != ST_OK)
		goto out;
	if ((rv = change_run(ctx, sign_tx, j)) != ST_OK)
		goto out;
	Certs__SignResult *o = arena_alloc(ctx->arena, sizeof *o);
	certs__sign_result__init(o);
	o->contract_id = (char *)j->s.contract_id;
	o->state = j->completed ? "completed" : "signing";
	o->signer_state = "signed";
	o->doc_sha256_before = arena_strdup(ctx->arena, j->before);
	o->doc_sha256 = arena_strdup(ctx->arena, j->after);
	o->has_doc_version = 1;
	o->doc_version = j->version;
	o->n_signatures = j->nmade;
	o->signatures = j->made;
	o->signed_at = arena_strdup(ctx->arena, j->sms_at);
	*out = &o->base;
out:
	free(j->date_png);
	keys_close(j);
	signing_tsa_close(&j->tsa);
	return rv;
}

/* ---- refusal ------------------------------------------------------------------------- */

struct refuse {
	signing_signer s;
	const char *reason, *ip;
	char doc[65];
};

static int refuse_tx(svc_ctx *ctx, void *arg)
{
	struct refuse *f = arg;
	int version = 0;
	char seq[16];
	/* A refusal needs no turn: any waiting signer of a contract still being signed. */
	signing_signer any = f->s;
	int rv = signing_turn_locked(ctx, &any, f->doc, &version);
	if (rv == ST_SIGN_NOT_YOUR_TURN)
		rv = ST_OK;
	if (rv != ST_OK)
		return rv;
	snprintf(seq, sizeof seq, "%d", f->s.seq);
	const char *sv[] = {f->s.contract_id, seq};
	if ((rv = change_guard(ctx, ST_SIGN_ALREADY_DONE, "id",
	                       "UPDATE contract_signers SET state = 'refused', refused_at = now()"
	                       " WHERE contract_id = $1 AND seq = $2::int AND state = 'waiting'",
	                       2, sv, NULL)) != ST_OK)
		return rv;
	const char *cv[] = {f->s.contract_id, f->reason};
	if ((rv = change_guard(ctx, ST_SIGN_CONTRACT_STATE, "state",
	                       "UPDATE contracts SET state = 'refused', refuse_reason = $2"
	                       " WHERE id = $1 AND state = 'signing'",
	                       2, cv, NULL)) != ST_OK)
		return rv;
	const char *tv[] = {f->s.contract_id, f->s.person_id, f->s.enterprise_id, f->ip,
	                    f->doc,           f->reason};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO signing_trail (contract_id, at, person_id, enterprise_id,"
	             " action, ip, doc_sha256_before, doc_sha256_after, detail)"
	             " VALUES ($1, now(), $2::uuid, $3::uuid, 'refused', $4, $5, $5, $6)",
	             6, tv, NULL)) != ST_OK)
		return rv;
	return certs_contract_event(ctx, "refused", f->s.contract_id, f->s.person_id, f->reason);
}

int certs_signing_refuse(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__RefuseRequest *q = (const Certs__RefuseRequest *)in;
	struct refuse f = {0};
	int rv = signing_signer_get(ctx, q->contract_id, 0, &f.s);
	if (rv != ST_OK)
		return rv;
	if (!q->reason || !*q->reason || validate_text(q->reason, 200) != 0)
		return status_err(ST_REFUSE_REASON, "reason");
	f.reason = q->reason;
	f.ip = ctx->caller->client_ip && *ctx->caller->client_ip ? ctx->caller->client_ip : NULL;
	if ((rv = change_run(ctx, refuse_tx, &f)) != ST_OK)
		return rv;
	Certs__SignResult *o = arena_alloc(ctx->arena, sizeof *o);
	certs__sign_result__init(o);
	o->contract_id = (char *)f.s.contract_id;
	o->state = "refused";
	o->signer_state = "refused";
	o->doc_sha256 = arena_strdup(ctx->arena, f.doc);
	*out = &o->base;
	return ST_OK;
}
