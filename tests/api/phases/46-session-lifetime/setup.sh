# Sessions end after their idle timeout and at their absolute lifetime, and the cookie
# follows them. accounts is restarted with a 2 s idle timeout and a 5 s lifetime (they
# are stamped on each session at login); teardown.sh puts the stack's values back.
# (`|| return 1`: see 20-sms-limits.)
bash deploy/local/demo-data.sh admin create-person --phone 13900009201 \
	--password 'Passw0rd!Go' >/dev/null || return 1
SESSION_IDLE_S=2 SESSION_ABSOLUTE_S=5 bash deploy/local/stack.sh restart accounts || return 1
wait_ready 60 || return 1
wait_login 13900009201 'Passw0rd!Go' 60 || return 1
