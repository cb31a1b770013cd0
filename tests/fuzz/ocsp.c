/* Fuzzes the OCSP responder's request parsing (services/certs/pki.c): pki_ocsp_parse on
 * DER (POST) or on the GET form's base64 (pki_b64_decode first), against issuing CAs of
 * all three algorithms made at the first call. Input: one byte (bit 0: the GET form),
 * then the request. Only successful, malformedRequest or unauthorized come back; a
 * parsed request names 1..PKI_OCSP_MAX_IDS serials of one CA, and is answered. */
#include "ca.h"
#include "fuzz.h"
#include "pki.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

static X509 *issuers[CA_NALG], *responders[CA_NALG];
static EVP_PKEY *rkeys[CA_NALG];

static void setup(void)
{
	for (int a = 0; a < CA_NALG; a++) {
		EVP_PKEY *k = NULL;
		if (ca_keygen((ca_alg)a, &k) != ST_OK ||
		    ca_make_ca((ca_alg)a, "fuzz CA", 30, 0, NULL, k, k, &issuers[a]) != ST_OK ||
		    pki_signer_make(PKI_SIGNER_OCSP, (ca_alg)a, issuers[a], k, 30, &responders[a],
		                    &rkeys[a]) != ST_OK)
			abort();
		EVP_PKEY_free(k);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!issuers[0])
		setup();
	if (size < 1)
		return 0;
	const unsigned char *req = data + 1;
	size_t len = size - 1;
	unsigned char *decoded = NULL;
	if ((data[0] & 1) && pki_b64_decode(req, len, &decoded, &len) != 0)
		return 0;
	if (decoded)
		req = decoded;
	pki_ocsp_req q;
	int st = pki_ocsp_parse(req, len, issuers, &q);
	if (st == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		if (!q.req || q.n < 1 || q.n > PKI_OCSP_MAX_IDS || q.alg >= CA_NALG)
			abort();
		pki_ocsp_status s[PKI_OCSP_MAX_IDS];
		for (size_t i = 0; i < q.n; i++) {
			if (strlen(q.serial[i]) == 0)
				abort();
			s[i] = (pki_ocsp_status){(int)(i % 3), 0, 1};
		}
		unsigned char *der = NULL;
		size_t dlen = 0;
		if (pki_ocsp_answer(&q, s, responders[q.alg], rkeys[q.alg], 1700000000, &der,
		                    &dlen) != ST_OK)
			abort();
		OPENSSL_free(der);
		pki_ocsp_req_free(&q);
	} else if (q.req || (st != OCSP_RESPONSE_STATUS_MALFORMEDREQUEST &&
	                     st != OCSP_RESPONSE_STATUS_UNAUTHORIZED)) {
		abort();
	}
	OPENSSL_free(decoded);
	return 0;
}
