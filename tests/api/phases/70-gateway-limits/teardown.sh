# Back to the stack's login budget. The restart also stops the gateway that served the
# abandoned requests, so LeakSanitizer reports into its log now, where run-all.sh's
# sanitizer phase looks.
GATEWAY_LOGIN_ATTEMPTS=$STACK_LOGIN_ATTEMPTS bash deploy/local/stack.sh restart gateway &&
	wait_ready 60
