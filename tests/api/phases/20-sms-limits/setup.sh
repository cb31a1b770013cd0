# notify's SMS sending limits, reached by pre-seeding its Redis counters
# (services/notify/README.md, "Redis keys") instead of sending dozens of codes.
# Every request comes from 127.0.0.1 as the gateway sees it.
# Each command ends in `|| return 1`: bash 5.2 run-all.sh sources this in a subshell,
# and there a sourced file ending in `a && b` (b external) exits the subshell with b.
SMSCTL="bash tests/api/phases/20-sms-limits/smsctl.sh"
# What the earlier cases sent from 127.0.0.1: teardown.sh puts it back.
SMS_IP_BEFORE=$($SMSCTL get ip 127.0.0.1) || return 1
SMS_IP_BEFORE_PTTL=$($SMSCTL pttl ip 127.0.0.1) || return 1
SMS_PHONES="15900000001 15900000002 15900000003 15900000004 15900000005"
export SMSCTL SMS_IP_BEFORE SMS_IP_BEFORE_PTTL SMS_PHONES
$SMSCTL del gap $SMS_PHONES || return 1
$SMSCTL set hour 15900000001 4 || return 1
$SMSCTL set hour 15900000002 5 || return 1
$SMSCTL set day 15900000003 9 86400 || return 1
$SMSCTL set day 15900000004 10 86400 || return 1
$SMSCTL set ip 127.0.0.1 28 86400 || return 1
