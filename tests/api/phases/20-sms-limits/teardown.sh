# Leaves Redis as setup.sh found it: the phase's phones forgotten, the IP counter back
# to what the cases before this phase had sent. (`|| return 1`: see setup.sh.)
$SMSCTL del gap $SMS_PHONES || return 1
$SMSCTL del hour $SMS_PHONES || return 1
$SMSCTL del day $SMS_PHONES || return 1
$SMSCTL del code:register $SMS_PHONES || return 1
$SMSCTL del code:login $SMS_PHONES || return 1
if [[ -n $SMS_IP_BEFORE && $SMS_IP_BEFORE_PTTL -gt 0 ]]; then
	$SMSCTL redis SET "$($SMSCTL key ip 127.0.0.1)" "$SMS_IP_BEFORE" PX "$SMS_IP_BEFORE_PTTL" >/dev/null || return 1
else
	$SMSCTL del ip 127.0.0.1 || return 1
fi
