# Delivery failover and back-off (issue 20): the sandbox SMS providers are told to fail,
# time out or rate-limit through the development-only control (PUT /api/v1/dev/sms-providers),
# and time is moved in the database (tests/api/fixtures/notify.sh drive), never slept.
# Both providers answer again whatever the cases left.
rm -f "$VAR_DIR"/sms/fault-primary "$VAR_DIR"/sms/fault-secondary
