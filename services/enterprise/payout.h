/*
 * The bank-payout adapter (代付): the platform pays an amount into an account, the bank
 * accepts the order at once with a reference and settles it later (asynchronous:
 * processing -> succeeded | failed with the bank's reason). Used for micro-deposits.
 *
 * One provider interface, chosen by PAYOUT_PROVIDER:
 *   "sandbox"  payout_sandbox.c: a bank in a file (PAYOUT_SANDBOX_FILE, default
 *              $VAR_DIR/bank/payouts.jsonl) that settles PAYOUT_SANDBOX_SETTLE_MS after
 *              acceptance, with the failures of README.md "The sandbox bank"; the file is
 *              also the development bank statement (payout_sandbox_statement);
 *   "http"     payout_http.c: a bank's HTTP JSON API through common/httpc (PAYOUT_URL).
 * Both are idempotent on the platform's request id: submitting it again returns the
 * order already accepted, never a second payment. Thread-safe once open.
 */
#ifndef ENTERPRISE_PAYOUT_H
#define ENTERPRISE_PAYOUT_H

#include "mem.h"

#include <stddef.h>
#include <stdint.h>

/* PAYOUT_PROVIDER's values, in the order of payout_provider_names (NULL-terminated). */
enum { PAYOUT_PROVIDER_SANDBOX, PAYOUT_PROVIDER_HTTP };
extern const char *const payout_provider_names[];

typedef enum payout_state { PAYOUT_PROCESSING, PAYOUT_SUCCEEDED, PAYOUT_FAILED } payout_state;

/* One payout order; every string is the caller's. */
typedef struct payout_order {
	const char *request_id; /* the platform's, unique per payout (a deposit's id) */
	const char *account_number;
	const char *account_name;
	const char *bank_name;
	int64_t amount_fen; /* > 0 */
	const char *memo;   /* shown on the statement (附言) */
} payout_order;

/* What the bank says about an order. */
typedef struct payout_status {
	payout_state state;
	char reference[65]; /* the bank's reference */
	char reason[129];   /* PAYOUT_FAILED: the bank's reason, UTF-8 (账户不存在) */
} payout_status;

typedef struct payout_config {
	int kind;                 /* PAYOUT_PROVIDER_* */
	const char *url;          /* http: base URL */
	const char *app_key;      /* http: sent as X-Payout-App-Key; NULL or "": none */
	const char *sandbox_file; /* sandbox: the ledger */
	long settle_ms;           /* sandbox: acceptance to result */
	long timeout_ms;          /* http: one exchange */
} payout_config;

typedef struct payout_provider payout_provider;

/* Opens the provider of c; 0 with *out, or -1 (logged). Close with payout_close(). The
 * sandbox is refused when production is set (its money is not real). */
int payout_open(const payout_config *c, int production, payout_provider **out);
void payout_close(payout_provider *p);

/*
 * Places o (idempotent on o->request_id). ST_OK with *out (usually PAYOUT_PROCESSING),
 * or ST_UNAVAILABLE when the bank did not answer usably (logged with request_id, which
 * may be NULL; nothing else). The order may have been accepted anyway: submit again.
 */
int payout_submit(payout_provider *p, const payout_order *o, const char *request_id,
                  payout_status *out);
/* The bank's view of the order placed under payout_request_id: ST_OK with *out,
 * ST_NOT_FOUND when the bank has no such order, or ST_UNAVAILABLE (logged). */
int payout_query(payout_provider *p, const char *payout_request_id, const char *request_id,
                 payout_status *out);

/* One credit on the sandbox bank's statement. */
typedef struct payout_credit {
	const char *account_number, *account_name, *reference, *memo, *credited_at;
	int64_t amount_fen;
} payout_credit;

/*
 * The sandbox's statement of account_number: the payouts credited by now, newest first,
 * at most max, strings in a. ST_OK with *items and *n (*total: all credited), or
 * ST_NOT_FOUND when p is not the sandbox.
 */
int payout_sandbox_statement(payout_provider *p, const char *account_number, size_t max, arena *a,
                             payout_credit **items, size_t *n, size_t *total);

/* The sandbox's outcome for an account number (pure; README "The sandbox bank"):
 * PAYOUT_FAILED with the reason, PAYOUT_PROCESSING for the one that never settles soon,
 * else PAYOUT_SUCCEEDED. *hold_ms is how long it stays processing beyond settle_ms. */
payout_state payout_sandbox_outcome(const char *account_number, const char **reason, long *hold_ms);

/* Reserved account-number endings of the sandbox bank. */
#define PAYOUT_SANDBOX_NO_ACCOUNT "0404" /* failed: 账户不存在 */
#define PAYOUT_SANDBOX_NAME_WRONG "0409" /* failed: 户名不符 */
#define PAYOUT_SANDBOX_SLOW       "0408" /* stays processing for 24 hours */
#define PAYOUT_SANDBOX_SLOW_MS    (24L * 3600 * 1000)

/* Opened by payout_open (the two implementations). */
int payout_sandbox_open(const payout_config *c, payout_provider **out);
int payout_http_open(const payout_config *c, payout_provider **out);

/* The operations every implementation provides (first member of its struct). */
struct payout_provider {
	const char *name;
	int (*submit)(payout_provider *p, const payout_order *o, const char *request_id,
	              payout_status *out);
	int (*query)(payout_provider *p, const char *id, const char *request_id,
	             payout_status *out);
	void (*free)(payout_provider *p);
};

#endif
