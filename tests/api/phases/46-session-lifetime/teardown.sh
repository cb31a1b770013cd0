# Back to the stack's session lifetimes (the defaults).
bash deploy/local/stack.sh restart accounts && wait_ready 60 &&
	wait_login 13900009201 'Passw0rd!Go' 60
