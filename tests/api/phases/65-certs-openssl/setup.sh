# Phase 65-certs-openssl: for every algorithm the platform CA issues a certificate from a
# CSR (through the development route), `openssl verify` accepts it against its chain (SM2
# with the GM ID), and after the revoke call the CRL at /pki/<ca>.crl lists its serial.
CERTS_TMP=$(mktemp -d "$VAR_DIR/certs-phase.XXXXXX") && export CERTS_TMP
CERTS_CHECK="$(pwd)/tests/api/phases/65-certs-openssl/check.sh" && export CERTS_CHECK
command -v openssl >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 && command -v curl >/dev/null 2>&1
