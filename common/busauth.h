/*
 * Authentication of the bus: request envelopes and events carry HMAC-SHA256 MACs
 * under pairwise keys, so a receiver knows which principal ("gateway" or a service)
 * sent a message and that nobody changed a byte of it.
 *
 * Keys (design and reasons in common/README.md, "Bus authentication"): each
 * principal P holds one master key M_P (BUS_KEY, "KID:64 hex"). What P sends to
 * service V is signed with K(P,V) = HMAC-SHA256(M_P, "sme-bus-v1 " || V); V holds
 * only the K(P,V) of the signers it accepts (BUS_PEER_KEYS, "P:KID:64 hex,..."), so
 * a compromised V can sign neither as P towards anyone else nor as another service.
 * Rotation: a verifier accepts every KID listed for a signer (two during a change).
 *
 * A busauth is immutable once opened and shared by every thread of the process.
 */
#ifndef COMMON_BUSAUTH_H
#define COMMON_BUSAUTH_H

#include "bus.pb-c.h"
#include "config.h"
#include "events.pb-c.h"
#include "mem.h"

#include <nng/nng.h>

#include <stddef.h>
#include <stdint.h>

#define BUSAUTH_MAC_LEN   32
#define BUSAUTH_NAME_MAX  32 /* a principal's name, with its NUL */
#define BUSAUTH_KID_MAX   17 /* a key id: 1..16 of [A-Za-z0-9_-], with its NUL */
#define BUSAUTH_MAX_PEERS 64
#define BUSAUTH_GATEWAY   "gateway"

typedef struct busauth busauth;

/* The settings every daemon on the bus has (BUSAUTH_CONFIG_ITEMS). */
typedef struct busauth_settings {
	int mode; /* index into busauth_modes: 0 on, 1 off */
	const char *key;
	const char *peer_keys;
} busauth_settings;

extern const char *const busauth_modes[];

/* clang-format off */
#define BUSAUTH_CONFIG_ITEMS(s)                                                                    \
	{"BUS_AUTH", CFG_ENUM, "on", 0, 0,                                                         \
	 "authenticate bus envelopes and events; off only to measure its cost (make bench), "       \
	 "refused in production", CONFIG_ENUM(busauth_modes, &(s)->mode)},                          \
	{"BUS_KEY", CFG_STR, "", 0, 0,                                                             \
	 "this daemon's bus signing key, KID:64 hex digits; required when BUS_AUTH is on",         \
	 &(s)->key},                                                                               \
	{"BUS_PEER_KEYS", CFG_STR, "", 0, 0,                                                       \
	 "keys this daemon verifies, SIGNER:KID:64 hex digits, comma-separated (common/README.md)", \
	 &(s)->peer_keys}
/* clang-format on */

/*
 * Parses keys for principal self: own_key "KID:HEX" (NULL or "": this process
 * signs nothing) and peer_keys "SIGNER:KID:HEX,..." (NULL or "": it verifies
 * nothing). Returns ST_OK with *out (free with busauth_free), or ST_VALIDATION
 * after a log line naming what is wrong (never a key).
 */
int busauth_new(const char *self, const char *own_key, const char *peer_keys, busauth **out);
/*
 * From a daemon's settings: with BUS_AUTH off, ST_OK and *out NULL (everything is
 * sent unsigned and accepted), refused in production; on, BUS_KEY is required.
 */
int busauth_open(const char *self, const busauth_settings *s, int production, busauth **out);
void busauth_free(busauth *a);
/* This process's principal name. */
const char *busauth_self(const busauth *a);

/* The MAC of data as sent by this process to audience. ST_OK, or ST_INTERNAL
 * when this process has no signing key. */
int busauth_sign(const busauth *a, const char *audience, const void *data, size_t len,
                 uint8_t mac[BUSAUTH_MAC_LEN]);
/* ST_OK when mac is signer's MAC (key kid) of data addressed to this process,
 * else ST_UNAUTHENTICATED (unknown signer or key, wrong length, mismatch). */
int busauth_verify(const busauth *a, const char *signer, const char *kid, const void *data,
                   size_t len, const uint8_t *mac, size_t maclen);

/* Signs an already packed request envelope m (no fields 6-8 yet) for audience:
 * appends signer, key_id and mac. ST_OK or ST_INTERNAL. A NULL a leaves m as is. */
int busauth_request_sign(const busauth *a, const char *audience, nng_msg *m);
/* Checks a received envelope: buf/len as received, env its decoding. ST_OK when
 * its last field is a mac over everything before it by env->signer under a key
 * this process accepts; else ST_UNAUTHENTICATED. */
int busauth_request_verify(const busauth *a, const uint8_t *buf, size_t len,
                           const Bus__Request *env);

/* Signs ev (its source is this process) for each audience: sets key_id and macs,
 * allocated in ar. ST_OK or ST_INTERNAL. A NULL a leaves ev as is. */
int busauth_event_sign(const busauth *a, Events__Event *ev, const char *const *audiences,
                       size_t naudiences, arena *ar);
/* ST_OK when ev carries a MAC for this process by ev->source under a key this
 * process accepts for that source; else ST_UNAUTHENTICATED. */
int busauth_event_verify(const busauth *a, const Events__Event *ev, arena *ar);

#endif
