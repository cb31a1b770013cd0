/*
 * Financing demands (融资需求), shared by the enterprise's side (demands.c) and the
 * institution's (demands_inst.c): how a demand is read, listed and announced.
 */
#ifndef MARKET_DEMANDS_H
#define MARKET_DEMANDS_H

#include "market.h"
#include "market.pb-c.h"

/* Who may see a demand: an enterprise's, or an institution's (and one branch's). */
typedef struct demands_scope {
	const char *enterprise_id;  /* the enterprise side; NULL on the institution side */
	const char *institution_id; /* the institution side */
	const char *branch_id;      /* a branch officer's branch; NULL: institution-wide */
} demands_scope;

/* The demand id within scope into *out (arena); ST_NOT_FOUND (field "id") otherwise. */
int demands_load(svc_ctx *ctx, const demands_scope *sc, const char *id, Market__Demand **out);

/* A page of the demands within scope under req's filters, with counts per status. */
int demands_list(svc_ctx *ctx, const demands_scope *sc, const Market__ListDemandsRequest *req,
                 Market__DemandList **out);

/*
 * The guarded transition of demand id within scope from status `from` (SQL `set` the
 * assignments after status, parameters from $4 on: extra[0..nextra); guard, more
 * conditions over them), recorded as action "demand.<to>" by actor with event market.demand.<to>.
 * ST_NOT_FOUND when the demand is not within scope, `lost` (a 409) when it is no longer in `from`.
 * Runs inside change_run.
 */
typedef struct demands_step {
	const demands_scope *sc;
	const char *id, *from, *to, *set, *actor, *actor_person_id, *opinion;
	const char *guard; /* more conditions of the UPDATE (" AND ..."), or NULL */
	const char *const *extra;
	int nextra, lost;
} demands_step;

int demands_step_tx(svc_ctx *ctx, void *arg);

/* The handlers of service Demands (proto/market.proto). demands_enterprise.c: */
int market_demand_submit(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_demands_enterprise_list(svc_ctx *ctx, const ProtobufCMessage *in,
                                   ProtobufCMessage **out);
int market_demand_enterprise_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_demand_withdraw(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* demands_inst.c: */
int market_demands_institution_list(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out);
int market_demand_institution_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_demand_take(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_demand_review(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int market_demand_disburse(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
