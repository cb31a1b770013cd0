/*
 * 收款账户 inside enterprise: what receiving_accounts.c, micro_deposits.c and
 * receiving_accounts_bus.c share. The account view carries its latest micro-deposit.
 */
#ifndef ENTERPRISE_RECEIVING_ACCOUNTS_H
#define ENTERPRISE_RECEIVING_ACCOUNTS_H

#include "enterprise_members.pb-c.h"
#include "svc.h"

#include <stddef.h>

#define ACCOUNT_AAD         "enterprise.receiving_accounts.account_number"
#define DEPOSIT_AAD_PREFIX  "enterprise.micro_deposits.amount/"
#define DEPOSIT_ATTEMPTS    3  /* wrong amounts before a deposit is spent */
#define DEPOSIT_VALID_HOURS 48 /* from the bank's acceptance */
#define DEPOSIT_AMOUNT_MAX  99 /* fen; at least 1 */

/*
 * The account id of enterprise eid as its view (in ctx->arena), with its latest
 * micro-deposit; deleted ones are not found. ST_OK, ST_NOT_FOUND (field "id", also for a
 * malformed id) or ST_DB.
 */
int enterprise_account_load(svc_ctx *ctx, const char *eid, const char *id,
                            Enterprise__ReceivingAccount **out);

/*
 * Asks the bank about the deposits of enterprise eid (only account id's when id is not
 * NULL) that await it, and records what changed, each in its own change_run. Failures of
 * the bank are logged and leave the deposit as it was. Never fails the request.
 */
void enterprise_deposits_refresh(svc_ctx *ctx, const char *eid, const char *id);

/* Inside a change_run: live deposits of account id cancelled (account edited or deleted),
 * each recorded by actor. ST_OK or the failure. */
int enterprise_deposits_cancel(svc_ctx *ctx, const char *actor, const char *id);

/* A uniform amount of 1..DEPOSIT_AMOUNT_MAX fen from random bytes (pure): rejection
 * sampling, one byte at a time. 0 with *fen, or -1 when every byte was rejected. */
int enterprise_deposit_amount(const unsigned char *bytes, size_t n, int *fen);

/* 1 when service is one of the comma-separated names of callers (spaces ignored), else
 * 0 (also for NULL or empty). Pure. */
int enterprise_unseal_allowed(const char *callers, const char *service);

/* The event payload about an account and optionally its deposit (in ctx->arena). */
Enterprise__ReceivingAccountEvent *enterprise_account_event(svc_ctx *ctx, const char *account_id,
                                                            const char *eid, const char *masked,
                                                            const char *state);

#endif
