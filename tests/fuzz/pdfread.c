/* Fuzzes the PDF reader of the signing engine (services/certs/pdfread.c): pdfread_open on
 * the bytes (startxref, xref tables and streams, /Prev chains, object streams), then every
 * page of the tree (at most 64) and the objects the trailer names. Only ST_OK,
 * ST_PDF_INVALID, ST_PDF_ENCRYPTED and ST_PDF_PAGE come back; a page found is a
 * dictionary; any object parsed and written back parses again to the same text. */
#include "fuzz.h"
#include "pdfread.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

/* write(parse(text)) is a fixed point of parse-then-write. */
static void round_trip(arena *a, const pdfo *o)
{
	pdfread_buf b1 = {0}, b2 = {0};
	pdfo_write(&b1, o);
	pdfo *again = pdfo_parse(a, (const char *)b1.p, b1.len);
	if (!again)
		abort();
	pdfo_write(&b2, again);
	if (b1.len != b2.len || memcmp(b1.p, b2.p, b1.len) != 0)
		abort();
	free(b1.p);
	free(b2.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	pdfo *o = pdfo_parse(a, (const char *)data, size);
	if (o)
		round_trip(a, o);
	pdfread *d = NULL;
	int rv = pdfread_open(data, size, &d);
	if (rv == ST_OK) {
		if (!pdfread_trailer(d))
			abort();
		round_trip(a, pdfread_trailer(d));
		for (int i = 0; i < 64; i++) {
			long num = 0;
			const pdfo *page = NULL;
			int st = pdfread_page(d, i, &num, &page);
			if (st == ST_OK && (!page || page->type != PDFO_DICT))
				abort();
			if (st != ST_OK && st != ST_PDF_PAGE && st != ST_PDF_INVALID)
				abort();
			if (st != ST_OK)
				break;
			round_trip(a, page);
		}
		(void)pdfread_page_count(d);
		pdfread_free(d);
	} else if (rv != ST_PDF_INVALID && rv != ST_PDF_ENCRYPTED) {
		abort();
	}
	arena_free(a);
	return 0;
}
