rm -rf "$CERTS_TMP"
