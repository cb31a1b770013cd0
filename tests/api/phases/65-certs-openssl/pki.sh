#!/usr/bin/env bash
# pki.sh tsa | ocsp-errors: the TSA and the OCSP responder's protocol errors, with openssl.
#   tsa          a SHA-256 query (certReq) → POST /pki/tsa → `openssl ts -verify` OK against
#                the RSA chain, our policy OID, accuracy 1 s, two stamps two serials; a
#                SHA-1 query is rejected (badAlg) inside the protocol
#   ocsp-errors  junk → malformedRequest; a CA not ours → unauthorized; both HTTP 200 with
#                application/ocsp-response (the protocol's errors, not the API's JSON)
set -euo pipefail
d="$CERTS_TMP/pki"
mkdir -p "$d"
cd "$d"
tsa() {
	curl -sS -f -H 'Content-Type: application/timestamp-query' --data-binary "@$1" \
		-o "$2" -w '%{content_type}' "$GATEWAY_URL/pki/tsa"
}
case $1 in
tsa)
	# The chain: the RSA root and issuing CA, as any certificate of the RSA CA carries it.
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem 2>/dev/null
	openssl req -new -key key.pem -subj "/CN=phase-tsa" -out csr.pem
	jq -n --rawfile csr csr.pem '{algorithm: "rsa", profile: "enterprise", validity_years: 1,
		common_name: "测试企业", organization: "测试企业", uscc: "91110000MA01234567",
		csr: $csr, actor: "test:phase"}' |
		curl -sS -f -X POST -H 'Content-Type: application/json' --data-binary @- \
			-o out.json "$GATEWAY_URL/api/v1/dev/certs/certificates"
	jq -r .chain_pem out.json >chain.pem
	printf 'a document to stamp\n' >f
	openssl ts -query -data f -sha256 -cert -out q.tsq
	ct=$(tsa q.tsq r.tsr)
	[[ $ct == application/timestamp-reply ]] || { echo "content type $ct"; exit 1; }
	openssl ts -verify -data f -in r.tsr -CAfile chain.pem | grep -q "Verification: OK"
	openssl ts -reply -in r.tsr -text >r.txt
	grep -q "Policy OID: 2.25.274563175144955193509753105666911003084" r.txt
	grep -q "Accuracy: 0x01 seconds" r.txt
	tsa q.tsq r2.tsr >/dev/null
	s1=$(grep "Serial number" r.txt)
	s2=$(openssl ts -reply -in r2.tsr -text | grep "Serial number")
	[[ $s1 != "$s2" ]] || { echo "two stamps, one serial: $s1"; exit 1; }
	openssl ts -query -data f -sha1 -out q1.tsq
	tsa q1.tsq r1.tsr >/dev/null
	openssl ts -reply -in r1.tsr -text | grep -q "Status: Rejected"
	openssl ts -reply -in r1.tsr -text | grep -qi "unrecognized or unsupported algorithm"
	echo "tsa: verified, policy and accuracy ours, serials $s1 / $s2, SHA-1 rejected"
	;;
ocsp-errors)
	ct=$(curl -sS -f -H 'Content-Type: application/ocsp-request' --data-binary 'junk' \
		-o bad.der -w '%{content_type}' "$GATEWAY_URL/pki/ocsp")
	[[ $ct == application/ocsp-response ]] || { echo "content type $ct"; exit 1; }
	openssl ocsp -respin bad.der -resp_text -noverify | grep -q "malformedRequest"
	curl -sS -f -o bad2.der "$GATEWAY_URL/pki/ocsp/not-base64%21"
	openssl ocsp -respin bad2.der -resp_text -noverify | grep -q "malformedRequest"
	# A CA of someone else's: a fresh self-signed CA and a certificate it issued.
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj "/CN=not ours" \
		-days 1 -out ca.pem 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout ee.key -subj "/CN=ee" -out ee.csr 2>/dev/null
	openssl x509 -req -in ee.csr -CA ca.pem -CAkey ca.key -set_serial 7 -days 1 \
		-out ee.pem 2>/dev/null
	openssl ocsp -issuer ca.pem -cert ee.pem -reqout foreign.der >/dev/null
	curl -sS -f -H 'Content-Type: application/ocsp-request' --data-binary @foreign.der \
		-o foreign-resp.der "$GATEWAY_URL/pki/ocsp"
	openssl ocsp -respin foreign-resp.der -resp_text -noverify | grep -q "unauthorized"
	echo "ocsp: junk and bad base64 malformedRequest, a foreign CA unauthorized"
	;;
esac
