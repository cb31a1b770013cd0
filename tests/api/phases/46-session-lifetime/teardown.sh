# Back to the stack's session lifetimes (the defaults).
bash deploy/local/stack.sh restart accounts && wait_ready 60
