/* Fuzzes the verification of uploaded signed PDFs (services/certs/pades_verify.c): the
 * fields of the AcroForm, /ByteRange and /Contents, the CMS (OpenSSL's parser), the signed
 * attributes' DER walk, the time-stamp token, the comparison of a signed revision with the
 * file after it. No trust store (nothing chains). Only ST_OK, ST_PDF_INVALID and
 * ST_PDF_ENCRYPTED come back; at most PADES_VERIFY_MAX signatures, each covering no more
 * than the file, its bytes_after the rest; the document's size is the input's. */
#include "fuzz.h"
#include "pades_verify.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pades_sig *s = NULL;
	size_t n = 0;
	pades_doc doc;
	int rv = pades_verify(data, size, NULL, &s, &n, &doc);
	if (rv != ST_OK) {
		if ((rv != ST_PDF_INVALID && rv != ST_PDF_ENCRYPTED) || s || n)
			abort();
		return 0;
	}
	if (n > PADES_VERIFY_MAX || doc.size != size)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (s[i].covered > size ||
		    (s[i].covered && s[i].bytes_after != size - s[i].covered))
			abort();
		if (s[i].chain_ok || s[i].timestamp_ok)
			abort(); /* nothing chains without a trust store */
		if (strlen(pades_verdict(&s[i], "unknown_issuer", 0)) == 0)
			abort();
	}
	pades_verify_free(s, n);
	return 0;
}
