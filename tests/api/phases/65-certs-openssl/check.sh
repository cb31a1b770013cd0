#!/usr/bin/env bash
# check.sh ALG: CSR → DevIssueCertificate → openssl verify → OCSP good (POST, GET), an
# unknown serial unknown → DevRevokeCertificate → OCSP revoked with reason and time → the
# serial in `openssl crl` with its reason.
set -euo pipefail
alg=$1
d="$CERTS_TMP/$alg"
mkdir -p "$d"
cd "$d"
sigopt=()
vfyopt=()
case $alg in
rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem 2>/dev/null ;;
ecdsa) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem ;;
sm2)
	openssl genpkey -algorithm SM2 -out key.pem
	sigopt=(-sm3 -sigopt distid:1234567812345678)
	vfyopt=(-vfyopt distid:1234567812345678)
	;;
esac
openssl req -new -key key.pem -subj "/CN=phase-$alg" "${sigopt[@]}" -out csr.pem
issue() {
	jq -n --arg alg "$alg" --rawfile csr "$1" '{algorithm: $alg, profile: "enterprise",
		validity_years: 1, common_name: "测试企业", organization: "测试企业",
		uscc: "91110000MA01234567", csr: $csr, actor: "test:phase"}' |
		curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- \
			-o "$2" -w '%{http_code}' "$GATEWAY_URL/api/v1/dev/certs/certificates"
}
code=$(issue csr.pem out.json)
[[ $code == 201 ]] || { echo "issue: HTTP $code: $(cat out.json)"; exit 1; }
jq -r .certificate_pem out.json >cert.pem
jq -r .chain_pem out.json >chain.pem
serial=$(jq -r .serial out.json)
awk '/BEGIN/{n++} n==1' chain.pem >issuing.pem
awk '/BEGIN/{n++} n==2' chain.pem >root.pem
if [[ $alg == sm2 ]]; then
	# OpenSSL 3.0's `verify -vfyopt distid:` gives the ID to the target certificate only, so
	# an SM2 intermediate fails under the empty default ID: each link is checked alone
	# (issuing CA against the root, the certificate against the issuing CA as anchor).
	openssl verify "${vfyopt[@]}" -CAfile root.pem issuing.pem
	openssl verify "${vfyopt[@]}" -partial_chain -CAfile issuing.pem cert.pem
else
	openssl verify -CAfile root.pem -untrusted issuing.pem cert.pem
fi
# OCSP (RFC 6960): POST through `openssl ocsp -url`, GET as /pki/ocsp/<URL-encoded base64>.
# The delegated responder's signature is verified against the chain, except SM2's:
# OpenSSL 3.0's `ocsp` checks SM2 signatures under the empty default ID, so for SM2 the
# status is read with -noverify and the signature is checked with the GM ID in
# services/certs/pki_test.c (sm2_verify).
noverify=()
[[ $alg == sm2 ]] && noverify=(-noverify)
ocsp_post() {
	openssl ocsp -issuer issuing.pem -url "$GATEWAY_URL/pki/ocsp" -CAfile chain.pem \
		"${noverify[@]}" "$@" 2>ocsp.err
}
ocsp_get() {
	openssl ocsp -issuer issuing.pem -cert cert.pem -reqout req.der >/dev/null
	b64=$(base64 -w0 req.der | jq -sRr @uri)
	curl -sS -f -o resp.der "$GATEWAY_URL/pki/ocsp/$b64"
	openssl ocsp -respin resp.der -issuer issuing.pem -cert cert.pem -no_nonce -CAfile chain.pem \
		"${noverify[@]}" 2>ocsp.err
}
ocsp_post -cert cert.pem >ocsp.txt
grep -q "^cert.pem: good" ocsp.txt || { echo "OCSP POST: $(cat ocsp.txt ocsp.err)"; exit 1; }
[[ $alg == sm2 ]] || grep -q "Response verify OK" ocsp.err
ocsp_get >ocsp.txt
grep -q "^cert.pem: good" ocsp.txt || { echo "OCSP GET: $(cat ocsp.txt ocsp.err)"; exit 1; }
[[ $alg == sm2 ]] || grep -q "Response verify OK" ocsp.err
# A serial this CA never issued: unknown.
ocsp_post -serial 0x7123456789ABCDEF0123456789ABCDEF >ocsp.txt
grep -q "^0x7123456789ABCDEF0123456789ABCDEF: unknown" ocsp.txt ||
	{ echo "OCSP unknown: $(cat ocsp.txt ocsp.err)"; exit 1; }
# The same key again: a reused public key is refused.
code=$(issue csr.pem again.json)
[[ $code == 409 ]] && jq -e '.error.code == "CERT_KEY_REUSED"' again.json >/dev/null
code=$(jq -n --arg s "$serial" '{serial: $s, reason: 1, actor: "test:phase"}' |
	curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- -o rev.json \
		-w '%{http_code}' "$GATEWAY_URL/api/v1/dev/certs/revocations")
[[ $code == 200 ]] || { echo "revoke: HTTP $code: $(cat rev.json)"; exit 1; }
# Revoked, with the reason and the time of the revoke call.
when=$(date -u -d "$(jq -r .revoked_at rev.json)" '+%b %e %H:%M:%S %Y GMT')
for form in post get; do
	if [[ $form == post ]]; then ocsp_post -cert cert.pem >ocsp.txt; else ocsp_get >ocsp.txt; fi
	grep -q "^cert.pem: revoked" ocsp.txt && grep -q "Reason: keyCompromise" ocsp.txt &&
		grep -q "Revocation Time: $when" ocsp.txt ||
		{ echo "OCSP $form after revoke (want $when): $(cat ocsp.txt ocsp.err)"; exit 1; }
done
curl -sS -f -o crl.der "$GATEWAY_URL/pki/$alg.crl"
openssl crl -inform DER -in crl.der -noout -text >crl.txt
grep -q "Serial Number: $serial" crl.txt
grep -q "Key Compromise" crl.txt
echo "$alg: issued $serial, verified, OCSP good/unknown/revoked (POST and GET), revoked, listed in the CRL"
