/*
 * enterprise: membership (加入企业), identities, readiness and receiving accounts
 * (收款账户) — what members.c, persons.c and receiving_accounts.c share, and the
 * handler table main.c registers for service Membership (proto/enterprise_members.proto).
 * The helpers every file of the service may call are in enterprise.h.
 */
#ifndef ENTERPRISE_MEMBERS_H
#define ENTERPRISE_MEMBERS_H

#include "svc.h"

#include <stddef.h>

/* The Membership service: its descriptor and one handler per method, in order. */
extern const svc_api enterprise_membership_api;

/* The persons projection, fed by accounts' events (persons.c). */
extern const svc_subscription enterprise_persons_subscription;

/* 1 when s is a canonical lower-case UUID text (what uuid::text gives). Pure. */
int enterprise_uuid_ok(const char *s);

/*
 * The caller acting for its active enterprise as its admin: ST_OK with the id, else
 * what enterprise_caller_enterprise() says, or ST_ENTERPRISE_ADMIN_REQUIRED (403)
 * for a member. (members.c)
 */
int enterprise_caller_admin(svc_ctx *ctx, const char **enterprise_id);

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
int enterprise_person_enterprises(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_membership_get(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* persons.c */
int enterprise_readiness(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
int enterprise_readiness_mine(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);
/* receiving_accounts.c */
int enterprise_receiving_account_create(svc_ctx *ctx, const ProtobufCMessage *in,
                                        ProtobufCMessage **out);
int enterprise_receiving_accounts_list(svc_ctx *ctx, const ProtobufCMessage *in,
                                       ProtobufCMessage **out);

#endif
