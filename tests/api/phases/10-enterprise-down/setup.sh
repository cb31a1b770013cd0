# The enterprise service stops: the gateway must answer 503 within the deadline, not hang.
bash deploy/local/stack.sh stop enterprise
