/* Routes of the accounts service. */
#include "accounts.pb-c.h"
#include "routes.h"

#define ACC(m, p, rpc, auth, created, summary, effect)                                             \
	{                                                                                          \
		m, p, "accounts", &accounts__accounts__descriptor, rpc, auth, created, summary,    \
		        effect, NULL, 0, GW_LIMIT_NONE                                             \
	}
/* The same with a limit class (routes.h). */
#define ACC_L(m, p, rpc, auth, created, summary, effect, limit)                                    \
	{                                                                                          \
		m, p, "accounts", &accounts__accounts__descriptor, rpc, auth, created, summary,    \
		        effect, NULL, 0, limit                                                     \
	}

static gw_route routes[] = {
        ACC("POST", "/api/v1/accounts", "CreateAccount", GW_AUTH_NONE, 1, "手机号注册",
            GW_SESSION_KEEP),
        ACC_L("POST", "/api/v1/sessions", "Login", GW_AUTH_NONE, 0,
              "登录（密码、短信验证码、密码+短信两步）", GW_SESSION_ISSUE, GW_LIMIT_LOGIN),
        ACC("DELETE", "/api/v1/sessions/current", "Logout", GW_AUTH_SESSION, 0, "退出登录",
            GW_SESSION_END),
        ACC_L("GET", "/api/v1/captcha", "GetCaptcha", GW_AUTH_NONE, 0, "获取图形验证码（PNG）",
              GW_SESSION_KEEP, GW_LIMIT_CAPTCHA),
        ACC("GET", "/api/v1/dev/captcha/{captcha_id}", "DevCaptcha", GW_AUTH_DEV, 0,
            "开发模式：查看图形验证码答案（仅供自动化测试）", GW_SESSION_KEEP),
        ACC("POST", "/api/v1/password-resets", "ResetPassword", GW_AUTH_NONE, 0,
            "忘记密码：短信验证后重设密码", GW_SESSION_KEEP),
        ACC("PUT", "/api/v1/me/password", "ChangePassword", GW_AUTH_SESSION, 0, "修改密码",
            GW_SESSION_KEEP),
        ACC("GET", "/api/v1/me", "GetMe", GW_AUTH_SESSION, 0, "个人资料", GW_SESSION_KEEP),
        ACC("PATCH", "/api/v1/me", "UpdateMe", GW_AUTH_SESSION, 0, "修改个人资料", GW_SESSION_KEEP),
        ACC("POST", "/api/v1/me/verification", "StartVerification", GW_AUTH_SESSION, 1,
            "提交个人实名认证信息", GW_SESSION_KEEP),
        ACC("POST", "/api/v1/me/verification/confirmation", "ConfirmVerification", GW_AUTH_SESSION,
            0, "完成个人实名认证（短信验证码或人脸识别结果）", GW_SESSION_KEEP),
        ACC("GET", "/api/v1/me/verification", "GetVerification", GW_AUTH_SESSION, 0,
            "个人实名认证状态", GW_SESSION_KEEP),
        ACC("GET", "/api/v1/me/identities", "ListIdentities", GW_AUTH_SESSION, 0,
            "我的身份（个人、所属企业）", GW_SESSION_KEEP),
        ACC("PUT", "/api/v1/me/identity", "SwitchIdentity", GW_AUTH_SESSION, 0, "切换当前身份",
            GW_SESSION_KEEP),
};

const gw_route_table gw_routes_accounts = {routes, sizeof routes / sizeof routes[0]};
