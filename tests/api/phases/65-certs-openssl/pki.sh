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
	openssl ts -query -data f -sha256 -cert -out q.tsq 2>/dev/null
	ct=$(tsa q.tsq r.tsr)
	[[ $ct == application/timestamp-reply ]] || { echo "content type $ct"; exit 1; }
	openssl ts -verify -data f -in r.tsr -CAfile chain.pem >v.txt 2>&1
	grep -q "Verification: OK" v.txt
	openssl ts -reply -in r.tsr -text >r.txt 2>&1
	grep -q "Policy OID: 2.25.274563175144955193509753105666911003084" r.txt
	grep -q "Accuracy: 0x01 seconds" r.txt
	tsa q.tsq r2.tsr >/dev/null
	s1=$(grep "Serial number" r.txt)
	openssl ts -reply -in r2.tsr -text >r2.txt 2>&1
	s2=$(grep "Serial number" r2.txt)
	[[ $s1 != "$s2" ]] || { echo "two stamps, one serial: $s1"; exit 1; }
	openssl ts -query -data f -sha1 -out q1.tsq 2>/dev/null
	tsa q1.tsq r1.tsr >/dev/null
	openssl ts -reply -in r1.tsr -text >r1.txt 2>&1
	grep -q "Status: Rejected" r1.txt
	grep -qi "unrecognized or unsupported algorithm" r1.txt
	echo "tsa: verified, policy and accuracy ours, serials $s1 / $s2, SHA-1 rejected"
	;;
ocsp-errors)
	ct=$(curl -sS -f -H 'Content-Type: application/ocsp-request' --data-binary 'junk' \
		-o bad.der -w '%{content_type}' "$GATEWAY_URL/pki/ocsp")
	[[ $ct == application/ocsp-response ]] || { echo "content type $ct"; exit 1; }
	# openssl ocsp exits 1 on an error status: its text is read from a file.
	status() { openssl ocsp -respin "$1" -resp_text -noverify >"$1.txt" 2>&1 || true; grep -qi "$2" "$1.txt"; }
	status bad.der "Responder Error: malformedRequest"
	curl -sS -f -o bad2.der "$GATEWAY_URL/pki/ocsp/not-base64%21"
	status bad2.der "Responder Error: malformedRequest"
	# A CA of someone else's: a fresh self-signed CA and a certificate it issued.
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj "/CN=not ours" \
		-days 1 -out ca.pem 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout ee.key -subj "/CN=ee" -out ee.csr 2>/dev/null
	openssl x509 -req -in ee.csr -CA ca.pem -CAkey ca.key -set_serial 7 -days 1 \
		-out ee.pem 2>/dev/null
	openssl ocsp -issuer ca.pem -cert ee.pem -reqout foreign.der >/dev/null
	curl -sS -f -H 'Content-Type: application/ocsp-request' --data-binary @foreign.der \
		-o foreign-resp.der "$GATEWAY_URL/pki/ocsp"
	status foreign-resp.der "Responder Error: unauthorized"
	echo "ocsp: junk and bad base64 malformedRequest, a foreign CA unauthorized"
	;;
esac
