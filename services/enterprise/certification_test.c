/*
 * Unit tests of the pure rules of 企业认证 (certification.c): what each state allows,
 * the file kinds, and when two spellings of an enterprise name are the same name.
 */
#include "certification.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_state_rules(void **state)
{
	(void)state;
	/* the applicant edits and submits drafts and rejected applications, nothing else */
	assert_true(enterprise_cert_allows("draft", ENTERPRISE_CERT_EDIT));
	assert_true(enterprise_cert_allows("rejected", ENTERPRISE_CERT_EDIT));
	assert_false(enterprise_cert_allows("submitted", ENTERPRISE_CERT_EDIT));
	assert_false(enterprise_cert_allows("approved", ENTERPRISE_CERT_EDIT));
	assert_true(enterprise_cert_allows("draft", ENTERPRISE_CERT_SUBMIT));
	assert_true(enterprise_cert_allows("rejected", ENTERPRISE_CERT_SUBMIT));
	assert_false(enterprise_cert_allows("submitted", ENTERPRISE_CERT_SUBMIT));
	assert_false(enterprise_cert_allows("approved", ENTERPRISE_CERT_SUBMIT));
	/* reviewers decide submitted ones only, and never see drafts */
	assert_true(enterprise_cert_allows("submitted", ENTERPRISE_CERT_REVIEW));
	assert_false(enterprise_cert_allows("draft", ENTERPRISE_CERT_REVIEW));
	assert_false(enterprise_cert_allows("rejected", ENTERPRISE_CERT_REVIEW));
	assert_false(enterprise_cert_allows("approved", ENTERPRISE_CERT_REVIEW));
	assert_false(enterprise_cert_allows("draft", ENTERPRISE_CERT_REVIEWER_SEES));
	assert_true(enterprise_cert_allows("submitted", ENTERPRISE_CERT_REVIEWER_SEES));
	assert_true(enterprise_cert_allows("approved", ENTERPRISE_CERT_REVIEWER_SEES));
	assert_true(enterprise_cert_allows("rejected", ENTERPRISE_CERT_REVIEWER_SEES));
	/* the legal representative's check may replace a pending review, not repeat an approval */
	assert_true(enterprise_cert_allows("draft", ENTERPRISE_CERT_LEGAL_REP));
	assert_true(enterprise_cert_allows("rejected", ENTERPRISE_CERT_LEGAL_REP));
	assert_true(enterprise_cert_allows("submitted", ENTERPRISE_CERT_LEGAL_REP));
	assert_false(enterprise_cert_allows("approved", ENTERPRISE_CERT_LEGAL_REP));
	/* unknown states allow nothing */
	assert_false(enterprise_cert_allows("withdrawn", ENTERPRISE_CERT_EDIT));
	assert_false(enterprise_cert_allows("", ENTERPRISE_CERT_REVIEWER_SEES));
	assert_false(enterprise_cert_allows(NULL, ENTERPRISE_CERT_EDIT));
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(enterprise_cert_kind_index("business_licence"), 0);
	assert_int_equal(enterprise_cert_kind_index("legal_rep_id_front"), 1);
	assert_int_equal(enterprise_cert_kind_index("legal_rep_id_back"), 2);
	assert_int_equal(enterprise_cert_kind_index("authorization_letter"), 3);
	assert_int_equal(enterprise_cert_kind_index("business_license"), -1);
	assert_int_equal(enterprise_cert_kind_index(""), -1);
	assert_int_equal(enterprise_cert_kind_index(NULL), -1);
	assert_int_equal(enterprise_cert_kind_missing("business_licence"), ST_LICENCE_MISSING);
	assert_string_equal(status_message(enterprise_cert_kind_missing("authorization_letter")),
	                    "请上传企业授权书");
	assert_int_equal(enterprise_cert_kind_missing("passport"), ST_FILE_MISSING);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(enterprise_name_same("长沙麓谷智联科技有限公司", "长沙麓谷智联科技有限公司"));
	/* half-width parentheses are the registry's full-width ones; spaces do not count */
	assert_true(enterprise_name_same("湖南华菱（集团）有限公司", "湖南华菱(集团)有限公司"));
	assert_true(
	        enterprise_name_same("湖南华菱（集团）有限公司", " 湖南华菱 ( 集团 ) 有限公司 "));
	assert_true(
	        enterprise_name_same("长沙星辰商贸有限公司", "长沙星辰商贸\xE3\x80\x80有限公司"));
	assert_false(enterprise_name_same("长沙星辰商贸有限公司", "长沙星辰商贸有限责任公司"));
	assert_false(enterprise_name_same("长沙星辰商贸有限公司", "长沙星辰商贸有限公"));
	assert_false(enterprise_name_same("长沙星辰商贸有限公司", ""));
	assert_false(enterprise_name_same(NULL, "长沙星辰商贸有限公司"));
	assert_true(enterprise_name_same("ABC Trading", "ABCTrading"));
	assert_false(enterprise_name_same("ABC Trading", "abc trading"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_state_rules),
	        cmocka_unit_test(test_kinds),
	        cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("enterprise_certification", tests, NULL, NULL);
}
