/*
 * Identity-check providers for personal real-name verification: face/liveness,
 * bank card 4 factors and carrier 3 factors. One interface, chosen by KYC_PROVIDER:
 * "sandbox" (kyc_sandbox.c: deterministic test citizens, same shapes and failure
 * modes as the real one) or "http" (kyc_http.c: a real provider's HTTP API).
 *
 * Both providers speak the same wire format (below, "wire format"): the client in
 * kyc_http.c builds and signs the request, hands it to a transport (libcurl, or the
 * in-process sandbox server of kyc_sandbox.c), checks the response's signature and
 * parses it with the one parser. So the sandbox exercises everything but the socket.
 */
#ifndef ACCOUNTS_KYC_H
#define ACCOUNTS_KYC_H

#include <stddef.h>

enum kyc_outcome {
	KYC_MATCH,    /* every factor agrees */
	KYC_MISMATCH, /* failed_factor names the first one that does not */
	KYC_PENDING,  /* face: the person has not finished the liveness check */
	KYC_TIMEOUT,  /* the provider did not answer within its deadline */
	KYC_ERROR,    /* the provider failed or answered nonsense */
};

typedef struct kyc_result {
	enum kyc_outcome outcome;
	char failed_factor[32]; /* name | id_number | bank_card | phone | face */
	char reason[128];       /* Chinese explanation of a mismatch, from our own table */
} kyc_result;

typedef struct kyc_provider kyc_provider;

/* KYC_PROVIDER's values, in the order of kyc_provider_names (NULL-terminated). */
enum { KYC_PROVIDER_SANDBOX, KYC_PROVIDER_HTTP };
extern const char *const kyc_provider_names[];

/* What opens a provider; the accounts config table fills it. */
typedef struct kyc_settings {
	int provider;       /* KYC_PROVIDER_*; -1 when KYC_PROVIDER is unset: the sandbox in
	                       development, refused in production (a choice must be explicit) */
	const char *url;    /* base URL: required for http; for the sandbox only the base of
	                       the face URLs it hands out */
	const char *app_id; /* the account and the HMAC-SHA256 key of the signatures: required */
	const char *secret; /* for http; the sandbox defaults to "sandbox" / KYC_SANDBOX_SECRET */
	long timeout_ms;    /* deadline of each provider call, connect included */
	int production;     /* PLATFORM_MODE=production: https only, the sandbox with a warning */
} kyc_settings;

/* Opens the provider set describes. Returns 0 with *out (close it with
 * kyc_provider_close), or -1 (logged). */
int kyc_provider_open(const kyc_settings *set, kyc_provider **out);
void kyc_provider_close(kyc_provider *p);

/*
 * The checks. Each returns 0 with *r filled (outcome MATCH, MISMATCH, PENDING,
 * TIMEOUT or ERROR), or -1 when an argument is missing. Each call blocks at most about
 * the provider's timeout. Thread-safe: a provider is shared by every worker.
 */

/* Starts a liveness session: a session id and the URL the person opens (outcome MATCH
 * when the session was created). */
int kyc_face_start(kyc_provider *p, const char *name, const char *id_number, char *session_id,
                   size_t session_len, char *url, size_t url_len, kyc_result *r);
/* The session's result: MATCH, MISMATCH (face, name or id_number), PENDING, TIMEOUT or ERROR. */
int kyc_face_result(kyc_provider *p, const char *session_id, kyc_result *r);
int kyc_bank4(kyc_provider *p, const char *name, const char *id_number, const char *card,
              const char *phone, kyc_result *r);
int kyc_carrier3(kyc_provider *p, const char *name, const char *id_number, const char *phone,
                 kyc_result *r);

/* ---- wire format (kyc_http.c; pure functions, shared by both providers) ----------- */
/*
 * request_id is the call's idempotency key: a check (bank4, carrier3) sent again with
 * a request_id the provider has answered gets that answer again, not billed.
 *
 *   POST {KYC_URL}/bank4          {"request_id","name","id_number","bank_card","phone"}
 *   POST {KYC_URL}/carrier3       {"request_id","name","id_number","phone"}
 *   POST {KYC_URL}/face/sessions  {"request_id","name","id_number"}
 *   GET  {KYC_URL}/face/sessions/{session_id}
 * Request headers X-KYC-App-Id, X-KYC-Timestamp (Unix seconds), X-KYC-Nonce (32 hex)
 * and X-KYC-Signature = hex HMAC-SHA256(secret, METHOD "\n" path "\n" timestamp "\n"
 * nonce "\n" hex SHA-256(body)). The response carries X-KYC-Timestamp and
 * X-KYC-Signature over "RESPONSE" "\n" path "\n" timestamp "\n" the request's nonce
 * "\n" hex SHA-256(body), so it is bound to its request.
 * Response body: {"code":"0000","message":"…","request_id":"…","data":{…}} with
 *   checks:       data.result "1" match | "2" mismatch (data.mismatch names the factor) |
 *                 "3" no record of the ID number (a mismatch of id_number);
 *   face start:   data.session_id, data.url;
 *   face result:  data.status "pending" | "done", and when done data.result as above.
 * Codes: "0000" done; "2001" the data source (bank, carrier, ID authority) timed out
 * (TIMEOUT); "1001" bad parameters, "1002" bad signature, "1003" unknown session,
 * "1004" unknown path, "2002" data source unavailable, anything else: ERROR.
 */

enum kyc_call { KYC_CALL_BANK4, KYC_CALL_CARRIER3, KYC_CALL_FACE_START, KYC_CALL_FACE_RESULT };

/* The facts a call sends; the ones a call does not use may be NULL. */
typedef struct kyc_request {
	const char *name;
	const char *id_number;
	const char *bank_card;
	const char *phone;
	const char *session_id; /* face result */
} kyc_request;

/* bank4 (rq->bank_card set) or carrier3 (not) with the caller's request_id, the
 * provider's idempotency key: sent again with the same request_id, the check is answered
 * from the first answer and not billed twice. Returns as above. */
int kyc_check_as(kyc_provider *p, const kyc_request *rq, const char *request_id, kyc_result *r);

/* What a face start answers. */
typedef struct kyc_face_session {
	char id[65];
	char url[512];
} kyc_face_session;

#define KYC_SESSION_ID_MAX 64 /* [A-Za-z0-9_-], 1-64 characters */

/*
 * The HTTP method ("POST"/"GET"), path and JSON body (malloc'd, the caller frees; NULL
 * for a GET) of a call. request_id is echoed by the provider. Returns 0, or -1 when a
 * fact the call needs is missing or the session id is malformed (nothing allocated).
 */
int kyc_wire_request(enum kyc_call call, const kyc_request *rq, const char *request_id,
                     const char **method, char *path, size_t pathlen, char **body);

/*
 * Parses the response (HTTP status http_status, body of len bytes; NULL when none) of
 * a call into *r, and for KYC_CALL_FACE_START the session into *fs. Never fails: an
 * answer it cannot read is KYC_ERROR, a data-source timeout KYC_TIMEOUT. A mismatch
 * names a factor the call checks, else the answer is KYC_ERROR.
 */
void kyc_wire_parse(enum kyc_call call, long http_status, const char *body, size_t len,
                    kyc_result *r, kyc_face_session *fs);

/*
 * The signature: hex HMAC-SHA256 under secret of
 * verb "\n" path "\n" timestamp "\n" nonce "\n" hex SHA-256(body[0..len)), where verb is
 * the request's method or "RESPONSE". Returns 0, or -1 when OpenSSL fails.
 */
int kyc_wire_sign(const char *secret, const char *verb, const char *path, const char *timestamp,
                  const char *nonce, const char *body, size_t len, char out[65]);

/* ---- between the client (kyc_http.c) and the sandbox server (kyc_sandbox.c) ------- */

/* One HTTP exchange: the request the client sends and what comes back. */
typedef struct kyc_exchange {
	const char *method;
	const char *path;
	const char *body; /* NULL for a GET */
	size_t body_len;
	const char *app_id, *timestamp, *nonce, *signature; /* request headers */
	/* response */
	int timed_out;   /* no answer within the timeout */
	int failed;      /* no HTTP answer at all (connection refused, ...) */
	long status;     /* HTTP status */
	char *resp_body; /* malloc'd, NUL-terminated; the client frees */
	size_t resp_len; /* bytes of resp_body */
	char resp_timestamp[24];
	char resp_signature[65];
} kyc_exchange;

/* The sandbox's default signing secret (KYC_SANDBOX_SECRET when KYC_SECRET is unset). */
#define KYC_SANDBOX_SECRET "kyc-sandbox-secret"

/*
 * The sandbox provider's server side: checks the request's signature with secret,
 * answers from the test citizens (README.md "Sandbox test citizens"), signs the
 * answer. A call about the citizen whose checks time out sleeps timeout_ms and sets
 * x->timed_out, as a real provider that never answers would. face_base is the base of
 * the face URLs it hands out.
 */
void kyc_sandbox_serve(const char *secret, const char *face_base, long timeout_ms, kyc_exchange *x);
/* Checks the sandbox has billed in this process (a repeated request_id is not). */
long kyc_sandbox_billed(void);

#endif
