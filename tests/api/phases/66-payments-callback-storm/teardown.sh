rm -rf "$STORM_DIR"
bash deploy/local/stack.sh restart payments >/dev/null || return 1
wait_ready 60
