/*
 * Who is calling: the person, operator roles and claimed enterprise identity the
 * gateway put in the request envelope (the session's, authenticated there). What a
 * service decides from them (membership, ownership) stays in the service.
 */
#ifndef COMMON_CALLER_H
#define COMMON_CALLER_H

#include "svc.h"

/* The caller's person id (a uuid, owned by the request) into *person_id, or
 * ST_UNAUTHENTICATED when the request carries no logged-in person. */
int caller_person(const svc_ctx *ctx, const char **person_id);

/* 1 when the caller holds the operator role (e.g. "reviewer"), else 0. */
int caller_has_role(const svc_ctx *ctx, const char *role);

/* The enterprise identity the session claims, or NULL when the caller acts as a
 * person. A claim only: the owner of memberships checks it live. */
const char *caller_enterprise_claim(const svc_ctx *ctx);

/* The service that signed the request (bus-authenticated: svc.c sets it from the
 * verified signer, whatever the sender wrote), or NULL when the gateway signed it or bus
 * authentication is off. For a bus-only method that trusts only some services. */
const char *caller_service(const svc_ctx *ctx);

#endif
