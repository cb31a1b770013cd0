/*
 * End-entity profiles: the subject and extensions of an enterprise or a personal
 * certificate, from the fields the caller gives (pure, no state).
 */
#ifndef CERTS_PROFILES_H
#define CERTS_PROFILES_H

#include "ca.h"
#include "crypto.h"

typedef enum { PROFILE_ENTERPRISE, PROFILE_PERSONAL, PROFILE_N } profile_kind;

extern const char *const profile_names[PROFILE_N];

/* The profile named s; -1 when none. */
int profile_parse(const char *s);

typedef struct profile_subject {
	const char *common_name;
	const char *organization; /* enterprise */
	const char *uscc;         /* enterprise: 18 characters */
	const char *id_number;    /* personal: 18 characters; only its keyed hash is written */
} profile_subject;

/*
 * The X.509 name of a subject: C=CN, O, CN and organizationIdentifier=USCC for an
 * enterprise; C=CN, CN and serialNumber=HMAC-SHA256(PII_MAC_KEY, ID number) for a person,
 * the same blind index accounts keeps, so the raw number is in no public field.
 * ST_OK with *out (X509_NAME_free), or ST_CERT_SUBJECT naming the field.
 */
int profile_subject_name(profile_kind k, const profile_subject *s, const crypto_keys *keys,
                         X509_NAME **out);

/* Fills spec for the profile (key usage for signing, the URLs). */
void profile_spec(profile_kind k, X509_NAME *subject, int years, const char *crl_url,
                  const char *ocsp_url, ca_ee_spec *spec);

#endif
