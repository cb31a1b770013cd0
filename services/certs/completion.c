/*
 * The completion certificate (签署完成证明) of a completed contract: a separate one-page PDF
 * (common/pdfdoc.h) naming the contract, its parties and every signature (signer, identity,
 * time, certificate serial and algorithm, the document's digests before and after, the SMS
 * confirmation and IP of each signer's confirmation), signed by the platform itself:
 * PAdES B-T with the platform's document-signing certificate (row rsa-docsign of cas,
 * issued by the RSA issuing CA and kept like the TSA's signer, crl_job.c) and the
 * platform's own seal as its widget. Made in the transaction that completes the contract,
 * so a completed contract always has one; stored in file_blobs (contract_completions).
 */
#include "caller.h"
#include "certs.h"
#include "change.h"
#include "contracts.h"
#include "certs_signing.pb-c.h"
#include "files.pb-c.h"
#include "pades.h"
#include "pdfdoc.h"
#include "seal_image.h"
#include "signing.h"
#include "status.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLATFORM_NAME "中小企业融资服务平台"
#define FONT          PDFDOC_SANS " 9"
#define FONT_MONO     "DejaVu Sans Mono, " PDFDOC_SANS " 7"

static const char *state_label(const char *s)
{
	return strcmp(s, "signed") == 0    ? "已签署"
	       : strcmp(s, "refused") == 0 ? "已拒签"
	                                   : "待签署";
}

/* The page, from the contract's rows. */
static int completion_render(svc_ctx *ctx, const char *cid, unsigned char **pdf, size_t *len)
{
	PGresult *c = NULL, *s = NULL, *g = NULL;
	const char *v[] = {cid};
	char line[768];
	int rv = change_exec(
	        ctx,
	        "SELECT number, title, order_mode, original_sha256, doc_sha256, doc_version,"
	        " to_char(sent_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),"
	        " to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), pages"
	        " FROM contracts WHERE id = $1",
	        1, v, &c);
	if (rv != ST_OK)
		return rv;
	if ((rv = change_exec(
	             ctx,
	             "SELECT s.seq, s.name, s.state, coalesce(to_char(s.signed_at AT TIME"
	             " ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), ''),"
	             " s.enterprise_id IS NOT NULL, coalesce(t.ip, ''),"
	             " coalesce(to_char(t.sms_confirmed_at AT TIME ZONE 'Asia/Shanghai',"
	             " 'YYYY-MM-DD HH24:MI:SS'), '')"
	             " FROM contract_signers s LEFT JOIN LATERAL (SELECT ip, sms_confirmed_at"
	             " FROM signing_trail t WHERE t.contract_id = s.contract_id"
	             " AND t.person_id = s.person_id AND t.action = 'signed'"
	             " AND t.enterprise_id IS NOT DISTINCT FROM s.enterprise_id"
	             " ORDER BY t.at DESC LIMIT 1) t ON true"
	             " WHERE s.contract_id = $1 ORDER BY s.seq",
	             1, v, &s)) != ST_OK ||
	    (rv = change_exec(ctx,
	                      "SELECT revision, seq, cert_serial, algorithm, subject,"
	                      " to_char(signed_at AT TIME ZONE 'Asia/Shanghai',"
	                      " 'YYYY-MM-DD HH24:MI:SS'), doc_sha256_before, doc_sha256_after"
	                      " FROM contract_signatures WHERE contract_id = $1 ORDER BY revision",
	                      1, v, &g)) != ST_OK)
		goto out;
	if (PQntuples(c) != 1) {
		rv = status_err(ST_CONTRACT_NOT_FOUND, "id");
		goto out;
	}
	pdfdoc *d = pdfdoc_begin(PDFDOC_A4_W, PDFDOC_A4_H);
	double y = pdfdoc_text_box(d, 50, 40, PDFDOC_A4_W - 100, PDFDOC_CENTER,
	                           PDFDOC_SANS " Bold 18", "电子合同签署完成证明");
	y += 10;
	const char *rows[][2] = {
	        {"合同编号", PQgetvalue(c, 0, 0)},
	        {"合同名称", PQgetvalue(c, 0, 1)},
	        {"签署顺序",
	         strcmp(PQgetvalue(c, 0, 2), "parallel") == 0 ? "无序签署" : "顺序签署"},
	        {"发起签署时间", PQgetvalue(c, 0, 6)},
	        {"完成时间", PQgetvalue(c, 0, 7)},
	        {"页数", PQgetvalue(c, 0, 8)},
	        {"原文 SHA-256", PQgetvalue(c, 0, 3)},
	        {"签署完成文件 SHA-256", PQgetvalue(c, 0, 4)},
	        {"文件版本（签名数）", PQgetvalue(c, 0, 5)},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(line, sizeof line, "%s：%s", rows[i][0], rows[i][1]);
		y = pdfdoc_text(d, 50, y, FONT, line) + 3;
	}
	y = pdfdoc_text(d, 50, y + 8, PDFDOC_SANS " Bold 11", "签署方") + 3;
	for (int i = 0; i < PQntuples(s); i++) {
		snprintf(line, sizeof line, "%s. %s（%s）%s  签署时间：%s  短信确认：%s  IP：%s",
		         PQgetvalue(s, i, 0), PQgetvalue(s, i, 1),
		         PQgetvalue(s, i, 4)[0] == 't' ? "代表企业" : "个人",
		         state_label(PQgetvalue(s, i, 2)), PQgetvalue(s, i, 3), PQgetvalue(s, i, 6),
		         PQgetvalue(s, i, 5));
		y = pdfdoc_text(d, 50, y, FONT, line) + 3;
	}
	y = pdfdoc_text(d, 50, y + 8, PDFDOC_SANS " Bold 11", "数字签名（PAdES B-T，按签署先后）") +
	    3;
	for (int i = 0; i < PQntuples(g) && y < PDFDOC_A4_H - 190; i++) {
		snprintf(line, sizeof line, "#%s 签署方 %s  %s  证书序列号 %s  算法 %s",
		         PQgetvalue(g, i, 0), PQgetvalue(g, i, 1), PQgetvalue(g, i, 5),
		         PQgetvalue(g, i, 2), PQgetvalue(g, i, 3));
		y = pdfdoc_text(d, 50, y, FONT, line) + 1;
		snprintf(line, sizeof line, "证书主体 %s", PQgetvalue(g, i, 4));
		y = pdfdoc_text(d, 62, y, FONT, line) + 1;
		snprintf(line, sizeof line, "签署前 %s", PQgetvalue(g, i, 6));
		y = pdfdoc_text(d, 62, y, FONT_MONO, line) + 1;
		snprintf(line, sizeof line, "签署后 %s", PQgetvalue(g, i, 7));
		y = pdfdoc_text(d, 62, y, FONT_MONO, line) + 4;
	}
	pdfdoc_text(d, 50, PDFDOC_A4_H - 80, FONT,
	            "本证明由" PLATFORM_NAME "出具，并以平台文档签名证书签名、加盖可信时间戳；"
	            "可在平台“验签”页面或以 pdfsig 等工具校验本证明与合同文件。");
	rv = pdfdoc_finish(d, pdf, len);
out:
	PQclear(c);
	PQclear(s);
	PQclear(g);
	return rv;
}

int signing_completion_make_tx(svc_ctx *ctx, const char *contract_id, signing_tsa *tsa)
{
	struct certs_app *app = CERTS_APP(ctx);
	unsigned char *page = NULL, *png = NULL, *signed_pdf = NULL;
	size_t plen = 0, pnglen = 0, slen = 0;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	char sha[65], size[24];
	int rv = chain && sk_X509_push(chain, app->ca[CA_RSA].issuing) &&
	                         sk_X509_push(chain, app->ca[CA_RSA].root)
	                 ? ST_OK
	                 : status_err(ST_INTERNAL, NULL);
	if (rv != ST_OK ||
	    (rv = certs_pki_signer(ctx, PKI_DOC_SIGNER_NAME, &cert, &key)) != ST_OK ||
	    (rv = completion_render(ctx, contract_id, &page, &plen)) != ST_OK ||
	    (rv = seal_image_round(PLATFORM_NAME, "", 300, &png, &pnglen)) != ST_OK)
		goto out;
	pades_input in = {.pdf = page,
	                  .pdf_len = plen,
	                  .page = 0,
	                  .x = PDFDOC_A4_W - 50 - 110,
	                  .y = 100,
	                  .w = 110,
	                  .h = 110,
	                  .png = png,
	                  .png_len = pnglen,
	                  .cert = cert,
	                  .chain = chain,
	                  .sign = cades_key_sign,
	                  .sign_arg = key,
	                  .tsa = signing_tsa_cb,
	                  .tsa_arg = tsa};
	if ((rv = pades_sign(&in, &signed_pdf, &slen)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	if ((rv = signing_doc_put(ctx, signed_pdf, slen, sha)) != ST_OK)
		goto out;
	snprintf(size, sizeof size, "%zu", slen);
	const char *v[] = {contract_id, sha, size};
	rv = change_exec(ctx,
	                 "INSERT INTO contract_completions (contract_id, pdf_sha256, size)"
	                 " VALUES ($1, $2, $3::bigint)",
	                 3, v, NULL);
out:
	free(page);
	free(png);
	free(signed_pdf);
	X509_free(cert);
	EVP_PKEY_free(key);
	sk_X509_free(chain);
	return rv;
}

int certs_completion_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Certs__ContractSigningRef *q = (const Certs__ContractSigningRef *)in;
	const char *pid = NULL;
	PGresult *r = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0;
	certs_contract_row row;
	int rv = certs_contract_for_caller(ctx, q->id, &pid, &row);
	if (rv != ST_OK)
		return rv;
	const char *v[] = {q->id};
	if ((rv = db_query(
	             ctx->db,
	             "SELECT m.pdf_sha256, c.number FROM contracts c JOIN contract_completions m"
	             " ON m.contract_id = c.id WHERE c.id = $1 AND c.state = 'completed'",
	             1, v, NULL, NULL, 0, &r)) != ST_OK)
		return rv;
	if (PQntuples(r) != 1) {
		rv = status_err(ST_COMPLETION_NOT_READY, "id");
		goto out;
	}
	if ((rv = signing_doc_get(ctx, PQgetvalue(r, 0, 0), &pdf, &len)) != ST_OK)
		goto out;
	Files__Download *d = arena_alloc(ctx->arena, sizeof *d);
	files__download__init(d);
	d->content_type = "application/pdf";
	d->name = arena_printf(ctx->arena, "%s-completion.pdf", PQgetvalue(r, 0, 1));
	d->has_data = 1;
	d->data.data = pdf;
	d->data.len = len;
	*out = &d->base;
out:
	PQclear(r);
	return rv;
}
