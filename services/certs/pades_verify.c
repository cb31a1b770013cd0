/* Verification of a PDF's signatures (see pades_verify.h). */
#include "pades_verify.h"
#include "ca.h"
#include "mem.h"
#include "pdfread.h"
#include "proof.h"
#include "status.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/ts.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FIELD_DEPTH 16

const char *pades_later_name(pades_later l)
{
	return l == PADES_LATER_NONE              ? "none"
	       : l == PADES_LATER_SIGNATURES_ONLY ? "signatures_only"
	                                          : "content_changed";
}

const char *pades_verdict(const pades_sig *s, const char *status, time_t revoked_at)
{
	int ts_good = s->timestamp && s->timestamp_ok && s->timestamp_imprint_ok;
	/* Broken bytes or a broken signature: invalid, whoever signed. */
	if (!s->byterange_ok || !s->digest_ok || !s->signature_ok || s->signing_cert == 0 ||
	    s->later == PADES_LATER_CONTENT_CHANGED || (s->timestamp && !s->timestamp_imprint_ok))
		return "invalid";
	/* Revoked: still valid only when a time-stamp proves it was made before. */
	if (strcmp(status, "revoked") == 0 && !(ts_good && s->timestamp_at < revoked_at))
		return "invalid";
	if (!s->chain_ok || strcmp(status, "unknown_issuer") == 0)
		return "unknown";
	return "valid";
}

void pades_verify_free(pades_sig *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].cert_der);
	free(s);
}

/* ---- small text helpers ---------------------------------------------------------------- */

static int hexv(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* A string object's bytes (literal escapes undone, hex decoded), at most cap. */
static size_t pdf_string(const pdfo *o, unsigned char *out, size_t cap)
{
	size_t n = 0;
	if (!o || o->type != PDFO_STR || o->rawlen < 2)
		return 0;
	const char *p = o->raw + 1;
	size_t len = o->rawlen - 2;
	if (o->raw[0] == '<') {
		int hi = -1;
		for (size_t i = 0; i < len && n < cap; i++) {
			int v = hexv((unsigned char)p[i]);
			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				out[n++] = (unsigned char)(hi * 16 + v);
				hi = -1;
			}
		}
		return n;
	}
	for (size_t i = 0; i < len && n < cap; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c != '\\' || i + 1 >= len) {
			out[n++] = c;
			continue;
		}
		c = (unsigned char)p[++i];
		if (c >= '0' && c <= '7') {
			int v = c - '0';
			for (int k = 1; k < 3 && i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '7';
			     k++)
				v = v * 8 + (p[++i] - '0');
			out[n++] = (unsigned char)v;
		} else if (c != '\n' && c != '\r') {
			out[n++] = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
		}
	}
	return n;
}

static size_t put_utf8(char *out, size_t at, size_t cap, unsigned long c)
{
	char b[4];
	size_t k;
	if (c < 0x80) {
		b[0] = (char)c;
		k = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		k = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		k = 3;
	} else {
		b[0] = (char)(0xF0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (char)(0x80 | (c & 0x3F));
		k = 4;
	}
	if (at + k >= cap)
		return at;
	memcpy(out + at, b, k);
	return at + k;
}

/* A text string (UTF-16BE with its BOM, else PDFDocEncoding read as Latin-1) as UTF-8;
 * control characters dropped. */
static void text_string(const pdfo *o, char *out, size_t cap)
{
	unsigned char b[512];
	size_t n = pdf_string(o, b, sizeof b), at = 0;
	if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		for (size_t i = 2; i + 1 < n; i += 2) {
			unsigned long c = (unsigned long)b[i] << 8 | b[i + 1];
			if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
				unsigned long lo = (unsigned long)b[i + 2] << 8 | b[i + 3];
				c = 0x10000 + ((c - 0xD800) << 10) + (lo & 0x3FF);
				i += 2;
			}
			if (c >= 0x20 && !(c >= 0xD800 && c < 0xE000))
				at = put_utf8(out, at, cap, c);
		}
	} else {
		for (size_t i = 0; i < n; i++)
			if (b[i] >= 0x20 && b[i] != 0x7F)
				at = put_utf8(out, at, cap, b[i]);
	}
	out[at] = 0;
}

static void iso_time(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A PDF date (D:YYYYMMDDHHmmSSOHH'mm') as UTC ISO 8601; "" when unreadable. */
static void pdf_date(const pdfo *o, char out[32])
{
	unsigned char b[64];
	size_t n = pdf_string(o, b, sizeof b - 1);
	b[n] = 0;
	out[0] = 0;
	const char *p = (const char *)b;
	if (n >= 2 && p[0] == 'D' && p[1] == ':')
		p += 2;
	int f[6] = {0, 1, 1, 0, 0, 0}, w[6] = {4, 2, 2, 2, 2, 2};
	for (int i = 0; i < 6; i++) {
		if (!isdigit((unsigned char)*p)) {
			if (i == 0)
				return;
			break;
		}
		int v = 0;
		for (int k = 0; k < w[i]; k++, p++) {
			if (!isdigit((unsigned char)*p))
				return;
			v = v * 10 + (*p - '0');
		}
		f[i] = v;
	}
	long off = 0;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, hh = 0, mm = 0;
		p++;
		if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
			hh = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
			if (*p == '\'')
				p++;
			if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]))
				mm = (p[0] - '0') * 10 + (p[1] - '0');
		}
		off = sign * (hh * 3600L + mm * 60L);
	}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
		return;
	struct tm tm = {.tm_year = f[0] - 1900,
	                .tm_mon = f[1] - 1,
	                .tm_mday = f[2],
	                .tm_hour = f[3],
	                .tm_min = f[4],
	                .tm_sec = f[5]};
	iso_time(timegm(&tm) - off, out);
}

static void name_text(const X509_NAME *nm, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	out[0] = 0;
	if (!b)
		return;
	/* RFC 2253 order and escaping, but UTF-8 kept as it is (the names are Chinese). */
	X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	char *p;
	long n = BIO_get_mem_data(b, &p);
	if (n > 0) {
		size_t k = (size_t)n < cap - 1 ? (size_t)n : cap - 1;
		memcpy(out, p, k);
		out[k] = 0;
	}
	BIO_free(b);
}

static void asn1_iso(const ASN1_TIME *t, char out[32])
{
	struct tm tm;
	out[0] = 0;
	if (t && ASN1_TIME_to_tm(t, &tm) == 1)
		iso_time(timegm(&tm), out);
}

/* ---- the fields --------------------------------------------------------------------- */

typedef struct found {
	long sig;       /* the /Sig dictionary's object number */
	char name[128]; /* the field's partial names joined by dots */
} found;

static void collect(pdfread *d, const pdfo *fields, const char *prefix, int sig_ft, int depth,
                    found *f, size_t *nf)
{
	if (!fields || fields->type != PDFO_ARRAY || depth > MAX_FIELD_DEPTH)
		return;
	for (size_t i = 0; i < fields->n && *nf < PADES_VERIFY_MAX; i++) {
		const pdfo *fd = pdfread_resolve(d, fields->items[i]);
		if (!fd || fd->type != PDFO_DICT)
			continue;
		const pdfo *ft = pdfo_get(fd, "FT");
		int is_sig = ft ? pdfo_is_name(pdfread_resolve(d, ft), "Sig") : sig_ft;
		char part[128], name[128];
		text_string(pdfo_get(fd, "T"), part, sizeof part);
		/* prefix.part, cut to fit (a name is for show). */
		size_t at = 0;
		const char *pieces[3] = {prefix, *prefix && *part ? "." : "", part};
		for (int k = 0; k < 3; k++) {
			size_t l = strlen(pieces[k]);
			if (l > sizeof name - 1 - at)
				l = sizeof name - 1 - at;
			memcpy(name + at, pieces[k], l);
			at += l;
		}
		name[at] = 0;
		const pdfo *v = pdfo_get(fd, "V");
		if (is_sig && v && v->type == PDFO_REF) {
			int dup = 0;
			for (size_t k = 0; k < *nf; k++)
				dup |= f[k].sig == v->num;
			if (!dup) {
				f[*nf].sig = v->num;
				memcpy(f[*nf].name, name, sizeof name);
				(*nf)++;
			}
		}
		collect(d, pdfread_resolve(d, pdfo_get(fd, "Kids")), name, is_sig, depth + 1, f,
		        nf);
	}
}

/* ---- one signature ---------------------------------------------------------------------- */

static int num_at(const pdfo *a, size_t i, long *v)
{
	if (!a || a->type != PDFO_ARRAY || i >= a->n || a->items[i]->type != PDFO_NUM)
		return 0;
	/* Integers only: "1.5" has num 1 but is not an offset. */
	for (size_t k = 0; k < a->items[i]->rawlen; k++)
		if (!isdigit((unsigned char)a->items[i]->raw[k]))
			return 0;
	*v = a->items[i]->num;
	return 1;
}

/* The DER of the signed attributes as signed: the SignerInfo's [0] IMPLICIT field with the
 * SET OF tag (0x31) in its place. Found by walking the DER (OpenSSL re-encodes when asked,
 * which would change what a non-DER signer signed). */
static int der_len(const unsigned char *p, size_t n, size_t *hdr, size_t *len)
{
	if (n < 2)
		return 0;
	if (p[1] < 0x80) {
		*hdr = 2;
		*len = p[1];
	} else {
		size_t k = p[1] & 0x7F;
		if (k == 0 || k > 4 || n < 2 + k)
			return 0;
		size_t v = 0;
		for (size_t i = 0; i < k; i++)
			v = v << 8 | p[2 + i];
		*hdr = 2 + k;
		*len = v;
	}
	return *len <= n - *hdr;
}

/* The i-th element inside a constructed TLV at p (its content), or NULL. */
static const unsigned char *der_child(const unsigned char *p, size_t n, int i, size_t *cn)
{
	size_t h, l;
	if (!der_len(p, n, &h, &l))
		return NULL;
	const unsigned char *c = p + h, *end = p + h + l;
	for (int k = 0; c < end; k++) {
		size_t hh, ll;
		if (!der_len(c, (size_t)(end - c), &hh, &ll))
			return NULL;
		if (k == i) {
			*cn = hh + ll;
			return c;
		}
		c += hh + ll;
	}
	return NULL;
}

static int signed_attrs_der(const unsigned char *der, size_t n, unsigned char **out, size_t *outlen)
{
	size_t l1, l2, l3, l4, l5;
	/* ContentInfo → [0] → SignedData → signerInfos (the last element) → SignerInfo. */
	const unsigned char *ex = der_child(der, n, 1, &l1);
	const unsigned char *sd = ex ? der_child(ex, l1, 0, &l2) : NULL;
	if (!sd)
		return 0;
	const unsigned char *last = NULL;
	size_t lastlen = 0;
	for (int i = 0;; i++) {
		const unsigned char *c = der_child(sd, l2, i, &l3);
		if (!c)
			break;
		last = c;
		lastlen = l3;
	}
	const unsigned char *si = last ? der_child(last, lastlen, 0, &l4) : NULL;
	for (int i = 0; si; i++) {
		const unsigned char *c = der_child(si, l4, i, &l5);
		if (!c)
			break;
		if (c[0] == 0xA0) {
			unsigned char *p = xmalloc(l5);
			memcpy(p, c, l5);
			p[0] = 0x31;
			*out = p;
			*outlen = l5;
			return 1;
		}
	}
	return 0;
}

static const char *key_alg(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (!k)
		return "";
	if (EVP_PKEY_is_a(k, "SM2"))
		return "SM2";
	if (EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_is_a(k, "RSA-PSS"))
		return "RSA";
	if (EVP_PKEY_is_a(k, "EC"))
		return "ECDSA";
	return "";
}

/* SM2-signed certificates verify with the GM ID set on them. */
static void sm2_ids(STACK_OF(X509) * certs)
{
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);
		if (X509_get_signature_nid(x) == NID_SM2_with_SM3)
			ca_cert_set_id(CA_SM2, x);
	}
}

static int chain_verifies(X509_STORE *trust, X509 *leaf, STACK_OF(X509) * untrusted, time_t at)
{
	if (!trust)
		return 0;
	X509_STORE_CTX *c = X509_STORE_CTX_new();
	int ok = c && X509_STORE_CTX_init(c, trust, leaf, untrusted) == 1;
	if (ok && at) {
		X509_STORE_CTX_set_time(c, 0, at);
	}
	ok = ok && X509_verify_cert(c) == 1;
	X509_STORE_CTX_free(c);
	ERR_clear_error();
	return ok;
}

/* The signature time-stamp: token signature and TSA chain, imprint, genTime. */
static void check_timestamp(CMS_SignerInfo *si, X509_STORE *trust, pades_sig *s, time_t *gen)
{
	int at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	if (at < 0)
		return;
	X509_ATTRIBUTE *a = CMS_unsigned_get_attr(si, at);
	ASN1_TYPE *t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	if (!t || t->type != V_ASN1_SEQUENCE)
		return;
	s->timestamp = 1;
	const unsigned char *p = t->value.sequence->data;
	PKCS7 *tok = d2i_PKCS7(NULL, &p, t->value.sequence->length);
	TS_TST_INFO *info = tok ? PKCS7_to_TS_TST_INFO(tok) : NULL;
	TS_VERIFY_CTX *vc = NULL;
	if (!info)
		goto out;
	struct tm tm;
	const ASN1_GENERALIZEDTIME *gt = TS_TST_INFO_get_time(info);
	asn1_iso(gt, s->timestamp_time);
	if (gt && ASN1_TIME_to_tm(gt, &tm) == 1)
		*gen = s->timestamp_at = timegm(&tm);
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(info);
	X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
	ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(mi);
	const EVP_MD *md = alg ? EVP_get_digestbyobj(alg->algorithm) : NULL;
	ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	if (md && sv &&
	    EVP_Digest(ASN1_STRING_get0_data(sv), (size_t)ASN1_STRING_length(sv), h, &hl, md,
	               NULL) == 1)
		s->timestamp_imprint_ok = want && (unsigned)ASN1_STRING_length(want) == hl &&
		                          memcmp(ASN1_STRING_get0_data(want), h, hl) == 0;
	/* The TSA: the token's signer, its certificate among the token's. */
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(tok);
	STACK_OF(X509) *tcerts = tok->d.sign ? tok->d.sign->cert : NULL;
	if (sis && sk_PKCS7_SIGNER_INFO_num(sis) == 1 && tcerts) {
		PKCS7_ISSUER_AND_SERIAL *ias =
		        sk_PKCS7_SIGNER_INFO_value(sis, 0)->issuer_and_serial;
		X509 *tsa = ias ? X509_find_by_issuer_and_serial(tcerts, ias->issuer, ias->serial)
		                : NULL;
		if (tsa)
			name_text(X509_get_subject_name(tsa), s->tsa_subject,
			          sizeof s->tsa_subject);
	}
	if (!trust)
		goto out;
	vc = TS_VERIFY_CTX_new();
	if (!vc || !X509_STORE_up_ref(trust))
		goto out;
	/* The context frees what it is given: its own references. */
	TS_VERIFY_CTX_set_store(vc, trust);
	TS_VERIFY_CTX_add_flags(vc, TS_VFY_SIGNATURE | TS_VFY_VERSION);
	s->timestamp_ok = TS_RESP_verify_token(vc, tok) == 1;
out:
	ERR_clear_error();
	TS_VERIFY_CTX_free(vc);
	TS_TST_INFO_free(info);
	PKCS7_free(tok);
}

/* signing-certificate-v2 (or v1): 1 when it names the signer, 0 when not, -1 absent. */
static int check_signing_cert(CMS_SignerInfo *si, X509 *signer)
{
	ESS_SIGNING_CERT_V2 *v2 = NULL;
	ESS_SIGNING_CERT *v1 = NULL;
	const ASN1_STRING *a = CMS_signed_get0_data_by_OBJ(
	        si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
	const ASN1_STRING *b = CMS_signed_get0_data_by_OBJ(
	        si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3, V_ASN1_SEQUENCE);
	if (!a && !b)
		return -1;
	const unsigned char *p;
	if (a) {
		p = ASN1_STRING_get0_data(a);
		v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(a));
	}
	if (b) {
		p = ASN1_STRING_get0_data(b);
		v1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(b));
	}
	STACK_OF(X509) *chain = sk_X509_new_null();
	int ok = 0;
	if (chain && sk_X509_push(chain, signer) > 0 && (v1 || v2))
		ok = OSSL_ESS_check_signing_certs(v1, v2, chain, 1) > 0;
	sk_X509_free(chain);
	ESS_SIGNING_CERT_V2_free(v2);
	ESS_SIGNING_CERT_free(v1);
	ERR_clear_error();
	return ok;
}

static void verify_one(const unsigned char *pdf, size_t len, pdfread *d, const found *f,
                       X509_STORE *trust, pades_sig *s)
{
	unsigned char *der = NULL, *attrs = NULL;
	size_t dlen = 0, alen = 0;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *certs = NULL;
	X509 *signer = NULL;
	snprintf(s->field, sizeof s->field, "%s", f->name);
	s->signing_cert = -1;
	const pdfo *sig = pdfread_get(d, f->sig);
	if (!sig || sig->type != PDFO_DICT)
		return;
	const pdfo *sf = pdfread_resolve(d, pdfo_get(sig, "SubFilter"));
	if (sf && sf->type == PDFO_NAME && sf->rawlen > 1)
		snprintf(s->subfilter, sizeof s->subfilter, "%.*s", (int)(sf->rawlen - 1),
		         sf->raw + 1);
	pdf_date(pdfread_resolve(d, pdfo_get(sig, "M")), s->signing_time);

	/* /Contents must lie in the file itself (not in an object stream) for its place to
	 * be the ByteRange's gap. */
	const pdfo *c = pdfo_get(sig, "Contents"),
	           *br = pdfread_resolve(d, pdfo_get(sig, "ByteRange"));
	long r[4];
	if (!c || c->type != PDFO_STR || c->raw[0] != '<' || !br || br->type != PDFO_ARRAY ||
	    br->n != 4 || !num_at(br, 0, &r[0]) || !num_at(br, 1, &r[1]) || !num_at(br, 2, &r[2]) ||
	    !num_at(br, 3, &r[3]))
		return;
	int inside =
	        (const unsigned char *)c->raw >= pdf && (const unsigned char *)c->raw < pdf + len;
	size_t at = inside ? (size_t)((const unsigned char *)c->raw - pdf) : 0;
	s->byterange_ok = inside && r[0] == 0 && (size_t)r[1] == at &&
	                  (size_t)r[2] == at + c->rawlen && r[3] >= 0 &&
	                  (size_t)r[3] <= len - (size_t)r[2];
	if (r[1] >= 0 && r[2] >= r[1] && r[3] >= 0 && (size_t)r[2] <= len &&
	    (size_t)r[3] <= len - (size_t)r[2]) {
		s->covered = (size_t)(r[2] + r[3]);
		s->bytes_after = len - s->covered;
	}

	/* The CMS: hex digits, the reserve's trailing zeros after the DER. */
	der = xmalloc(c->rawlen / 2 + 1);
	for (size_t i = 1; i + 2 < c->rawlen; i += 2) {
		int hi = hexv((unsigned char)c->raw[i]), lo = hexv((unsigned char)c->raw[i + 1]);
		if (hi < 0 || lo < 0)
			break;
		der[dlen++] = (unsigned char)(hi * 16 + lo);
	}
	const unsigned char *p = der;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)dlen);
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
		goto out;
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	certs = CMS_get1_certs(cms);
	for (int i = 0; certs && i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0) {
			signer = sk_X509_value(certs, i);
			break;
		}
	X509_ALGOR *dalg = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dalg, NULL);
	const EVP_MD *md = dalg ? EVP_get_digestbyobj(dalg->algorithm) : NULL;
	if (md)
		snprintf(s->digest, sizeof s->digest, "%s", OBJ_nid2sn(EVP_MD_get_type(md)));
	for (char *q = s->digest; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	if (s->covered && md) {
		unsigned char h[EVP_MAX_MD_SIZE];
		unsigned int hl = 0;
		EVP_MD_CTX *m = EVP_MD_CTX_new();
		int ok = m && EVP_DigestInit_ex(m, md, NULL) &&
		         EVP_DigestUpdate(m, pdf + r[0], (size_t)r[1]) &&
		         EVP_DigestUpdate(m, pdf + r[2], (size_t)r[3]) &&
		         EVP_DigestFinal_ex(m, h, &hl);
		EVP_MD_CTX_free(m);
		const ASN1_OCTET_STRING *mdattr = CMS_signed_get0_data_by_OBJ(
		        si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
		s->digest_ok = ok && mdattr && (unsigned)ASN1_STRING_length(mdattr) == hl &&
		               memcmp(ASN1_STRING_get0_data(mdattr), h, hl) == 0;
	}
	if (!signer)
		goto out;
	s->cert_len = (size_t)i2d_X509(signer, &s->cert_der);
	name_text(X509_get_subject_name(signer), s->subject, sizeof s->subject);
	name_text(X509_get_issuer_name(signer), s->issuer, sizeof s->issuer);
	snprintf(s->algorithm, sizeof s->algorithm, "%s", key_alg(signer));
	if (proof_cert_serial(signer, s->serial) != ST_OK) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(signer), NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;
		snprintf(s->serial, sizeof s->serial, "%s", hex ? hex : "");
		OPENSSL_free(hex);
		BN_free(bn);
	}
	if (strcmp(s->algorithm, "SM2") == 0) {
		/* OpenSSL's CMS cannot check SM2: the attributes' own DER, SM3 and the GM ID. */
		ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
		s->signature_ok = signed_attrs_der(der, dlen, &attrs, &alen) && sv &&
		                  proof_verify(signer, attrs, alen, ASN1_STRING_get0_data(sv),
		                               (size_t)ASN1_STRING_length(sv)) == ST_OK;
	} else {
		CMS_SignerInfo_set1_signer_cert(si, signer);
		s->signature_ok = CMS_SignerInfo_verify(si) == 1;
	}
	s->signing_cert = check_signing_cert(si, signer);
	time_t gen = 0;
	check_timestamp(si, trust, s, &gen);
	sm2_ids(certs);
	s->chain_ok = chain_verifies(trust, signer, certs, s->timestamp_ok ? gen : 0);
out:
	ERR_clear_error();
	free(der);
	free(attrs);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
}

/* ---- what follows a signature -------------------------------------------------------- */

/* Keys a signature's revision may change in a catalog, a page, the AcroForm. */
static int allowed_key(const pdfo *k)
{
	static const char *keys[] = {"/Annots",   "/AcroForm", "/Fields",
	                             "/SigFlags", "/DSS",      "/Perms"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (k->rawlen == strlen(keys[i]) && memcmp(k->raw, keys[i], k->rawlen) == 0)
			return 1;
	return 0;
}

static int same_text(const pdfo *a, const pdfo *b)
{
	pdfread_buf x = {0}, y = {0};
	pdfo_write(&x, a);
	pdfo_write(&y, b);
	int same = x.len == y.len && (x.len == 0 || memcmp(x.p, y.p, x.len) == 0);
	free(x.p);
	free(y.p);
	return same;
}

static const pdfo *dict_value(const pdfo *d, const pdfo *key)
{
	for (size_t i = 0; i + 1 < d->n; i += 2)
		if (d->items[i]->rawlen == key->rawlen &&
		    memcmp(d->items[i]->raw, key->raw, key->rawlen) == 0)
			return d->items[i + 1];
	return NULL;
}

/* A rewritten object that only signing may produce: a dictionary equal but for the allowed
 * keys, an array that only grew at its end. */
static int harmless_rewrite(const pdfo *o, const pdfo *n)
{
	if (o->type == PDFO_ARRAY && n->type == PDFO_ARRAY) {
		if (n->n < o->n)
			return 0;
		for (size_t i = 0; i < o->n; i++)
			if (!same_text(o->items[i], n->items[i]))
				return 0;
		return 1;
	}
	if (o->type != PDFO_DICT || n->type != PDFO_DICT)
		return same_text(o, n);
	for (int pass = 0; pass < 2; pass++) {
		const pdfo *a = pass ? n : o, *b = pass ? o : n;
		for (size_t i = 0; i + 1 < a->n; i += 2) {
			if (allowed_key(a->items[i]))
				continue;
			const pdfo *v = dict_value(b, a->items[i]);
			if (!v || !same_text(a->items[i + 1], v))
				return 0;
		}
	}
	return 1;
}

static pades_later classify(const unsigned char *pdf, size_t covered, pdfread *now)
{
	pdfread *then = NULL;
	pades_later r = PADES_LATER_CONTENT_CHANGED;
	if (pdfread_open(pdf, covered, &then) != ST_OK)
		return r;
	long size = pdfread_size(now);
	for (long num = 1; num < size; num++) {
		size_t w0 = 0, w1 = 0;
		int t0 = pdfread_entry(then, num, &w0), t1 = pdfread_entry(now, num, &w1);
		if (t0 == t1 && w0 == w1)
			continue;
		if (!t0)
			continue; /* a new object: judged by what refers to it */
		const pdfo *o = pdfread_get(then, num), *n = pdfread_get(now, num);
		if (!o || !n || !harmless_rewrite(o, n))
			goto out;
		/* Streams rewritten: their data must be the same too. */
		unsigned char *s0 = NULL, *s1 = NULL;
		size_t l0 = 0, l1 = 0;
		int k0 = t0 == 1 && pdfread_stream(then, num, &s0, &l0) == ST_OK;
		int k1 = t1 == 1 && pdfread_stream(now, num, &s1, &l1) == ST_OK;
		int same = k0 == k1 && l0 == l1 && (!k0 || l0 == 0 || memcmp(s0, s1, l0) == 0);
		free(s0);
		free(s1);
		if (!same)
			goto out;
		/* Annotations added to a page: widgets only (a comment is a change). */
		const pdfo *a0 = pdfread_resolve(then, pdfo_get(o, "Annots"));
		const pdfo *a1 = pdfread_resolve(now, pdfo_get(n, "Annots"));
		if (n->type == PDFO_DICT && a1 && a1->type == PDFO_ARRAY) {
			size_t from = a0 && a0->type == PDFO_ARRAY ? a0->n : 0;
			for (size_t i = from; i < a1->n; i++) {
				const pdfo *an = pdfread_resolve(now, a1->items[i]);
				if (!an || !pdfo_is_name(pdfo_get(an, "Subtype"), "Widget"))
					goto out;
			}
		}
	}
	r = PADES_LATER_SIGNATURES_ONLY;
out:
	pdfread_free(then);
	return r;
}

static int count_eof(const unsigned char *p, size_t from, size_t to)
{
	int n = 0;
	for (size_t i = from; i + 5 <= to; i++)
		if (p[i] == '%' && memcmp(p + i, "%%EOF", 5) == 0)
			n++;
	return n;
}

int pades_verify(const unsigned char *pdf, size_t len, X509_STORE *trust, pades_sig **out,
                 size_t *n, pades_doc *doc)
{
	pdfread *d = NULL;
	*out = NULL;
	*n = 0;
	memset(doc, 0, sizeof *doc);
	int rv = pdfread_open(pdf, len, &d);
	if (rv != ST_OK)
		return rv;
	found *f = xcalloc(PADES_VERIFY_MAX, sizeof *f);
	size_t nf = 0;
	const pdfo *cat = pdfread_resolve(d, pdfo_get(pdfread_trailer(d), "Root"));
	const pdfo *form = cat && cat->type == PDFO_DICT
	                           ? pdfread_resolve(d, pdfo_get(cat, "AcroForm"))
	                           : NULL;
	if (form && form->type == PDFO_DICT)
		collect(d, pdfread_resolve(d, pdfo_get(form, "Fields")), "", 0, 0, f, &nf);
	pades_sig *s = xcalloc(nf ? nf : 1, sizeof *s);
	size_t most = 0;
	for (size_t i = 0; i < nf; i++) {
		verify_one(pdf, len, d, &f[i], trust, &s[i]);
		s[i].revisions_after = s[i].covered ? count_eof(pdf, s[i].covered, len) : 0;
		if (!s[i].covered)
			s[i].later = PADES_LATER_CONTENT_CHANGED;
		else if (s[i].bytes_after == 0)
			s[i].later = PADES_LATER_NONE;
		else
			s[i].later = classify(pdf, s[i].covered, d);
		if (s[i].covered > most)
			most = s[i].covered;
	}
	doc->size = len;
	doc->pages = pdfread_page_count(d);
	doc->revisions = count_eof(pdf, 0, len);
	doc->modified_after_last_signature = nf > 0 && most < len;
	free(f);
	pdfread_free(d);
	*out = s;
	*n = nf;
	return ST_OK;
}
