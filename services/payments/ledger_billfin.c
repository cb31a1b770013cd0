/*
 * billfin's disbursements in the ledger: when a bill order completes (billfin.order.completed:
 * the funder paid net_fen to the enterprise's receiving account), one entry, once per
 * order. The money moves between funder and enterprise, not through the platform, so the
 * accounts are memo accounts: the funder's bill at face value against what the enterprise
 * received and the funder's discount income (interest and fee).
 */
#include "payments.h"

#include "billfin.pb-c.h"
#include "log.h"
#include "status.h"

#include <string.h>

int payments_billfin_apply(svc_ctx *ctx, const Events__Event *ev)
{
	PGresult *r = NULL;
	int rv = ST_OK;
	if (!ev->type || strcmp(ev->type, "billfin.order.completed") != 0)
		return ST_OK;
	Billfin__BillOrderEvent *e =
	        billfin__bill_order_event__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!e || !e->order_id || !*e->order_id || !e->enterprise_id || !e->has_face_fen ||
	    !e->has_paid_fen || e->paid_fen <= 0 || e->paid_fen > e->face_fen) {
		/* nothing a retry could post: skipped, like memberproj's unusable payloads */
		log_kv(LOGL_WARN, ev->id, "billfin event unusable, not posted", "type", ev->type,
		       (char *)NULL);
		goto out;
	}
	const char *v[] = {e->order_id};
	if ((rv = db_exec(ctx->db,
	                  "SELECT 1 FROM ledger_entries WHERE kind = 'billfin.disbursement' AND "
	                  "ref = $1",
	                  1, v, &r)) != ST_OK) {
		rv = status_err(rv, NULL);
		goto out;
	}
	int seen = PQntuples(r) > 0;
	PQclear(r);
	if (seen)
		goto out;
	const char *funder = e->funder_id && *e->funder_id ? e->funder_id : "platform";
	ledger_line l[3];
	size_t n = 0;
	l[n++] = (ledger_line){arena_printf(ctx->arena, "memo:funder:%s:bills", funder),
	                       e->face_fen, 0};
	l[n++] = (ledger_line){
	        arena_printf(ctx->arena, "memo:enterprise:%s:disbursed", e->enterprise_id), 0,
	        e->paid_fen};
	if (e->face_fen > e->paid_fen)
		l[n++] = (ledger_line){
		        arena_printf(ctx->arena, "memo:funder:%s:discount_income", funder), 0,
		        e->face_fen - e->paid_fen};
	rv = ledger_post_tx(ctx, "billfin.disbursement", e->order_id, l, n);
out:
	if (e)
		billfin__bill_order_event__free_unpacked(e, NULL);
	return rv;
}
