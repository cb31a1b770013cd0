/*
 * Identity-check providers for personal real-name verification: face/liveness,
 * bank card 4 factors and carrier 3 factors. One interface, chosen by KYC_PROVIDER:
 * "sandbox" (kyc_sandbox.c: deterministic test citizens, same shapes and failure
 * modes as the real one) or "http" (kyc_http.c: a real provider's HTTP API).
 */
#ifndef ACCOUNTS_KYC_H
#define ACCOUNTS_KYC_H

#include <stddef.h>

enum kyc_outcome {
	KYC_MATCH,    /* every factor agrees */
	KYC_MISMATCH, /* failed_factor names the first one that does not */
	KYC_PENDING,  /* face: the person has not finished the liveness check */
	KYC_TIMEOUT,  /* the provider did not answer within its deadline */
	KYC_ERROR,    /* the provider failed or answered nonsense */
};

typedef struct kyc_result {
	enum kyc_outcome outcome;
	char failed_factor[32]; /* name | id_number | bank_card | phone | face */
	char reason[128];       /* the provider's Chinese explanation */
} kyc_result;

typedef struct kyc_provider kyc_provider;

/* Opens the provider named by name ("sandbox" | "http"); 0 or -1 (logged). */
int kyc_provider_open(const char *name, const char *url, long timeout_ms, kyc_provider **out);
void kyc_provider_close(kyc_provider *p);

/* Starts a liveness session: a session id and the URL the person opens. */
int kyc_face_start(kyc_provider *p, const char *name, const char *id_number, char *session_id,
                   size_t session_len, char *url, size_t url_len, kyc_result *r);
/* The session's result: MATCH, MISMATCH (face), PENDING, TIMEOUT or ERROR. */
int kyc_face_result(kyc_provider *p, const char *session_id, kyc_result *r);
int kyc_bank4(kyc_provider *p, const char *name, const char *id_number, const char *card,
              const char *phone, kyc_result *r);
int kyc_carrier3(kyc_provider *p, const char *name, const char *id_number, const char *phone,
                 kyc_result *r);

#endif
