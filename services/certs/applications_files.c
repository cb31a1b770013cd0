/*
 * Certificate applications, the applicant's files: scanned materials (uploaded while
 * 待审核, judged and sealed by common/blobs.h) and the PKCS#12 of a server-generated
 * software key, downloaded exactly once (opened and deleted in one transaction).
 */
#include "applications.h"

#include "blobs.h"
#include "caller.h"
#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "enterprise.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "accounts.pb-c.h"
#include "status.h"
#include "validate.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <stdlib.h>
#include <string.h>

#define AAD_P12PW "certs.cert_applications.p12_password"

/* ---- materials ------------------------------------------------------------------------ */

static const char *const enterprise_materials[] = {"business_license", "authorization", "agent_id",
                                                   NULL};
static const char *const personal_materials[] = {"id_card", NULL};

struct material {
	const applications_scope *s;
	const Certs__UploadMaterialRequest *q;
	Files__FileInfo *info;
};

static int material_tx(svc_ctx *ctx, void *arg)
{
	struct material *m = arg;
	Certs__Application *o = NULL;
	blobs_info b;
	PGresult *r = NULL;
	int rv = applications_load(ctx, m->s, m->q->id, 1, &o);
	if (rv != ST_OK)
		return rv;
	if (strcmp(o->state, "pending") != 0 && strcmp(o->state, "rejected") != 0)
		return status_err(ST_CERTAPP_LOCKED, "state");
	if ((rv = blobs_put(ctx, &CERTS_APP(ctx)->pii, "certs", m->q->file, "file", m->q->kind,
	                    &b)) != ST_OK)
		return rv;
	char size[24];
	snprintf(size, sizeof size, "%zu", b.size);
	const char *v[] = {o->id, m->q->kind, b.name, b.content_type, size, b.sha256, m->s->pid};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO cert_app_files (application_id, kind, name, content_type,"
	             " size, sha256, uploaded_by) VALUES ($1::uuid, $2, $3, $4, $5::bigint,"
	             " $6, $7::uuid) ON CONFLICT (application_id, kind) DO UPDATE SET"
	             " id = gen_random_uuid(), name = $3, content_type = $4,"
	             " size = $5::bigint, sha256 = $6, uploaded_by = $7::uuid,"
	             " created_at = now() RETURNING id::text",
	             7, v, &r)) != ST_OK)
		return rv;
	Files__FileInfo *f = arena_alloc(ctx->arena, sizeof *f);
	files__file_info__init(f);
	f->id = dbrow_text(ctx->arena, r, 0, 0);
	PQclear(r);
	f->name = arena_strdup(ctx->arena, b.name);
	f->content_type = (char *)b.content_type;
	f->has_size = 1;
	f->size = (int64_t)b.size;
	f->sha256 = arena_strdup(ctx->arena, b.sha256);
	m->info = f;
	return change_record(ctx, m->s->actor,
	                     arena_printf(ctx->arena, "certificate_application/%s", o->id),
	                     "application.material_uploaded",
	                     json_pack("{s:s,s:s}", "kind", m->q->kind, "sha256", b.sha256), NULL);
}

static int material(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in,
                    ProtobufCMessage **out)
{
	const Certs__UploadMaterialRequest *q = (const Certs__UploadMaterialRequest *)in;
	applications_scope s;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	if (!q->kind || !*q->kind)
		return status_err(ST_FIELD_REQUIRED, "kind");
	if (!applications_one_of(q->kind, enterprise ? enterprise_materials : personal_materials))
		return status_err(ST_CERTAPP_MATERIAL_KIND, "kind");
	struct material m = {&s, q, NULL};
	if ((rv = change_run(ctx, material_tx, &m)) != ST_OK)
		return rv;
	*out = &m.info->base;
	return ST_CREATED;
}

/* ---- the PKCS#12, once ----------------------------------------------------------------- */

struct pkcs12 {
	const applications_scope *s;
	const char *id;
	Certs__Application *o;
	unsigned char *der; /* ctx->arena */
	size_t len;
};

static int pkcs12_tx(svc_ctx *ctx, void *arg)
{
	struct pkcs12 *p = arg;
	PGresult *r = NULL;
	char *plain = NULL;
	size_t n = 0, box_len = 0;
	int rv = applications_load(ctx, p->s, p->id, 1, &p->o);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {p->id};
	if ((rv = change_exec(ctx,
	                      "SELECT pkcs12_sealed, pkcs12_downloaded_at IS NOT NULL FROM"
	                      " cert_applications WHERE id = $1::uuid",
	                      1, v, &r)) != ST_OK)
		return rv;
	int gone = PQgetvalue(r, 0, 1)[0] == 't', none = PQgetisnull(r, 0, 0);
	if (none) {
		PQclear(r);
		return status_err(gone ? ST_CERTAPP_PKCS12_GONE : ST_CERTAPP_PKCS12_NONE, "id");
	}
	unsigned char *box = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &box_len);
	PQclear(r);
	/* Opened inside the transaction: a copy that does not open is not spent. */
	int bad = !box ||
	          crypto_open(&CERTS_APP(ctx)->ca_seal, box, box_len,
	                      arena_printf(ctx->arena, "certs.cert_applications.pkcs12/%s", p->id),
	                      &plain, &n) != 0;
	PQfreemem(box);
	if (bad)
		return status_err(ST_INTERNAL, NULL);
	p->der = arena_alloc(ctx->arena, n ? n : 1);
	memcpy(p->der, plain, n);
	p->len = n;
	OPENSSL_cleanse(plain, n);
	free(plain);
	/* Handed out once: the sealed copy goes in the same transaction. */
	if ((rv = change_guard(ctx, ST_CERTAPP_PKCS12_GONE, "id",
	                       "UPDATE cert_applications SET pkcs12_sealed = NULL,"
	                       " pkcs12_downloaded_at = now() WHERE id = $1::uuid"
	                       " AND pkcs12_sealed IS NOT NULL RETURNING id",
	                       1, v, NULL)) != ST_OK)
		return rv;
	return change_record(ctx, p->s->actor,
	                     arena_printf(ctx->arena, "certificate_application/%s", p->id),
	                     "application.pkcs12_downloaded",
	                     json_pack("{s:s}", "serial", p->o->certificate_serial), NULL);
}

static int pkcs12(svc_ctx *ctx, int enterprise, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ApplicationRef *q = (const Certs__ApplicationRef *)in;
	applications_scope s;
	int rv = applications_scope_of(ctx, enterprise, &s);
	if (rv != ST_OK)
		return rv;
	struct pkcs12 p = {&s, q->id, NULL, NULL, 0};
	if ((rv = change_run(ctx, pkcs12_tx, &p)) != ST_OK)
		return rv;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->name = arena_printf(ctx->arena, "%s.p12", p.o->no);
	d->content_type = "application/x-pkcs12";
	d->has_data = 1;
	d->data.len = p.len;
	d->data.data = p.der;
	*out = &d->base;
	return ST_OK;
}

APPLICATIONS_BOTH(material)
APPLICATIONS_BOTH(pkcs12)
