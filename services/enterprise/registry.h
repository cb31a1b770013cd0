/*
 * The business registry (工商登记信息): look-ups by USCC or by name, for autofill
 * (湘企融 "企业检索") and for the certification checks of an applicant's code.
 *
 * One provider interface, chosen by REGISTRY_PROVIDER:
 *   "sandbox"  registry_sandbox.c: the bundled synthetic data set (REGISTRY_SANDBOX_FILE,
 *              data/registry/enterprises.csv), loaded at start, answering in-process;
 *   "http"     registry_http.c: a registry's HTTP JSON API through libcurl (REGISTRY_URL).
 * Both speak one wire format ("wire format" below): the client builds the request path,
 * a transport answers it (libcurl, or registry_sandbox_serve()) and one parser reads the
 * answer, so the sandbox exercises everything but the socket.
 *   registry.c          SearchRegistry, LookupUscc, enterprise_registry_lookup(), opening
 *   registry_http.c     the wire format (pure functions) and the libcurl transport
 *   registry_sandbox.c  the CSV data set and the in-process server
 */
#ifndef ENTERPRISE_REGISTRY_H
#define ENTERPRISE_REGISTRY_H

#include "enterprise.h"
#include "enterprise_registry.pb-c.h"
#include "mem.h"
#include "svc.h"

#include <stddef.h>
#include <stdint.h>

/* A registered enterprise. Strings are never NULL for uscc, name and status; the other
 * ones are NULL when the registry gave nothing usable. */
typedef struct registry_record {
	const char *uscc;
	const char *name;
	const char *legal_rep;
	const char *status; /* 存续 | 在业 | 注销 | 吊销 */
	const char *type;
	const char *founded_on;         /* YYYY-MM-DD */
	int64_t registered_capital_fen; /* -1 when unknown */
	const char *authority;
	const char *industry; /* GB/T 4754 section letter, "A".."T" */
	const char *business_scope;
	const char *address;
	const char *region_code; /* GB/T 2260 county code, 6 digits */
} registry_record;

/* ---- for the other enterprise files -------------------------------------------------- */

/*
 * The registry's record of uscc, as a certification check needs it. Returns
 *   ST_OK              *out filled (strings in ctx->arena); a code whose check character
 *                      fails is found when the registry knows it (DOMAIN.md);
 *   ST_NOT_FOUND       the registry does not know the code (field "uscc");
 *   ST_USCC_INVALID, ST_USCC_TYPE, ST_USCC_REGION   malformed (field "uscc");
 *   ST_USCC_CHECKSUM   the check character fails and the registry does not know it;
 *   ST_REGISTRY_TIMEOUT, ST_REGISTRY_UNAVAILABLE, ST_DEADLINE   the registry failed.
 * The detail is set with status_err() in every case but ST_OK, so a handler may return
 * the code as it is. *out is set only on ST_OK. Upper case only, as validate_uscc().
 */
int enterprise_registry_lookup(svc_ctx *ctx, const char *uscc, registry_record *out);

/* 1 when a record in this status may be certified (存续, 在业), else 0. */
int registry_status_certifiable(const char *status);

/* The GB/T 4754-2017 name of a section letter ("I" -> 信息传输、软件和信息技术服务业);
 * NULL for anything else. */
const char *registry_industry_name(const char *section);

/* ---- wiring (main.c) ------------------------------------------------------------------- */

/* Service Registry of proto/enterprise_registry.proto: SearchRegistry, LookupUscc. */
extern const svc_api enterprise_registry_api;

/*
 * Opens app->registry from app->registry_provider ("sandbox" | "http"), registry_url,
 * registry_file, with timeout_ms as the deadline of one registry call. Also read from the
 * environment: REGISTRY_APP_KEY (http: the account key, sent as X-Registry-App-Key) and,
 * in production mode, REGISTRY_PROVIDER (the sandbox opens only when it was chosen
 * explicitly, then with a warning). Returns ST_OK, or ST_INTERNAL (logged).
 */
int enterprise_registry_open(struct enterprise_app *app, long timeout_ms);
/* Frees app->registry (NULL is fine). */
void enterprise_registry_close(struct enterprise_app *app);

/* ---- the provider ------------------------------------------------------------------- */

#define REGISTRY_NAME_MIN        2  /* characters of a name fragment */
#define REGISTRY_NAME_MAX        50 /* characters of a name fragment */
#define REGISTRY_PAGE_SIZE_MAX   100
#define REGISTRY_RESPONSE_MAX    (1024 * 1024)
#define REGISTRY_SANDBOX_APP_KEY "sandbox"

/* One search: exactly one of uscc and name. */
typedef struct registry_query {
	const char *uscc; /* exact match */
	const char *name; /* a fragment of the name, UTF-8 */
	int page;         /* from 1 */
	int page_size;    /* 1..REGISTRY_PAGE_SIZE_MAX */
} registry_query;

typedef struct registry_result {
	registry_record *items;
	size_t n;
	int64_t total; /* matches in all pages */
} registry_result;

/* REGISTRY_PROVIDER's values, in the order of registry_provider_names (NULL-terminated). */
enum { REGISTRY_PROVIDER_SANDBOX, REGISTRY_PROVIDER_HTTP };
extern const char *const registry_provider_names[];

/*
 * kind REGISTRY_PROVIDER_SANDBOX (or -1, unset) loads sandbox_file; REGISTRY_PROVIDER_HTTP
 * needs url (http:// or https://, https in production) and may send app_key (NULL or "":
 * none). timeout_ms > 0. Returns 0 with *out, or -1 (logged). Close with
 * registry_provider_close(). Thread-safe once open.
 */
int registry_provider_open(int kind, const char *url, const char *app_key, const char *sandbox_file,
                           long timeout_ms, int production, struct registry_provider **out);
void registry_provider_close(struct registry_provider *p);

/*
 * Runs q against the registry within timeout_ms (<= 0: the provider's own). request_id
 * (may be NULL) goes to the registry as X-Request-Id. Returns ST_OK with *out in a,
 * ST_REGISTRY_TIMEOUT, or ST_REGISTRY_UNAVAILABLE (no status_err: the caller names it).
 */
int registry_provider_search(struct registry_provider *p, const registry_query *q, long timeout_ms,
                             const char *request_id, arena *a, registry_result *out);

/* ---- wire format (registry_http.c; pure functions shared by both providers) ----------- */
/*
 *   GET {REGISTRY_URL}/enterprises?uscc=<code>&page=<p>&page_size=<s>
 *   GET {REGISTRY_URL}/enterprises?name=<UTF-8, percent-encoded>&page=<p>&page_size=<s>
 * Request headers: Accept: application/json, X-Registry-App-Key, X-Request-Id.
 * Response body:
 *   {"code":"0000","message":"成功","data":{"total":N,"page":P,"pageSize":S,"items":[
 *     {"creditCode","entName","legalPerson","regStatus","entType","establishDate",
 *      "regCapital":"500万元人民币","regOrg","industryCode","industryName",
 *      "businessScope","regAddress","areaCode"}, ...]}}
 * Codes: "0000" done (no match: an empty list); "1001" bad parameters; "1002" unknown app
 * key; "2001" the registry's data source timed out; "2002" it is unavailable. HTTP 408
 * and 504, and code "2001", are a timeout; any other failure is "unavailable".
 */

/* The path with query of q ("/enterprises?name=%E9%BA%93%E8%B0%B7&page=1&page_size=20").
 * Returns 0, or -1 when q is not exactly one of uscc/name, paging is out of range, or
 * the path does not fit. */
int registry_wire_path(const registry_query *q, char *out, size_t outlen);

/*
 * Parses an answer to q (HTTP status, body of len bytes, NULL when none) into *out, in
 * a. Returns ST_OK, ST_REGISTRY_TIMEOUT or ST_REGISTRY_UNAVAILABLE. An answer is refused
 * (unavailable) when it is not the JSON above, when an item lacks a readable creditCode
 * (a malformed USCC; a failing check character is fine), entName or regStatus (one of the
 * four), when it has more items than q->page_size, or when a uscc query answers another
 * code. Optional fields that cannot be read are left NULL (capital -1).
 */
int registry_wire_parse(const registry_query *q, long http_status, const char *body, size_t len,
                        arena *a, registry_result *out);

/* The answer body for records items[0..n) of total matches on page/page_size (malloc'd,
 * the caller frees; never NULL). */
char *registry_wire_render(const registry_record *const *items, size_t n, int64_t total, int page,
                           int page_size);
/* An error answer {"code":code,"message":message} (malloc'd; never NULL). */
char *registry_wire_render_error(const char *code, const char *message);

/*
 * Registered capital in 万元 as registries write it ("500", "66.6667", "1234.56万元",
 * "500万元人民币", "500万人民币") into fen, exactly (no floating point): at most 6
 * decimals, at most 12 integer digits. Returns 0, or -1 for anything else (another
 * currency included).
 */
int registry_capital_parse(const char *s, int64_t *fen);
/* fen as 万元 text without trailing zeros ("500", "66.6667"); out holds 32 bytes. */
void registry_capital_format(int64_t fen, char out[32]);

/* ---- the two transports --------------------------------------------------------------- */

/* One GET exchange. */
typedef struct registry_exchange {
	const char *path; /* with query */
	const char *app_key;
	const char *request_id;
	long timeout_ms;
	/* the answer */
	int timed_out;   /* no answer within timeout_ms */
	int failed;      /* no HTTP answer at all */
	long status;     /* HTTP status */
	char *body;      /* malloc'd, NUL-terminated; the caller frees */
	size_t body_len; /* bytes of body */
} registry_exchange;

/* GET base_url + x->path through libcurl (curl_global_init() done by the caller). */
void registry_http_get(const char *base_url, registry_exchange *x);

/* The sandbox's data set: records sorted by USCC, in one allocation. */
typedef struct registry_dataset registry_dataset;

/*
 * Parses the CSV data set (RFC 4180; header uscc,name,legal_rep,status,type,founded_on,
 * registered_capital_wan,authority,industry,business_scope,address,region_code). Every
 * row is checked: USCC well-formed (a failing check character is allowed) and unique,
 * name present (legal_rep may be empty: NULL), status one of the four, date YYYY-MM-DD, capital
 * readable, industry A-T, region code 6 digits. Returns 0 with *out, or -1 with a
 * message naming the line in err.
 */
int registry_dataset_parse(const char *csv, size_t len, registry_dataset **out, char *err,
                           size_t errlen);
/* Reads and parses a file; 0 or -1 (logged). */
int registry_dataset_load(const char *path, registry_dataset **out);
void registry_dataset_free(registry_dataset *d);
size_t registry_dataset_count(const registry_dataset *d);
/* The i-th record in USCC order. */
const registry_record *registry_dataset_at(const registry_dataset *d, size_t i);

/*
 * The sandbox registry's server side: answers x->path from d as the real one would,
 * with the reserved failures below; a timeout sleeps x->timeout_ms and sets
 * x->timed_out, as a registry that never answers.
 */
void registry_sandbox_serve(const registry_dataset *d, registry_exchange *x);

/* Reserved look-ups of the sandbox (README.md "Business registry"): valid codes and name
 * fragments that are in no record. */
#define REGISTRY_SANDBOX_TIMEOUT_USCC "91430104MA4LTM0A3X"
#define REGISTRY_SANDBOX_DOWN_USCC    "91430104MA4LDW0NXQ"
#define REGISTRY_SANDBOX_TIMEOUT_NAME "沙箱超时测试"
#define REGISTRY_SANDBOX_DOWN_NAME    "沙箱故障测试"

#endif
