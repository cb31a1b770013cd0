/*
 * market: the service's shared state and the helpers its files share.
 *   institutions.c  institutions and branches (operators; the public catalogue)
 *   staff.c         institution staff, the live check of every institution request
 *   products.c      products: inst_admin's drafts, edits, publishing; the public detail
 *   search.c        the public product search (GET /products)
 *   demands*.c      financing demands (融资需求): the enterprise's and the institution's side
 *   articles*.c     portal articles (惠企政策, 新闻资讯, …): public reads, the editors' side
 *   site.c          the site settings shown on every page
 *   markdown.c      article bodies: Markdown to safe HTML
 */
#ifndef MARKET_MARKET_H
#define MARKET_MARKET_H

#include "bus.h"
#include "svc.h"

struct market_app {
	bus_client *enterprise; /* Readiness, GetEnterprise (demands); ResolveRegions (articles) */
	bus_client *accounts;   /* FindPerson: staff added by phone */
};

#define MARKET_APP(ctx) ((struct market_app *)(ctx)->app)

/* The caller's live staff membership (staff.c), read from market's own staff table on
 * every institution request: a removed officer is refused at once. */
typedef struct market_staff {
	const char *id;
	const char *institution_id;
	const char *branch_id; /* NULL: institution-wide */
	const char *role;      /* inst_admin | loan_officer */
	const char *person_id;
} market_staff;

/*
 * The caller as active staff of an institution, with role `role` (NULL: any role).
 * ST_OK with *out (strings in the arena); ST_UNAUTHENTICATED without a person;
 * ST_NOT_FOUND when the caller is no active staff (the institution routes do not
 * exist for them); ST_MARKET_ROLE_REQUIRED when the role differs.
 */
int market_staff_caller(svc_ctx *ctx, const char *role, market_staff *out);

/* 1 when the caller is an operator allowed to manage institutions (market_admin, admin). */
int market_operator(const svc_ctx *ctx);

/* Each service of proto/market.proto with its handlers (institutions.c; demands*.c;
 * articles.c). */
extern const svc_api market_catalogue_api;
extern const svc_api market_demands_api;
extern const svc_api market_content_api;

#endif
