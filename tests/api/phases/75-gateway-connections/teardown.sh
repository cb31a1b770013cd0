# Back to the stack's connection cap. Stopping the gateway that served the abandoned
# requests makes LeakSanitizer report into its log, where run-all.sh's sanitizer phase
# looks.
unset GATEWAY_MAX_CONNECTIONS
bash deploy/local/stack.sh restart gateway && wait_ready 60
