#!/usr/bin/env bash
# check.sh ALG: CSR → DevIssueCertificate → openssl verify → DevRevokeCertificate →
# the serial in `openssl crl` with its reason; a wrong-size key is refused.
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
# The same key again: a reused public key is refused.
code=$(issue csr.pem again.json)
[[ $code == 409 ]] && jq -e '.error.code == "CERT_KEY_REUSED"' again.json >/dev/null
code=$(jq -n --arg s "$serial" '{serial: $s, reason: 1, actor: "test:phase"}' |
	curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- -o rev.json \
		-w '%{http_code}' "$GATEWAY_URL/api/v1/dev/certs/revocations")
[[ $code == 200 ]] || { echo "revoke: HTTP $code: $(cat rev.json)"; exit 1; }
curl -sS -f -o crl.der "$GATEWAY_URL/pki/$alg.crl"
openssl crl -inform DER -in crl.der -noout -text >crl.txt
grep -q "Serial Number: $serial" crl.txt
grep -q "Key Compromise" crl.txt
echo "$alg: issued $serial, verified, revoked, listed in the CRL"
