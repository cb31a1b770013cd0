# Sourced by bench.sh (HOOK: more figures): certificates issued per second per algorithm
# (issue 17), beside `openssl speed` signing with the same key type in the same run. Each
# certificate goes the whole path: a fresh key's PKCS#10 request through the gateway's
# development route (DevIssueCertificate: CSR signature check, issuance signed by the
# issuing CA, the certificate, its audit entry and its certs.certificate.issued event in
# one transaction). The CSRs are made before the clock starts; one curl process sends
# them 8 at a time (--parallel), so no process start is counted. The ratio is issued/s
# over the CA key type's sign/s of one core: what the rest of the path costs.
bench_certs() {
	local url="http://127.0.0.1:$GATEWAY_PORT/api/v1/dev/certs/certificates"
	local alg n dir cfg i t0 t1 ok rate speed
	for alg in rsa ecdsa sm2; do
		dir=$SCRATCH/certs-$alg
		mkdir -p "$dir"
		n=${BENCH_CERTS_N:-300}
		[[ $alg == rsa ]] && n=$((n / 3)) # RSA-2048 keys take a while to make
		cfg=$dir/curl.cfg
		: >"$cfg"
		for ((i = 0; i < n; i++)); do
			case $alg in
			rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/k" 2>/dev/null ;;
			ecdsa) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/k" ;;
			sm2) openssl genpkey -algorithm SM2 -out "$dir/k" ;;
			esac
			if [[ $alg == sm2 ]]; then
				openssl req -new -key "$dir/k" -subj "/CN=bench" -sm3 \
					-sigopt distid:1234567812345678 -out "$dir/csr"
			else
				openssl req -new -key "$dir/k" -subj "/CN=bench" -out "$dir/csr"
			fi
			jq -n --arg alg "$alg" --rawfile csr "$dir/csr" '{algorithm: $alg,
				profile: "enterprise", validity_years: 1, common_name: "压测企业",
				organization: "压测企业", uscc: "91110000MA01234567", csr: $csr,
				actor: "bench:certs"}' >"$dir/$i.json"
			# A connection per request: a kept-alive one the gateway closes while curl
			# reuses it loses that request (000) under --parallel.
			((i == 0)) || echo next >>"$cfg"
			printf 'url = "%s"\nheader = "Content-Type: application/json"\nheader = "Connection: close"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
				"$url" "$dir/$i.json" >>"$cfg"
		done
		t0=$(date +%s%N)
		curl -s --parallel --parallel-max 8 -K "$cfg" >"$dir/codes" 2>>"$RAW_DIR/certs.txt" || true
		t1=$(date +%s%N)
		ok=$(grep -c '^201$' "$dir/codes" || true)
		[[ $ok == "$n" ]] || die "certs figure: $ok of $n $alg certificates issued (see $dir/codes)"
		rate=$(awk -v n="$n" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
		case $alg in
		rsa) speed=$(openssl speed -mr -seconds 3 rsa2048 2>/dev/null | awk -F: '/^\+F2:/ { printf "%.0f", $4 }') ;;
		ecdsa) speed=$(openssl speed -mr -seconds 3 ecdsap256 2>/dev/null | awk -F: '/^\+F4:/ { printf "%.0f", $4 }') ;;
		sm2) speed=$(openssl speed -mr -seconds 3 sm2 2>/dev/null | awk -F: '/^\+F7:/ { printf "%.0f", $5 }') ;;
		esac
		printf '%s: %s issued in %s ns; openssl speed sign/s %s\n' "$alg" "$n" "$((t1 - t0))" \
			"$speed" >>"$RAW_DIR/certs.txt"
		row "certs issued/s, $alg (c8)" "$rate" "" ""
		row "openssl speed $alg sign/s (1 core)" "$speed" "" ""
		row "ratio $alg issued / openssl sign" \
			"$(awk -v a="$rate" -v b="$speed" 'BEGIN { if (b > 0) printf "%.4f", a / b; else printf "n/a" }')" "" ""
	done
}
