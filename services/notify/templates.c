/* SMS and in-site message texts (see templates.h). */
#include "templates.h"

#include "accounts.pb-c.h"
#include "billfin.pb-c.h"
#include "certs_apps.pb-c.h"
#include "certs_contracts.pb-c.h"
#include "certs.pb-c.h"
#include "certs_orders.pb-c.h"
#include "enterprise_kyb.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "market.pb-c.h"
#include "sms_limits.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- SMS verification codes ---------------------------------------------------- */

/* Template codes as registered with the SMS provider, one per purpose, so the
 * provider's audit shows what each code was for. */
static const notify_sms_purpose notify_purposes[] = {
        {"register", "注册", "SMS_CODE_REGISTER"},
        {"login", "登录", "SMS_CODE_LOGIN"},
        {"reset", "重置密码", "SMS_CODE_RESET"},
        {"kyc", "实名认证", "SMS_CODE_KYC"},
        {"sign", "签署合同", "SMS_CODE_SIGN"},
        {"cert_apply", "申请数字证书", "SMS_CODE_CERT_APPLY"},
        {"bank_verify", "验证银行卡", "SMS_CODE_BANK_VERIFY"},
        {"bill_confirm", "确认票据融资", "SMS_CODE_BILL_CONFIRM"},
};

const notify_sms_purpose *notify_sms_purpose_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof notify_purposes / sizeof notify_purposes[0]; i++)
		if (strcmp(notify_purposes[i].name, name) == 0)
			return &notify_purposes[i];
	return NULL;
}

void notify_sms_code_text(const notify_sms_purpose *p, const char *sign_name, const char *code,
                          char *out, size_t outlen)
{
	snprintf(out, outlen,
	         "【%s】您的验证码为%s，用于%s，%d分钟内有效。请勿将验证码告诉他人，"
	         "如非本人操作请忽略本短信。",
	         sign_name, code, p->label, NOTIFY_SMS_CODE_TTL_S / 60);
}

/* ---- in-site messages ---------------------------------------------------------- */

void notify_format_cst(int64_t ms, char *out, size_t outlen)
{
	time_t t = (time_t)(ms / 1000 + NOTIFY_CST_OFFSET_S);
	struct tm tm;
	if (ms <= 0 || !gmtime_r(&t, &tm)) {
		snprintf(out, outlen, "%s", "");
		return;
	}
	snprintf(out, outlen, "%04d年%02d月%02d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* Unpacks ev's payload with desc into a; NULL when absent or malformed. */
static const void *notify_payload(const Events__Event *ev, const ProtobufCMessageDescriptor *desc,
                                  arena *a)
{
	if (!ev->has_payload)
		return NULL;
	ProtobufCAllocator al = arena_pb_allocator(a);
	return protobuf_c_message_unpack(desc, &al, ev->payload.len, ev->payload.data);
}

static int notify_has(const char *s) { return s && *s; }

static int notify_person_registered(const Events__Event *ev, arena *a, notify_message *out)
{
	const Accounts__PersonRegistered *p =
	        notify_payload(ev, &accounts__person_registered__descriptor, a);
	if (!p || !notify_has(p->person_id))
		return -1;
	out->person_id = p->person_id;
	out->title = "欢迎注册中小企业金融服务平台";
	out->body =
	        arena_printf(a,
	                     "您已使用手机号%s成功注册中小企业金融服务平台。完成个人实名认证后，"
	                     "即可认证或加入企业、申请融资及办理数字证书。",
	                     notify_has(p->phone_masked) ? p->phone_masked : "");
	return 1;
}

static const char *notify_kyc_method_label(const char *method)
{
	static const struct {
		const char *method, *label;
	} labels[] = {
	        {"face", "人脸识别"}, {"bank4", "银行卡四要素"}, {"carrier3", "运营商三要素"}};
	for (size_t i = 0; method && i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].method, method) == 0)
			return labels[i].label;
	return NULL;
}

static int notify_person_verified(const Events__Event *ev, arena *a, notify_message *out)
{
	const Accounts__PersonVerified *p =
	        notify_payload(ev, &accounts__person_verified__descriptor, a);
	if (!p || !notify_has(p->person_id))
		return -1;
	const char *how = notify_kyc_method_label(p->method);
	out->person_id = p->person_id;
	out->title = "实名认证成功";
	out->body = arena_printf(a, "您的个人实名认证已通过%s%s%s%s%s。认证信息已锁定，不可修改。",
	                         how ? "（认证方式：" : "", how ? how : "", how ? "）" : "",
	                         notify_has(p->name_masked) ? "，认证姓名：" : "",
	                         notify_has(p->name_masked) ? p->name_masked : "");
	return 1;
}

static int notify_password_changed(const Events__Event *ev, arena *a, notify_message *out)
{
	const Accounts__PasswordChanged *p =
	        notify_payload(ev, &accounts__password_changed__descriptor, a);
	if (!p || !notify_has(p->person_id))
		return -1;
	char when[48], at[64] = "";
	notify_format_cst(ev->has_time_ms ? ev->time_ms : 0, when, sizeof when);
	if (*when)
		snprintf(at, sizeof at, "于%s", when);
	out->person_id = p->person_id;
	out->title = "密码已修改";
	/* A reset signs out every device; a change keeps the session it was made in. */
	if (p->how && strcmp(p->how, "reset") == 0)
		out->body = arena_printf(
		        a,
		        "您的登录密码已%s通过短信验证码重置，所有设备上的登录均已退出。"
		        "如非本人操作请立即联系客服。",
		        at);
	else
		out->body = arena_printf(a,
		                         "您的登录密码已%s修改，其他设备上的登录均已退出。"
		                         "如非本人操作请立即联系客服。",
		                         at);
	return 1;
}

/* ---- membership (加入企业): enterprise.member.*, enterprise.admin.transferred ---------- */

/* The payload of a membership event with its person and enterprise, or NULL. */
static const Enterprise__MemberEvent *notify_member_event(const Events__Event *ev, arena *a)
{
	const Enterprise__MemberEvent *m =
	        notify_payload(ev, &enterprise__member_event__descriptor, a);
	if (!m || !notify_has(m->person_id) || !notify_has(m->enterprise_id))
		return NULL;
	return m;
}

/* 「name」, or "企业" when the event carries no name. */
static const char *notify_enterprise_label(const Enterprise__MemberEvent *m, arena *a)
{
	return notify_has(m->enterprise_name) ? arena_printf(a, "「%s」", m->enterprise_name)
	                                      : "企业";
}

/* A person asked to join: the admin is told (the enterprise, when no admin is named). */
static int notify_member_requested(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__MemberEvent *m = notify_member_event(ev, a);
	if (!m)
		return -1;
	if (notify_has(m->admin_person_id))
		out->person_id = m->admin_person_id;
	else
		out->enterprise_id = m->enterprise_id;
	out->title = "新的加入企业申请";
	out->body = arena_printf(
	        a, "%s申请加入%s%s%s。请切换到企业身份，在成员管理中审核。",
	        notify_has(m->person_name_masked) ? m->person_name_masked : "有用户",
	        notify_enterprise_label(m, a), notify_has(m->reason) ? "，申请理由：" : "",
	        notify_has(m->reason) ? m->reason : "");
	return 1;
}

static int notify_member_joined(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__MemberEvent *m = notify_member_event(ev, a);
	if (!m)
		return -1;
	out->person_id = m->person_id;
	out->title = "加入企业申请已通过";
	out->body = arena_printf(a,
	                         "您加入%s的申请已通过，可在右上角切换到该企业身份，"
	                         "代表企业办理业务。",
	                         notify_enterprise_label(m, a));
	return 1;
}

static int notify_member_rejected(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__MemberEvent *m = notify_member_event(ev, a);
	if (!m)
		return -1;
	out->person_id = m->person_id;
	out->title = "加入企业申请未通过";
	out->body =
	        arena_printf(a,
	                     "您加入%s的申请未通过%s%s。如有疑问请联系该企业管理员，"
	                     "也可修改申请理由后重新申请。",
	                     notify_enterprise_label(m, a), notify_has(m->reason) ? "，原因：" : "",
	                     notify_has(m->reason) ? m->reason : "");
	return 1;
}

static int notify_member_left(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__MemberEvent *m = notify_member_event(ev, a);
	if (!m)
		return -1;
	out->person_id = m->person_id;
	if (m->how && strcmp(m->how, "left") == 0) {
		out->title = "您已退出企业";
		out->body = arena_printf(a, "您已退出%s，不能再以该企业身份办理业务。",
		                         notify_enterprise_label(m, a));
	} else {
		out->title = "您已被移出企业";
		out->body = arena_printf(a,
		                         "企业管理员已将您移出%s，您不能再以该企业身份办理业务。"
		                         "如有疑问请联系该企业管理员。",
		                         notify_enterprise_label(m, a));
	}
	return 1;
}

/* The admin role was handed over: the new admin is told. */
static int notify_admin_transferred(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__MemberEvent *m = notify_member_event(ev, a);
	if (!m)
		return -1;
	out->person_id = m->person_id;
	out->title = "您已成为企业管理员";
	out->body =
	        arena_printf(a, "%s的管理员身份已移交给您。您可审核加入申请、管理成员和收款账户。",
	                     notify_enterprise_label(m, a));
	return 1;
}

/* ---- certification (企业认证): enterprise.certification.* ------------------------------- */

/* The payload of a certification event with its applicant, or NULL. */
static const Enterprise__CertificationEvent *notify_cert_event(const Events__Event *ev, arena *a)
{
	const Enterprise__CertificationEvent *c =
	        notify_payload(ev, &enterprise__certification_event__descriptor, a);
	return c && notify_has(c->applicant_id) ? c : NULL;
}

/* 「name」（统一社会信用代码：…）, as much of it as the event carries. */
static const char *notify_cert_label(const Enterprise__CertificationEvent *c, arena *a)
{
	const char *name =
	        notify_has(c->enterprise_name) ? arena_printf(a, "「%s」", c->enterprise_name) : "";
	if (!notify_has(c->uscc))
		return name;
	return arena_printf(a, "%s（统一社会信用代码：%s）", name, c->uscc);
}

static int notify_cert_submitted(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__CertificationEvent *c = notify_cert_event(ev, a);
	if (!c)
		return -1;
	out->person_id = c->applicant_id;
	out->title = "企业认证申请已提交";
	out->body = arena_printf(
	        a, "您提交的%s企业认证申请已进入平台审核，审核结果将以站内消息通知您。",
	        notify_cert_label(c, a));
	return 1;
}

int notify_template_operators(const Events__Event *ev, arena *a, notify_message *out)
{
	if (ev->type && strcmp(ev->type, "certs.application.pending") == 0) {
		const Certs__ApplicationEvent *app =
		        notify_payload(ev, &certs__application_event__descriptor, a);
		if (!app || !notify_has(app->no))
			return -1;
		memset(out, 0, sizeof *out);
		out->title = "新的数字证书申请待审核";
		out->body =
		        arena_printf(a,
		                     "数字证书申请单（编号%s）已提交，请在运营后台“证书申请审核”"
		                     "中核对材料并受理或驳回。",
		                     app->no);
		return 1;
	}
	if (!ev->type || strcmp(ev->type, "enterprise.certification.submitted") != 0)
		return 0;
	const Enterprise__CertificationEvent *c = notify_cert_event(ev, a);
	if (!c)
		return -1;
	memset(out, 0, sizeof *out);
	out->title = "新的企业认证待审核";
	out->body = arena_printf(a, "%s提交了企业认证申请，请在运营后台“企业认证审核”中审核。",
	                         notify_has(c->enterprise_name) || notify_has(c->uscc)
	                                 ? notify_cert_label(c, a)
	                                 : "一家企业");
	return 1;
}

static int notify_cert_approved(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__CertificationEvent *c = notify_cert_event(ev, a);
	if (!c)
		return -1;
	int by_check = c->method && strcmp(c->method, "legal_rep_check") == 0;
	out->person_id = c->applicant_id;
	out->title = "企业认证已通过";
	out->body = arena_printf(a,
	                         "您提交的%s企业认证%s已通过，您已成为该企业的管理员。可在右上角"
	                         "切换到企业身份办理业务，并审核其他人员的加入申请。",
	                         notify_cert_label(c, a), by_check ? "经法定代表人身份核验" : "");
	return 1;
}

static int notify_cert_rejected(const Events__Event *ev, arena *a, notify_message *out)
{
	const Enterprise__CertificationEvent *c = notify_cert_event(ev, a);
	if (!c)
		return -1;
	out->person_id = c->applicant_id;
	out->title = "企业认证未通过";
	out->body = arena_printf(a,
	                         "您提交的%s企业认证申请未通过审核%s%s。请按原因修改申请信息或"
	                         "重新上传材料后再次提交。",
	                         notify_cert_label(c, a), notify_has(c->reason) ? "，原因：" : "",
	                         notify_has(c->reason) ? c->reason : "");
	return 1;
}

/* ---- financing demands (融资需求): market.demand.* --------------------------------------- */

static const Market__DemandEvent *notify_demand_event(const Events__Event *ev, arena *a)
{
	const Market__DemandEvent *d = notify_payload(ev, &market__demand_event__descriptor, a);
	if (!d || !notify_has(d->enterprise_id) || !notify_has(d->no))
		return NULL;
	return d;
}

/* "金额50.00万元" from fen: the UI's 万元 with two decimals. */
static const char *notify_wan(int64_t fen, arena *a)
{
	int64_t yuan = (fen + 50) / 100; /* 1 万元 = 1,000,000 fen; two decimals */
	return arena_printf(a, "%lld.%02lld万元", (long long)(yuan / 10000),
	                    (long long)(yuan % 10000 / 100));
}

/* 「product」 at 「institution」, number no. */
static const char *notify_demand_label(const Market__DemandEvent *d, arena *a)
{
	return arena_printf(a, "%s%s%s「%s」融资需求（编号%s）",
	                    notify_has(d->institution_name) ? "「" : "",
	                    notify_has(d->institution_name) ? d->institution_name : "",
	                    notify_has(d->institution_name) ? "」" : "",
	                    notify_has(d->product_name) ? d->product_name : "贷款产品", d->no);
}

static int notify_demand(const Events__Event *ev, arena *a, notify_message *out, const char *title,
                         const char *what)
{
	const Market__DemandEvent *d = notify_demand_event(ev, a);
	if (!d)
		return -1;
	out->enterprise_id = d->enterprise_id;
	out->title = title;
	out->body = arena_printf(a, "您提交的%s%s", notify_demand_label(d, a), what);
	return 1;
}

static int notify_demand_submitted(const Events__Event *ev, arena *a, notify_message *out)
{
	const Market__DemandEvent *d = notify_demand_event(ev, a);
	if (!d)
		return -1;
	return notify_demand(ev, a, out, "融资需求已提交",
	                     arena_printf(a, "已提交，申请金额%s，请等待金融机构接单。",
	                                  notify_wan(d->amount_fen, a)));
}

static int notify_demand_taken(const Events__Event *ev, arena *a, notify_message *out)
{
	return notify_demand(ev, a, out, "融资需求已接单", "已被金融机构接单，正在审核中。");
}

static int notify_demand_approved(const Events__Event *ev, arena *a, notify_message *out)
{
	const Market__DemandEvent *d = notify_demand_event(ev, a);
	if (!d)
		return -1;
	return notify_demand(ev, a, out, "融资需求审核通过",
	                     arena_printf(a, "已审核通过%s%s。",
	                                  notify_has(d->opinion) ? "，审核意见：" : "",
	                                  notify_has(d->opinion) ? d->opinion : ""));
}

static int notify_demand_rejected(const Events__Event *ev, arena *a, notify_message *out)
{
	const Market__DemandEvent *d = notify_demand_event(ev, a);
	if (!d)
		return -1;
	return notify_demand(ev, a, out, "融资需求未通过审核",
	                     arena_printf(a, "未通过审核，审核意见：%s。",
	                                  notify_has(d->opinion) ? d->opinion : "无"));
}

static int notify_demand_disbursed(const Events__Event *ev, arena *a, notify_message *out)
{
	const Market__DemandEvent *d = notify_demand_event(ev, a);
	if (!d)
		return -1;
	return notify_demand(ev, a, out, "融资已放款",
	                     arena_printf(a, "已放款，放款金额%s%s%s。",
	                                  notify_wan(d->disbursed_amount_fen, a),
	                                  notify_has(d->disbursed_on) ? "，放款日期" : "",
	                                  notify_has(d->disbursed_on) ? d->disbursed_on : ""));
}

static int notify_demand_withdrawn(const Events__Event *ev, arena *a, notify_message *out)
{
	return notify_demand(ev, a, out, "融资需求已撤回", "已撤回。");
}

int notify_template_officers(const Events__Event *ev, arena *a, notify_message *out,
                             char ***persons, size_t *n)
{
	if (!ev->type || strcmp(ev->type, "market.demand.submitted") != 0)
		return 0;
	const Market__DemandEvent *d = notify_demand_event(ev, a);
	if (!d)
		return -1;
	if (d->n_officer_person_ids == 0)
		return 0;
	memset(out, 0, sizeof *out);
	out->title = "新的融资需求待接单";
	out->body = arena_printf(a, "%s提交了%s，申请金额%s。请在机构工作台接单。",
	                         notify_has(d->enterprise_name) ? d->enterprise_name : "企业",
	                         notify_demand_label(d, a), notify_wan(d->amount_fen, a));
	*persons = d->officer_person_ids;
	*n = d->n_officer_person_ids;
	return 1;
}

/* ---- commercial-bill financing (商票融资): billfin.order.* ------------------------------ */

static const Billfin__BillOrderEvent *notify_bill_event(const Events__Event *ev, arena *a)
{
	const Billfin__BillOrderEvent *o =
	        notify_payload(ev, &billfin__bill_order_event__descriptor, a);
	if (!o || !notify_has(o->enterprise_id) || !notify_has(o->no))
		return NULL;
	return o;
}

/* "1234.56元" from fen. */
static const char *notify_yuan(int64_t fen, arena *a)
{
	return arena_printf(a, "%s%lld.%02lld元", fen < 0 ? "-" : "",
	                    (long long)(fen < 0 ? -fen : fen) / 100,
	                    (long long)(fen < 0 ? -fen : fen) % 100);
}

/* "2026-12-07 17:28" from billfin's RFC 3339 time with +08:00 (the text as given when it
 * is not that shape). */
static const char *notify_bill_time(const char *t, arena *a)
{
	if (!notify_has(t) || strlen(t) < 16 || t[10] != 'T')
		return notify_has(t) ? t : "";
	return arena_printf(a, "%.10s %.5s", t, t + 11);
}

/* 商票融资订单BF…（承兑人…，票面金额…万元） */
static const char *notify_bill_label(const Billfin__BillOrderEvent *o, arena *a)
{
	return arena_printf(a, "商票融资订单%s（承兑人%s，票面金额%s）", o->no,
	                    notify_has(o->acceptor_name) ? o->acceptor_name : "—",
	                    notify_wan(o->face_fen, a));
}

static int notify_bill_quoted(const Events__Event *ev, arena *a, notify_message *out)
{
	const Billfin__BillOrderEvent *o = notify_bill_event(ev, a);
	if (!o || !o->has_net_fen)
		return -1;
	out->enterprise_id = o->enterprise_id;
	out->title = "商票融资已报价";
	out->body = arena_printf(a,
	                         "您的%s收到新报价：扣息%s，手续费%s，实收金额%s，报价有效期至%s。"
	                         "请在有效期内选择收款账户并上传贸易合同和发票，确认交易。",
	                         notify_bill_label(o, a), notify_yuan(o->interest_fen, a),
	                         notify_yuan(o->fee_fen, a), notify_yuan(o->net_fen, a),
	                         notify_bill_time(o->valid_until, a));
	return 1;
}

/* 待审核 comes back with a rejection; a confirmation or replaced documents give none. */
static int notify_bill_reviewing(const Events__Event *ev, arena *a, notify_message *out)
{
	const Billfin__BillOrderEvent *o = notify_bill_event(ev, a);
	if (!o)
		return -1;
	if (!o->review_status || strcmp(o->review_status, "rejected") != 0)
		return 0;
	out->enterprise_id = o->enterprise_id;
	out->title = "商票融资审核未通过";
	out->body = arena_printf(a,
	                         "您的%s未通过审核，原因：%s。请按原因更换贸易合同和发票后"
	                         "重新提交审核。",
	                         notify_bill_label(o, a), notify_has(o->reason) ? o->reason : "无");
	return 1;
}

static int notify_bill_approved(const Events__Event *ev, arena *a, notify_message *out)
{
	const Billfin__BillOrderEvent *o = notify_bill_event(ev, a);
	if (!o)
		return -1;
	out->enterprise_id = o->enterprise_id;
	out->title = "商票融资审核通过";
	out->body = arena_printf(a,
	                         "您的%s已审核通过。请按订单中的背书指引将票据背书给%s（%s），"
	                         "背书完成后在订单中点击“完成背书”。",
	                         notify_bill_label(o, a),
	                         notify_has(o->endorsee_name) ? o->endorsee_name : "资金方",
	                         notify_has(o->endorsee_bank) ? o->endorsee_bank : "开户行见订单");
	return 1;
}

static int notify_bill_completed(const Events__Event *ev, arena *a, notify_message *out)
{
	const Billfin__BillOrderEvent *o = notify_bill_event(ev, a);
	if (!o || !o->has_paid_fen)
		return -1;
	out->enterprise_id = o->enterprise_id;
	out->title = "商票融资已放款";
	out->body = arena_printf(a, "您的%s已放款，放款金额%s，放款时间%s，交易完成。",
	                         notify_bill_label(o, a), notify_yuan(o->paid_fen, a),
	                         notify_bill_time(o->paid_at, a));
	return 1;
}

int notify_template_funders(const Events__Event *ev, arena *a, notify_message *out,
                            const char **institution_id)
{
	if (!ev->type || strcmp(ev->type, "billfin.order.quoting") != 0)
		return 0;
	const Billfin__BillOrderEvent *o = notify_bill_event(ev, a);
	if (!o)
		return -1;
	memset(out, 0, sizeof *out);
	*institution_id = notify_has(o->funder_id) ? o->funder_id : NULL;
	out->title = "新的商票询价待报价";
	out->body = arena_printf(a, "%s，到期日%s，询价对象：%s。请在机构工作台报价。",
	                         notify_bill_label(o, a),
	                         notify_has(o->due_date) ? o->due_date : "见订单",
	                         *institution_id ? "贵机构" : "任意资金方");
	return 1;
}

/* ---- certificate applications (数字证书申请单): certs.application.* ---------------------- */

/* The applicant hears of every step of their 申请单, personal or for an enterprise. */
static int notify_certapp(const Events__Event *ev, arena *a, notify_message *out)
{
	const Certs__ApplicationEvent *c =
	        notify_payload(ev, &certs__application_event__descriptor, a);
	if (!c || !notify_has(c->applicant_id) || !notify_has(c->no) || !notify_has(c->state))
		return -1;
	const char *st = c->state, *title, *what;
	if (strcmp(st, "pending") == 0) {
		title = "证书申请单已提交";
		what = "已提交，请打印申请表并与材料一同寄出，等待审核。";
	} else if (strcmp(st, "accepted") == 0) {
		title = "证书申请已受理";
		what = "已受理，正在制证。";
	} else if (strcmp(st, "issued") == 0) {
		title = "数字证书已制证";
		what = arena_printf(a, "已制证，证书序列号%s。",
		                    notify_has(c->certificate_serial) ? c->certificate_serial
		                                                      : "见申请单");
	} else if (strcmp(st, "ready") == 0) {
		title = "数字证书可领取";
		what = "已办理完成，可以领取（软证书、云证书请在申请单管理中查看）。";
	} else if (strcmp(st, "shipped") == 0) {
		title = "数字证书已寄出";
		what = arena_printf(a, "已寄出，%s运单号%s。",
		                    notify_has(c->carrier) ? c->carrier : "",
		                    notify_has(c->tracking_no) ? c->tracking_no : "见申请单");
	} else if (strcmp(st, "completed") == 0) {
		title = "证书申请已完成";
		what = "已完成。";
	} else if (strcmp(st, "rejected") == 0) {
		title = "证书申请单被驳回";
		what = arena_printf(a, "被驳回，原因：%s。请修改后重新提交。",
		                    notify_has(c->reason) ? c->reason : "无");
	} else
		return -1;
	out->person_id = c->applicant_id;
	out->title = title;
	out->body = arena_printf(a, "您的数字证书申请单（编号%s）%s", c->no, what);
	return 1;
}

/* ---- certificate orders (证书订单, certorders): certs.order.* ---------------------------- */

/* The person who placed the order hears of its payment. */
static int notify_certorder(const Events__Event *ev, arena *a, notify_message *out)
{
	const Certs__OrderEvent *o = notify_payload(ev, &certs__order_event__descriptor, a);
	if (!o || !notify_has(o->created_by) || !notify_has(o->no) || !notify_has(o->state))
		return -1;
	const char *st = o->state, *title, *what;
	if (strcmp(st, "unpaid") == 0) {
		title = "证书订单已生成";
		what = arena_printf(
		        a, "已生成，应付%s。对公转账请在附言中填写订单页的识别码并上传汇款底单。",
		        notify_yuan(o->total_fen, a));
	} else if (strcmp(st, "partial") == 0) {
		title = "证书订单部分到账";
		what = arena_printf(a, "已到账%s，尚需支付%s。", notify_yuan(o->received_fen, a),
		                    notify_yuan(o->due_fen, a));
	} else if (strcmp(st, "paid") == 0) {
		title = "证书订单已支付";
		what = o->excess_fen > 0
		               ? arena_printf(
		                         a,
		                         "已支付，多付的%s将由财务退回。证书在申请单受理后制作。",
		                         notify_yuan(o->excess_fen, a))
		               : "已支付，证书在申请单受理后制作。";
	} else if (strcmp(st, "cancelled") == 0) {
		title = "证书订单已取消";
		what = "已取消，订单内的申请单可重新下单缴费。";
	} else if (strcmp(st, "refunded") == 0) {
		title = "证书订单已退款";
		what = arena_printf(a, "已退款%s。", notify_yuan(o->refunded_fen, a));
	} else
		return -1;
	out->person_id = o->created_by;
	out->title = title;
	out->body = arena_printf(a, "您的数字证书订单（编号%s）%s", o->no, what);
	return 1;
}

/* ---- certificates (数字证书): certs.certificate.* ---------------------------------------- */

/* The certificate's holder: its enterprise when it has one, else the person; 0 when it
 * names neither (issued before holders existed: no message). */
static int notify_x509_event(const Events__Event *ev, arena *a, notify_message *out,
                             const Certs__CertificateEvent **o)
{
	*o = notify_payload(ev, &certs__certificate_event__descriptor, a);
	if (!*o || !notify_has((*o)->serial))
		return -1;
	if (notify_has((*o)->holder_enterprise_id))
		out->enterprise_id = (*o)->holder_enterprise_id;
	else if (notify_has((*o)->holder_account_id))
		out->person_id = (*o)->holder_account_id;
	else
		return 0;
	return 1;
}

/* "2027-12-07" from the certificate's RFC 3339 notAfter. */
static const char *notify_x509_date(const char *t, arena *a)
{
	return notify_has(t) && strlen(t) >= 10 ? arena_printf(a, "%.10s", t) : "—";
}

static int notify_x509_issued(const Events__Event *ev, arena *a, notify_message *out)
{
	const Certs__CertificateEvent *o;
	int r = notify_x509_event(ev, a, out, &o);
	if (r <= 0)
		return r;
	out->title = "数字证书已签发";
	out->body = arena_printf(a, "您的数字证书（序列号 %s）已签发，有效期至 %s。", o->serial,
	                         notify_x509_date(o->not_after, a));
	return 1;
}

static int notify_x509_revoked(const Events__Event *ev, arena *a, notify_message *out)
{
	const Certs__CertificateEvent *o;
	int r = notify_x509_event(ev, a, out, &o);
	if (r <= 0)
		return r;
	out->title = "数字证书已吊销";
	out->body = arena_printf(a,
	                         "您的数字证书（序列号 %s）已吊销，不能再用于登录和签名。"
	                         "如非本人操作，请立即联系平台客服。",
	                         o->serial);
	return 1;
}

static int notify_x509_expiring(const Events__Event *ev, arena *a, notify_message *out)
{
	const Certs__CertificateEvent *o;
	int r = notify_x509_event(ev, a, out, &o);
	if (r <= 0)
		return r;
	out->title = "数字证书即将到期";
	out->body = arena_printf(
	        a, "您的数字证书（序列号 %s）将于 %s 到期（%d 天内），请及时办理更新。", o->serial,
	        notify_x509_date(o->not_after, a), o->has_days_left ? (int)o->days_left : 30);
	return 1;
}

/* ---- contracts (合同): certs.contract.* ------------------------------------------------ */

int notify_template_named(const Events__Event *ev, arena *a, notify_message *out, char ***persons,
                          size_t *n)
{
	static const char prefix[] = "certs.contract.";
	if (!ev->type || strncmp(ev->type, prefix, sizeof prefix - 1) != 0)
		return 0;
	const char *t = ev->type + sizeof prefix - 1;
	const Certs__ContractEvent *c = notify_payload(ev, &certs__contract_event__descriptor, a);
	if (!c || !notify_has(c->number) || !notify_has(c->title))
		return -1;
	const char *name = arena_printf(a, "《%s》（编号%s）", c->title, c->number);
	const char *reason = notify_has(c->reason) ? c->reason : "无";
	memset(out, 0, sizeof *out);
	if (strcmp(t, "sent") == 0) {
		out->title = "有合同待您签署";
		out->body =
		        arena_printf(a, "合同%s已发起，请登录平台在“合同-待我签署”中签署。", name);
	} else if (strcmp(t, "signed") == 0) {
		out->title = "合同签署进展";
		out->body = arena_printf(
		        a, "合同%s已有签署方完成签署；轮到您签署时，请在“合同-待我签署”中签署。",
		        name);
	} else if (strcmp(t, "completed") == 0) {
		out->title = "合同已签署完成";
		out->body =
		        arena_printf(a, "合同%s各方已完成签署，可在平台下载已签署的合同。", name);
	} else if (strcmp(t, "refused") == 0) {
		out->title = "合同已被拒签";
		out->body = arena_printf(a, "合同%s已被签署方拒签，原因：%s。", name, reason);
	} else if (strcmp(t, "voided") == 0) {
		out->title = "合同已作废";
		out->body = arena_printf(a, "合同%s已由发起方作废，原因：%s。", name, reason);
	} else if (strcmp(t, "expired") == 0) {
		out->title = "合同已过期";
		out->body = arena_printf(a, "合同%s已超过签署截止时间，未完成签署。", name);
	} else
		return 0;
	if (c->n_notify_person_ids == 0)
		return 0;
	*persons = c->notify_person_ids;
	*n = c->n_notify_person_ids;
	return 1;
}

typedef int (*notify_render_fn)(const Events__Event *ev, arena *a, notify_message *out);

/* Event types that give an in-site message; any other type is ignored. */
static const struct {
	const char *type;
	notify_render_fn render;
} notify_templates[] = {
        {"accounts.person.registered", notify_person_registered},
        {"accounts.person.verified", notify_person_verified},
        {"accounts.password.changed", notify_password_changed},
        {"enterprise.member.requested", notify_member_requested},
        {"enterprise.member.joined", notify_member_joined},
        {"enterprise.member.rejected", notify_member_rejected},
        {"enterprise.member.left", notify_member_left},
        {"enterprise.admin.transferred", notify_admin_transferred},
        {"enterprise.certification.submitted", notify_cert_submitted},
        {"enterprise.certification.approved", notify_cert_approved},
        {"enterprise.certification.rejected", notify_cert_rejected},
        {"market.demand.submitted", notify_demand_submitted},
        {"market.demand.taken", notify_demand_taken},
        {"market.demand.approved", notify_demand_approved},
        {"market.demand.rejected", notify_demand_rejected},
        {"market.demand.disbursed", notify_demand_disbursed},
        {"market.demand.withdrawn", notify_demand_withdrawn},
        {"billfin.order.confirming", notify_bill_quoted},
        {"billfin.order.reviewing", notify_bill_reviewing},
        {"billfin.order.endorsing", notify_bill_approved},
        {"billfin.order.completed", notify_bill_completed},
        {"certs.application.pending", notify_certapp},
        {"certs.application.accepted", notify_certapp},
        {"certs.application.issued", notify_certapp},
        {"certs.application.ready", notify_certapp},
        {"certs.application.shipped", notify_certapp},
        {"certs.application.completed", notify_certapp},
        {"certs.application.rejected", notify_certapp},
        {"certs.order.unpaid", notify_certorder},
        {"certs.order.partial", notify_certorder},
        {"certs.order.paid", notify_certorder},
        {"certs.order.cancelled", notify_certorder},
        {"certs.order.refunded", notify_certorder},
        {"certs.certificate.issued", notify_x509_issued},
        {"certs.certificate.revoked", notify_x509_revoked},
        {"certs.certificate.expiring", notify_x509_expiring},
};

int notify_template_render(const Events__Event *ev, arena *a, notify_message *out)
{
	if (!ev->type)
		return 0;
	for (size_t i = 0; i < sizeof notify_templates / sizeof notify_templates[0]; i++) {
		if (strcmp(notify_templates[i].type, ev->type) != 0)
			continue;
		memset(out, 0, sizeof *out);
		return notify_templates[i].render(ev, a, out);
	}
	return 0;
}
