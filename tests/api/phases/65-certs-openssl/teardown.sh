rm -rf "$CERTS_TMP"
bash "$CERTS_FIXTURE" replica-stop
