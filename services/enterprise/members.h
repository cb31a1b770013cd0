/*
 * enterprise: membership (加入企业), identities, readiness and receiving accounts
 * (收款账户) — what members.c, members_admin.c, persons.c and receiving_accounts.c
 * share, and the handler table main.c registers for service Membership
 * (proto/enterprise_members.proto). The helpers every file of the service may call are
 * in enterprise.h.
 */
#ifndef ENTERPRISE_MEMBERS_H
#define ENTERPRISE_MEMBERS_H

#include "enterprise_members.pb-c.h"
#include "svc.h"

#include <stddef.h>

/* The Membership service: its descriptor and one handler per method, in order. */
extern const svc_api enterprise_membership_api;

/* The persons projection, fed by accounts' events (persons.c). */
extern const svc_subscription enterprise_persons_subscription;

/* Limits of free text, in characters. */
#define ENTERPRISE_NAME_MAX 100 /* an enterprise name as typed to join */
#define JOIN_REASON_MAX     200 /* the applicant's reason */
#define DECISION_REASON_MAX 200 /* the admin's reason to reject */
#define BANK_NAME_MAX       50  /* a receiving account's bank */
#define BRANCH_NAME_MAX     100 /* and its branch (开户支行) */

/* 1 when state is one of a membership's states (requested, active, rejected, withdrawn,
 * removed, left). Pure. */
int enterprise_member_state_known(const char *state);

/*
 * Checks what a join request names (pure): a USCC and/or an exact enterprise name, at
 * least one. The USCC is normalised into uscc_out (spaces dropped, upper case; "" when
 * none) and must pass validate_uscc() except for its check character (a code the
 * registry knows may fail it: the look-up decides). Returns 0, or a status code with
 * *field naming the offending field (ST_JOIN_TARGET_REQUIRED names "uscc").
 */
int enterprise_join_target(const char *uscc, const char *name, char uscc_out[20],
                           const char **field);

/*
 * The caller acting for its active enterprise as its admin: ST_OK with the id, else
 * what enterprise_caller_enterprise() says, or ST_ENTERPRISE_ADMIN_REQUIRED (403)
 * for a member. (members.c)
 */
int enterprise_caller_admin(svc_ctx *ctx, const char **enterprise_id);

/* ---- memberships as members.c and members_admin.c handle them ---------------------- */

/* One membership by id as the Member view (in ctx->arena); ST_NOT_FOUND. */
int enterprise_member_load(svc_ctx *ctx, const char *id, Enterprise__Member **out);

/* The event payload about a loaded membership (in ctx->arena). */
Enterprise__MemberEvent *enterprise_member_event(svc_ctx *ctx, const Enterprise__Member *m);

/*
 * Inside change_run's transaction: the audit entry `action` by person who on membership id
 * (from -> to: states, or roles for a hand-over) and, when type is not NULL, the event
 * type with payload ev (its membership_id set to id). ST_OK or ST_DB.
 */
int enterprise_member_record(svc_ctx *ctx, const char *who, const char *action, const char *id,
                             const char *from, const char *to, const char *type,
                             Enterprise__MemberEvent *ev);

/*
 * One page of Member views: where is an SQL condition on `m` (memberships) using $1 = p1
 * and $2 = p2; order an ORDER BY list. Both are the caller's constant text, never input.
 * Paging by validate_page (400 on bad values). ST_OK with *out in ctx->arena.
 */
int enterprise_member_page(svc_ctx *ctx, const char *where, const char *order, const char *p1,
                           const char *p2, int has_page, int page, int has_size, int size,
                           Enterprise__MemberList **out);

/*
 * Readiness (persons.c): what a person lacks to act for an enterprise, as bits
 * 1 << ENTERPRISE_MISSING_*, listed in this order. Acting as a person (no
 * enterprise) gives IDENTITY and nothing about certification or membership. Pure.
 */
enum {
	ENTERPRISE_MISSING_PERSON_VERIFIED, /* PERSON_NOT_VERIFIED */
	ENTERPRISE_MISSING_IDENTITY,        /* ENTERPRISE_IDENTITY_REQUIRED */
	ENTERPRISE_MISSING_CERTIFIED,       /* ENTERPRISE_NOT_CERTIFIED */
	ENTERPRISE_MISSING_MEMBER,          /* NOT_A_MEMBER */
	ENTERPRISE_MISSING_COUNT
};
unsigned enterprise_readiness_missing(int person_verified, int has_enterprise, int certified,
                                      int member);
/* The stable code of one ENTERPRISE_MISSING_* item; NULL out of range. */
const char *enterprise_readiness_code(int item);

/*
 * A corporate settlement account number as typed (pure): spaces between digit groups
 * dropped into out, which must then pass validate_account_number (6-32 digits).
 * 0, or ST_ACCOUNT_NUMBER_INVALID (also when out is too small). (receiving_accounts.c)
 */
int enterprise_account_number_normalize(const char *in, char *out, size_t outlen);

/* Handlers of service Membership, by file. */
/* members.c */
int enterprise_join_request_create(svc_ctx *ctx, const ProtobufCMessage *in,
                                   ProtobufCMessage **out);
int enterprise_join_requests_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_join_request_withdraw(svc_ctx *ctx, const ProtobufCMessage *in,
                                     ProtobufCMessage **out);
int enterprise_members_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_join_request_approve(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out);
int enterprise_join_request_reject(svc_ctx *ctx, const ProtobufCMessage *in,
                                   ProtobufCMessage **out);
int enterprise_member_remove(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_admin_hand_over(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* persons.c */
int enterprise_readiness(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_readiness_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* receiving_accounts.c */
int enterprise_receiving_account_create(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out);
int enterprise_receiving_accounts_list(svc_ctx *ctx, const ProtobufCMessage *in,
                                       ProtobufCMessage **out);
int enterprise_receiving_account_show(svc_ctx *ctx, const ProtobufCMessage *in,
                                      ProtobufCMessage **out);
int enterprise_receiving_account_update(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out);
int enterprise_receiving_account_delete(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out);
/* micro_deposits.c */
int enterprise_micro_deposit_start(svc_ctx *ctx, const ProtobufCMessage *in,
                                   ProtobufCMessage **out);
int enterprise_micro_deposit_verify(svc_ctx *ctx, const ProtobufCMessage *in,
                                    ProtobufCMessage **out);
int enterprise_dev_bank_statement(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
