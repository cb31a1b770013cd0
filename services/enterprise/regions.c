/* Administrative divisions (GB/T 2260): the bundled data set and its read path. */
#include "regions.h"

#include "change.h"
#include "dblist.h"
#include "enterprise.pb-c.h"
#include "log.h"
#include "status.h"

#include <malloc.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int region_cache_fill(db_conn *db);

static int region_all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int enterprise_region_code_normalize(const char *in, char out[10])
{
	size_t n = strlen(in);
	if (!region_all_digits(in, n))
		return -1;
	/* Padded forms: 430000 is Hunan, 430100 Changsha, 430102001000 a town. */
	if (n == 6 && strcmp(in + 2, "0000") == 0)
		n = 2;
	else if (n == 6 && strcmp(in + 4, "00") == 0)
		n = 4;
	else if (n == 12 && strcmp(in + 9, "000") == 0)
		n = 9;
	if (n != 2 && n != 4 && n != 6 && n != 9)
		return -1;
	if (memcmp(in, "00", 2) == 0)
		return -1;
	memcpy(out, in, n);
	out[n] = '\0';
	return 0;
}

/* ---- loading ------------------------------------------------------------------ */

struct region_file {
	const char *name;
	int level;
};

static const struct region_file region_files[] = {
        {"provinces.csv", 1}, {"cities.csv", 2}, {"areas.csv", 3}, {"streets.csv", 4}};

static char *region_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, got;
	char *buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Turns one CSV file (code,"name"[,parent,...]) into COPY text rows
 * "code\tname\tparent\tlevel\n" appended to out. Returns rows, -1 when malformed.
 */
static long region_csv_to_copy(const char *csv, int level, char **out, size_t *outlen, size_t *cap)
{
	long rows = 0;
	const char *line = strchr(csv, '\n'); /* skip the header */
	while (line && *++line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len && line[len - 1] == '\r')
			len--;
		if (!len)
			goto next;
		const char *c1 = memchr(line, ',', len);
		if (!c1 || c1[1] != '"')
			return -1;
		const char *q2 = memchr(c1 + 2, '"', len - (size_t)(c1 + 2 - line));
		if (!q2)
			return -1;
		const char *parent = "";
		size_t plen = 0;
		if (level > 1) {
			if (q2[1] != ',')
				return -1;
			parent = q2 + 2;
			const char *end = line + len;
			const char *c3 = memchr(parent, ',', (size_t)(end - parent));
			plen = (size_t)((c3 ? c3 : end) - parent);
		}
		size_t need = len + 16;
		if (*outlen + need >= *cap)
			*out = xrealloc(*out, *cap = (*cap + need) * 2);
		*outlen += (size_t)snprintf(*out + *outlen, *cap - *outlen,
		                            "%.*s\t%.*s\t%.*s\t%d\n", (int)(c1 - line), line,
		                            (int)(q2 - c1 - 2), c1 + 2, (int)plen, parent, level);
		rows++;
	next:
		line = eol;
	}
	return rows;
}

static int region_copy_in(db_conn *db, const char *data, size_t len)
{
	PGconn *pg = db_pg(db);
	PGresult *r = PQexec(pg, "COPY regions (code, name, parent, level) FROM STDIN");
	int ok = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	if (!ok)
		return ST_DB;
	ok = PQputCopyData(pg, data, (int)len) == 1;
	ok = PQputCopyEnd(pg, ok ? NULL : "client failed") == 1 && ok;
	while ((r = PQgetResult(pg))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			log_kv(LOGL_ERROR, NULL, "regions copy failed", "error",
			       PQresultErrorMessage(r), NULL);
			ok = 0;
		}
		PQclear(r);
	}
	return ok ? ST_OK : ST_DB;
}

struct region_load {
	const char *sum, *rows_txt;
	const char *copy;
	size_t copylen;
	int loaded; /* 0: the current data set was there already */
};

/* The change: the table replaced unless it holds this data set already. */
static int region_load_tx(svc_ctx *ctx, void *arg)
{
	struct region_load *l = arg;
	PGresult *r = NULL;
	int rv;
	/* Replicas starting together: one loads, the others then see its checksum. */
	if ((rv = change_exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('enterprise.regions'))",
	                      0, NULL, NULL)) != ST_OK)
		return rv;
	const char *v1[] = {l->sum};
	if ((rv = change_exec(ctx,
	                      "SELECT 1 FROM reference_data WHERE name = 'regions' AND sha256 = $1",
	                      1, v1, &r)) != ST_OK)
		return rv;
	int current = PQntuples(r) == 1;
	PQclear(r);
	if (current)
		return ST_OK;
	if ((rv = change_exec(ctx, "DELETE FROM regions", 0, NULL, NULL)) != ST_OK ||
	    (rv = region_copy_in(ctx->db, l->copy, l->copylen)) != ST_OK)
		return rv;
	const char *v2[] = {l->sum, l->rows_txt};
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO reference_data (name, sha256, rows) VALUES ('regions', $1, $2)"
	             " ON CONFLICT (name) DO UPDATE SET sha256 = $1, rows = $2, loaded_at = now()",
	             2, v2, NULL)) != ST_OK)
		return rv;
	l->loaded = 1;
	return ST_OK;
}

int enterprise_regions_load(db_conn *db, const char *dir)
{
	char *copy = NULL, sum[65], rows_txt[24];
	size_t copylen = 0, copycap = 0;
	long rows = 0;
	int rv = ST_INTERNAL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);

	for (size_t i = 0; i < sizeof region_files / sizeof region_files[0]; i++) {
		char path[1024];
		size_t len = 0;
		snprintf(path, sizeof path, "%s/%s", dir, region_files[i].name);
		char *csv = region_read(path, &len);
		if (!csv) {
			log_kv(LOGL_ERROR, NULL, "regions file missing", "path", path, NULL);
			goto out;
		}
		EVP_DigestUpdate(md, csv, len);
		long n = region_csv_to_copy(csv, region_files[i].level, &copy, &copylen, &copycap);
		free(csv);
		if (n < 0) {
			log_kv(LOGL_ERROR, NULL, "regions file malformed", "path", path, NULL);
			goto out;
		}
		rows += n;
	}
	unsigned char digest[32];
	EVP_DigestFinal_ex(md, digest, NULL);
	for (int i = 0; i < 32; i++)
		snprintf(sum + 2 * i, 3, "%02x", digest[i]);

	snprintf(rows_txt, sizeof rows_txt, "%ld", rows);
	/* At start there is no request: a context with the connection only. */
	Bus__Caller nobody = BUS__CALLER__INIT;
	svc_ctx start = {.service = "enterprise", .caller = &nobody, .request_id = "", .db = db};
	struct region_load l = {sum, rows_txt, copy, copylen, 0};
	if ((rv = change_run(&start, region_load_tx, &l)) != ST_OK)
		goto out;
	if (l.loaded)
		log_kv(LOGL_INFO, NULL, "regions loaded", "rows", rows_txt, "sha256", sum, NULL);
	rv = region_cache_fill(db);
out:
	EVP_MD_CTX_free(md);
	free(copy);
	return rv;
}

/* ---- read path -------------------------------------------------------------- */

/*
 * The divisions in memory, read once after the load: they change only when a new data
 * set is loaded at start, so the list of a parent's children never needs PostgreSQL
 * (deploy/bench/README.md: the query was half the service's time per request).
 * Written before any worker starts, read-only after. ResolveRegions stays a query.
 */
struct region_mem {
	char code[10];
	char parent[10];
	int32_t level;
	char *name;
};

static struct {
	struct region_mem *rows; /* by (parent, code), the order ListRegions answers in */
	struct region_mem **by_code;
	size_t n;
	char *names;
} region_cache;

static int region_cmp_parent(const void *a, const void *b)
{
	const struct region_mem *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);
	return c ? c : strcmp(x->code, y->code);
}

static int region_cmp_code(const void *a, const void *b)
{
	return strcmp((*(struct region_mem *const *)a)->code,
	              (*(struct region_mem *const *)b)->code);
}

static void region_cache_free(void)
{
	free(region_cache.rows);
	free(region_cache.by_code);
	free(region_cache.names);
	memset(&region_cache, 0, sizeof region_cache);
}

/* Reads every division into region_cache; ST_OK or ST_DB (logged by db_exec). */
static int region_cache_fill(db_conn *db)
{
	PGresult *r = NULL;
	int rv = db_exec(db, "SELECT code, parent, level, name FROM regions", 0, NULL, &r);
	if (rv != ST_OK)
		return rv;
	region_cache_free();
	size_t n = (size_t)PQntuples(r), names = 0;
	for (size_t i = 0; i < n; i++)
		names += strlen(PQgetvalue(r, (int)i, 3)) + 1;
	region_cache.rows = xcalloc(n ? n : 1, sizeof *region_cache.rows);
	region_cache.by_code = xcalloc(n ? n : 1, sizeof *region_cache.by_code);
	region_cache.names = xmalloc(names ? names : 1);
	char *at = region_cache.names;
	for (size_t i = 0; i < n; i++) {
		struct region_mem *m = &region_cache.rows[i];
		snprintf(m->code, sizeof m->code, "%s", PQgetvalue(r, (int)i, 0));
		snprintf(m->parent, sizeof m->parent, "%s", PQgetvalue(r, (int)i, 1));
		m->level = (int32_t)strtol(PQgetvalue(r, (int)i, 2), NULL, 10);
		size_t len = strlen(PQgetvalue(r, (int)i, 3)) + 1;
		memcpy(at, PQgetvalue(r, (int)i, 3), len);
		m->name = at;
		at += len;
	}
	PQclear(r);
	/* The result was several times the cache: give it back, not keep it resident. */
	malloc_trim(0);
	qsort(region_cache.rows, n, sizeof *region_cache.rows, region_cmp_parent);
	for (size_t i = 0; i < n; i++)
		region_cache.by_code[i] = &region_cache.rows[i];
	qsort(region_cache.by_code, n, sizeof *region_cache.by_code, region_cmp_code);
	region_cache.n = n;
	return ST_OK;
}

/* The first row whose parent is parent (or n when there is none). */
static size_t region_first_child(const char *parent)
{
	size_t lo = 0, hi = region_cache.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(region_cache.rows[mid].parent, parent) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int region_known(const char *code)
{
	struct region_mem key, *k = &key;
	snprintf(key.code, sizeof key.code, "%s", code);
	return bsearch(&k, region_cache.by_code, region_cache.n, sizeof k, region_cmp_code) != NULL;
}

int enterprise_regions_list(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__ListRegionsRequest *in = (const Enterprise__ListRegionsRequest *)in_;
	char parent[10] = "";
	if (in->parent && *in->parent && enterprise_region_code_normalize(in->parent, parent) != 0)
		return status_err(ST_REGION_CODE_INVALID, "parent");
	size_t first = region_first_child(parent), n = 0;
	while (first + n < region_cache.n &&
	       strcmp(region_cache.rows[first + n].parent, parent) == 0)
		n++;
	if (n == 0 && *parent && !region_known(parent))
		return status_err(ST_REGION_UNKNOWN, "parent");
	/* Every child at once: a total, no page. */
	Enterprise__ListRegionsResponse *list = arena_alloc(ctx->arena, sizeof *list);
	enterprise__list_regions_response__init(list);
	list->items = arena_alloc(ctx->arena, (n ? n : 1) * sizeof *list->items);
	for (size_t i = 0; i < n; i++) {
		const struct region_mem *m = &region_cache.rows[first + i];
		Enterprise__Region *it = arena_alloc(ctx->arena, sizeof *it);
		enterprise__region__init(it);
		/* The cache outlives the request and is never written: no copies. */
		it->code = (char *)m->code;
		it->name = m->name;
		it->has_level = 1;
		it->level = m->level;
		if (*parent)
			it->parent = (char *)m->parent;
		list->items[i] = it;
	}
	list->n_items = n;
	dblist_total(&list->base, (long long)n, NULL);
	*out = &list->base;
	return ST_OK;
}

#define REGIONS_RESOLVE_MAX 100

/* The ancestors of a normalised code and itself: 43, 4301, 430102, 430102001. */
static size_t region_lineage(const char *code, char out[4][10])
{
	static const size_t lens[] = {2, 4, 6, 9};
	size_t n = 0, len = strlen(code);
	for (size_t i = 0; i < 4 && lens[i] <= len; i++) {
		memcpy(out[n], code, lens[i]);
		out[n][lens[i]] = '\0';
		n++;
	}
	return n;
}

int enterprise_regions_resolve(svc_ctx *ctx, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
	const Enterprise__ResolveRegionsRequest *in =
	        (const Enterprise__ResolveRegionsRequest *)in_;
	PGresult *r = NULL;
	char field[32];
	if (in->n_codes == 0)
		return status_err(ST_FIELD_REQUIRED, "codes");
	if (in->n_codes > REGIONS_RESOLVE_MAX)
		return status_err(ST_REGION_CODES_TOO_MANY, "codes");
	char(*codes)[10] = arena_alloc(ctx->arena, in->n_codes * sizeof *codes);
	/* One array literal of every code and ancestor; codes are digits only once normalised. */
	char *list = arena_alloc(ctx->arena, in->n_codes * 4 * 11 + 3);
	size_t pos = 0;
	list[pos++] = '{';
	for (size_t i = 0; i < in->n_codes; i++) {
		snprintf(field, sizeof field, "codes[%zu]", i);
		if (enterprise_region_code_normalize(in->codes[i], codes[i]) != 0)
			return status_err(ST_REGION_CODE_INVALID, field);
		char lineage[4][10];
		size_t n = region_lineage(codes[i], lineage);
		for (size_t k = 0; k < n; k++)
			pos += (size_t)snprintf(list + pos, 12, "%s%s", pos > 1 ? "," : "",
			                        lineage[k]);
	}
	list[pos++] = '}';
	list[pos] = '\0';
	const char *v[] = {list};
	int rv = db_exec(ctx->db,
	                 "SELECT code, name, level FROM regions WHERE code = ANY($1::text[])", 1, v,
	                 &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int rows = PQntuples(r);
	Enterprise__ResolveRegionsResponse *resp = arena_alloc(ctx->arena, sizeof *resp);
	enterprise__resolve_regions_response__init(resp);
	resp->n_items = in->n_codes;
	resp->items = arena_alloc(ctx->arena, in->n_codes * sizeof *resp->items);
	for (size_t i = 0; i < in->n_codes; i++) {
		char lineage[4][10];
		size_t n = region_lineage(codes[i], lineage);
		Enterprise__ResolvedRegion *it = arena_alloc(ctx->arena, sizeof *it);
		enterprise__resolved_region__init(it);
		it->code = arena_strdup(ctx->arena, codes[i]);
		it->path = arena_alloc(ctx->arena, n * sizeof *it->path);
		size_t namelen = 0;
		for (size_t k = 0; k < n; k++) {
			int row = -1;
			for (int j = 0; j < rows && row < 0; j++)
				if (strcmp(PQgetvalue(r, j, 0), lineage[k]) == 0)
					row = j;
			if (row < 0) {
				PQclear(r);
				snprintf(field, sizeof field, "codes[%zu]", i);
				return status_err(ST_REGION_UNKNOWN, field);
			}
			Enterprise__Region *reg = arena_alloc(ctx->arena, sizeof *reg);
			enterprise__region__init(reg);
			reg->code = arena_strdup(ctx->arena, lineage[k]);
			reg->name = arena_strdup(ctx->arena, PQgetvalue(r, row, 1));
			reg->has_level = 1;
			reg->level = (int32_t)strtol(PQgetvalue(r, row, 2), NULL, 10);
			if (k > 0)
				reg->parent = it->path[k - 1]->code;
			it->path[it->n_path++] = reg;
			namelen += strlen(reg->name);
		}
		it->full_name = arena_alloc(ctx->arena, namelen + 1);
		it->full_name[0] = '\0';
		size_t at = 0;
		for (size_t k = 0; k < it->n_path; k++) {
			size_t l = strlen(it->path[k]->name);
			memcpy(it->full_name + at, it->path[k]->name, l + 1);
			at += l;
		}
		resp->items[i] = it;
	}
	PQclear(r);
	*out = &resp->base;
	return ST_OK;
}
