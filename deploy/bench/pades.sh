# Sourced by bench.sh (HOOK: more figures): PAdES signatures per second on a 100 KB PDF
# (issue 19), beside `pdfsig -add-signature` and `openssl speed rsa2048` in the same run.
# padesbench (deploy/bench/padesbench.c) calls the certs service's signing engine in process
# on one thread: each signature is the visible seal, the CAdES SignedData and an RFC 3161
# token from the platform TSA's code, so two RSA-2048 signatures. pdfsig signs the same PDF
# with the same key and certificate from a throw-away NSS database (certutil, pk12util),
# one process per signature (its start and NSS's opening counted: that is how it is used),
# without a time-stamp. No stack needed.
bench_pades() {
	local dir=$SCRATCH/pades out rate inlen outlen t0 t1 n speed
	mkdir -p "$dir/nss"
	out=$("$BIN_DIR/padesbench" "$dir" 5 2>>"$RAW_DIR/pades.txt") ||
		die "PAdES figure: padesbench failed (see $RAW_DIR/pades.txt)"
	read -r rate inlen outlen <<<"$out"
	echo "padesbench: $rate signatures/s, $inlen bytes in, $outlen bytes signed" >>"$RAW_DIR/pades.txt"
	{
		certutil -N -d "sql:$dir/nss" --empty-password &&
			pk12util -i "$dir/signer.p12" -d "sql:$dir/nss" -W bench &&
			certutil -A -d "sql:$dir/nss" -n bench-root -t C,C,C -i "$dir/root.pem"
	} >>"$RAW_DIR/pades.txt" 2>&1 || die "PAdES figure: the NSS database failed (see $RAW_DIR/pades.txt)"
	n=0
	t0=$(date +%s%N)
	t1=$t0
	while ((t1 - t0 < 5000000000)); do
		rm -f "$dir/pdfsig.pdf"
		pdfsig -add-signature -nssdir "sql:$dir/nss" -nick bench-signer "$dir/in.pdf" \
			"$dir/pdfsig.pdf" >>"$RAW_DIR/pades-pdfsig.txt" 2>&1 && [[ -s $dir/pdfsig.pdf ]] ||
			die "PAdES figure: pdfsig -add-signature failed (see $RAW_DIR/pades-pdfsig.txt)"
		n=$((n + 1))
		t1=$(date +%s%N)
	done
	speed=$(openssl speed -mr -seconds 3 rsa2048 2>/dev/null | awk -F: '/^\+F2:/ { printf "%.0f", $4 }')
	row "PAdES B-T sign/s, RSA, $((inlen / 1024)) KB PDF" "$rate" "" ""
	row "pdfsig -add-signature/s (process)" \
		"$(awk -v n="$n" -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f", n / (ns / 1e9) }')" "" ""
	row "openssl speed rsa2048 sign/s (1 core)" "$speed" "" ""
	row "ratio PAdES / openssl sign" \
		"$(awk -v a="$rate" -v b="$speed" 'BEGIN { if (b > 0) printf "%.4f", a / b; else printf "n/a" }')" "" ""
}
