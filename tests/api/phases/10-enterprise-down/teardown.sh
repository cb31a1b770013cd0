# Back to a full stack for the phases after this one.
bash deploy/local/stack.sh start enterprise
wait_ready 60
