/* Routes of the notify service. */
#include "notify.pb-c.h"
#include "routes.h"

#define NTF(m, p, rpc, auth, created, summary)                                                     \
	{                                                                                          \
		m, p, "notify", &notify__notify__descriptor, rpc, auth, created, summary,          \
		        GW_SESSION_KEEP, NULL, 0, GW_LIMIT_NONE                                    \
	}

static gw_route routes[] = {
        NTF("POST", "/api/v1/sms-codes", "IssueSmsCode", GW_AUTH_NONE, 1, "发送短信验证码"),
        NTF("GET", "/api/v1/dev/sms", "ListDevSms", GW_AUTH_DEV, 0,
            "开发模式：查看开发短信通道发出的短信"),
        NTF("GET", "/api/v1/me/messages", "ListMessages", GW_AUTH_SESSION, 0, "我的消息"),
        NTF("GET", "/api/v1/me/messages/unread-count", "UnreadCount", GW_AUTH_SESSION, 0,
            "未读消息数"),
        NTF("POST", "/api/v1/me/messages/{id}/read", "MarkRead", GW_AUTH_SESSION, 0,
            "标记消息已读"),
        NTF("POST", "/api/v1/me/messages/read-all", "MarkAllRead", GW_AUTH_SESSION, 0,
            "全部标记为已读"),
        NTF("GET", "/api/v1/dev/mail", "ListDevMail", GW_AUTH_DEV, 0,
            "开发模式：查看开发邮件通道发出的邮件"),
        NTF("PUT", "/api/v1/dev/sms-providers/{provider}", "SetDevSmsFault", GW_AUTH_DEV, 0,
            "开发模式：让沙箱短信通道成功、失败、超时或限流"),
        NTF("GET", "/api/v1/me/notification-preferences", "GetPreferences", GW_AUTH_SESSION, 0,
            "通知设置"),
        NTF("PUT", "/api/v1/me/notification-preferences", "PutPreferences", GW_AUTH_SESSION, 0,
            "修改通知设置"),
        NTF("GET", "/api/v1/operator/deliveries", "ListDeliveries", GW_AUTH_SESSION, 0,
            "运营：发送失败的短信与邮件"),
        NTF("POST", "/api/v1/operator/deliveries/{id}/retry", "RetryDelivery", GW_AUTH_SESSION, 0,
            "运营：重新发送一条通知"),
};

const gw_route_table gw_routes_notify = {routes, sizeof routes / sizeof routes[0]};
