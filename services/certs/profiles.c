/* The enterprise and personal end-entity profiles (profiles.h). */
#include "profiles.h"
#include "status.h"

#include <ctype.h>
#include <string.h>

const char *const profile_names[PROFILE_N] = {"enterprise", "personal"};

int profile_parse(const char *s)
{
	for (int i = 0; s && i < PROFILE_N; i++)
		if (strcmp(s, profile_names[i]) == 0)
			return i;
	return -1;
}

/* 18 characters of digits and upper-case letters (the USCC's and the ID number's shape;
 * the check digits are the owning services' business). */
static int profile_code18(const char *s)
{
	if (!s || strlen(s) != 18)
		return 0;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && !isupper((unsigned char)*p))
			return 0;
	return 1;
}

static int profile_text(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64 * 3)
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int profile_add(X509_NAME *n, const char *field, const char *value)
{
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1,
	                                  -1, 0) == 1
	               ? 0
	               : -1;
}

int profile_subject_name(profile_kind k, const profile_subject *s, const crypto_keys *keys,
                         X509_NAME **out)
{
	X509_NAME *n = NULL;
	char hash[65];
	int rv;
	if (!profile_text(s->common_name))
		return status_err(ST_CERT_SUBJECT, "common_name");
	if (k == PROFILE_ENTERPRISE) {
		if (!profile_text(s->organization))
			return status_err(ST_CERT_SUBJECT, "organization");
		if (!profile_code18(s->uscc))
			return status_err(ST_CERT_SUBJECT, "uscc");
	} else {
		if (!profile_code18(s->id_number))
			return status_err(ST_CERT_SUBJECT, "id_number");
		if (crypto_lookup_hash(keys, s->id_number, hash) != 0)
			return status_err(ST_INTERNAL, NULL);
	}
	if (!(n = X509_NAME_new()) || profile_add(n, "C", "CN") != 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto fail;
	}
	if (k == PROFILE_ENTERPRISE) {
		if (profile_add(n, "O", s->organization) != 0 ||
		    profile_add(n, "organizationIdentifier", s->uscc) != 0) {
			rv = status_err(ST_CERT_SUBJECT, "organization");
			goto fail;
		}
	} else if (profile_add(n, "serialNumber", hash) != 0) {
		rv = status_err(ST_INTERNAL, NULL);
		goto fail;
	}
	if (profile_add(n, "CN", s->common_name) != 0) {
		rv = status_err(ST_CERT_SUBJECT, "common_name");
		goto fail;
	}
	*out = n;
	return ST_OK;
fail:
	X509_NAME_free(n);
	return rv;
}

void profile_spec(profile_kind k, X509_NAME *subject, int years, const char *crl_url,
                  const char *ocsp_url, ca_ee_spec *spec)
{
	(void)k; /* both profiles sign; they differ in the subject only */
	memset(spec, 0, sizeof *spec);
	spec->subject = subject;
	spec->days = 365 * years;
	spec->key_usage = "critical,digitalSignature,nonRepudiation";
	spec->crl_url = crl_url;
	spec->ocsp_url = ocsp_url;
}
