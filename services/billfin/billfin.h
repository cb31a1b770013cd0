/*
 * billfin: the service's shared state and what its files share.
 *   actors.c            who acts: the certified enterprise's member, the bill funder's
 *                       bill_quoter (asked of enterprise and market), the operator roles
 *   orders.c            an order read within a scope, the guarded transition, the table
 *   orders_enterprise.c inquiry, confirm, documents, close, endorse (the enterprise's side)
 *   orders_quote.c      quotes by a funder's bill_quoter or the operator quoter
 *   orders_review.c     review by the operator reviewer, the operator's close
 *   orders_funder.c     disbursement (签收 + payment) and the payee's account
 *   lists.c             the enterprise's list with counts, the funder and operator queues
 *   files.c             uploads of an order (sealed, content-addressed) and downloads
 *   holidays.c          the official holiday years (table, seeding, loading) and the cached
 *                       calendar built from them
 *   disclosure*.c       the bill disclosure platform (票据信息披露平台) adapter
 *   calendar.c, discount.c, billno.c   the pure rules (business days, discount, bill numbers)
 */
#ifndef BILLFIN_BILLFIN_H
#define BILLFIN_BILLFIN_H

#include "billfin.pb-c.h"
#include "bus.h"
#include "calendar.h"
#include "crypto.h"
#include "svc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

struct disclosure_provider;

struct billfin_app {
	bus_client *enterprise; /* Readiness, GetReceivingAccount, UnsealReceivingAccount */
	bus_client *market;     /* GetMyStaff, GetInstitution: the funder's staff and kind */
	crypto_keys keys;       /* uploads sealed at rest */
	int development;
	/* the disclosure platform (disclosure.h) */
	int disclosure_kind;
	const char *disclosure_url, *disclosure_file;
	long disclosure_timeout_ms;
	struct disclosure_provider *disclosure;
	/* holidays.c: the official years' folder, and the calendar cache */
	const char *holidays_dir;
	pthread_mutex_t cal_lock;
	int64_t cal_version;         /* holiday_years' highest version the cache was built from */
	const billfin_calendar *cal; /* NULL until first built */
	billfin_calendar **cal_retired; /* every calendar built, freed at exit */
	size_t ncal_retired;
};

#define BILLFIN_APP(ctx) ((struct billfin_app *)(ctx)->app)

/* ---- actors.c ------------------------------------------------------------------------- */

typedef struct billfin_enterprise {
	const char *person_id, *enterprise_id, *enterprise_name, *role;
} billfin_enterprise;

/*
 * The caller as an active member (admin or member) of the certified enterprise the
 * session claims, with the person's real-name verification: ST_DEMAND_NOT_CERTIFIED
 * (no claim, or not certified), ST_NOT_FOUND (no longer a member), ST_PERSON_NOT_VERIFIED.
 */
int billfin_enterprise_caller(svc_ctx *ctx, billfin_enterprise *out);

typedef struct billfin_funder {
	const char *person_id, *institution_id, *institution_name;
} billfin_funder;

/* The caller as an active bill_quoter of a bill_funder institution (market, live):
 * ST_NOT_FOUND when no staff, ST_BILL_QUOTER_REQUIRED for another role or kind. */
int billfin_funder_caller(svc_ctx *ctx, billfin_funder *out);

/* The institution id as a bill funder into *name (arena); ST_BILL_FUNDER_INVALID otherwise. */
int billfin_funder_lookup(svc_ctx *ctx, const char *institution_id, const char **name);

/* The caller as an operator holding one of roles (NULL-terminated); the person id into
 * *pid. ST_NOT_FOUND otherwise (operator routes do not exist for others). */
int billfin_operator_caller(svc_ctx *ctx, const char *const *roles, const char **pid);

/* Today in Asia/Shanghai, as days since 1970-01-01. */
int32_t billfin_today(void);

/* ---- orders.c ------------------------------------------------------------------------- */

/* Whose orders: one enterprise's, one funder's (addressed to it or to any until a quote is
 * confirmed, then only the confirmed funder's), or all (operators). */
typedef struct billfin_scope {
	const char *enterprise_id;
	const char *funder_id;
	int operator;
} billfin_scope;

/* The order within scope into *out (arena); ST_NOT_FOUND (field "id") otherwise. */
int billfin_order_load(svc_ctx *ctx, const billfin_scope *sc, const char *id,
                       Billfin__BillOrder **out);

/* ST_OK when order id is within scope, else ST_NOT_FOUND "id" (also usable outside a
 * transaction). */
int billfin_scope_check(svc_ctx *ctx, const billfin_scope *sc, const char *id);

/* SQL of the scope over $1 (enterprise), $2 (funder), $3 (operator: true), order alias o. */
#define BILLFIN_SCOPE_SQL                                                                          \
	" (o.enterprise_id = $1::uuid OR $3::boolean OR (o.quote_id IS NOT NULL AND"               \
	" o.funder_id = $2::uuid) OR (o.quote_id IS NULL AND $2::uuid IS NOT NULL AND"             \
	" (o.addressed_to IS NULL OR o.addressed_to = $2::uuid)))"

/*
 * One guarded transition inside change_run: the order within scope (else ST_NOT_FOUND),
 * then `UPDATE orders SET state = $3, <set>, updated_at = now() WHERE id = $1 AND state =
 * ANY($2)<guard>` with extra parameters from $4 on; no row: `lost` (a 409) naming
 * "state". Recorded as action "bill_order.<action>" by actor with event
 * billfin.order.<to>, carrying reason.
 */
typedef struct billfin_step {
	const billfin_scope *sc;
	const char *id, *from, *to, *action, *set, *guard, *actor, *reason;
	const char *const *extra;
	int nextra, lost;
} billfin_step;

int billfin_step_tx(svc_ctx *ctx, void *arg);

/* Runs step st (billfin_step_tx in change_run), then answers with the order as it now is
 * (*out in the arena). */
int billfin_step_run(svc_ctx *ctx, billfin_step *st, ProtobufCMessage **out);

/* Records the event billfin.order.<state> of order id (read in the open transaction) with
 * the audit entry: action, actor, detail (taken). */
int billfin_order_record(svc_ctx *ctx, const char *id, const char *action, const char *actor,
                         const char *reason, json_t *detail);
/* The same for a new quote: the event's figures and validity are quote_id's (not yet the
 * order's confirmed quote), so the enterprise's message names them. */
int billfin_order_record_quote(svc_ctx *ctx, const char *id, const char *quote_id,
                               const char *actor, json_t *detail);

/* 待报价 … 已关闭 of a state code, or NULL. */
const char *billfin_state_name(const char *state);

/* ---- files.c -------------------------------------------------------------------------- */

/* Stores upload up (checked: not empty, at most 5 MiB, jpg/png/bmp/pdf by content,
 * else the row naming field) as kind of order_id inside the open transaction; its id
 * into *file_id (arena). */
int billfin_file_store(svc_ctx *ctx, const Files__Upload *up, const char *field,
                       const char *order_id, const char *kind, const char *person_id,
                       const char **file_id);

/* The bytes of file_id of order_id (the caller has checked the order is visible). */
int billfin_file_download(svc_ctx *ctx, const char *order_id, const char *file_id,
                          ProtobufCMessage **out);

/* ---- holidays.c ----------------------------------------------------------------------- */

/* At start: official years of app->holidays_dir not in the table yet are stored. */
int billfin_holidays_seed(svc_ctx *ctx);

/* The calendar of the table as it is now (rebuilt when its version moved). Owned by the
 * app; valid until the process exits. */
int billfin_calendar_current(svc_ctx *ctx, const billfin_calendar **out);

/* Frees every calendar built. */
void billfin_holidays_close(struct billfin_app *app);

/* ---- handlers ------------------------------------------------------------------------- */

int billfin_order_create(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_enterprise_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_confirm(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_documents(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_enterprise_close(svc_ctx *ctx, const ProtobufCMessage *in,
                                   ProtobufCMessage **out);
int billfin_order_endorse(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_enterprise_file(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

int billfin_quote_funder(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_quote_operator(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

int billfin_order_review(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_operator_close(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_operator_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_operator_file(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_order_funder_file(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

int billfin_order_funder_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_disburse_funder(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_disburse_operator(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_payee_account(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

int billfin_list_enterprise(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_list_funder(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_list_operator(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

int billfin_holiday_load(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int billfin_holiday_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
