/* Unit tests of bus authentication: pairwise keys, rotation, request and event MACs. */
#include "bus.h"
#include "busauth.h"
#include "status.h"

#include <openssl/hmac.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define M_GW  "1111111111111111111111111111111111111111111111111111111111111111"
#define M_GW2 "2222222222222222222222222222222222222222222222222222222222222222"
#define M_ACC "3333333333333333333333333333333333333333333333333333333333333333"
#define M_ENT "4444444444444444444444444444444444444444444444444444444444444444"

/* "signer:kid:" + K(signer, audience) in hex, computed as deployments do (openssl dgst). */
static void pair_key(char *out, size_t outlen, const char *signer, const char *kid,
                     const char *master_hex, const char *audience)
{
	uint8_t master[32], k[32];
	char label[64];
	unsigned int n = 0;
	for (int i = 0; i < 32; i++) {
		unsigned v;
		sscanf(master_hex + 2 * i, "%2x", &v);
		master[i] = (uint8_t)v;
	}
	int len = snprintf(label, sizeof label, "sme-bus-v1 %s", audience);
	HMAC(EVP_sha256(), master, 32, (const uint8_t *)label, (size_t)len, k, &n);
	size_t o = (size_t)snprintf(out, outlen, "%s:%s:", signer, kid);
	for (int i = 0; i < 32; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%02x", k[i]);
}

/* accounts verifying gateway (keys k1 and, during a rotation, k2) and enterprise. */
static busauth *accounts_verifier(void)
{
	char peers[1024], a[160], b[160], c[160];
	pair_key(a, sizeof a, "gateway", "k1", M_GW, "accounts");
	pair_key(b, sizeof b, "gateway", "k2", M_GW2, "accounts");
	pair_key(c, sizeof c, "enterprise", "k1", M_ENT, "accounts");
	snprintf(peers, sizeof peers, "%s,%s,%s", a, b, c);
	busauth *v = NULL;
	assert_int_equal(busauth_new("accounts", "k1:" M_ACC, peers, &v), ST_OK);
	return v;
}

static busauth *signer(const char *name, const char *key)
{
	busauth *s = NULL;
	assert_int_equal(busauth_new(name, key, NULL, &s), ST_OK);
	return s;
}

static void test_busauth_good_mac_verifies(void **state)
{
	(void)state;
	busauth *v = accounts_verifier(), *gw = signer("gateway", "k1:" M_GW);
	uint8_t mac[BUSAUTH_MAC_LEN];
	assert_int_equal(busauth_sign(gw, "accounts", "hello", 5, mac), ST_OK);
	assert_int_equal(busauth_verify(v, "gateway", "k1", "hello", 5, mac, sizeof mac), ST_OK);
	busauth_free(gw);
	busauth_free(v);
}

static void test_busauth_wrong_key_tampered_byte_and_other_audience_fail(void **state)
{
	(void)state;
	busauth *v = accounts_verifier(), *forger = signer("gateway", "k1:" M_ACC);
	busauth *gw = signer("gateway", "k1:" M_GW);
	uint8_t mac[BUSAUTH_MAC_LEN];
	/* wrong key */
	busauth_sign(forger, "accounts", "hello", 5, mac);
	assert_int_equal(busauth_verify(v, "gateway", "k1", "hello", 5, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	/* tampered byte */
	busauth_sign(gw, "accounts", "hello", 5, mac);
	assert_int_equal(busauth_verify(v, "gateway", "k1", "hellp", 5, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	mac[7] ^= 1;
	assert_int_equal(busauth_verify(v, "gateway", "k1", "hello", 5, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	/* signed for another audience: a verifier's key cannot sign towards another */
	busauth_sign(gw, "enterprise", "hello", 5, mac);
	assert_int_equal(busauth_verify(v, "gateway", "k1", "hello", 5, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	/* a MAC claimed by another signer than the key's */
	busauth_sign(gw, "accounts", "hello", 5, mac);
	assert_int_equal(busauth_verify(v, "enterprise", "k1", "hello", 5, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	busauth_free(gw);
	busauth_free(forger);
	busauth_free(v);
}

static void test_busauth_rotation_accepts_old_and_new_key(void **state)
{
	(void)state;
	busauth *v = accounts_verifier(), *old = signer("gateway", "k1:" M_GW),
	        *cur = signer("gateway", "k2:" M_GW2);
	uint8_t mac[BUSAUTH_MAC_LEN];
	busauth_sign(old, "accounts", "x", 1, mac);
	assert_int_equal(busauth_verify(v, "gateway", "k1", "x", 1, mac, sizeof mac), ST_OK);
	busauth_sign(cur, "accounts", "x", 1, mac);
	assert_int_equal(busauth_verify(v, "gateway", "k2", "x", 1, mac, sizeof mac), ST_OK);
	/* the new key under the old id is no key */
	assert_int_equal(busauth_verify(v, "gateway", "k1", "x", 1, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	busauth_free(cur);
	busauth_free(old);
	busauth_free(v);
}

static void test_busauth_unknown_signer_or_key_id_fails(void **state)
{
	(void)state;
	busauth *v = accounts_verifier(), *x = signer("intruder", "k1:" M_GW);
	uint8_t mac[BUSAUTH_MAC_LEN];
	busauth_sign(x, "accounts", "x", 1, mac);
	assert_int_equal(busauth_verify(v, "intruder", "k1", "x", 1, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	assert_int_equal(busauth_verify(v, "gateway", "k9", "x", 1, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	assert_int_equal(busauth_verify(v, NULL, NULL, "x", 1, mac, sizeof mac),
	                 ST_UNAUTHENTICATED);
	busauth_free(x);
	busauth_free(v);
}

static void test_busauth_bad_settings_are_refused(void **state)
{
	(void)state;
	busauth *a = NULL;
	assert_int_equal(busauth_new("accounts", "k1:abc", NULL, &a), ST_VALIDATION);
	assert_int_equal(busauth_new("accounts", "nokid" M_ACC, NULL, &a), ST_VALIDATION);
	assert_int_equal(busauth_new("accounts", NULL, "gateway:" M_GW, &a), ST_VALIDATION);
	assert_int_equal(busauth_new("bad name", NULL, NULL, &a), ST_VALIDATION);
	busauth_settings off = {.mode = 1};
	assert_int_equal(busauth_open("accounts", &off, 1, &a), ST_VALIDATION);
	assert_int_equal(busauth_open("accounts", &off, 0, &a), ST_OK);
	assert_null(a);
	busauth_settings nokey = {.mode = 0};
	assert_int_equal(busauth_open("accounts", &nokey, 0, &a), ST_VALIDATION);
}

static Bus__Request *decode(nng_msg *m)
{
	return bus__request__unpack(NULL, nng_msg_len(m), nng_msg_body(m));
}

static void test_busauth_request_envelope_signed_then_changed_fails(void **state)
{
	(void)state;
	busauth *v = accounts_verifier(), *gw = signer("gateway", "k1:" M_GW);
	Bus__Caller caller = BUS__CALLER__INIT;
	caller.person_id = "p1";
	nng_msg *m = bus_request_new("Login", &caller, 1, NULL, (const uint8_t *)"b", 1);
	assert_int_equal(busauth_request_sign(gw, "accounts", m), ST_OK);
	Bus__Request *env = decode(m);
	assert_non_null(env);
	assert_string_equal(env->signer, "gateway");
	assert_int_equal(busauth_request_verify(v, nng_msg_body(m), nng_msg_len(m), env), ST_OK);
	bus__request__free_unpacked(env, NULL);
	/* a byte of the caller changed after signing */
	uint8_t *p = memchr(nng_msg_body(m), 'p', nng_msg_len(m));
	*p = 'q';
	env = decode(m);
	assert_int_equal(busauth_request_verify(v, nng_msg_body(m), nng_msg_len(m), env),
	                 ST_UNAUTHENTICATED);
	bus__request__free_unpacked(env, NULL);
	nng_msg_free(m);
	/* unsigned */
	m = bus_request_new("Login", &caller, 1, NULL, (const uint8_t *)"b", 1);
	env = decode(m);
	assert_int_equal(busauth_request_verify(v, nng_msg_body(m), nng_msg_len(m), env),
	                 ST_UNAUTHENTICATED);
	bus__request__free_unpacked(env, NULL);
	nng_msg_free(m);
	busauth_free(gw);
	busauth_free(v);
}

static void test_busauth_event_verifies_only_under_its_source_key(void **state)
{
	(void)state;
	busauth *v = accounts_verifier(), *ent = signer("enterprise", "k1:" M_ENT),
	        *gw = signer("gateway", "k1:" M_GW);
	arena *a = arena_new();
	const char *aud[] = {"notify", "accounts"};
	Events__Event ev = EVENTS__EVENT__INIT;
	ev.source = "enterprise";
	ev.type = "enterprise.certification.approved";
	ev.has_seq = 1;
	ev.seq = 7;
	assert_int_equal(busauth_event_sign(ent, &ev, aud, 2, a), ST_OK);
	assert_int_equal(ev.n_macs, 2);
	assert_int_equal(busauth_event_verify(v, &ev, a), ST_OK);
	ev.seq = 8; /* changed after signing */
	assert_int_equal(busauth_event_verify(v, &ev, a), ST_UNAUTHENTICATED);
	/* claims source enterprise, signed with another principal's key */
	Events__Event forged = EVENTS__EVENT__INIT;
	forged.source = "enterprise";
	forged.type = "enterprise.certification.approved";
	busauth_event_sign(gw, &forged, aud, 2, a);
	forged.key_id = "k1";
	assert_int_equal(busauth_event_verify(v, &forged, a), ST_UNAUTHENTICATED);
	/* no MAC for this audience */
	Events__Event other = EVENTS__EVENT__INIT;
	other.source = "enterprise";
	const char *notify_only[] = {"notify"};
	busauth_event_sign(ent, &other, notify_only, 1, a);
	assert_int_equal(busauth_event_verify(v, &other, a), ST_UNAUTHENTICATED);
	arena_free(a);
	busauth_free(gw);
	busauth_free(ent);
	busauth_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_busauth_good_mac_verifies),
	        cmocka_unit_test(test_busauth_wrong_key_tampered_byte_and_other_audience_fail),
	        cmocka_unit_test(test_busauth_rotation_accepts_old_and_new_key),
	        cmocka_unit_test(test_busauth_unknown_signer_or_key_id_fails),
	        cmocka_unit_test(test_busauth_bad_settings_are_refused),
	        cmocka_unit_test(test_busauth_request_envelope_signed_then_changed_fails),
	        cmocka_unit_test(test_busauth_event_verifies_only_under_its_source_key),
	};
	return cmocka_run_group_tests_name("busauth", tests, NULL, NULL);
}
