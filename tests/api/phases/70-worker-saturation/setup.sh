# accounts and enterprise with two workers each: enterprise calls accounts
# (CheckIdentity) while accounts answers identities; with a call back from accounts
# to enterprise a worker of each could wait on the other and exhaust both pools.
export SVC_WORKERS=2
bash deploy/local/stack.sh restart accounts &&
	bash deploy/local/stack.sh restart enterprise &&
	wait_ready 60 &&
	export SATURATION_API_TEST=$API_TEST
unset SVC_WORKERS
