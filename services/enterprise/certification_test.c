/*
 * Unit tests of the pure rules of 企业认证 (certification.c): what each state allows,
 * the file kinds, when two spellings of an enterprise name (or of a person's) are the same
 * name, and when the registry lets the legal representative's check approve.
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

/* Rule: the legal representative typed is the registry's, compared as a registry would. */
static void test_person_names(void **state)
{
	(void)state;
	assert_true(enterprise_person_name_same("谭德胜", "谭德胜"));
	/* spaces of any width do not count */
	assert_true(enterprise_person_name_same("谭德胜", " 谭 德胜\xE3\x80\x80"));
	assert_true(enterprise_person_name_same("谭德胜", "谭\xC2\xA0德胜"));
	/* a minority or foreign name's dot, however it was typed */
	assert_true(enterprise_person_name_same("阿依古丽·买买提", "阿依古丽•买买提"));
	assert_true(enterprise_person_name_same("阿依古丽·买买提", "阿依古丽・买买提"));
	assert_true(enterprise_person_name_same("阿依古丽·买买提", "阿依古丽．买买提"));
	assert_true(enterprise_person_name_same("阿依古丽·买买提", "阿依古丽.买买提"));
	assert_true(enterprise_person_name_same("阿依古丽·买买提", "阿依古丽 · 买买提"));
	/* full-width Latin is the half-width one, without case */
	assert_true(enterprise_person_name_same("JOHN·SMITH", "ｊｏｈｎ·smith"));
	/* another person is another person */
	assert_false(enterprise_person_name_same("谭德胜", "郑强"));
	assert_false(enterprise_person_name_same("谭德胜", "谭德"));
	assert_false(enterprise_person_name_same("谭德胜", "谭德胜胜"));
	assert_false(enterprise_person_name_same("阿依古丽·买买提", "阿依古丽买买提"));
	assert_false(enterprise_person_name_same("谭德胜", ""));
	assert_false(enterprise_person_name_same(NULL, "谭德胜"));
	assert_false(enterprise_person_name_same("谭德胜", NULL));
}

/* Rule: the legal representative's check approves only on an alive record whose legal
 * representative is the one typed; the take-over of issue 13 is refused. */
static void test_legal_rep_link(void **state)
{
	(void)state;
	const char *field = NULL;
	assert_int_equal(enterprise_legal_rep_link("存续", "谭德胜", "谭德胜", &field), ST_OK);
	assert_int_equal(enterprise_legal_rep_link("在业", "谭德胜", "谭 德胜", &field), ST_OK);
	/* the take-over: a verified person names themself as another's legal representative */
	assert_int_equal(enterprise_legal_rep_link("存续", "谭德胜", "郑强", &field),
	                 ST_LEGAL_REP_NOT_REGISTERED);
	assert_string_equal(field, "legal_rep_name");
	/* a record not alive */
	assert_int_equal(enterprise_legal_rep_link("注销", "谭德胜", "谭德胜", &field),
	                 ST_ENTERPRISE_DEREGISTERED);
	assert_string_equal(field, "uscc");
	assert_int_equal(enterprise_legal_rep_link("吊销", "谭德胜", "谭德胜", &field),
	                 ST_ENTERPRISE_DEREGISTERED);
	/* a registry without a legal representative proves nothing */
	assert_int_equal(enterprise_legal_rep_link("存续", NULL, "郑强", &field),
	                 ST_REGISTRY_NO_LEGAL_REP);
	assert_string_equal(field, "uscc");
	assert_int_equal(enterprise_legal_rep_link("存续", "", "", &field),
	                 ST_REGISTRY_NO_LEGAL_REP);
	assert_int_equal(enterprise_legal_rep_link("存续", "谭德胜", NULL, &field),
	                 ST_LEGAL_REP_NOT_REGISTERED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_state_rules),    cmocka_unit_test(test_kinds),
	        cmocka_unit_test(test_names),          cmocka_unit_test(test_person_names),
	        cmocka_unit_test(test_legal_rep_link),
	};
	return cmocka_run_group_tests_name("enterprise_certification", tests, NULL, NULL);
}
