# Back to the usual worker pools for the phases after this one.
bash deploy/local/stack.sh restart accounts &&
	bash deploy/local/stack.sh restart enterprise &&
	bash deploy/local/stack.sh restart notify &&
	wait_ready 60
