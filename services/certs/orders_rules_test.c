/* The pure rules of certificate orders (orders_rules.c): tax IDs, the methods manual 004
 * allows (new certificates only by bank transfer), line texts, state labels. */
#include "orders.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void tax_id_uscc_or_15_to_20_alnum(void **state)
{
	(void)state;
	/* a valid USCC (check character computed by GB 32100) */
	assert_true(certs_orders_tax_id_valid("91350100M000100Y43"));
	/* the same with a wrong check character: 18 characters must be a USCC */
	assert_false(certs_orders_tax_id_valid("91350100M000100Y44"));
	assert_true(certs_orders_tax_id_valid("11010519491231002X"));     /* a resident ID */
	assert_false(certs_orders_tax_id_valid("110105194912310021"));    /* its checksum wrong */
	assert_true(certs_orders_tax_id_valid("430102199003071"));        /* 15 */
	assert_true(certs_orders_tax_id_valid("4301021990030712345"));    /* 19 */
	assert_true(certs_orders_tax_id_valid("43010219900307123456"));   /* 20 */
	assert_false(certs_orders_tax_id_valid("43010219900307"));        /* 14 */
	assert_false(certs_orders_tax_id_valid("430102199003071234567")); /* 21 */
	assert_false(certs_orders_tax_id_valid("43010219900307a"));       /* lower case */
	assert_false(certs_orders_tax_id_valid("4301021990-307123"));
	assert_false(certs_orders_tax_id_valid(""));
	assert_false(certs_orders_tax_id_valid(NULL));
}

static void methods_new_only_by_bank_transfer(void **state)
{
	(void)state;
	size_t n = 0;
	const char *const *m = certs_orders_methods("bank_transfer", &n);
	assert_int_equal(n, 1);
	assert_string_equal(m[0], "bank_transfer");
	m = certs_orders_methods("online", &n);
	assert_int_equal(n, 2);
	assert_string_equal(m[0], "wechat");
	assert_string_equal(m[1], "alipay");
	assert_null(certs_orders_methods("cash", &n));
	assert_int_equal(n, 0);
	assert_int_equal(certs_orders_method_allowed("online", 1), ST_CERTORDER_ONLINE_NEW);
	assert_int_equal(certs_orders_method_allowed("online", 0), ST_OK);
	assert_int_equal(certs_orders_method_allowed("bank_transfer", 1), ST_OK);
	assert_int_equal(certs_orders_method_allowed("bank_transfer", 0), ST_OK);
	assert_int_equal(certs_orders_method_allowed(NULL, 0), ST_CERTORDER_METHOD);
}

static void line_texts_and_labels(void **state)
{
	(void)state;
	char b[96];
	certs_orders_line_text("service", "new", "enterprise", "usbkey", 2, b, sizeof b);
	assert_string_equal(b, "新办 企业证书 USB Key 2年");
	certs_orders_line_text("service", "renewal", "personal", "cloud", 1, b, sizeof b);
	assert_string_equal(b, "续费 个人证书 云证书 1年");
	certs_orders_line_text("hardware", "new", "enterprise", "usbkey", 1, b, sizeof b);
	assert_string_equal(b, "USB Key 介质");
	assert_string_equal(certs_orders_state_label("partial"), "部分到账");
	assert_string_equal(certs_orders_state_label("paid"), "已支付");
	assert_string_equal(certs_orders_state_label("x"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(tax_id_uscc_or_15_to_20_alnum),
	        cmocka_unit_test(methods_new_only_by_bank_transfer),
	        cmocka_unit_test(line_texts_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
