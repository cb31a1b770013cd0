/*
 * A service process: the worker pool answering its methods over the bus, the
 * publisher of its outbox, and the subscriber applying other services' events.
 *
 * Workers are N threads, each with its own nng context and database connection;
 * a worker receives a request, decodes it (method table from the protobuf-c
 * service descriptors, each handler bound to its method by name and checked at
 * start), calls the handler, and replies. Every service also
 * answers Control.Ping and EventSource.Replay.
 */
#ifndef COMMON_SVC_H
#define COMMON_SVC_H

#include "bus.pb-c.h"
#include "busauth.h"
#include "config.h"
#include "db.h"
#include "events.pb-c.h"
#include "mem.h"
#include "redis.h"

#include <stdint.h>

struct idem_claim;

typedef struct svc_ctx {
	const char *service;
	const Bus__Caller *caller;   /* never NULL: an empty caller when none came */
	const char *request_id;      /* "" when none */
	const char *idempotency_key; /* NULL when none */
	int64_t deadline_ms;         /* 0 when none */
	db_conn *db;                 /* this thread's connection */
	redis_conn *redis;           /* this thread's Redis connection; NULL without REDIS_URL */
	arena *arena;                /* freed after the reply */
	void *app;                   /* the service's shared state */
	const busauth *bus_auth;     /* this process's bus keys; NULL with BUS_AUTH off */
	struct idem_claim *idem;     /* the Idempotency-Key claim being run (idem.h); else NULL */
} svc_ctx;

/* Handles one request: returns ST_OK/ST_CREATED with *out allocated in
 * ctx->arena, or an error code (detail through status_err()). */
typedef int (*svc_handler_fn)(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* A handler bound to its proto method by name ("IssueSmsCode"), not by position. */
typedef struct svc_handler {
	const char *method;
	svc_handler_fn fn;
} svc_handler;

/* A protobuf-c service and its handlers: exactly one per method of desc, in any
 * order. Write it as SVC_API(&desc, table) so the count comes from the array.
 * Optional lists, each NULL-terminated (or NULL), of methods bound in this table, given
 * as designated initialisers after the table: SVC_API(&desc, table, .bus_only = a,
 * .idempotent = b). bus_only: methods only services may call (no gateway route reaches
 * them; a gateway-signed call is 404). idempotent: the creating or money-moving methods
 * that honour an Idempotency-Key (idem.h). A name not bound in the table stops the start
 * like any binding error. */
typedef struct svc_api {
	const ProtobufCServiceDescriptor *desc;
	const svc_handler *handlers;
	size_t nhandlers;
	const char *const *bus_only;
	const char *const *idempotent;
} svc_api;

/* Empty variadic arguments leave a trailing comma, which an initialiser allows. */
#define SVC_API(d, t, ...)                                                                         \
	{                                                                                          \
		.desc = (d), .handlers = (t), .nhandlers = sizeof(t) / sizeof((t)[0]), __VA_ARGS__ \
	}

/* Checks a service's tables as the start does: every method of each descriptor
 * has a handler, every handler names a method of its descriptor, no method name
 * is bound twice (across apis, Control.Ping and EventSource.Replay included), no
 * handler is NULL, every bus-only and idempotent name is a method of its table. Returns ST_OK,
 * or ST_INTERNAL after a log line naming the method. */
int svc_apis_check(const svc_api *apis, size_t napis);

/* Applies one event inside the transaction that advances the cursor; returns
 * ST_OK, or an error to roll back and retry later. */
typedef int (*svc_apply_fn)(svc_ctx *ctx, const Events__Event *ev);

typedef struct svc_subscription {
	const char *source; /* publishing service; its event types start with "<source>." */
	svc_apply_fn apply;
} svc_subscription;

typedef struct svc_def {
	const char *name;
	const svc_api *apis;
	size_t napis;
	/* Migrations of common modules the service uses (memberproj_migration), applied
	 * after the runtime's own and before its migrations directory. May be NULL. */
	const db_migration *migrations;
	size_t nmigrations;
	const svc_subscription *subs;
	size_t nsubs;
	/* Runs once after migrations with a connection (e.g. loads reference data).
	 * May be NULL. Returns ST_OK or stops the start. */
	int (*start)(svc_ctx *ctx);
	void *app;
	/* Background work besides the workers (notify's delivery queue): *ntick threads (a
	 * setting of the daemon's table, read when the server starts; NULL: one), each with its
	 * own connection (and Redis), call tick(ctx) again and again until the server stops.
	 * tick returns how many ms to wait before its next call (0: at once); the arena is
	 * reset after each call, a transaction left open is rolled back. May be NULL. */
	int (*tick)(svc_ctx *ctx);
	const long *ntick;
} svc_def;

typedef struct svc_settings {
	const char *bus_urls;
	/* Gateways' GATEWAY_RPC_LISTEN bases the workers also dial, so that a gateway's
	 * requests skip the bus (services/gateway/README.md, "Direct requests"); NULL or
	 * "": through the bus only. */
	const char *gateway_rpc_urls;
	const char *db_url;
	const char *migrations_dir; /* NULL: none */
	const char *redis_url;      /* NULL or "": workers get no Redis connection */
	long workers;
	long replay_interval_ms; /* how often a subscriber asks sources for missed events */
	/* Bus keys (NULL: BUS_AUTH off): requests are verified (a failing one is dropped
	 * and logged, never answered), events signed and verified. Outlives the server. */
	const busauth *auth;
	/* Who the publisher signs events for; NULL: every service of bus_services. */
	const char *const *event_audience;
	size_t nevent_audience;
} svc_settings;

typedef struct svc_server svc_server;

/* Connects, migrates, runs def->start, and starts workers, publisher and
 * subscriber. Returns ST_OK with *out (stop it with svc_server_stop), or an error. */
int svc_server_start(const svc_def *def, const svc_settings *set, svc_server **out);
/* Stops every thread, closes sockets and connections, frees the server. */
void svc_server_stop(svc_server *s);

/*
 * A daemon's whole main(): `<daemon> admin audit-verify` walks the audit chain of the
 * service's schema with DB_URL alone (prints "audit chain intact" and exits 0, or names
 * the first broken entry and exits 1; 2 when the database cannot be read). Otherwise
 * reads the common settings, DB_URL, SVC_WORKERS,
 * MIGRATIONS_DIR (default services/<name>/migrations), REDIS_URL (optional) and
 * the daemon's own items,
 * handles --help, --help-markdown and --check (ping this service through the bus, exit 0 when it
 * answers), starts the server and runs until SIGTERM or SIGINT. Returns the exit code.
 */
int svc_main(const svc_def *def, int argc, char **argv, config_common *common,
             const config_item *items, size_t nitems);

/* Ping a service through the bus; 0 when it answered within timeout_ms. */
int svc_ping(const char *bus_urls, const char *service, int timeout_ms);

#endif
