# Leaves the stack as setup.sh found it: no fault trigger, the sink a file, the phase's
# phones forgotten by notify, the IP counter back. (`|| return 1`: see setup.sh.)
psql "$HW_SU" -X -q -v ON_ERROR_STOP=1 <<'SQL' || return 1
DROP TRIGGER IF EXISTS phase55_register ON accounts.persons;
DROP TRIGGER IF EXISTS phase55_reset ON accounts.persons;
DROP TRIGGER IF EXISTS phase55_kyc ON accounts.verifications;
DROP FUNCTION IF EXISTS public.phase55_refuse();
SQL
if [[ -d $VAR_DIR/sms/outbox.jsonl ]]; then
	rmdir "$VAR_DIR/sms/outbox.jsonl" && mv "$VAR_DIR/sms/outbox.jsonl.phase55" "$VAR_DIR/sms/outbox.jsonl" || return 1
fi
$SMSCTL del gap $HW_PHONES || return 1
$SMSCTL del hour $HW_PHONES || return 1
$SMSCTL del day $HW_PHONES || return 1
for purpose in register reset kyc; do
	$SMSCTL del code:$purpose $HW_PHONES || return 1
done
if [[ -n $HW_IP_BEFORE && $HW_IP_BEFORE_PTTL -gt 0 ]]; then
	$SMSCTL redis SET "$($SMSCTL key ip 127.0.0.1)" "$HW_IP_BEFORE" PX "$HW_IP_BEFORE_PTTL" >/dev/null || return 1
else
	$SMSCTL del ip 127.0.0.1 || return 1
fi
