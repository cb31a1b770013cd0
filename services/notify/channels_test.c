/* Unit tests of the channel table, the categories, the retry back-off and the texts. */
#include "channels.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The done-when of issue 20: an approval gives SMS and e-mail; a password change is
 * security (never off); progress a person sees in the site anyway gives neither. */
static void test_approvals_go_by_sms_and_email_security_is_locked(void **state)
{
	(void)state;
	const notify_channel *c = notify_channel_find("enterprise.certification.approved");
	assert_non_null(c);
	assert_true(c->sms && c->email);
	assert_string_equal(c->category, "review");
	c = notify_channel_find("billfin.order.confirming");
	assert_non_null(c);
	assert_true(c->sms && c->email);
	c = notify_channel_find("accounts.password.changed");
	assert_non_null(c);
	assert_true(notify_category_find(c->category)->locked);
	assert_null(notify_channel_find("market.demand.taken"));
	assert_null(notify_channel_find("accounts.person.registered"));
	assert_null(notify_channel_find(NULL));
}

/* Every row names a known category, so enqueue never meets an unknown one. */
static void test_every_channel_row_names_a_category(void **state)
{
	(void)state;
	static const char *const types[] = {"accounts.password.changed",
	                                    "accounts.person.verified",
	                                    "enterprise.member.joined",
	                                    "enterprise.member.rejected",
	                                    "enterprise.certification.approved",
	                                    "enterprise.certification.rejected",
	                                    "market.demand.approved",
	                                    "market.demand.rejected",
	                                    "market.demand.disbursed",
	                                    "billfin.order.confirming",
	                                    "billfin.order.reviewing",
	                                    "billfin.order.endorsing",
	                                    "billfin.order.completed"};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		const notify_channel *c = notify_channel_find(types[i]);
		assert_non_null(c);
		assert_non_null(notify_category_find(c->category));
		assert_true(c->sms || c->email);
	}
}

/* Staff rows (issue 20): new work reaches the institution's officers and the operators of
 * the role that does it, and never the event's own recipient through the same row. */
static void test_staff_rows_name_their_audience_and_role(void **state)
{
	(void)state;
	const notify_channel *c =
	        notify_channel_find_staff("market.demand.submitted", NOTIFY_TO_OFFICERS);
	assert_non_null(c);
	assert_true(c->sms && c->email);
	assert_non_null(notify_channel_find_staff("billfin.order.quoting", NOTIFY_TO_OFFICERS));
	c = notify_channel_find_staff("enterprise.certification.submitted", NOTIFY_TO_OPERATORS);
	assert_non_null(c);
	assert_string_equal(c->role, "reviewer");
	assert_string_equal(c->category, "review");
	c = notify_channel_find_staff("certs.application.pending", NOTIFY_TO_OPERATORS);
	assert_non_null(c);
	assert_string_equal(c->role, "ca_officer");
	assert_non_null(notify_category_find(c->category));
	/* the submitter is told in-site only; the staff rows are not theirs */
	assert_null(notify_channel_find("enterprise.certification.submitted"));
	assert_null(notify_channel_find("market.demand.submitted"));
	assert_null(notify_channel_find_staff("enterprise.certification.submitted",
	                                      NOTIFY_TO_OFFICERS));
	assert_null(notify_channel_find_staff("market.demand.approved", NOTIFY_TO_RECIPIENT));
	/* contracts: the named persons get an SMS for their turn, not for a void */
	c = notify_channel_find_staff("certs.contract.sent", NOTIFY_TO_NAMED);
	assert_non_null(c);
	assert_true(c->sms);
	assert_string_equal(c->category, "signing");
	assert_null(notify_channel_find_staff("certs.contract.voided", NOTIFY_TO_NAMED));
	assert_null(notify_channel_find("certs.contract.sent"));
}

/* The five categories of the issue plus security; only security locked; only the
 * low-priority ones batchable. */
static void test_categories(void **state)
{
	(void)state;
	size_t n;
	const notify_category *cats = notify_categories(&n);
	assert_int_equal(n, 6);
	int locked = 0;
	for (size_t i = 0; i < n; i++)
		locked += cats[i].locked;
	assert_int_equal(locked, 1);
	assert_true(notify_category_find("security")->locked);
	assert_false(notify_category_find("security")->digestible);
	assert_true(notify_category_find("financing")->digestible);
	assert_false(notify_category_find("review")->digestible);
	assert_null(notify_category_find("marketing"));
}

/* Exponential: the bounds of each try's wait double; jitter stays within [d/2, d]. */
static void test_backoff_grows_with_jitter_and_is_capped(void **state)
{
	(void)state;
	assert_int_equal(notify_backoff_ms(1, 1000, 60000, 0), 500);
	assert_int_equal(notify_backoff_ms(1, 1000, 60000, 65535), 1000);
	assert_int_equal(notify_backoff_ms(2, 1000, 60000, 0), 1000);
	assert_int_equal(notify_backoff_ms(2, 1000, 60000, 65535), 2000);
	assert_int_equal(notify_backoff_ms(4, 1000, 60000, 65535), 8000);
	/* capped: 2^20 s would be far beyond */
	assert_int_equal(notify_backoff_ms(21, 1000, 60000, 65535), 60000);
	assert_int_equal(notify_backoff_ms(21, 1000, 60000, 0), 30000);
	/* the lowest wait of try n+1 is never below the highest of try n - 1 */
	for (int t = 1; t < 6; t++)
		assert_true(notify_backoff_ms(t + 1, 1000, 3600000, 0) >=
		            notify_backoff_ms(t, 1000, 3600000, 32767));
}

/* HTML escapes what a template quoted from user input (a rejection reason); text has the
 * footer. */
static void test_mail_parts_escape_and_carry_the_footer(void **state)
{
	(void)state;
	char *html = notify_mail_html("企业认证未通过", "原因：<script>alert(1)</script> & \"x\"");
	assert_non_null(strstr(html, "&lt;script&gt;"));
	assert_non_null(strstr(html, "&amp; &quot;x&quot;"));
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "<h2>企业认证未通过</h2>"));
	free(html);
	char *text = notify_mail_text("正文");
	assert_non_null(strstr(text, "正文\n\n-- \n"));
	assert_non_null(strstr(text, "通知设置"));
	free(text);
	char sms[256];
	notify_sms_text("平台", "企业认证已通过", "请登录查看。", sms, sizeof sms);
	assert_string_equal(sms, "【平台】企业认证已通过：请登录查看。");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_approvals_go_by_sms_and_email_security_is_locked),
	        cmocka_unit_test(test_every_channel_row_names_a_category),
	        cmocka_unit_test(test_staff_rows_name_their_audience_and_role),
	        cmocka_unit_test(test_categories),
	        cmocka_unit_test(test_backoff_grows_with_jitter_and_is_capped),
	        cmocka_unit_test(test_mail_parts_escape_and_carry_the_footer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
