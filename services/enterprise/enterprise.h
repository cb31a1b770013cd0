/*
 * enterprise: the service's shared state and the helpers its files share.
 *   regions.c             administrative divisions (reference data, ListRegions, ResolveRegions)
 *   registry*.c           the business-registry adapter and its sandbox (SearchRegistry)
 *   files.c               uploads judged by content, stored with SHA-256; downloads
 *   letter.c              the authorisation-letter template (PDF)
 *   certification*.c      企业认证: rules and drafts, the view, uploads and submission
 *   legal_rep.c, review.c the legal representative's check; the operator review queue
 *   members*.c            加入企业: join requests, members, admin hand-over
 *   receiving_accounts.c  收款账户: receiving accounts (add, list, show, edit, delete)
 *   micro_deposits.c      小额打款验证: micro-deposits through the bank-payout adapter (payout*.c)
 *   receiving_accounts_bus.c  GetReceivingAccount, UnsealReceivingAccount (bus-only)
 *   persons.c             the verified-person projection from accounts' events; Readiness
 */
#ifndef ENTERPRISE_ENTERPRISE_H
#define ENTERPRISE_ENTERPRISE_H

#include "bus.h"
#include "caller.h"
#include "crypto.h"
#include "svc.h"

#include <stdint.h>

struct registry_provider;
struct payout_provider;

struct enterprise_app {
	const char *regions_dir;
	int registry_provider;        /* REGISTRY_PROVIDER_* (registry.h); -1 unset */
	const char *registry_url;     /* REGISTRY_URL (http) */
	const char *registry_app_key; /* REGISTRY_APP_KEY (http); "" none */
	const char *registry_file;    /* REGISTRY_SANDBOX_FILE (sandbox data set) */
	struct registry_provider *registry;
	bus_client *accounts;           /* identity checks for the legal representative */
	crypto_keys keys;               /* PII_ENC_KEY / PII_MAC_KEY: sealed personal numbers */
	int payout_kind;                /* PAYOUT_PROVIDER_* (payout.h) */
	const char *payout_url;         /* PAYOUT_URL (http) */
	const char *payout_app_key;     /* PAYOUT_APP_KEY (http); "" none */
	const char *payout_file;        /* PAYOUT_SANDBOX_FILE; "" = $VAR_DIR/bank/payouts.jsonl */
	struct payout_provider *payout; /* micro-deposits (micro_deposits.c) */
	const char *unseal_callers;     /* ENTERPRISE_ACCOUNT_UNSEAL_CALLERS: comma-separated */
	int development;
};

#define ENTERPRISE_APP(ctx) ((struct enterprise_app *)(ctx)->app)

/*
 * The caller's active enterprise identity, checked live against memberships (a
 * removed member's session still names the enterprise): ST_OK with the id and the
 * role ("admin" | "member"), ST_FORBIDDEN when the caller acts as a person, or
 * ST_NOT_FOUND when the caller is not (any longer) an active member. (members.c)
 */
int enterprise_caller_enterprise(svc_ctx *ctx, const char **enterprise_id, const char **role);

/* 1 when accounts reported the person verified (persons projection), else 0. (persons.c) */
int enterprise_person_verified(svc_ctx *ctx, const char *person_id);

/* Bus-only GetEnterprise: one certified enterprise for other services (market, billfin,
 * certs, payments); ST_NOT_FOUND for an unknown id. (enterprises.c) */
int enterprise_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* Bus-only GetReceivingAccount and UnsealReceivingAccount (receiving_accounts_bus.c). */
int enterprise_receiving_account_get(svc_ctx *ctx, const ProtobufCMessage *in,
                                     ProtobufCMessage **out);
int enterprise_receiving_account_unseal(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out);

#endif
