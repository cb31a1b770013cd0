/* Unit tests of the SMS code texts and the in-site message templates. */
#include "templates.h"

#include "accounts.pb-c.h"
#include "enterprise_kyb.pb-c.h"
#include "enterprise_members.pb-c.h"
#include "billfin.pb-c.h"
#include "certs_contracts.pb-c.h"
#include "certs_orders.pb-c.h"
#include "market.pb-c.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_the_eight_purposes_and_nothing_else(void **state)
{
	(void)state;
	const char *ok[] = {"register", "login",      "reset",       "kyc",
	                    "sign",     "cert_apply", "bank_verify", "bill_confirm"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		const notify_sms_purpose *p = notify_sms_purpose_find(ok[i]);
		assert_non_null(p);
		assert_string_equal(p->name, ok[i]);
		assert_non_null(p->template_id);
	}
	assert_null(notify_sms_purpose_find(NULL));
	assert_null(notify_sms_purpose_find(""));
	assert_null(notify_sms_purpose_find("Register"));
	assert_null(notify_sms_purpose_find("register "));
	assert_null(notify_sms_purpose_find("payment"));
}

static void test_sms_text_has_sign_code_purpose_and_validity(void **state)
{
	(void)state;
	char t[512];
	notify_sms_code_text(notify_sms_purpose_find("reset"), "测试平台", "042917", t, sizeof t);
	assert_string_equal(t, "【测试平台】您的验证码为042917，用于重置密码，5分钟内有效。"
	                       "请勿将验证码告诉他人，如非本人操作请忽略本短信。");
}

/* An event of type with payload msg packed into it (buffer from the arena). */
static Events__Event *event_with(arena *a, const char *type, const ProtobufCMessage *msg)
{
	Events__Event *ev = arena_calloc(a, sizeof *ev);
	events__event__init(ev);
	ev->id = "9b1de0c2-8a8e-4c55-9d3e-5b0c2f1f0a01";
	ev->type = (char *)type;
	ev->has_time_ms = 1;
	ev->time_ms = 1706668200000LL; /* 2024-01-31 10:30 in Beijing */
	if (msg) {
		ev->has_payload = 1;
		ev->payload.len = protobuf_c_message_get_packed_size(msg);
		ev->payload.data = arena_alloc(a, ev->payload.len + 1);
		protobuf_c_message_pack(msg, ev->payload.data);
	}
	return ev;
}

static void test_registered_welcomes_the_person_by_masked_phone(void **state)
{
	(void)state;
	arena *a = arena_new();
	Accounts__PersonRegistered p = ACCOUNTS__PERSON_REGISTERED__INIT;
	p.person_id = "p-1";
	p.phone_masked = "138****1234";
	notify_message m;
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.person.registered", &p.base), a, &m),
	        1);
	assert_string_equal(m.person_id, "p-1");
	assert_null(m.enterprise_id);
	assert_string_equal(m.title, "欢迎注册中小企业金融服务平台");
	assert_non_null(strstr(m.body, "138****1234"));
	arena_free(a);
}

static void test_verified_names_the_method_and_the_masked_name(void **state)
{
	(void)state;
	arena *a = arena_new();
	Accounts__PersonVerified p = ACCOUNTS__PERSON_VERIFIED__INIT;
	p.person_id = "p-2";
	p.name_masked = "张*明";
	p.method = "bank4";
	notify_message m;
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.person.verified", &p.base), a, &m),
	        1);
	assert_string_equal(m.title, "实名认证成功");
	assert_string_equal(m.body,
	                    "您的个人实名认证已通过（认证方式：银行卡四要素），认证姓名：张*明。"
	                    "认证信息已锁定，不可修改。");
	/* An unknown method is left out rather than shown raw. */
	p.method = "mystery";
	p.name_masked = NULL;
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.person.verified", &p.base), a, &m),
	        1);
	assert_string_equal(m.body, "您的个人实名认证已通过。认证信息已锁定，不可修改。");
	arena_free(a);
}

static void test_password_changed_says_reset_or_change_with_time_and_warning(void **state)
{
	(void)state;
	arena *a = arena_new();
	Accounts__PasswordChanged p = ACCOUNTS__PASSWORD_CHANGED__INIT;
	p.person_id = "p-3";
	p.how = "reset";
	notify_message m;
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.password.changed", &p.base), a, &m),
	        1);
	assert_string_equal(m.title, "密码已修改");
	assert_non_null(strstr(m.body, "于2024年01月31日 10:30"));
	assert_non_null(strstr(m.body, "重置"));
	assert_non_null(strstr(m.body, "如非本人操作请立即联系客服"));
	p.how = "change";
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.password.changed", &p.base), a, &m),
	        1);
	assert_null(strstr(m.body, "重置"));
	assert_non_null(strstr(m.body, "修改"));
	assert_non_null(strstr(m.body, "如非本人操作请立即联系客服"));
	arena_free(a);
}

static void test_unknown_types_are_ignored_and_bad_payloads_refused(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message m;
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.session.created", NULL), a, &m), 0);
	Events__Event none = EVENTS__EVENT__INIT;
	assert_int_equal(notify_template_render(&none, a, &m), 0);
	/* No payload, a payload that is not protobuf, and one without a person. */
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.person.registered", NULL), a, &m),
	        -1);
	Events__Event *bad = event_with(a, "accounts.person.registered", NULL);
	static uint8_t junk[] = {0xff, 0xff, 0xff};
	bad->has_payload = 1;
	bad->payload.data = junk;
	bad->payload.len = sizeof junk;
	assert_int_equal(notify_template_render(bad, a, &m), -1);
	Accounts__PersonRegistered p = ACCOUNTS__PERSON_REGISTERED__INIT;
	assert_int_equal(
	        notify_template_render(event_with(a, "accounts.person.registered", &p.base), a, &m),
	        -1);
	arena_free(a);
}

static Enterprise__MemberEvent member_event(void)
{
	Enterprise__MemberEvent m = ENTERPRISE__MEMBER_EVENT__INIT;
	m.membership_id = "m-1";
	m.enterprise_id = "e-1";
	m.enterprise_name = "湖南星辰科技有限公司";
	m.person_id = "p-9";
	m.person_name_masked = "李*英";
	return m;
}

static void test_join_request_reaches_the_admin_with_name_and_reason(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	Enterprise__MemberEvent m = member_event();
	m.admin_person_id = "p-admin";
	m.reason = "财务部同事，负责融资申请";
	assert_int_equal(notify_template_render(
	                         event_with(a, "enterprise.member.requested", &m.base), a, &msg),
	                 1);
	assert_string_equal(msg.person_id, "p-admin");
	assert_null(msg.enterprise_id);
	assert_string_equal(msg.title, "新的加入企业申请");
	assert_string_equal(msg.body,
	                    "李*英申请加入「湖南星辰科技有限公司」，申请理由："
	                    "财务部同事，负责融资申请。请切换到企业身份，在成员管理中审核。");
	/* No admin named: the enterprise identity gets it (every member acting for it). */
	m.admin_person_id = NULL;
	m.reason = NULL;
	m.person_name_masked = NULL;
	assert_int_equal(notify_template_render(
	                         event_with(a, "enterprise.member.requested", &m.base), a, &msg),
	                 1);
	assert_null(msg.person_id);
	assert_string_equal(msg.enterprise_id, "e-1");
	assert_string_equal(msg.body, "有用户申请加入「湖南星辰科技有限公司」。"
	                              "请切换到企业身份，在成员管理中审核。");
	arena_free(a);
}

static void test_joined_rejected_left_and_admin_reach_the_person(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	Enterprise__MemberEvent m = member_event();
	m.admin_person_id = "p-admin";
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.member.joined", &m.base), a, &msg),
	        1);
	assert_string_equal(msg.person_id, "p-9");
	assert_string_equal(msg.title, "加入企业申请已通过");
	assert_non_null(strstr(msg.body, "「湖南星辰科技有限公司」"));

	m.reason = "请使用公司邮箱重新申请";
	assert_int_equal(notify_template_render(
	                         event_with(a, "enterprise.member.rejected", &m.base), a, &msg),
	                 1);
	assert_string_equal(msg.person_id, "p-9");
	assert_string_equal(msg.title, "加入企业申请未通过");
	assert_non_null(strstr(msg.body, "原因：请使用公司邮箱重新申请"));

	m.reason = NULL;
	m.how = "removed";
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.member.left", &m.base), a, &msg),
	        1);
	assert_string_equal(msg.person_id, "p-9");
	assert_string_equal(msg.title, "您已被移出企业");
	m.how = "left";
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.member.left", &m.base), a, &msg),
	        1);
	assert_string_equal(msg.title, "您已退出企业");
	assert_string_equal(msg.body,
	                    "您已退出「湖南星辰科技有限公司」，不能再以该企业身份办理业务。");

	m.how = NULL;
	assert_int_equal(notify_template_render(
	                         event_with(a, "enterprise.admin.transferred", &m.base), a, &msg),
	                 1);
	assert_string_equal(msg.person_id, "p-9");
	assert_string_equal(msg.title, "您已成为企业管理员");
	arena_free(a);
}

static void test_member_events_without_person_or_enterprise_are_refused(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	Enterprise__MemberEvent m = member_event();
	m.person_id = NULL;
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.member.joined", &m.base), a, &msg),
	        -1);
	m = member_event();
	m.enterprise_id = NULL;
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.member.left", &m.base), a, &msg),
	        -1);
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.member.requested", NULL), a, &msg),
	        -1);
	/* Member events nobody is told about give no message. */
	m = member_event();
	assert_int_equal(notify_template_render(
	                         event_with(a, "enterprise.member.withdrawn", &m.base), a, &msg),
	                 0);
	arena_free(a);
}

static Enterprise__CertificationEvent cert_event(void)
{
	Enterprise__CertificationEvent c = ENTERPRISE__CERTIFICATION_EVENT__INIT;
	c.certification_id = "c-1";
	c.applicant_id = "p-7";
	c.enterprise_name = "长沙瑞丰机械制造有限公司";
	c.uscc = "91430121751146836D";
	return c;
}

/* A submitted certification is work for the platform's reviewers (issue 20): their text
 * names the enterprise and where to review; other types give no operator message. */
static void test_certification_submitted_reaches_the_reviewers(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	Enterprise__CertificationEvent c = cert_event();
	assert_int_equal(
	        notify_template_operators(
	                event_with(a, "enterprise.certification.submitted", &c.base), a, &msg),
	        1);
	assert_null(msg.person_id);
	assert_null(msg.enterprise_id);
	assert_string_equal(msg.title, "新的企业认证待审核");
	assert_string_equal(msg.body,
	                    "「长沙瑞丰机械制造有限公司」（统一社会信用代码：91430121751146836D）"
	                    "提交了企业认证申请，请在运营后台“企业认证审核”中审核。");
	assert_int_equal(
	        notify_template_operators(
	                event_with(a, "enterprise.certification.approved", &c.base), a, &msg),
	        0);
	c.applicant_id = NULL;
	assert_int_equal(
	        notify_template_operators(
	                event_with(a, "enterprise.certification.submitted", &c.base), a, &msg),
	        -1);
	arena_free(a);
}

static void test_certification_submitted_approved_rejected_reach_the_applicant(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	Enterprise__CertificationEvent c = cert_event();
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.certification.submitted", &c.base),
	                               a, &msg),
	        1);
	assert_string_equal(msg.person_id, "p-7");
	assert_null(msg.enterprise_id);
	assert_string_equal(msg.title, "企业认证申请已提交");
	assert_string_equal(
	        msg.body,
	        "您提交的「长沙瑞丰机械制造有限公司」（统一社会信用代码：91430121751146836D）"
	        "企业认证申请已进入平台审核，审核结果将以站内消息通知您。");

	c.reason = "营业执照未加盖公章，请上传加盖公章的营业执照";
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.certification.rejected", &c.base),
	                               a, &msg),
	        1);
	assert_string_equal(msg.person_id, "p-7");
	assert_string_equal(msg.title, "企业认证未通过");
	assert_non_null(strstr(msg.body,
	                       "未通过审核，原因：营业执照未加盖公章，请上传加盖公章的营业执照。"));

	c.reason = NULL;
	c.enterprise_id = "e-3";
	c.method = "review";
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.certification.approved", &c.base),
	                               a, &msg),
	        1);
	assert_string_equal(msg.person_id, "p-7");
	assert_string_equal(msg.title, "企业认证已通过");
	assert_non_null(strstr(msg.body, "企业认证已通过，您已成为该企业的管理员"));
	c.method = "legal_rep_check";
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.certification.approved", &c.base),
	                               a, &msg),
	        1);
	assert_non_null(strstr(msg.body, "企业认证经法定代表人身份核验已通过"));
	arena_free(a);
}

static void test_certification_events_without_applicant_are_refused(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	Enterprise__CertificationEvent c = cert_event();
	c.applicant_id = NULL;
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.certification.rejected", &c.base),
	                               a, &msg),
	        -1);
	assert_int_equal(notify_template_render(
	                         event_with(a, "enterprise.certification.approved", NULL), a, &msg),
	                 -1);
	/* without name and code the text still reads */
	c = cert_event();
	c.enterprise_name = NULL;
	c.uscc = NULL;
	assert_int_equal(
	        notify_template_render(event_with(a, "enterprise.certification.submitted", &c.base),
	                               a, &msg),
	        1);
	assert_string_equal(msg.body,
	                    "您提交的企业认证申请已进入平台审核，审核结果将以站内消息通知您。");
	arena_free(a);
}

static void test_demand_events_reach_the_enterprise_and_submitted_the_officers(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	char **persons = NULL;
	size_t n = 0;
	char *officers[] = {"o-1", "o-2"};
	Market__DemandEvent d = MARKET__DEMAND_EVENT__INIT;
	d.no = "PO20261207001";
	d.enterprise_id = "e-1";
	d.enterprise_name = "长沙瑞丰机械制造有限公司";
	d.institution_name = "广发银行长沙分行";
	d.product_name = "专精特新贷";
	d.has_amount_fen = 1;
	d.amount_fen = 50000000;
	d.officer_person_ids = officers;
	d.n_officer_person_ids = 2;
	Events__Event *ev = event_with(a, "market.demand.submitted", &d.base);
	assert_int_equal(notify_template_render(ev, a, &msg), 1);
	assert_string_equal(msg.enterprise_id, "e-1");
	assert_null(msg.person_id);
	assert_string_equal(msg.title, "融资需求已提交");
	assert_string_equal(
	        msg.body, "您提交的「广发银行长沙分行」「专精特新贷」融资需求（编号PO20261207001）"
	                  "已提交，申请金额50.00万元，请等待金融机构接单。");
	assert_int_equal(notify_template_officers(ev, a, &msg, &persons, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(persons[1], "o-2");
	assert_string_equal(msg.title, "新的融资需求待接单");

	d.opinion = "同意授信";
	ev = event_with(a, "market.demand.approved", &d.base);
	assert_int_equal(notify_template_render(ev, a, &msg), 1);
	assert_string_equal(msg.enterprise_id, "e-1");
	assert_string_equal(
	        msg.body, "您提交的「广发银行长沙分行」「专精特新贷」融资需求（编号PO20261207001）"
	                  "已审核通过，审核意见：同意授信。");
	assert_int_equal(notify_template_officers(ev, a, &msg, &persons, &n), 0);

	d.enterprise_id = NULL;
	ev = event_with(a, "market.demand.taken", &d.base);
	assert_int_equal(notify_template_render(ev, a, &msg), -1);
	arena_free(a);
}

static Billfin__BillOrderEvent bill_event(void)
{
	Billfin__BillOrderEvent o = BILLFIN__BILL_ORDER_EVENT__INIT;
	o.order_id = "b-1";
	o.no = "BF20261207001";
	o.enterprise_id = "e-1";
	o.acceptor_name = "测试承兑一号实业有限公司";
	o.has_face_fen = 1;
	o.face_fen = 20000000;
	o.due_date = "2027-03-07";
	return o;
}

static void test_bill_quote_review_and_disbursement_reach_the_enterprise(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	Billfin__BillOrderEvent o = bill_event();
	o.state = "confirming";
	o.has_net_fen = o.has_interest_fen = o.has_fee_fen = 1;
	o.interest_fen = 150000;
	o.fee_fen = 5;
	o.net_fen = 19849995;
	o.valid_until = "2026-12-07T17:28:09+08:00";
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.confirming", &o.base), a, &msg),
	        1);
	assert_string_equal(msg.enterprise_id, "e-1");
	assert_null(msg.person_id);
	assert_string_equal(msg.title, "商票融资已报价");
	assert_string_equal(
	        msg.body,
	        "您的商票融资订单BF20261207001（承兑人测试承兑一号实业有限公司，票面金额"
	        "20.00万元）收到新报价：扣息1500.00元，手续费0.05元，实收金额198499.95元，"
	        "报价有效期至2026-12-07 17:28。请在有效期内选择收款账户并上传贸易合同和"
	        "发票，确认交易。");

	/* a confirmation (review pending) gives no message, a rejection does */
	o = bill_event();
	o.review_status = "pending";
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.reviewing", &o.base), a, &msg),
	        0);
	o.review_status = "rejected";
	o.reason = "发票抬头与贸易合同不一致";
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.reviewing", &o.base), a, &msg),
	        1);
	assert_string_equal(msg.title, "商票融资审核未通过");
	assert_non_null(strstr(msg.body, "原因：发票抬头与贸易合同不一致。请按原因更换贸易合同和"
	                                 "发票后重新提交审核。"));

	o = bill_event();
	o.endorsee_name = "测试商票资金方甲保理有限公司";
	o.endorsee_bank = "招商银行长沙分行";
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.endorsing", &o.base), a, &msg),
	        1);
	assert_string_equal(msg.title, "商票融资审核通过");
	assert_non_null(strstr(msg.body, "背书给测试商票资金方甲保理有限公司（招商银行长沙分行），"
	                                 "背书完成后在订单中点击“完成背书”。"));

	o = bill_event();
	o.has_paid_fen = 1;
	o.paid_fen = 19849995;
	o.paid_at = "2026-12-08T10:15:00+08:00";
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.completed", &o.base), a, &msg),
	        1);
	assert_string_equal(msg.title, "商票融资已放款");
	assert_non_null(strstr(msg.body, "已放款，放款金额198499.95元，放款时间2026-12-08 10:15"));
	/* without the amount paid the event is unusable */
	o.has_paid_fen = 0;
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.completed", &o.base), a, &msg),
	        -1);
	/* the inquiry and the closure give the enterprise nothing */
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.quoting", &o.base), a, &msg),
	        0);
	assert_int_equal(
	        notify_template_render(event_with(a, "billfin.order.closed", &o.base), a, &msg), 0);
	arena_free(a);
}

static void test_bill_inquiry_reaches_the_addressed_funder_or_any(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	const char *inst = "unset";
	Billfin__BillOrderEvent o = bill_event();
	o.funder_id = "f-1";
	Events__Event *ev = event_with(a, "billfin.order.quoting", &o.base);
	assert_int_equal(notify_template_funders(ev, a, &msg, &inst), 1);
	assert_string_equal(inst, "f-1");
	assert_string_equal(msg.title, "新的商票询价待报价");
	assert_string_equal(
	        msg.body, "商票融资订单BF20261207001（承兑人测试承兑一号实业有限公司，票面金额"
	                  "20.00万元），到期日2027-03-07，询价对象：贵机构。请在机构工作台报价。");
	o.funder_id = NULL;
	ev = event_with(a, "billfin.order.quoting", &o.base);
	assert_int_equal(notify_template_funders(ev, a, &msg, &inst), 1);
	assert_null(inst);
	assert_non_null(strstr(msg.body, "询价对象：任意资金方。"));
	/* other states reach no funder; an order without number is unusable */
	assert_int_equal(notify_template_funders(event_with(a, "billfin.order.confirming", &o.base),
	                                         a, &msg, &inst),
	                 0);
	o.no = NULL;
	assert_int_equal(notify_template_funders(event_with(a, "billfin.order.quoting", &o.base), a,
	                                         &msg, &inst),
	                 -1);
	arena_free(a);
}

/* certorders: the person who placed the order hears what arrived and what is still due. */
static void test_order_payment_reaches_the_orderer_with_amounts(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message m;
	Certs__OrderEvent o = CERTS__ORDER_EVENT__INIT;
	o.order_id = "00000000-0000-4000-8000-000000000001";
	o.no = "CO20261207000001";
	o.created_by = "00000000-0000-4000-8000-0000000000aa";
	o.enterprise_id = "00000000-0000-4000-8000-0000000000bb";
	o.state = "partial";
	o.has_received_fen = o.has_due_fen = o.has_excess_fen = 1;
	o.received_fen = 5000;
	o.due_fen = 15000;
	assert_int_equal(
	        notify_template_render(event_with(a, "certs.order.partial", &o.base), a, &m), 1);
	assert_string_equal(m.person_id, "00000000-0000-4000-8000-0000000000aa");
	assert_null(m.enterprise_id);
	assert_string_equal(m.title, "证书订单部分到账");
	assert_non_null(strstr(m.body, "CO20261207000001"));
	assert_non_null(strstr(m.body, "已到账50.00元，尚需支付150.00元"));
	o.state = "paid";
	o.excess_fen = 5000;
	assert_int_equal(notify_template_render(event_with(a, "certs.order.paid", &o.base), a, &m),
	                 1);
	assert_non_null(strstr(m.body, "多付的50.00元"));
	o.created_by = NULL;
	assert_int_equal(notify_template_render(event_with(a, "certs.order.paid", &o.base), a, &m),
	                 -1);
	arena_free(a);
}

/* A contract's event reaches exactly the persons it names, with the number and title;
 * it gives no single-recipient message (the named list is the recipients). */
static void test_contract_events_reach_the_named_persons(void **state)
{
	(void)state;
	arena *a = arena_new();
	notify_message msg;
	char **persons = NULL;
	size_t n = 0;
	char *ids[] = {"p-1", "p-2"};
	Certs__ContractEvent c = CERTS__CONTRACT_EVENT__INIT;
	c.contract_id = "c-1";
	c.number = "HT20261207000001";
	c.title = "采购合同";
	c.state = "signing";
	c.notify_person_ids = ids;
	c.n_notify_person_ids = 2;
	const Events__Event *ev = event_with(a, "certs.contract.sent", &c.base);
	assert_int_equal(notify_template_render(ev, a, &msg), 0);
	assert_int_equal(notify_template_named(ev, a, &msg, &persons, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(persons[1], "p-2");
	assert_string_equal(msg.title, "有合同待您签署");
	assert_non_null(strstr(msg.body, "《采购合同》（编号HT20261207000001）"));
	c.reason = "条款有误";
	ev = event_with(a, "certs.contract.voided", &c.base);
	assert_int_equal(notify_template_named(ev, a, &msg, &persons, &n), 1);
	assert_non_null(strstr(msg.body, "原因：条款有误"));
	c.n_notify_person_ids = 0;
	ev = event_with(a, "certs.contract.expired", &c.base);
	assert_int_equal(notify_template_named(ev, a, &msg, &persons, &n), 0);
	c.number = NULL;
	ev = event_with(a, "certs.contract.completed", &c.base);
	assert_int_equal(notify_template_named(ev, a, &msg, &persons, &n), -1);
	ev = event_with(a, "certs.order.paid", &c.base);
	assert_int_equal(notify_template_named(ev, a, &msg, &persons, &n), 0);
	arena_free(a);
}

static void test_beijing_time_text(void **state)
{
	(void)state;
	char t[48];
	notify_format_cst(1706716799999LL, t, sizeof t);
	assert_string_equal(t, "2024年01月31日 23:59");
	notify_format_cst(1706716800000LL, t, sizeof t);
	assert_string_equal(t, "2024年02月01日 00:00");
	notify_format_cst(0, t, sizeof t);
	assert_string_equal(t, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_the_eight_purposes_and_nothing_else),
	        cmocka_unit_test(test_sms_text_has_sign_code_purpose_and_validity),
	        cmocka_unit_test(test_registered_welcomes_the_person_by_masked_phone),
	        cmocka_unit_test(test_verified_names_the_method_and_the_masked_name),
	        cmocka_unit_test(test_password_changed_says_reset_or_change_with_time_and_warning),
	        cmocka_unit_test(test_unknown_types_are_ignored_and_bad_payloads_refused),
	        cmocka_unit_test(test_join_request_reaches_the_admin_with_name_and_reason),
	        cmocka_unit_test(test_joined_rejected_left_and_admin_reach_the_person),
	        cmocka_unit_test(test_member_events_without_person_or_enterprise_are_refused),
	        cmocka_unit_test(
	                test_certification_submitted_approved_rejected_reach_the_applicant),
	        cmocka_unit_test(test_certification_events_without_applicant_are_refused),
	        cmocka_unit_test(test_certification_submitted_reaches_the_reviewers),
	        cmocka_unit_test(
	                test_demand_events_reach_the_enterprise_and_submitted_the_officers),
	        cmocka_unit_test(test_bill_quote_review_and_disbursement_reach_the_enterprise),
	        cmocka_unit_test(test_bill_inquiry_reaches_the_addressed_funder_or_any),
	        cmocka_unit_test(test_order_payment_reaches_the_orderer_with_amounts),
	        cmocka_unit_test(test_beijing_time_text),
	        cmocka_unit_test(test_contract_events_reach_the_named_persons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
