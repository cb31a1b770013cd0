/* Bus authentication: pairwise HMAC-SHA256 keys, request and event MACs (see busauth.h). */
#include "busauth.h"

#include "crypto.h"
#include "log.h"
#include "status.h"

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUSAUTH_LABEL "sme-bus-v1 "

/* Field tags of bus.Request's authentication fields (field << 3 | length-delimited). */
#define BUSAUTH_TAG_SIGNER 0x32
#define BUSAUTH_TAG_KEY_ID 0x3a
#define BUSAUTH_TAG_MAC    0x42

const char *const busauth_modes[] = {"on", "off", NULL};

struct busauth_peer {
	char signer[BUSAUTH_NAME_MAX];
	char kid[BUSAUTH_KID_MAX];
	uint8_t key[32]; /* K(signer, self) */
};

struct busauth {
	char self[BUSAUTH_NAME_MAX];
	char kid[BUSAUTH_KID_MAX];
	int can_sign;
	uint8_t master[32];
	size_t npeers;
	struct busauth_peer peers[BUSAUTH_MAX_PEERS];
};

static int busauth_name_ok(const char *s, size_t len, size_t max)
{
	if (len == 0 || len >= max)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static int busauth_hex32(const char *s, size_t len, uint8_t out[32])
{
	if (len != 64)
		return 0;
	for (size_t i = 0; i < 32; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];
			int d = c >= '0' && c <= '9'   ? c - '0'
			        : c >= 'a' && c <= 'f' ? c - 'a' + 10
			        : c >= 'A' && c <= 'F' ? c - 'A' + 10
			                               : -1;
			if (d < 0)
				return 0;
			v = v * 16 + d;
		}
		out[i] = (uint8_t)v;
	}
	return 1;
}

/* "KID:HEX" of len bytes into kid and key; 1 ok. */
static int busauth_parse_key(const char *s, size_t len, char kid[BUSAUTH_KID_MAX], uint8_t key[32])
{
	const char *colon = memchr(s, ':', len);
	if (!colon || !busauth_name_ok(s, (size_t)(colon - s), BUSAUTH_KID_MAX))
		return 0;
	memcpy(kid, s, (size_t)(colon - s));
	kid[colon - s] = '\0';
	return busauth_hex32(colon + 1, len - (size_t)(colon - s) - 1, key);
}

static int busauth_bad(const char *what, const char *self)
{
	log_kv(LOGL_ERROR, NULL, what, "principal", self ? self : "", NULL);
	return ST_VALIDATION;
}

int busauth_new(const char *self, const char *own_key, const char *peer_keys, busauth **out)
{
	busauth *a = xcalloc(1, sizeof *a);
	int rv = ST_VALIDATION;
	if (!self || !busauth_name_ok(self, strlen(self), BUSAUTH_NAME_MAX)) {
		busauth_bad("bad bus principal name", self);
		goto fail;
	}
	memcpy(a->self, self, strlen(self) + 1);
	if (own_key && *own_key) {
		if (!busauth_parse_key(own_key, strlen(own_key), a->kid, a->master)) {
			busauth_bad("BUS_KEY must be KID:64 hex digits", self);
			goto fail;
		}
		a->can_sign = 1;
	}
	for (const char *p = peer_keys; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		struct busauth_peer *peer = &a->peers[a->npeers];
		if (a->npeers == BUSAUTH_MAX_PEERS || !colon ||
		    !busauth_name_ok(p, (size_t)(colon - p), BUSAUTH_NAME_MAX) ||
		    !busauth_parse_key(colon + 1, len - (size_t)(colon - p) - 1, peer->kid,
		                       peer->key)) {
			busauth_bad(
			        "BUS_PEER_KEYS must be SIGNER:KID:64 hex digits, comma-separated",
			        self);
			goto fail;
		}
		memcpy(peer->signer, p, (size_t)(colon - p));
		peer->signer[colon - p] = '\0';
		a->npeers++;
		p = comma ? comma + 1 : NULL;
	}
	*out = a;
	return ST_OK;
fail:
	busauth_free(a);
	return rv;
}

int busauth_open(const char *self, const busauth_settings *s, int production, busauth **out)
{
	if (s->mode == 1) {
		if (production)
			return busauth_bad("BUS_AUTH=off is refused in production", self);
		log_kv(LOGL_WARN, NULL, "BUS_AUTH is off: the bus trusts every message", NULL);
		*out = NULL;
		return ST_OK;
	}
	if (!s->key || !*s->key)
		return busauth_bad("BUS_KEY is required while BUS_AUTH is on", self);
	return busauth_new(self, s->key, s->peer_keys, out);
}

void busauth_free(busauth *a)
{
	if (!a)
		return;
	OPENSSL_cleanse(a, sizeof *a);
	free(a);
}

const char *busauth_self(const busauth *a) { return a->self; }

/* SHA-256, fetched once: HMAC() fetches the MAC and the digest from the provider on every
 * call (2.6 µs against 0.6 µs by hand here), under a lock every thread of a process shares. */
static EVP_MD *busauth_md;
static pthread_once_t busauth_md_once = PTHREAD_ONCE_INIT;

static void busauth_md_fetch(void) { busauth_md = EVP_MD_fetch(NULL, "SHA256", NULL); }

/* HMAC-SHA256 (RFC 2104) of data under a 32-byte key. */
static int busauth_hmac(const uint8_t key[32], const void *data, size_t len,
                        uint8_t mac[BUSAUTH_MAC_LEN])
{
	uint8_t pad[64], inner[32];
	unsigned int n = 0, m = 0;
	pthread_once(&busauth_md_once, busauth_md_fetch);
	EVP_MD_CTX *c = busauth_md ? EVP_MD_CTX_new() : NULL;
	int ok = c != NULL;
	memset(pad, 0x36, sizeof pad);
	for (size_t i = 0; i < 32; i++)
		pad[i] ^= key[i];
	ok = ok && EVP_DigestInit_ex2(c, busauth_md, NULL) &&
	     EVP_DigestUpdate(c, pad, sizeof pad) && EVP_DigestUpdate(c, data, len) &&
	     EVP_DigestFinal_ex(c, inner, &n);
	memset(pad, 0x5c, sizeof pad);
	for (size_t i = 0; i < 32; i++)
		pad[i] ^= key[i];
	ok = ok && EVP_DigestInit_ex2(c, busauth_md, NULL) &&
	     EVP_DigestUpdate(c, pad, sizeof pad) && EVP_DigestUpdate(c, inner, sizeof inner) &&
	     EVP_DigestFinal_ex(c, mac, &m);
	EVP_MD_CTX_free(c);
	OPENSSL_cleanse(pad, sizeof pad);
	OPENSSL_cleanse(inner, sizeof inner);
	return ok && n == 32 && m == BUSAUTH_MAC_LEN ? ST_OK : ST_INTERNAL;
}

int busauth_sign(const busauth *a, const char *audience, const void *data, size_t len,
                 uint8_t mac[BUSAUTH_MAC_LEN])
{
	char label[sizeof BUSAUTH_LABEL + BUSAUTH_NAME_MAX];
	uint8_t pair[32];
	size_t n = strlen(audience);
	if (!a->can_sign || n >= BUSAUTH_NAME_MAX)
		return ST_INTERNAL;
	/* K(self, audience), derived per message: an HMAC of a few bytes costs less than
	 * a lock around a cache would. */
	memcpy(label, BUSAUTH_LABEL, sizeof BUSAUTH_LABEL - 1);
	memcpy(label + sizeof BUSAUTH_LABEL - 1, audience, n);
	int rv = busauth_hmac(a->master, label, sizeof BUSAUTH_LABEL - 1 + n, pair);
	if (rv == ST_OK)
		rv = busauth_hmac(pair, data, len, mac);
	OPENSSL_cleanse(pair, sizeof pair);
	return rv;
}

int busauth_verify(const busauth *a, const char *signer, const char *kid, const void *data,
                   size_t len, const uint8_t *mac, size_t maclen)
{
	uint8_t want[BUSAUTH_MAC_LEN];
	if (!signer || !kid || !mac || maclen != BUSAUTH_MAC_LEN)
		return ST_UNAUTHENTICATED;
	for (size_t i = 0; i < a->npeers; i++) {
		const struct busauth_peer *p = &a->peers[i];
		if (strcmp(p->signer, signer) != 0 || strcmp(p->kid, kid) != 0)
			continue;
		if (busauth_hmac(p->key, data, len, want) != ST_OK)
			return ST_UNAUTHENTICATED;
		return crypto_ct_equal(want, mac, BUSAUTH_MAC_LEN) ? ST_OK : ST_UNAUTHENTICATED;
	}
	return ST_UNAUTHENTICATED;
}

/* ---- request envelopes ------------------------------------------------------------ */

static int busauth_append_field(nng_msg *m, uint8_t tag, const void *data, size_t len)
{
	uint8_t head[2] = {tag, (uint8_t)len};
	/* Names and MACs are under 128 bytes: a one-byte length varint. */
	if (len > 127 || nng_msg_append(m, head, 2) != 0 || nng_msg_append(m, data, len) != 0)
		return ST_INTERNAL;
	return ST_OK;
}

int busauth_request_sign(const busauth *a, const char *audience, nng_msg *m)
{
	uint8_t mac[BUSAUTH_MAC_LEN];
	if (!a)
		return ST_OK;
	/* Fields 6 and 7 follow 1-5 in number order: still the canonical encoding. */
	if (busauth_append_field(m, BUSAUTH_TAG_SIGNER, a->self, strlen(a->self)) != ST_OK ||
	    busauth_append_field(m, BUSAUTH_TAG_KEY_ID, a->kid, strlen(a->kid)) != ST_OK ||
	    busauth_sign(a, audience, nng_msg_body(m), nng_msg_len(m), mac) != ST_OK)
		return ST_INTERNAL;
	return busauth_append_field(m, BUSAUTH_TAG_MAC, mac, sizeof mac);
}

int busauth_request_verify(const busauth *a, const uint8_t *buf, size_t len,
                           const Bus__Request *env)
{
	const size_t tail = 2 + BUSAUTH_MAC_LEN;
	if (!env->has_mac || env->mac.len != BUSAUTH_MAC_LEN || len < tail ||
	    buf[len - tail] != BUSAUTH_TAG_MAC || buf[len - tail + 1] != BUSAUTH_MAC_LEN ||
	    memcmp(buf + len - BUSAUTH_MAC_LEN, env->mac.data, BUSAUTH_MAC_LEN) != 0)
		return ST_UNAUTHENTICATED;
	/* The decoded fields all come from the signed prefix: the trailer is only the mac. */
	return busauth_verify(a, env->signer, env->key_id, buf, len - tail, env->mac.data,
	                      env->mac.len);
}

/* ---- events ----------------------------------------------------------------------- */

/* ev packed with macs empty (key_id kept), into ar. */
static uint8_t *busauth_event_bytes(const Events__Event *ev, arena *ar, size_t *len)
{
	Events__Event copy = *ev;
	copy.n_macs = 0;
	copy.macs = NULL;
	*len = events__event__get_packed_size(&copy);
	uint8_t *buf = arena_alloc(ar, *len ? *len : 1);
	events__event__pack(&copy, buf);
	return buf;
}

int busauth_event_sign(const busauth *a, Events__Event *ev, const char *const *audiences,
                       size_t naudiences, arena *ar)
{
	size_t len;
	if (!a)
		return ST_OK;
	if (!a->can_sign)
		return ST_INTERNAL;
	ev->key_id = arena_strdup(ar, a->kid);
	uint8_t *buf = busauth_event_bytes(ev, ar, &len);
	ev->macs = arena_alloc(ar, (naudiences ? naudiences : 1) * sizeof *ev->macs);
	ev->n_macs = 0;
	for (size_t i = 0; i < naudiences; i++) {
		Events__EventMac *em = arena_alloc(ar, sizeof *em);
		events__event_mac__init(em);
		em->audience = (char *)audiences[i];
		em->has_mac = 1;
		em->mac.len = BUSAUTH_MAC_LEN;
		em->mac.data = arena_alloc(ar, BUSAUTH_MAC_LEN);
		if (busauth_sign(a, audiences[i], buf, len, em->mac.data) != ST_OK)
			return ST_INTERNAL;
		ev->macs[ev->n_macs++] = em;
	}
	return ST_OK;
}

int busauth_event_verify(const busauth *a, const Events__Event *ev, arena *ar)
{
	size_t len;
	for (size_t i = 0; i < ev->n_macs; i++) {
		const Events__EventMac *em = ev->macs[i];
		if (!em->audience || strcmp(em->audience, a->self) != 0 || !em->has_mac)
			continue;
		uint8_t *buf = busauth_event_bytes(ev, ar, &len);
		return busauth_verify(a, ev->source, ev->key_id, buf, len, em->mac.data,
		                      em->mac.len);
	}
	return ST_UNAUTHENTICATED;
}
