# Leaves Redis as setup.sh found it: the phase's phones forgotten, the IP counter back
# to what the cases before this phase had sent.
$SMSCTL del gap $SMS_PHONES
$SMSCTL del hour $SMS_PHONES
$SMSCTL del day $SMS_PHONES
$SMSCTL del code:register $SMS_PHONES
if [[ -n $SMS_IP_BEFORE && $SMS_IP_BEFORE_PTTL -gt 0 ]]; then
	$SMSCTL redis SET "$($SMSCTL key ip 127.0.0.1)" "$SMS_IP_BEFORE" PX "$SMS_IP_BEFORE_PTTL" >/dev/null
else
	$SMSCTL del ip 127.0.0.1
fi
