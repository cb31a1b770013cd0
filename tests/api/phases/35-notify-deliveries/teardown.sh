rm -f "$VAR_DIR"/sms/fault-primary "$VAR_DIR"/sms/fault-secondary
