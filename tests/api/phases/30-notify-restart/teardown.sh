# Whatever the cases did, notify runs again and the stack is ready.
bash deploy/local/stack.sh start notify || return 1
wait_ready 60
