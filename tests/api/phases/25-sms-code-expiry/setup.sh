# A code's validity (300 s) runs out in Redis: the key's expiry is checked, then
# brought forward to now instead of waiting five minutes.
SMSCTL="bash tests/api/phases/20-sms-limits/smsctl.sh"
SMS_EXPIRY_PHONE=15900000021
SMS_EXPIRY_KEY="notify:sms:code:register:$($SMSCTL hash "$SMS_EXPIRY_PHONE")" || return 1
export SMSCTL SMS_EXPIRY_PHONE SMS_EXPIRY_KEY
