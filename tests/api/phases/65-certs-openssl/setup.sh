# Phase 65-certs-openssl: for every algorithm the platform CA issues a certificate from a
# CSR (through the development route), `openssl verify` accepts it against its chain (SM2
# with the GM ID), `openssl ocsp` says good, unknown, then revoked after the revoke call,
# and the CRL at /pki/<ca>.crl lists its serial; the TSA's stamps verify with `openssl
# ts`. First, the daily CRL job under two certs replicas started at once (the stack's and
# a second process, fixtures/certs-pki.sh): one run, each CRL number advanced once.
CERTS_TMP=$(mktemp -d "$VAR_DIR/certs-phase.XXXXXX") && export CERTS_TMP
CERTS_CHECK="$(pwd)/tests/api/phases/65-certs-openssl/check.sh" && export CERTS_CHECK
CERTS_PKI="$(pwd)/tests/api/phases/65-certs-openssl/pki.sh" && export CERTS_PKI
CERTS_FIXTURE="$(pwd)/tests/api/fixtures/certs-pki.sh" && export CERTS_FIXTURE
command -v openssl >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 || return 1
bash "$CERTS_FIXTURE" race || return 1
wait_ready 60
