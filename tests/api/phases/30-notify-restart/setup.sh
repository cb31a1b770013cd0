# notify stops and starts again in the middle of this phase's cases (exec cases):
# an event published while it is down must reach the inbox once after it starts.
# Registering needs notify (SMS codes), so it is running when the cases begin.
bash deploy/local/stack.sh start notify || return 1
wait_ready 60
