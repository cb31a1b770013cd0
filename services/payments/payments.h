/*
 * payments: the service's shared state and the internal API its files (and online's and
 * invoices') share.
 *   intents.c        CreateIntent / GetIntent / CloseIntent (bus-only, the owner is the
 *                    calling service), the payer's view, DevCreateIntent; payments_credit_tx
 *   transfers.c      bank transfer (对公转账): slips, finance's queue, detail and receipts
 *   refunds.c        finance's refunds, payments_refund_record_tx, the refunder registry
 *   ledger.c         the double-entry ledger: ledger_post_tx, balances and entries
 *   ledger_billfin.c billfin's disbursements posted from its events
 *
 * Account codes of the ledger (README.md "Ledger"): asset:bank:platform,
 * asset:clearing:<wechat|alipay>, expense:provider_fee:<method>, revenue:<owner>,
 * liability:excess:<intent_id>, and memo:* for billfin's disbursements.
 */
#ifndef PAYMENTS_PAYMENTS_H
#define PAYMENTS_PAYMENTS_H

#include "crypto.h"
#include "payments.pb-c.h"
#include "svc.h"

#include <stddef.h>
#include <stdint.h>

struct payments_app {
	crypto_keys pii; /* PII_ENC_KEY/PII_MAC_KEY: invoice fields and slips sealed at rest */
	int development;
	/* the platform's receiving account shown for a bank transfer */
	const char *account_name, *bank_name, *account_no;
};

#define PAYMENTS_APP(ctx) ((struct payments_app *)(ctx)->app)

/* aad of the sealed invoice columns of intents (invoices opens them with app.pii). */
#define PAYMENTS_AAD_TAX_ID "payments.intents.invoice_tax_id"
#define PAYMENTS_AAD_EMAIL  "payments.intents.invoice_email"

/* ---- money received (intents.c) ---------------------------------------------------- */

/* Money received for an intent by one method. */
typedef struct payments_credit {
	const char *intent_id;
	const char *method;      /* bank_transfer | wechat | alipay */
	const char *external_id; /* bank transaction number, provider transaction id */
	int64_t amount_fen;      /* > 0 */
	int64_t fee_fen;         /* the provider's fee (0 for a bank transfer), ≤ amount_fen */
	const char *actor;       /* "operator:<id>", "provider:wechat" */
	const char *received_on; /* YYYY-MM-DD; NULL: today (Asia/Shanghai) */
} payments_credit;

typedef struct payments_credit_result {
	int already;         /* 1: (method, external_id) was credited before; nothing changed */
	int64_t refund_due;  /* what was recorded as excess by this credit: to give back */
	char state[16];      /* the intent's state after it */
	char receipt_id[40]; /* the receipt (the earlier one when already) */
} payments_credit_result;

/*
 * Inside a change_run transaction: credits c once per (method, external_id) (a repeat is
 * ST_OK with out->already = 1 and nothing changed). Locks the intent, posts ONE balanced
 * ledger entry (kind payment.received, ref the receipt id), raises received_fen; what
 * goes beyond the amount still due (all of it on a closed, refunded or already paid
 * intent) is excess_fen (liability:excess:<id>) and out->refund_due. An open intent
 * fully paid becomes paid (method and paid_at set) with payments.payment.succeeded
 * (once); money towards it without paying it records payments.payment.partial.
 * ST_NOT_FOUND (field intent_id), a status naming the field for a bad c, ST_DB.
 */
int payments_credit_tx(svc_ctx *ctx, const payments_credit *c, payments_credit_result *out);

/* ---- refunds (refunds.c) ----------------------------------------------------------- */

/* A refund that succeeded (the money is on its way back). */
typedef struct payments_refund {
	const char *intent_id;
	const char *method;             /* the way it went back: bank_transfer | wechat | alipay */
	const char *external_refund_id; /* the provider's refund id, the bank transaction no */
	int64_t amount_fen;             /* > 0, ≤ received − refunded */
	const char *reason;
	const char *actor;
} payments_refund;

/*
 * Inside a change_run transaction: records r once per (method, external_refund_id) (a
 * repeat is ST_OK, nothing changed): one ledger entry (kind payment.refunded; from the
 * excess held first, then from revenue:<owner>), refunded_fen raised, excess_fen lowered
 * by what came from it, state refunded when everything received was given back, event
 * payments.payment.refunded. ST_PAY_REFUND_TOO_MUCH (409) beyond what is refundable.
 */
int payments_refund_record_tx(svc_ctx *ctx, const payments_refund *r);

/* Gives amount_fen of intent_id back through the method's provider (outside any
 * transaction), then records it with payments_refund_record_tx. refund_key is stable
 * per request (a retry must not refund twice). ST_OK or an error status. */
typedef int (*payments_refunder)(svc_ctx *ctx, const char *intent_id, int64_t amount_fen,
                                 const char *reason, const char *refund_key);
/* Registers fn for method (wechat, alipay): call from the start hook, before workers run. */
void payments_refunder_register(const char *method, payments_refunder fn);
/* The refunder of method, or NULL when none is registered. */
payments_refunder payments_refunder_find(const char *method);

/* ---- ledger (ledger.c) ------------------------------------------------------------- */

typedef struct ledger_line {
	const char *account; /* "asset:bank:platform", "revenue:certs", … */
	int64_t debit_fen;   /* exactly one of debit_fen, credit_fen is > 0 */
	int64_t credit_fen;
} ledger_line;

/*
 * Inside a change_run transaction: one journal entry of kind (payment.received, …) for
 * ref, once per (kind, ref): ST_PAY_LEDGER_DUPLICATE (409) when it exists. Refuses an
 * empty entry, a line with both or neither side, an unknown account form, and debits ≠
 * credits (ST_PAY_LEDGER_UNBALANCED); the database checks the same at commit.
 */
int ledger_post_tx(svc_ctx *ctx, const char *kind, const char *ref, const ledger_line *lines,
                   size_t n);
/* Pure: ST_OK when lines form a valid balanced entry, else the status ledger_post_tx
 * refuses it with (unit-tested). */
int ledger_check(const ledger_line *lines, size_t n);
/* The clearing account money of method arrives in: asset:bank:platform for
 * bank_transfer, asset:clearing:<method> otherwise; NULL for an unknown method. */
const char *ledger_cash_account(const char *method);

/* ---- the intent, for the files of the service -------------------------------------- */

/* The intent id with its items, slips (and, with finance, receipts and refunds) as the
 * answer shows it: ST_OK with *out (arena), ST_NOT_FOUND, ST_DB. */
int payments_intent_load(svc_ctx *ctx, const char *id, int finance, Payments__Intent **out);
/* The payer's scope: ST_OK when the caller is the intent's payer person or an active
 * member of its payer enterprise; ST_NOT_FOUND otherwise (also for an unknown id),
 * ST_UNAUTHENTICATED without a session. */
int payments_payer_check(svc_ctx *ctx, const char *id);
/* ST_OK when the caller holds the finance role, else ST_FORBIDDEN. */
int payments_finance_check(svc_ctx *ctx);
/* Records the intent's event type (payments.payment.<verb>) with its audit entry, inside
 * the transaction: the intent's row as it is now. */
int payments_intent_record(svc_ctx *ctx, const char *id, const char *verb, const char *actor,
                           const char *action);
/* The opened invoice tax ID and e-mail of the intent (arena; NULL when none) and its title,
 * for invoices. ST_OK, ST_NOT_FOUND, ST_INTERNAL, ST_DB. */
int payments_intent_invoice_contact(svc_ctx *ctx, const char *id, const char **title,
                                    const char **tax_id, const char **email);

/* intents.c */
int payments_create_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_get_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_close_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_dev_create_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_payer_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* transfers.c */
int payments_upload_slip(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_operator_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_operator_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_operator_slip(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_record_receipt(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* refunds.c */
int payments_refund_intent(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* ledger.c, ledger_billfin.c */
int payments_ledger_accounts(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_ledger_entries(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int payments_billfin_apply(svc_ctx *ctx, const Events__Event *ev);

#endif
