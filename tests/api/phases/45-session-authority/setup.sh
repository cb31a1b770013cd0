# Sessions follow the truth: a role removed, an account disabled, a password reset by
# the admin CLI end the person's sessions at once (common/session.h's generation). The
# persons come from the admin CLI (deploy/local/demo-data.sh admin ...); the cases
# change them with it and watch the old sessions be refused on their next request.
bash deploy/local/demo-data.sh admin create-operator --phone 13900009101 \
	--password 'Passw0rd!Go' --roles reviewer >/dev/null &&
	bash deploy/local/demo-data.sh admin create-person --phone 13900009102 \
		--password 'Passw0rd!Go' >/dev/null
