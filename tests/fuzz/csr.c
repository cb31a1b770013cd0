/* Fuzzes the CA's PKCS#10 check (services/certs/ca.c, ca_csr_check): what a client sends
 * to be certified. Input: one byte choosing the algorithm (mod 3), then the CSR, PEM or
 * DER. An accepted CSR yields a key that passes the algorithm's key rule. */
#include "ca.h"
#include "fuzz.h"
#include "status.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	ca_alg alg = (ca_alg)(data[0] % CA_NALG);
	EVP_PKEY *pub = NULL;
	int rv = ca_csr_check(alg, data + 1, size - 1, &pub);
	if (rv == ST_OK) {
		char spki[65];
		if (!pub || ca_key_check(alg, pub) != ST_OK || ca_spki_sha256(pub, spki) != ST_OK)
			abort();
	} else if (pub || (rv != ST_CERT_CSR_INVALID && rv != ST_CERT_CSR_SIGNATURE &&
	                   rv != ST_CERT_KEY_MISMATCH)) {
		abort();
	}
	EVP_PKEY_free(pub);
	return 0;
}
