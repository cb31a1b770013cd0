/*
 * The little of PDF (ISO 32000-1) the signing engine reads: the last cross-reference
 * section and its /Prev chain (classic xref tables, cross-reference streams, hybrid files'
 * /XRefStm), objects by number (in the file or in object streams, FlateDecode with PNG
 * predictors), the page tree, and a writer of objects back to text. Pure: bytes in, no I/O.
 * Everything a document hands out lives in its arena and points into its buffer (or into
 * inflated streams it keeps): valid until pdfread_free; the buffer must outlive the document.
 */
#ifndef CERTS_PDFREAD_H
#define CERTS_PDFREAD_H

#include "mem.h"

#include <stddef.h>

typedef enum {
	PDFO_NULL,
	PDFO_BOOL,
	PDFO_NUM,
	PDFO_NAME, /* raw: "/Name" as written */
	PDFO_STR,  /* raw: "(…)" or "<…>" as written */
	PDFO_ARRAY,
	PDFO_DICT, /* items: key (PDFO_NAME), value, key, value, … */
	PDFO_REF,
} pdfo_type;

typedef struct pdfo {
	pdfo_type type;
	const char *raw; /* the token as written (scalars) */
	size_t rawlen;
	long num, gen; /* PDFO_NUM (integer part), PDFO_REF */
	struct pdfo **items;
	size_t n;
} pdfo;

/* A growable byte buffer (xmalloc: never fails); free p when done. */
typedef struct pdfread_buf {
	unsigned char *p;
	size_t len, cap;
} pdfread_buf;
void pdfread_buf_put(pdfread_buf *b, const void *data, size_t n);
void pdfread_buf_printf(pdfread_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct pdfread pdfread;

/*
 * Opens buf: finds startxref, reads every cross-reference section of the /Prev chain (the
 * newest entry of an object wins). ST_OK with *out (pdfread_free), ST_PDF_INVALID when the
 * bytes are not a PDF this reader understands, ST_PDF_ENCRYPTED when the trailer names
 * /Encrypt.
 */
int pdfread_open(const unsigned char *buf, size_t len, pdfread **out);
void pdfread_free(pdfread *d);

/* The newest trailer (for a cross-reference stream: its dictionary). */
const pdfo *pdfread_trailer(const pdfread *d);
/* The byte offset startxref names; 1 when that section is a cross-reference stream. */
size_t pdfread_startxref(const pdfread *d);
int pdfread_xref_is_stream(const pdfread *d);
/* One more than the highest object number in use (the trailer's /Size at least). */
long pdfread_size(const pdfread *d);

/* The generation of object num (0 in object streams). */
long pdfread_gen(const pdfread *d, long num);
/* Object num (NULL when free, absent or unreadable). */
const pdfo *pdfread_get(pdfread *d, long num);
/* o itself, or the object a reference names (NULL when it names nothing). */
const pdfo *pdfread_resolve(pdfread *d, const pdfo *o);
/* The value of key (without the slash) in dictionary o, unresolved; NULL when absent. */
const pdfo *pdfo_get(const pdfo *dict, const char *key);
/* 1 when o is the name /name (name without the slash). */
int pdfo_is_name(const pdfo *o, const char *name);

/* The decoded data of stream object num (FlateDecode with predictors, or unfiltered):
 * ST_OK with *out (xmalloc'd; the caller frees), or ST_PDF_INVALID. */
int pdfread_stream(pdfread *d, long num, unsigned char **out, size_t *len);
/* Where the newest cross-reference entry puts object num: 1 with *where its byte offset,
 * 2 with *where the object stream's number, 0 when free or absent. */
int pdfread_entry(const pdfread *d, long num, size_t *where);

/* The page of 0-based index i: its object number and dictionary. ST_OK,
 * ST_PDF_PAGE (no such page) or ST_PDF_INVALID (a broken page tree). */
int pdfread_page(pdfread *d, int i, long *num, const pdfo **page);
/* The number of pages (0 when the tree cannot be read). */
int pdfread_page_count(pdfread *d);

/* Parses one object from text (no references resolved); NULL when it is not one. The
 * result lives in a (its raw tokens point into text). */
pdfo *pdfo_parse(arena *a, const char *text, size_t len);
/* o written back as PDF text: scalars verbatim, arrays and dictionaries re-spaced. */
void pdfo_write(pdfread_buf *b, const pdfo *o);

/* Building objects for an update (allocated in a). */
pdfo *pdfo_new(arena *a, pdfo_type t);
pdfo *pdfo_ref(arena *a, long num);
/* A copy of dict with key set to v (replaced in place of an old value, else appended). */
pdfo *pdfo_dict_set(arena *a, const pdfo *dict, const char *key, pdfo *v);
/* A copy of array with v appended. */
pdfo *pdfo_array_add(arena *a, const pdfo *array, pdfo *v);
/* A scalar from its text (e.g. "/Sig", "132", "(Sig1)"). */
pdfo *pdfo_raw(arena *a, pdfo_type t, const char *text);

/* The document's arena (objects built for its update live there). */
arena *pdfread_arena(pdfread *d);

#endif
