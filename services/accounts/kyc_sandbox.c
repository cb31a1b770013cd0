/*
 * The sandbox identity-check provider: an in-process server that speaks the real
 * provider's wire format (kyc.h), checks the request's signature, answers from a fixed
 * table of test citizens and signs its answer. The client in kyc_http.c is the same
 * for both providers, so request building, signing and parsing run here too.
 *
 * The citizens (listed in README.md, "Sandbox test citizens") have valid resident ID
 * numbers (GB 11643 check character), Luhn-valid bank cards, a bank-reserved phone and
 * a carrier phone. Face sessions are stateless: the outcome decided at the start rides
 * in the session id, so any replica of the service can answer for it.
 *
 * Like a real provider, a check's request_id is its idempotency key: a check sent again
 * with a request_id already answered gets the first answer again and is not billed
 * (the ledger below; one per process, as the sandbox lives in the service).
 */
#include "kyc.h"

#include "crypto.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KYC_SANDBOX_SKEW_S 300 /* request timestamps older or newer are refused */

enum kyc_sandbox_behaviour {
	SBX_NORMAL,  /* answers from the data */
	SBX_TIMEOUT, /* every check about this citizen never answers */
	SBX_DOWN,    /* every check answers "2002" (data source unavailable) */
};

struct kyc_citizen {
	const char *name;
	const char *id_number;
	const char *bank_card;
	const char *bank_phone;    /* reserved at the bank for the card */
	const char *carrier_phone; /* registered in the person's name at the carrier */
	char face;                 /* liveness outcome: 'm' match, 'f' mismatch, 'p' never done */
	enum kyc_sandbox_behaviour behaviour;
};

static const struct kyc_citizen kyc_citizens[] = {
        {"王建国", "110105198503121015", "6222025260181590832", "15710100001", "15710200001", 'm',
         SBX_NORMAL},
        {"李秀英", "31010419900725202X", "6217000166131860911", "15710100002", "15710200002", 'm',
         SBX_NORMAL},
        {"张伟", "43010219881109013X", "6228483909960308244", "15710100003", "15710200003", 'm',
         SBX_NORMAL},
        {"刘洋", "440305199202180566", "6216616281948219934", "15710100004", "15710200004", 'm',
         SBX_NORMAL},
        {"陈静", "510107199506301240", "6225885181909375", "15710100005", "15710200005", 'm',
         SBX_NORMAL},
        {"杨帆", "330106198709140710", "6226098657975438", "15710100006", "15710200006", 'f',
         SBX_NORMAL},
        {"赵磊", "420106199312010359", "6212262319487574917", "15710100007", "15710200007", 'p',
         SBX_NORMAL},
        {"黄敏", "61011319891023148X", "6222621862527601898", "15710100008", "15710200008", 'm',
         SBX_TIMEOUT},
        {"周杰", "13090319910405159X", "6214835559797111", "15710100009", "15710200009", 'm',
         SBX_NORMAL},
        {"吴芳", "320106198608172228", "6227004710497465073", "15710100010", "15710200010", 'm',
         SBX_NORMAL},
        {"郑强", "370202198405280973", "6259655291703425", "15710100011", "15710200011", 'm',
         SBX_NORMAL},
        {"孙丽", "350203199701111864", "6236683667127684268", "15710100012", "15710200012", 'm',
         SBX_NORMAL},
        {"何平", "500103198309201177", "6221554423232218347", "15710100013", "15710200013", 'm',
         SBX_DOWN},
        {"钱坤", "360102199003151236", "6228480012345678903", "15710100014", "15710200014", 'm',
         SBX_NORMAL},
        {"林涛", "450103199003070039", "6222021000012345673", "15710100015", "15710200015", 'm',
         SBX_NORMAL},
        /* certs: personal certificate applications (tests/api/cases/cert-applications.json) */
        {"欧阳明", "350102199001011238", "6222021000017102004", "17102100001", "17102200001", 'm',
         SBX_NORMAL},
        /* issue 19: tests/api/fixtures/seals.sh PREFIX, four persons per prefix */
        {"冯志远", "350104198503101119", "6222021711000013", "17110900001", "17110800001", 'm',
         SBX_NORMAL},
        {"蒋文华", "350105198603151224", "6222021711001029", "17110900002", "17110800002", 'm',
         SBX_NORMAL},
        {"沈佳怡", "350111198703201310", "6222021711002035", "17110900003", "17110800003", 'm',
         SBX_NORMAL},
        {"韩立新", "350121198803251422", "6222021711003041", "17110900004", "17110800004", 'm',
         SBX_NORMAL},
        {"曹明轩", "350104198704102118", "6222021711110010", "17111900001", "17111800001", 'm',
         SBX_NORMAL},
        {"彭雪梅", "350105198804152223", "6222021711111026", "17111900002", "17111800002", 'm',
         SBX_NORMAL},
        {"吕国栋", "35011119890420231X", "6222021711112032", "17111900003", "17111800003", 'm',
         SBX_NORMAL},
        {"苏晓燕", "350121199004252423", "6222021711113048", "17111900004", "17111800004", 'm',
         SBX_NORMAL},
        {"丁浩然", "350104198905103117", "6222021711220017", "17112900001", "17112800001", 'm',
         SBX_NORMAL},
        {"魏晓琳", "350105199005153224", "6222021711221023", "17112900002", "17112800002", 'm',
         SBX_NORMAL},
        {"任建华", "350111199105203310", "6222021711222039", "17112900003", "17112800003", 'm',
         SBX_NORMAL},
        {"潘美玲", "350121199205253422", "6222021711223045", "17112900004", "17112800004", 'm',
         SBX_NORMAL},
        {"姜宏伟", "350104199106104118", "6222021711330014", "17113900001", "17113800001", 'm',
         SBX_NORMAL},
        {"范丽娟", "350105199206154223", "6222021711331020", "17113900002", "17113800002", 'm',
         SBX_NORMAL},
        {"方志诚", "35011119930620431X", "6222021711332036", "17113900003", "17113800003", 'm',
         SBX_NORMAL},
        {"石慧敏", "350121199406254421", "6222021711333042", "17113900004", "17113800004", 'm',
         SBX_NORMAL},
};

#define KYC_CITIZENS (sizeof kyc_citizens / sizeof kyc_citizens[0])

static const struct kyc_citizen *kyc_sandbox_find(const char *id_number)
{
	for (size_t i = 0; i < KYC_CITIZENS; i++)
		if (strcmp(kyc_citizens[i].id_number, id_number) == 0)
			return &kyc_citizens[i];
	return NULL;
}

/* Sleeps ms milliseconds, resuming after signals. */
static void kyc_sandbox_sleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The answer: status, a signed body {"code","message","request_id"[,"data"]}. Steals data. */
static void kyc_sandbox_reply(kyc_exchange *x, const char *secret, long status, const char *code,
                              const char *message, const char *request_id, json_t *data)
{
	json_t *o = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (request_id)
		json_object_set_new(o, "request_id", json_string(request_id));
	if (data)
		json_object_set_new(o, "data", data);
	x->status = status;
	x->resp_body = json_dumps(o, JSON_COMPACT);
	x->resp_len = x->resp_body ? strlen(x->resp_body) : 0;
	json_decref(o);
	snprintf(x->resp_timestamp, sizeof x->resp_timestamp, "%lld", (long long)time(NULL));
	if (kyc_wire_sign(secret, "RESPONSE", x->path, x->resp_timestamp, x->nonce, x->resp_body,
	                  x->resp_len, x->resp_signature) != 0)
		x->resp_signature[0] = '\0';
}

static int kyc_sandbox_signed(const char *secret, const kyc_exchange *x)
{
	char want[65];
	char *end = NULL;
	if (!x->timestamp || !x->nonce || !x->signature || strlen(x->signature) != 64)
		return 0;
	long long ts = strtoll(x->timestamp, &end, 10);
	long long now = (long long)time(NULL);
	if (!*x->timestamp || *end || ts < now - KYC_SANDBOX_SKEW_S ||
	    ts > now + KYC_SANDBOX_SKEW_S)
		return 0;
	if (kyc_wire_sign(secret, x->method, x->path, x->timestamp, x->nonce, x->body, x->body_len,
	                  want) != 0)
		return 0;
	return crypto_ct_equal(want, x->signature, 64);
}

/* ---- the ledger of answered checks (request_id → verdict) ------------------------- */

#define KYC_LEDGER_SIZE 512 /* the oldest entry is forgotten first */

struct kyc_ledger_entry {
	char request_id[65];
	char path[16];
	char mismatch[16]; /* "" none */
	int no_record;
};

static struct {
	pthread_mutex_t lock;
	struct kyc_ledger_entry e[KYC_LEDGER_SIZE];
	size_t next;
	long billed;
} kyc_ledger = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The first answer of request_id on path into *out; 1 when there is one. */
static int kyc_ledger_find(const char *request_id, const char *path, struct kyc_ledger_entry *out)
{
	int found = 0;
	pthread_mutex_lock(&kyc_ledger.lock);
	for (size_t i = 0; i < KYC_LEDGER_SIZE && !found; i++) {
		const struct kyc_ledger_entry *e = &kyc_ledger.e[i];
		if (e->request_id[0] && strcmp(e->request_id, request_id) == 0 &&
		    strcmp(e->path, path) == 0) {
			*out = *e;
			found = 1;
		}
	}
	pthread_mutex_unlock(&kyc_ledger.lock);
	return found;
}

/* Records an answered (billed) check. */
static void kyc_ledger_add(const char *request_id, const char *path, const char *mismatch,
                           int no_record)
{
	pthread_mutex_lock(&kyc_ledger.lock);
	struct kyc_ledger_entry *e = &kyc_ledger.e[kyc_ledger.next];
	kyc_ledger.next = (kyc_ledger.next + 1) % KYC_LEDGER_SIZE;
	snprintf(e->request_id, sizeof e->request_id, "%s", request_id);
	snprintf(e->path, sizeof e->path, "%s", path);
	snprintf(e->mismatch, sizeof e->mismatch, "%s", mismatch ? mismatch : "");
	e->no_record = no_record;
	kyc_ledger.billed++;
	pthread_mutex_unlock(&kyc_ledger.lock);
}

long kyc_sandbox_billed(void)
{
	pthread_mutex_lock(&kyc_ledger.lock);
	long n = kyc_ledger.billed;
	pthread_mutex_unlock(&kyc_ledger.lock);
	return n;
}

/* data of a check: {"result":"1"} | {"result":"2","mismatch":F} | {"result":"3"}. */
static json_t *kyc_sandbox_verdict(const char *mismatch, int no_record)
{
	if (no_record)
		return json_pack("{s:s}", "result", "3");
	if (mismatch)
		return json_pack("{s:s, s:s}", "result", "2", "mismatch", mismatch);
	return json_pack("{s:s}", "result", "1");
}

/* The outcome letter a new face session carries. */
static char kyc_sandbox_face_outcome(const struct kyc_citizen *c, const char *name)
{
	if (!c)
		return 'i';
	if (c->behaviour == SBX_TIMEOUT)
		return 't';
	if (c->behaviour == SBX_DOWN)
		return 'e';
	if (strcmp(c->name, name) != 0)
		return 'n';
	return c->face;
}

void kyc_sandbox_serve(const char *secret, const char *face_base, long timeout_ms, kyc_exchange *x)
{
	json_t *in = NULL, *data = NULL;
	const char *rid = NULL;
	const char *sid_prefix = "/face/sessions/";

	if (!kyc_sandbox_signed(secret, x)) {
		kyc_sandbox_reply(x, secret, 401, "1002", "签名校验失败", NULL, NULL);
		goto out;
	}
	int post = strcmp(x->method, "POST") == 0;
	int get = strcmp(x->method, "GET") == 0;
	if (get && strncmp(x->path, sid_prefix, strlen(sid_prefix)) == 0) {
		/* sbx_<24 hex>_<outcome> */
		const char *sid = x->path + strlen(sid_prefix);
		char o = strlen(sid) == 30 && strncmp(sid, "sbx_", 4) == 0 && sid[28] == '_'
		                 ? sid[29]
		                 : '\0';
		if (!o || !strchr("mfpnite", o)) {
			kyc_sandbox_reply(x, secret, 404, "1003", "人脸识别会话不存在", NULL, NULL);
			goto out;
		}
		if (o == 't') {
			kyc_sandbox_sleep(timeout_ms);
			x->timed_out = 1;
			goto out;
		}
		if (o == 'e') {
			kyc_sandbox_reply(x, secret, 200, "2002", "数据源暂不可用", NULL, NULL);
			goto out;
		}
		if (o == 'p')
			data = json_pack("{s:s, s:s}", "session_id", sid, "status", "pending");
		else
			data = json_pack("{s:s, s:s, s:s}", "session_id", sid, "status", "done",
			                 "result",
			                 o == 'm'   ? "1"
			                 : o == 'i' ? "3"
			                            : "2");
		if (o == 'f' || o == 'n')
			json_object_set_new(data, "mismatch",
			                    json_string(o == 'f' ? "face" : "name"));
		kyc_sandbox_reply(x, secret, 200, "0000", "成功", NULL, data);
		goto out;
	}
	int bank4 = post && strcmp(x->path, "/bank4") == 0;
	int carrier3 = post && strcmp(x->path, "/carrier3") == 0;
	int face = post && strcmp(x->path, "/face/sessions") == 0;
	if (!bank4 && !carrier3 && !face) {
		kyc_sandbox_reply(x, secret, 404, "1004", "接口不存在", NULL, NULL);
		goto out;
	}
	in = x->body ? json_loadb(x->body, x->body_len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	rid = json_string_value(json_object_get(in, "request_id"));
	const char *name = json_string_value(json_object_get(in, "name"));
	const char *idn = json_string_value(json_object_get(in, "id_number"));
	const char *card = json_string_value(json_object_get(in, "bank_card"));
	const char *phone = json_string_value(json_object_get(in, "phone"));
	if (!rid || !name || !idn || (bank4 && !card) || ((bank4 || carrier3) && !phone)) {
		kyc_sandbox_reply(x, secret, 400, "1001", "参数错误", rid, NULL);
		goto out;
	}
	struct kyc_ledger_entry seen;
	if (!face && strlen(rid) < sizeof seen.request_id && kyc_ledger_find(rid, x->path, &seen)) {
		data = kyc_sandbox_verdict(seen.mismatch[0] ? seen.mismatch : NULL, seen.no_record);
		kyc_sandbox_reply(x, secret, 200, "0000", "成功", rid, data);
		goto out;
	}
	const struct kyc_citizen *c = kyc_sandbox_find(idn);
	if (face) {
		unsigned char rnd[12];
		char sid[31], url[512];
		if (crypto_random_bytes(rnd, sizeof rnd) != 0) {
			kyc_sandbox_reply(x, secret, 500, "9999", "系统错误", rid, NULL);
			goto out;
		}
		memcpy(sid, "sbx_", 4);
		for (size_t i = 0; i < sizeof rnd; i++)
			snprintf(sid + 4 + 2 * i, 3, "%02x", rnd[i]);
		sid[28] = '_';
		sid[29] = kyc_sandbox_face_outcome(c, name);
		sid[30] = '\0';
		snprintf(url, sizeof url, "%s/h5/face/%s", face_base, sid);
		data = json_pack("{s:s, s:s}", "session_id", sid, "url", url);
		kyc_sandbox_reply(x, secret, 200, "0000", "成功", rid, data);
		goto out;
	}
	if (c && c->behaviour == SBX_TIMEOUT) {
		kyc_sandbox_sleep(timeout_ms);
		x->timed_out = 1;
		goto out;
	}
	if (c && c->behaviour == SBX_DOWN) {
		kyc_sandbox_reply(x, secret, 200, "2002", "数据源暂不可用", rid, NULL);
		goto out;
	}
	const char *mismatch = NULL;
	if (c && strcmp(c->name, name) != 0)
		mismatch = "name";
	else if (c && bank4 && strcmp(c->bank_card, card) != 0)
		mismatch = "bank_card";
	else if (c && strcmp(bank4 ? c->bank_phone : c->carrier_phone, phone) != 0)
		mismatch = "phone";
	data = kyc_sandbox_verdict(mismatch, c == NULL);
	if (strlen(rid) < sizeof seen.request_id)
		kyc_ledger_add(rid, x->path, mismatch, c == NULL);
	kyc_sandbox_reply(x, secret, 200, "0000", "成功", rid, data);
out:
	json_decref(in);
}
