# accounts, enterprise and notify with two workers each, every pool of the call graph
# (enterprise -> accounts -> notify) busy at once: enterprise calls accounts
# (CheckIdentity), which calls notify (VerifySmsCode), while accounts answers identities
# and notify an enterprise's messages. With a call back from notify to enterprise (or
# from accounts to enterprise) a worker of each could wait on the next and exhaust
# all the pools.
export SVC_WORKERS=2
bash deploy/local/stack.sh restart accounts &&
	bash deploy/local/stack.sh restart enterprise &&
	bash deploy/local/stack.sh restart notify &&
	wait_ready 60 &&
	export SATURATION_API_TEST=$API_TEST
unset SVC_WORKERS
