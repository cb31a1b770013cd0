/* A PAdES B-T signature appended to a PDF as an incremental update (see pades.h). */
#include "pades.h"
#include "mem.h"
#include "pdfread.h"
#include "seal_image.h"
#include "status.h"

#include <cairo.h>
#include <openssl/sha.h>
#include <zlib.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEAL_MIN_PX 16
#define SEAL_MAX_PX 2000
/* The widest rectangle accepted: 200 inches, PDF's default user-space limit. */
#define RECT_MAX_PT 14400.0

void pades_byterange(size_t total, size_t at, size_t len, size_t br[4])
{
	br[0] = 0;
	br[1] = at;
	br[2] = at + len;
	br[3] = total - (at + len);
}

void pades_date(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "D:%Y%m%d%H%M%S+00'00'", &tm);
}

/* ---- the seal image --------------------------------------------------------------- */

typedef struct png_src {
	const unsigned char *p;
	size_t len, pos;
} png_src;

static cairo_status_t png_read(void *arg, unsigned char *data, unsigned int n)
{
	png_src *s = arg;
	if (s->len - s->pos < n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->p + s->pos, n);
	s->pos += n;
	return CAIRO_STATUS_SUCCESS;
}

typedef struct seal_px {
	int w, h;
	unsigned char *rgb, *alpha; /* deflated (xmalloc'd) */
	size_t rgb_len, alpha_len;
} seal_px;

static int deflate_buf(const unsigned char *in, size_t n, unsigned char **out, size_t *outlen)
{
	uLongf cap = compressBound((uLong)n);
	unsigned char *p = xmalloc(cap);
	if (compress2(p, &cap, in, (uLong)n, Z_BEST_COMPRESSION) != Z_OK) {
		free(p);
		return ST_INTERNAL;
	}
	*out = p;
	*outlen = cap;
	return ST_OK;
}

/* The PNG as RGB and alpha planes (cairo holds premultiplied ARGB: undone here). */
static int seal_decode(const unsigned char *png, size_t len, seal_px *px)
{
	png_src src = {png, len, 0};
	unsigned char *rgb = NULL, *alpha = NULL;
	int rv = ST_SEAL_IMAGE_INVALID;
	if (!png || len < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0)
		return rv;
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &src);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_surface_flush(s);
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	if (w < SEAL_MIN_PX || h < SEAL_MIN_PX || w > SEAL_MAX_PX || h > SEAL_MAX_PX)
		goto out;
	cairo_format_t f = cairo_image_surface_get_format(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *data = cairo_image_surface_get_data(s);
	rgb = xmalloc((size_t)w * (size_t)h * 3);
	alpha = xmalloc((size_t)w * (size_t)h);
	for (int y = 0; y < h; y++) {
		const uint32_t *row =
		        (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
		for (int x = 0; x < w; x++) {
			uint32_t v = row[x];
			unsigned a = f == CAIRO_FORMAT_ARGB32 ? v >> 24 : 255;
			unsigned c[3] = {(v >> 16) & 255, (v >> 8) & 255, v & 255};
			size_t i = (size_t)y * (size_t)w + (size_t)x;
			for (int k = 0; k < 3; k++)
				rgb[i * 3 + (size_t)k] =
				        (unsigned char)(a ? (c[k] * 255 + a / 2) / a : 255);
			alpha[i] = (unsigned char)a;
		}
	}
	if ((rv = deflate_buf(rgb, (size_t)w * (size_t)h * 3, &px->rgb, &px->rgb_len)) != ST_OK)
		goto out;
	if ((rv = deflate_buf(alpha, (size_t)w * (size_t)h, &px->alpha, &px->alpha_len)) != ST_OK)
		goto out;
	px->w = w;
	px->h = h;
out:
	free(rgb);
	free(alpha);
	cairo_surface_destroy(s);
	return rv;
}

/* ---- the update ----------------------------------------------------------------------- */

typedef struct update {
	pdfread *d;
	arena *a;
	pdfread_buf b; /* the whole new file */
	long next;     /* the next free object number */
	struct upd_obj {
		long num, gen;
		size_t off;
	} * obj; /* xmalloc'd */
	int nobj, cap;
} update;

static void obj_begin(update *u, long num, long gen)
{
	if (u->nobj == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 16;
		u->obj = xrealloc(u->obj, (size_t)u->cap * sizeof *u->obj);
	}
	u->obj[u->nobj].num = num;
	u->obj[u->nobj].gen = gen;
	u->obj[u->nobj].off = u->b.len;
	u->nobj++;
	pdfread_buf_printf(&u->b, "%ld %ld obj\n", num, gen);
}

static void obj_write(update *u, long num, const pdfo *o)
{
	obj_begin(u, num, pdfread_gen(u->d, num));
	pdfo_write(&u->b, o);
	pdfread_buf_put(&u->b, "\nendobj\n", 8);
}

static void stream_write(update *u, long num, const char *dict, const void *data, size_t len)
{
	obj_begin(u, num, 0);
	pdfread_buf_printf(&u->b, "<< %s /Length %zu >>\nstream\n", dict, len);
	pdfread_buf_put(&u->b, data, len);
	pdfread_buf_put(&u->b, "\nendstream\nendobj\n", 18);
}

/* array (a direct array, a reference to one, or absent) with refs appended: *set is the
 * new value for its owner, or NULL when the array is an object of its own, rewritten here. */
static int array_with(update *u, const pdfo *array, const long *refs, size_t nrefs, pdfo **set)
{
	const pdfo *arr = NULL;
	*set = NULL;
	if (array && array->type == PDFO_REF) {
		arr = pdfread_get(u->d, array->num);
		if (!arr || arr->type != PDFO_ARRAY)
			return ST_PDF_INVALID;
	} else if (array && array->type != PDFO_ARRAY) {
		return ST_PDF_INVALID;
	} else {
		arr = array;
	}
	pdfo *grown = (pdfo *)arr;
	for (size_t i = 0; i < nrefs; i++)
		grown = pdfo_array_add(u->a, grown, pdfo_ref(u->a, refs[i]));
	if (array && array->type == PDFO_REF)
		obj_write(u, array->num, grown);
	else
		*set = grown;
	return ST_OK;
}

/* One widget of the signature being written. */
typedef struct wdraw {
	const pades_widget *in;
	long num, ap, img, mask;
	long page_num;
	const pdfo *page;
	seal_px px;
} wdraw;

/* Every page's /Annots gains its widgets (a page rewritten once however many it holds),
 * and the catalog's /AcroForm /Fields the field. */
static int link_widgets(update *u, const wdraw *w, size_t nw, long field)
{
	pdfo *annots, *fields;
	long *refs = xmalloc(nw * sizeof *refs);
	int rv = ST_OK;
	for (size_t i = 0; i < nw; i++) {
		size_t k = 0, j;
		for (j = 0; j < i && w[j].page_num != w[i].page_num; j++)
			;
		if (j < i)
			continue; /* that page was done with its first widget */
		for (j = i; j < nw; j++)
			if (w[j].page_num == w[i].page_num)
				refs[k++] = w[j].num;
		if ((rv = array_with(u, pdfo_get(w[i].page, "Annots"), refs, k, &annots)) != ST_OK)
			break;
		if (annots)
			obj_write(u, w[i].page_num,
			          pdfo_dict_set(u->a, w[i].page, "Annots", annots));
	}
	free(refs);
	if (rv != ST_OK)
		return rv;

	const pdfo *root_ref = pdfo_get(pdfread_trailer(u->d), "Root");
	const pdfo *catalog = pdfread_resolve(u->d, root_ref);
	if (!root_ref || root_ref->type != PDFO_REF || !catalog || catalog->type != PDFO_DICT)
		return ST_PDF_INVALID;
	const pdfo *af = pdfo_get(catalog, "AcroForm");
	const pdfo *form = pdfread_resolve(u->d, af);
	if (af && (!form || form->type != PDFO_DICT))
		return ST_PDF_INVALID;
	if ((rv = array_with(u, pdfo_get(form, "Fields"), &field, 1, &fields)) != ST_OK)
		return rv;
	pdfo *nform = (pdfo *)(form ? form : pdfo_new(u->a, PDFO_DICT));
	if (fields)
		nform = pdfo_dict_set(u->a, nform, "Fields", fields);
	/* SignaturesExist | AppendOnly: readers then keep later changes incremental. */
	nform = pdfo_dict_set(u->a, nform, "SigFlags", pdfo_raw(u->a, PDFO_NUM, "3"));
	if (af && af->type == PDFO_REF) {
		obj_write(u, af->num, nform);
	} else if (af) {
		obj_write(u, root_ref->num, pdfo_dict_set(u->a, catalog, "AcroForm", nform));
	} else {
		long n = u->next++;
		obj_write(u, n, nform);
		obj_write(u, root_ref->num,
		          pdfo_dict_set(u->a, catalog, "AcroForm", pdfo_ref(u->a, n)));
	}
	return ST_OK;
}

static int entry_cmp(const void *x, const void *y)
{
	long a = *(const long *)x, b = *(const long *)y;
	return (a > b) - (a < b);
}

/* The trailer's keys an update carries over (/Root, /Info, /ID) into dict text. */
static void trailer_keys(update *u, pdfread_buf *t)
{
	const char *keys[] = {"Root", "Info", "ID"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const pdfo *v = pdfo_get(pdfread_trailer(u->d), keys[i]);
		if (!v)
			continue;
		pdfread_buf_printf(t, " /%s ", keys[i]);
		pdfo_write(t, v);
	}
}

/* The cross-reference section of the update, in the form of the previous one. */
static void xref_write(update *u)
{
	/* Sorted by number: (num, index into obj) pairs. */
	long(*order)[2] = xmalloc(((size_t)u->nobj + 1) * sizeof *order);
	pdfread_buf t = {0};
	int n = u->nobj;
	size_t start = u->b.len;
	int stream = pdfread_xref_is_stream(u->d);
	long xs = stream ? u->next++ : -1;
	for (int i = 0; i < n; i++) {
		order[i][0] = u->obj[i].num;
		order[i][1] = i;
	}
	qsort(order, (size_t)n, sizeof order[0], entry_cmp);
	trailer_keys(u, &t);
	if (!stream) {
		pdfread_buf_put(&u->b, "xref\n", 5);
		for (int i = 0; i < n; i++) {
			int k = (int)order[i][1];
			pdfread_buf_printf(&u->b, "%ld 1\n%010zu %05ld n\r\n", u->obj[k].num,
			                   u->obj[k].off, u->obj[k].gen);
		}
		pdfread_buf_printf(&u->b, "trailer\n<< /Size %ld /Prev %zu", u->next,
		                   pdfread_startxref(u->d));
		pdfread_buf_put(&u->b, t.p, t.len);
		pdfread_buf_printf(&u->b, " >>\nstartxref\n%zu\n%%%%EOF\n", start);
		free(t.p);
		free(order);
		return;
	}
	/* A cross-reference stream, unfiltered: W [1 4 2], its own entry included. */
	order[n][0] = xs;
	order[n][1] = -1;
	n++;
	pdfread_buf idx = {0}, rows = {0};
	for (int i = 0; i < n; i++) {
		int k = (int)order[i][1];
		size_t off = k < 0 ? start : u->obj[k].off;
		long gen = k < 0 ? 0 : u->obj[k].gen;
		unsigned char row[7] = {1,
		                        (unsigned char)(off >> 24),
		                        (unsigned char)(off >> 16),
		                        (unsigned char)(off >> 8),
		                        (unsigned char)off,
		                        (unsigned char)(gen >> 8),
		                        (unsigned char)gen};
		pdfread_buf_printf(&idx, " %ld 1", order[i][0]);
		pdfread_buf_put(&rows, row, sizeof row);
	}
	pdfread_buf_printf(&u->b,
	                   "%ld 0 obj\n<< /Type /XRef /Size %ld /W [1 4 2] /Index [%s ] /Prev %zu",
	                   xs, u->next, idx.p, pdfread_startxref(u->d));
	pdfread_buf_put(&u->b, t.p, t.len);
	pdfread_buf_printf(&u->b, " /Length %zu >>\nstream\n", rows.len);
	pdfread_buf_put(&u->b, rows.p, rows.len);
	pdfread_buf_printf(&u->b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", start);
	free(idx.p);
	free(rows.p);
	free(t.p);
	free(order);
}

static int rect_ok(const pades_widget *in)
{
	return isfinite(in->x) && isfinite(in->y) && isfinite(in->w) && isfinite(in->h) &&
	       in->w > 0 && in->h > 0 && in->w <= RECT_MAX_PT && in->h <= RECT_MAX_PT &&
	       fabs(in->x) <= RECT_MAX_PT && fabs(in->y) <= RECT_MAX_PT;
}

static size_t certs_der_len(const pades_input *in)
{
	size_t n = (size_t)i2d_X509(in->cert, NULL);
	for (int i = 0; in->chain && i < sk_X509_num(in->chain); i++)
		n += (size_t)i2d_X509(sk_X509_value(in->chain, i), NULL);
	return n;
}

/* The widget's appearance: a form XObject drawing the image (its alpha as /SMask). */
static void widget_appearance(update *u, const wdraw *w)
{
	char *dict = arena_printf(u->a,
	                          "/Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f]"
	                          " /Resources << /XObject << /Im0 %ld 0 R >> >>",
	                          w->in->w, w->in->h, w->img);
	char *draw = arena_printf(u->a, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", w->in->w, w->in->h);
	stream_write(u, w->ap, dict, draw, strlen(draw));
	dict = arena_printf(u->a,
	                    "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace"
	                    " /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /SMask %ld 0 R",
	                    w->px.w, w->px.h, w->mask);
	stream_write(u, w->img, dict, w->px.rgb, w->px.rgb_len);
	dict = arena_printf(u->a,
	                    "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace"
	                    " /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
	                    w->px.w, w->px.h);
	stream_write(u, w->mask, dict, w->px.alpha, w->px.alpha_len);
}

int pades_sign(const pades_input *in, unsigned char **out, size_t *out_len)
{
	update u = {0};
	unsigned char *cms = NULL;
	size_t cmslen = 0;
	pades_widget single = {in->page, in->x, in->y, in->w, in->h, in->png, in->png_len};
	const pades_widget *wins = in->nwidgets ? in->widgets : &single;
	size_t nw = in->nwidgets ? in->nwidgets : 1;
	wdraw *w = NULL;
	int rv;
	if (!in->cert || !cades_cert_supported(in->cert))
		return ST_SIGN_ALG_UNSUPPORTED;
	if (nw > PADES_MAX_WIDGETS || (in->nwidgets && !in->widgets))
		return ST_PDF_RECT;
	for (size_t i = 0; i < nw; i++)
		if (!rect_ok(&wins[i]))
			return ST_PDF_RECT;
	if ((rv = pdfread_open(in->pdf, in->pdf_len, &u.d)) != ST_OK)
		return rv;
	u.a = pdfread_arena(u.d);
	w = xcalloc(nw, sizeof *w);
	for (size_t i = 0; i < nw; i++) {
		w[i].in = &wins[i];
		if ((rv = pdfread_page(u.d, wins[i].page, &w[i].page_num, &w[i].page)) != ST_OK)
			goto out;
		if ((rv = seal_decode(wins[i].png, wins[i].png_len, &w[i].px)) != ST_OK)
			goto out;
	}
	u.next = pdfread_size(u.d);
	/* One widget: merged with its field (one dictionary). Several: a field whose /Kids
	 * are the widgets, each with /Parent. */
	long field = u.next++, sig = u.next++;
	if (nw == 1) {
		w[0].num = field;
		w[0].ap = u.next++;
		w[0].img = u.next++;
		w[0].mask = u.next++;
	} else {
		for (size_t i = 0; i < nw; i++) {
			w[i].num = u.next++;
			w[i].ap = u.next++;
			w[i].img = u.next++;
			w[i].mask = u.next++;
		}
	}

	pdfread_buf_put(&u.b, in->pdf, in->pdf_len);
	if (in->pdf[in->pdf_len - 1] != '\n' && in->pdf[in->pdf_len - 1] != '\r')
		pdfread_buf_put(&u.b, "\n", 1);

	/* F 132: Print | Locked. */
	if (nw == 1) {
		const pades_widget *r = w[0].in;
		obj_begin(&u, field, 0);
		pdfread_buf_printf(
		        &u.b,
		        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature%ld) /V %ld 0 R"
		        " /Rect [%.2f %.2f %.2f %.2f] /F 132 /P %ld %ld R /AP << /N %ld 0 R >> >>"
		        "\nendobj\n",
		        field, sig, r->x, r->y, r->x + r->w, r->y + r->h, w[0].page_num,
		        pdfread_gen(u.d, w[0].page_num), w[0].ap);
	} else {
		obj_begin(&u, field, 0);
		pdfread_buf_printf(&u.b, "<< /FT /Sig /T (Signature%ld) /V %ld 0 R /Kids [", field,
		                   sig);
		for (size_t i = 0; i < nw; i++)
			pdfread_buf_printf(&u.b, " %ld 0 R", w[i].num);
		pdfread_buf_put(&u.b, " ] >>\nendobj\n", 13);
	}

	char date[32];
	pades_date(in->when ? in->when : time(NULL), date);
	size_t reserve = certs_der_len(in) + PADES_CMS_RESERVE;
	obj_begin(&u, sig, 0);
	pdfread_buf_printf(&u.b,
	                   "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
	                   " /M (%s) /ByteRange [0 0000000000 0000000000 0000000000] /Contents ",
	                   date);
	size_t br_at = u.b.len - strlen("0000000000 0000000000 0000000000] /Contents ");
	size_t contents_at = u.b.len;
	pdfread_buf_put(&u.b, "<", 1);
	for (size_t i = 0; i < reserve * 2; i++)
		pdfread_buf_put(&u.b, "0", 1);
	pdfread_buf_put(&u.b, ">", 1);
	size_t contents_len = u.b.len - contents_at;
	pdfread_buf_put(&u.b, " >>\nendobj\n", 11);

	for (size_t i = 0; i < nw; i++) {
		if (nw > 1) {
			const pades_widget *r = w[i].in;
			obj_begin(&u, w[i].num, 0);
			/* No /Parent: poppler (22.12) reads a kid that names its parent as a
			 * field of its own and then finds it unsigned; /Kids say whose it is. */
			pdfread_buf_printf(&u.b,
			                   "<< /Type /Annot /Subtype /Widget"
			                   " /Rect [%.2f %.2f %.2f %.2f] /F 132 /P %ld %ld R"
			                   " /AP << /N %ld 0 R >> >>\nendobj\n",
			                   r->x, r->y, r->x + r->w, r->y + r->h, w[i].page_num,
			                   pdfread_gen(u.d, w[i].page_num), w[i].ap);
		}
		widget_appearance(&u, &w[i]);
	}
	if ((rv = link_widgets(&u, w, nw, field)) != ST_OK)
		goto out;
	xref_write(&u);

	/* The byte range is now known; its digits take the zeros' place. */
	size_t br[4];
	char digits[40];
	pades_byterange(u.b.len, contents_at, contents_len, br);
	snprintf(digits, sizeof digits, "%010zu %010zu %010zu", br[1], br[2], br[3]);
	memcpy(u.b.p + br_at, digits, 32);
	unsigned char md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	int ok = mc && EVP_DigestInit_ex(mc, cades_md(in->cert), NULL) &&
	         EVP_DigestUpdate(mc, u.b.p, br[1]) && EVP_DigestUpdate(mc, u.b.p + br[2], br[3]) &&
	         EVP_DigestFinal_ex(mc, md, NULL);
	EVP_MD_CTX_free(mc);
	if (!ok) {
		rv = ST_INTERNAL;
		goto out;
	}
	if ((rv = cades_sign(in->cert, in->chain, md, in->sign, in->sign_arg, in->tsa, in->tsa_arg,
	                     &cms, &cmslen)) != ST_OK)
		goto out;
	if (cmslen > reserve) {
		rv = ST_INTERNAL;
		goto out;
	}
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < cmslen; i++) {
		u.b.p[contents_at + 1 + 2 * i] = (unsigned char)hex[cms[i] >> 4];
		u.b.p[contents_at + 2 + 2 * i] = (unsigned char)hex[cms[i] & 15];
	}
	*out = u.b.p;
	*out_len = u.b.len;
	u.b.p = NULL;
	rv = ST_OK;
out:
	free(cms);
	free(u.b.p);
	free(u.obj);
	for (size_t i = 0; w && i < nw; i++) {
		free(w[i].px.rgb);
		free(w[i].px.alpha);
	}
	free(w);
	pdfread_free(u.d);
	return rv;
}

/* ---- the cross-page seal ---------------------------------------------------------- */

#define CROSS_MIN_PT 20.0
#define CROSS_MAX_PT 400.0

/* A number object's value (integers and reals as written). */
static int num_value(const pdfo *o, double *v)
{
	char t[64];
	if (!o || o->type != PDFO_NUM || o->rawlen == 0 || o->rawlen >= sizeof t)
		return 0;
	memcpy(t, o->raw, o->rawlen);
	t[o->rawlen] = 0;
	char *end;
	*v = strtod(t, &end);
	return *end == 0 && isfinite(*v);
}

/* The page's visible box: /CropBox, else /MediaBox, each inherited through /Parent. */
static int page_box(pdfread *d, const pdfo *page, double box[4])
{
	const char *keys[] = {"CropBox", "MediaBox"};
	for (size_t k = 0; k < 2; k++) {
		const pdfo *p = page;
		for (int depth = 0; p && p->type == PDFO_DICT && depth < 32; depth++) {
			const pdfo *b = pdfread_resolve(d, pdfo_get(p, keys[k]));
			if (b && b->type == PDFO_ARRAY && b->n == 4 &&
			    num_value(b->items[0], &box[0]) && num_value(b->items[1], &box[1]) &&
			    num_value(b->items[2], &box[2]) && num_value(b->items[3], &box[3])) {
				if (box[0] > box[2]) {
					double t = box[0];
					box[0] = box[2];
					box[2] = t;
				}
				if (box[1] > box[3]) {
					double t = box[1];
					box[1] = box[3];
					box[3] = t;
				}
				return 1;
			}
			if (b)
				break;
			p = pdfread_resolve(d, pdfo_get(p, "Parent"));
		}
	}
	return 0;
}

void pades_cross_page_free(pades_widget *widgets, unsigned char **slices, size_t n)
{
	for (size_t i = 0; slices && i < n; i++)
		free(slices[i]);
	free(slices);
	free(widgets);
}

int pades_cross_page_widgets(const unsigned char *pdf, size_t len, const unsigned char *png,
                             size_t png_len, double size_pt, pades_widget **out, size_t *n,
                             unsigned char ***slices)
{
	pdfread *d = NULL;
	cairo_surface_t *src = NULL;
	pades_widget *w = NULL;
	unsigned char **sl = NULL;
	png_src ps = {png, png_len, 0};
	int pages = 0, rv;
	*out = NULL;
	*slices = NULL;
	*n = 0;
	if (!isfinite(size_pt) || size_pt < CROSS_MIN_PT || size_pt > CROSS_MAX_PT)
		return ST_PDF_RECT;
	if ((rv = pdfread_open(pdf, len, &d)) != ST_OK)
		return rv;
	pages = pdfread_page_count(d);
	rv = ST_PDF_INVALID;
	if (pages < 1)
		goto out;
	rv = ST_PDF_RECT;
	if (pages > PADES_MAX_WIDGETS)
		goto out;
	rv = ST_SEAL_IMAGE_INVALID;
	if (!png || png_len < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0)
		goto out;
	src = cairo_image_surface_create_from_png_stream(png_read, &ps);
	if (cairo_surface_status(src) != CAIRO_STATUS_SUCCESS)
		goto out;
	int W = cairo_image_surface_get_width(src), H = cairo_image_surface_get_height(src);
	if (W < SEAL_MIN_PX || H < SEAL_MIN_PX || W > SEAL_MAX_PX || H > SEAL_MAX_PX || W < pages)
		goto out;
	w = xcalloc((size_t)pages, sizeof *w);
	sl = xcalloc((size_t)pages, sizeof *sl);
	for (int i = 0; i < pages; i++) {
		long num;
		const pdfo *page;
		double box[4];
		if (pdfread_page(d, i, &num, &page) != ST_OK || !page_box(d, page, box)) {
			rv = ST_PDF_INVALID;
			goto out;
		}
		int x0 = (int)((long)i * W / pages), x1 = (int)((long)(i + 1) * W / pages);
		int sw = x1 - x0;
		/* pades_sign takes images of 16 px and more: thin slices are scaled up. */
		double scale = sw < SEAL_MIN_PX ? (double)SEAL_MIN_PX / sw : 1.0;
		int ow = (int)ceil(sw * scale), oh = (int)ceil(H * scale);
		if (oh > SEAL_MAX_PX) {
			rv = ST_SEAL_IMAGE_INVALID;
			goto out;
		}
		cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, ow, oh);
		cairo_t *cr = cairo_create(s);
		cairo_scale(cr, scale, scale);
		cairo_set_source_surface(cr, src, -x0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
		cairo_paint(cr);
		cairo_destroy(cr);
		size_t slen = 0;
		rv = seal_image_png(s, &sl[i], &slen);
		cairo_surface_destroy(s);
		if (rv != ST_OK)
			goto out;
		double wpt = size_pt * sw / W;
		w[i] = (pades_widget){i,   box[2] - wpt, (box[1] + box[3]) / 2 - size_pt / 2,
		                      wpt, size_pt,      sl[i],
		                      slen};
	}
	*out = w;
	*slices = sl;
	*n = (size_t)pages;
	w = NULL;
	sl = NULL;
	rv = ST_OK;
out:
	pades_cross_page_free(w, sl, (size_t)pages);
	if (src)
		cairo_surface_destroy(src);
	pdfread_free(d);
	return rv;
}
