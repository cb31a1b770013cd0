/* Unit tests for validate: each test names the rule it checks; values from the standards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"
#include "validate.h"

/* A fixed "today" so birth-date tests do not drift with the calendar. */
#define TODAY 20240601

/* ---- mobile ---------------------------------------------------------------- */

static void test_mobile_accepts_1_then_3_to_9_then_9_digits(void **state)
{
	(void)state;
	assert_int_equal(validate_mobile("13812341234"), 0);
	assert_int_equal(validate_mobile("13000000000"), 0);
	assert_int_equal(validate_mobile("19999999999"), 0);
}

static void test_mobile_rejects_second_digit_0_to_2(void **state)
{
	(void)state;
	assert_int_equal(validate_mobile("10012341234"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("11012341234"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("12812341234"), ST_MOBILE_INVALID);
}

static void test_mobile_rejects_first_digit_other_than_1(void **state)
{
	(void)state;
	assert_int_equal(validate_mobile("23812341234"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("03812341234"), ST_MOBILE_INVALID);
}

static void test_mobile_rejects_length_other_than_11(void **state)
{
	(void)state;
	assert_int_equal(validate_mobile(""), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("1381234123"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("138123412345"), ST_MOBILE_INVALID);
}

static void test_mobile_rejects_non_digits_and_prefixes(void **state)
{
	(void)state;
	assert_int_equal(validate_mobile("1381234123a"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("+8613812341234"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile(" 13812341234"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("138-1234-1234"), ST_MOBILE_INVALID);
	assert_int_equal(validate_mobile("１３８１２３４１２３４"),
	                 ST_MOBILE_INVALID); /* full width */
}

static void test_mobile_rejects_null(void **state)
{
	(void)state;
	assert_int_equal(validate_mobile(NULL), ST_MOBILE_INVALID);
}

/* ---- password -------------------------------------------------------------- */

static void test_password_accepts_any_three_of_four_classes(void **state)
{
	(void)state;
	assert_int_equal(validate_password("Abcdefg1", NULL), 0); /* upper lower digit */
	assert_int_equal(validate_password("abcdef1!", NULL), 0); /* lower digit punct */
	assert_int_equal(validate_password("ABCDEF1!", NULL), 0); /* upper digit punct */
	assert_int_equal(validate_password("Abcdefg!", NULL), 0); /* upper lower punct */
	assert_int_equal(validate_password("Ab1!Ab1!", NULL), 0); /* all four */
	assert_int_equal(validate_password("aB3~`{}|", NULL), 0); /* punctuation edges */
}

static void test_password_accepts_8_and_20_characters(void **state)
{
	(void)state;
	assert_int_equal(validate_password("Abcdef12", NULL), 0);
	assert_int_equal(validate_password("Abcdef1234567890abcd", NULL), 0);
}

static void test_password_rejects_7_and_21_characters(void **state)
{
	(void)state;
	assert_int_equal(validate_password("Abcde12", NULL), ST_PASSWORD_LENGTH);
	assert_int_equal(validate_password("Abcdef1234567890abcde", NULL), ST_PASSWORD_LENGTH);
	assert_int_equal(validate_password("", NULL), ST_PASSWORD_LENGTH);
	assert_int_equal(validate_password(NULL, NULL), ST_PASSWORD_LENGTH);
}

static void test_password_rejects_only_two_classes(void **state)
{
	(void)state;
	assert_int_equal(validate_password("abcdefgh1", NULL), ST_PASSWORD_WEAK);
	assert_int_equal(validate_password("ABCDEFGHij", NULL), ST_PASSWORD_WEAK);
	assert_int_equal(validate_password("abcdefgh!", NULL), ST_PASSWORD_WEAK);
	assert_int_equal(validate_password("12345678!", NULL), ST_PASSWORD_WEAK);
	assert_int_equal(validate_password("aaaaaaaa", NULL), ST_PASSWORD_WEAK);
}

static void test_password_rejects_space_control_and_non_ascii(void **state)
{
	(void)state;
	assert_int_equal(validate_password("Abc def1!", NULL), ST_PASSWORD_CHARSET);
	assert_int_equal(validate_password("Abc\tdef1!", NULL), ST_PASSWORD_CHARSET);
	assert_int_equal(validate_password("Abcdef1\x7f", NULL), ST_PASSWORD_CHARSET);
	assert_int_equal(validate_password("Abcdef1密码", NULL), ST_PASSWORD_CHARSET);
	assert_int_equal(validate_password("Abcdef1！", NULL),
	                 ST_PASSWORD_CHARSET); /* full width */
}

static void test_password_reports_charset_before_length(void **state)
{
	(void)state;
	assert_int_equal(validate_password("密码", NULL), ST_PASSWORD_CHARSET);
}

static void test_password_rejects_containing_the_phone_number(void **state)
{
	(void)state;
	assert_int_equal(validate_password("Ab!13812341234", "13812341234"), ST_PASSWORD_HAS_PHONE);
	assert_int_equal(validate_password("13812341234aB", "13812341234"), ST_PASSWORD_HAS_PHONE);
	/* A different number, or only part of it, is fine. */
	assert_int_equal(validate_password("Ab!13812341234", "13912341234"), 0);
	assert_int_equal(validate_password("Ab!1381234123", "13812341234"), 0);
}

static void test_password_skips_phone_rule_when_phone_null_or_empty(void **state)
{
	(void)state;
	assert_int_equal(validate_password("Ab!13812341234", NULL), 0);
	assert_int_equal(validate_password("Ab!13812341234", ""), 0);
}

/* ---- resident ID (GB 11643) ------------------------------------------------ */

static void test_resident_id_accepts_gb11643_example_11010519491231002X(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("11010519491231002X", TODAY), 0);
	/* The same through the real clock (today is after 1949). */
	assert_int_equal(validate_resident_id("11010519491231002X"), 0);
}

static void test_resident_id_accepts_computed_valid_numbers(void **state)
{
	(void)state;
	/* Check characters computed by MOD 11-2 for these 17-digit bodies. */
	assert_int_equal(validate_resident_id_on("430102199003071234", TODAY), 0);
	assert_int_equal(validate_resident_id_on("440308199912310045", TODAY), 0);
	assert_int_equal(validate_resident_id_on("500103198001010059", TODAY), 0);
	assert_int_equal(validate_resident_id_on("110105194912310011", TODAY), 0);
}

static void test_resident_id_rejects_wrong_check_char(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("110105194912310020", TODAY),
	                 ST_ID_NUMBER_CHECKSUM);
	assert_int_equal(validate_resident_id_on("110105194912310021", TODAY),
	                 ST_ID_NUMBER_CHECKSUM);
	assert_int_equal(validate_resident_id_on("430102199003071235", TODAY),
	                 ST_ID_NUMBER_CHECKSUM);
	assert_int_equal(validate_resident_id_on("43010219900307123X", TODAY),
	                 ST_ID_NUMBER_CHECKSUM);
}

static void test_resident_id_rejects_lower_case_x(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("11010519491231002x", TODAY),
	                 ST_ID_NUMBER_INVALID);
}

/* Rule: a resident ID typed with a lower-case x is accepted and kept upper case. */
static void test_resident_id_normalize_accepts_lower_case_x_as_upper(void **state)
{
	(void)state;
	char id[] = "11010519491231002x";
	assert_int_equal(validate_resident_id_normalize(id), 0);
	assert_string_equal(id, "11010519491231002X");
	char upper[] = "11010519491231002X";
	assert_int_equal(validate_resident_id_normalize(upper), 0);
	assert_string_equal(upper, "11010519491231002X");
	char digits[] = "110105194912310021";
	assert_int_equal(validate_resident_id_normalize(digits), ST_ID_NUMBER_CHECKSUM);
	char inner[] = "1101051949123100x2";
	assert_int_equal(validate_resident_id_normalize(inner), ST_ID_NUMBER_INVALID);
	assert_string_equal(inner, "1101051949123100x2");
	char shorter[] = "1101051949123100x";
	assert_int_equal(validate_resident_id_normalize(shorter), ST_ID_NUMBER_INVALID);
	assert_int_equal(validate_resident_id_normalize(NULL), ST_ID_NUMBER_INVALID);
}

/* Rule: money in fen has a domain bound: 0 to 2^53 - 1 (every JSON client reads it back). */
static void test_amount_fen_is_bounded_by_2_pow_53_minus_1(void **state)
{
	(void)state;
	assert_int_equal(validate_amount_fen(0), 0);
	assert_int_equal(validate_amount_fen(9007199254740991LL), 0);
	assert_int_equal(validate_amount_fen(9007199254740992LL), ST_FIELD_RANGE);
	assert_int_equal(validate_amount_fen(9223372036854775807LL), ST_FIELD_RANGE);
	assert_int_equal(validate_amount_fen(-1), ST_FIELD_RANGE);
}

static void test_resident_id_rejects_length_other_than_18(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("", TODAY), ST_ID_NUMBER_INVALID);
	assert_int_equal(validate_resident_id_on("11010519491231002", TODAY), ST_ID_NUMBER_INVALID);
	assert_int_equal(validate_resident_id_on("11010519491231002X1", TODAY),
	                 ST_ID_NUMBER_INVALID);
	/* The retired 15-digit format. */
	assert_int_equal(validate_resident_id_on("110105491231002", TODAY), ST_ID_NUMBER_INVALID);
	assert_int_equal(validate_resident_id_on(NULL, TODAY), ST_ID_NUMBER_INVALID);
}

static void test_resident_id_rejects_non_digit_in_first_17(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("1101051949123100XX", TODAY),
	                 ST_ID_NUMBER_INVALID);
	assert_int_equal(validate_resident_id_on("11010519491231 02X", TODAY),
	                 ST_ID_NUMBER_INVALID);
	assert_int_equal(validate_resident_id_on("11010519491231002Y", TODAY),
	                 ST_ID_NUMBER_INVALID);
}

static void test_resident_id_rejects_province_99(void **state)
{
	(void)state;
	/* Check character correct, so only the region is wrong. */
	assert_int_equal(validate_resident_id_on("990105194912310023", TODAY), ST_ID_NUMBER_REGION);
}

static void test_resident_id_rejects_province_91_10_16(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("910105194912310029", TODAY), ST_ID_NUMBER_REGION);
	assert_int_equal(validate_resident_id_on("100105194912310028", TODAY), ST_ID_NUMBER_REGION);
	assert_int_equal(validate_resident_id_on("160105194912310029", TODAY), ST_ID_NUMBER_REGION);
}

static void test_resident_id_accepts_taiwan_hongkong_macao_71_81_82(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("710105194912310021", TODAY), 0);
	assert_int_equal(validate_resident_id_on("820105194912310027", TODAY), 0);
}

static void test_resident_id_rejects_feb_30(void **state)
{
	(void)state;
	/* 1999-02-30, check character correct for the body. */
	assert_int_equal(validate_resident_id_on("110105199902300015", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
}

static void test_resident_id_accepts_feb_29_of_leap_year_2000(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("11010520000229003X", TODAY), 0);
}

static void test_resident_id_rejects_feb_29_of_1900_not_leap(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("110105190002290017", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
}

static void test_resident_id_rejects_month_13_month_00_day_00(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("110105194913010029", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
	assert_int_equal(validate_resident_id_on("11010519490001002X", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
	assert_int_equal(validate_resident_id_on("110105194912000021", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
}

static void test_resident_id_rejects_birth_before_1900(void **state)
{
	(void)state;
	/* GB 11643's second example (born 1880, valid check character) and 1899-12-31. */
	assert_int_equal(validate_resident_id_on("440524188001010014", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
	assert_int_equal(validate_resident_id_on("110105189912310015", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
}

static void test_resident_id_accepts_birth_on_1900_01_01(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("11010519000101001X", TODAY), 0);
}

static void test_resident_id_accepts_birth_today_rejects_tomorrow(void **state)
{
	(void)state;
	assert_int_equal(validate_resident_id_on("110105202406010013", TODAY), 0);
	assert_int_equal(validate_resident_id_on("110105202406020019", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
	assert_int_equal(validate_resident_id_on("110105210001010015", TODAY),
	                 ST_ID_NUMBER_BIRTHDATE);
}

/* ---- USCC (GB 32100) ------------------------------------------------------- */

static void test_uscc_accepts_published_example_91350100M000100Y43(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc("91350100M000100Y43"), 0);
}

static void test_uscc_accepts_real_company_codes(void **state)
{
	(void)state;
	/* Codes as published by Huawei Technologies, Tencent (Shenzhen) and Xiaomi;
	 * each verified by the mod-31 check. */
	assert_int_equal(validate_uscc("914403001922038216"), 0);
	assert_int_equal(validate_uscc("9144030071526726XG"), 0);
	assert_int_equal(validate_uscc("91110108551385082Q"), 0);
}

static void test_uscc_accepts_each_authority_with_a_defined_type(void **state)
{
	(void)state;
	/* Check characters computed for these bodies. */
	assert_int_equal(validate_uscc("521100005000000008"), 0); /* 民政 民办非企业单位 */
	assert_int_equal(validate_uscc("53100000500021676K"), 0); /* 民政 基金会 */
	assert_int_equal(validate_uscc("Y1350100M000100Y4D"), 0); /* 其他 */
	assert_int_equal(validate_uscc("N2330102MF00000016"), 0); /* 农业 村级集体经济组织 */
	assert_int_equal(validate_uscc("A1110000MB0000000J"), 0); /* 军队事业单位 */
}

static void test_uscc_maps_check_value_31_to_0(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc("91350100M000100Y30"), 0);
	assert_int_equal(validate_uscc("91350100M000100Y3Y"), ST_USCC_CHECKSUM);
}

static void test_uscc_rejects_wrong_check_char(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc("91350100M000100Y44"), ST_USCC_CHECKSUM);
	assert_int_equal(validate_uscc("91350100M000100Y4A"), ST_USCC_CHECKSUM);
	assert_int_equal(validate_uscc("9144030071526726X0"), ST_USCC_CHECKSUM);
}

static void test_uscc_rejects_forbidden_letters_I_O_Z_S_V(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc("91350100I000100Y43"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("91350100O000100Y43"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("91350100Z000100Y43"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("91350100S000100Y43"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("91350100V000100Y43"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("91350100M000100Y4I"), ST_USCC_INVALID);
}

static void test_uscc_rejects_lower_case(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc("91350100m000100y43"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("9144030071526726xg"), ST_USCC_INVALID);
}

static void test_uscc_rejects_length_other_than_18(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc(""), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("91350100M000100Y4"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc("91350100M000100Y433"), ST_USCC_INVALID);
	assert_int_equal(validate_uscc(NULL), ST_USCC_INVALID);
}

static void test_uscc_rejects_type_not_defined_for_authority(void **state)
{
	(void)state;
	/* Correct check characters: only the authority/type pair is wrong. */
	assert_int_equal(validate_uscc("94350100M000100Y4R"), ST_USCC_TYPE); /* 工商 has 1-3 */
	assert_int_equal(validate_uscc("99350100M000100Y4A"), ST_USCC_TYPE);
	assert_int_equal(validate_uscc("Y2350100M000100Y43"), ST_USCC_TYPE); /* 其他 has only 1 */
}

static void test_uscc_rejects_unknown_authority(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc("B1350100M000100Y41"), ST_USCC_TYPE);
	assert_int_equal(validate_uscc("01350100M000100Y43"), ST_USCC_TYPE);
}

static void test_uscc_rejects_letter_in_division_code(void **state)
{
	(void)state;
	assert_int_equal(validate_uscc("9135010AM000100Y4K"), ST_USCC_REGION);
}

/* ---- Luhn, bank card, account number ---------------------------------------- */

static void test_luhn_accepts_published_examples(void **state)
{
	(void)state;
	assert_int_equal(validate_luhn("4111111111111111"), 1);
	assert_int_equal(validate_luhn("79927398713"), 1);
	assert_int_equal(validate_luhn("0"), 1);
}

static void test_luhn_rejects_changed_digit_and_non_digits(void **state)
{
	(void)state;
	assert_int_equal(validate_luhn("4111111111111112"), 0);
	assert_int_equal(validate_luhn("79927398710"), 0);
	assert_int_equal(validate_luhn("4111 1111 1111 1111"), 0);
	assert_int_equal(validate_luhn(""), 0);
	assert_int_equal(validate_luhn(NULL), 0);
}

static void test_bank_card_accepts_15_to_19_digits_passing_luhn(void **state)
{
	(void)state;
	assert_int_equal(validate_bank_card("378282246310005"), 0);     /* 15 */
	assert_int_equal(validate_bank_card("4111111111111111"), 0);    /* 16 */
	assert_int_equal(validate_bank_card("6222020200112345679"), 0); /* 19, Luhn computed */
}

static void test_bank_card_rejects_luhn_failure(void **state)
{
	(void)state;
	assert_int_equal(validate_bank_card("4111111111111112"), ST_BANK_CARD_CHECKSUM);
	assert_int_equal(validate_bank_card("6222020200112345678"), ST_BANK_CARD_CHECKSUM);
}

static void test_bank_card_rejects_luhn_valid_11_digits(void **state)
{
	(void)state;
	assert_int_equal(validate_bank_card("79927398713"), ST_BANK_CARD_INVALID);
}

static void test_bank_card_rejects_14_and_20_digits_and_separators(void **state)
{
	(void)state;
	assert_int_equal(validate_bank_card("41111111111111"), ST_BANK_CARD_INVALID);
	assert_int_equal(validate_bank_card("41111111111111111110"), ST_BANK_CARD_INVALID);
	assert_int_equal(validate_bank_card("4111 1111 1111 1111"), ST_BANK_CARD_INVALID);
	assert_int_equal(validate_bank_card("4111-1111-1111-1111"), ST_BANK_CARD_INVALID);
	assert_int_equal(validate_bank_card(""), ST_BANK_CARD_INVALID);
	assert_int_equal(validate_bank_card(NULL), ST_BANK_CARD_INVALID);
}

static void test_account_number_accepts_6_to_32_digits_without_luhn(void **state)
{
	(void)state;
	assert_int_equal(validate_account_number("123456"), 0);
	assert_int_equal(validate_account_number("4111111111111112"), 0); /* fails Luhn: fine */
	assert_int_equal(validate_account_number("12345678901234567890123456789012"), 0);
}

static void test_account_number_rejects_5_and_33_digits_and_non_digits(void **state)
{
	(void)state;
	assert_int_equal(validate_account_number("12345"), ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(validate_account_number("123456789012345678901234567890123"),
	                 ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(validate_account_number("1234-5678"), ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(validate_account_number("12345678A"), ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(validate_account_number(""), ST_ACCOUNT_NUMBER_INVALID);
	assert_int_equal(validate_account_number(NULL), ST_ACCOUNT_NUMBER_INVALID);
}

/* ---- masking ----------------------------------------------------------------- */

static void test_mask_mobile_keeps_first_3_and_last_4(void **state)
{
	(void)state;
	char out[16];
	validate_mask_mobile("13812341234", out);
	assert_string_equal(out, "138****1234");
}

static void test_mask_mobile_hides_all_when_not_11_chars(void **state)
{
	(void)state;
	char out[16];
	validate_mask_mobile("1381234123", out);
	assert_string_equal(out, "****");
	validate_mask_mobile("138123412345", out);
	assert_string_equal(out, "****");
	validate_mask_mobile("", out);
	assert_string_equal(out, "****");
	validate_mask_mobile(NULL, out);
	assert_string_equal(out, "****");
}

static void test_mask_middle_keeps_head_and_tail_of_id_and_card(void **state)
{
	(void)state;
	char out[64];
	validate_mask_middle("430102199003071234", 4, 4, out, sizeof out);
	assert_string_equal(out, "4301**********1234");
	validate_mask_middle("6222020200112345679", 6, 4, out, sizeof out);
	assert_string_equal(out, "622202*********5679");
	validate_mask_middle("430102199003071234", 0, 4, out, sizeof out);
	assert_string_equal(out, "**************1234");
}

static void test_mask_middle_masks_all_when_keeps_cover_the_string(void **state)
{
	(void)state;
	char out[64];
	validate_mask_middle("1234", 2, 2, out, sizeof out);
	assert_string_equal(out, "****");
	validate_mask_middle("1234", 10, 0, out, sizeof out);
	assert_string_equal(out, "****");
	validate_mask_middle("1234", -1, -5, out, sizeof out);
	assert_string_equal(out, "****");
	validate_mask_middle("", 1, 1, out, sizeof out);
	assert_string_equal(out, "");
	validate_mask_middle(NULL, 1, 1, out, sizeof out);
	assert_string_equal(out, "");
}

/* Personal data masked in responses: the e-mail shows its first character and domain. */
static void test_mask_email_keeps_first_char_and_domain(void **state)
{
	(void)state;
	char out[64];
	validate_mask_email("zhang.xm@example.com", out, sizeof out);
	assert_string_equal(out, "z***@example.com");
	validate_mask_email("a@example.com", out, sizeof out);
	assert_string_equal(out, "a***@example.com");
	validate_mask_email("张小明@例子.中国", out, sizeof out);
	assert_string_equal(out, "张***@例子.中国");
}

static void test_mask_email_hides_all_when_malformed_or_too_long(void **state)
{
	(void)state;
	char out[64], small[12];
	const char *bad[] = {NULL, "", "zhang", "@example.com", "a@b@example.com"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		validate_mask_email(bad[i], out, sizeof out);
		assert_string_equal(out, "***");
	}
	validate_mask_email("zhang.xm@example.com", small, sizeof small);
	assert_string_equal(small, "***");
	validate_mask_email("z@e.cn", small, sizeof small);
	assert_string_equal(small, "z***@e.cn");
}

static void test_mask_middle_counts_utf8_characters(void **state)
{
	(void)state;
	char out[64];
	validate_mask_middle("张小明", 1, 1, out, sizeof out);
	assert_string_equal(out, "张*明");
	validate_mask_middle("欧阳小明", 1, 0, out, sizeof out);
	assert_string_equal(out, "欧***");
}

static void test_mask_middle_cuts_output_to_outlen_at_char_boundary(void **state)
{
	(void)state;
	char out[8];
	validate_mask_middle("430102199003071234", 4, 4, out, sizeof out);
	assert_string_equal(out, "4301***");
	validate_mask_middle("张小明", 1, 1, out, 3); /* "张" needs 3 bytes + NUL */
	assert_string_equal(out, "");
	validate_mask_middle("430102199003071234", 4, 4, out, 1);
	assert_string_equal(out, "");
}

/* ---- registry ---------------------------------------------------------------- */

static void test_validation_codes_are_registered_as_http_400(void **state)
{
	(void)state;
	static const int codes[] = {
	        ST_MOBILE_INVALID,         ST_PASSWORD_LENGTH,     ST_PASSWORD_CHARSET,
	        ST_PASSWORD_WEAK,          ST_PASSWORD_HAS_PHONE,  ST_ID_NUMBER_INVALID,
	        ST_ID_NUMBER_REGION,       ST_ID_NUMBER_BIRTHDATE, ST_ID_NUMBER_CHECKSUM,
	        ST_USCC_INVALID,           ST_USCC_TYPE,           ST_USCC_REGION,
	        ST_USCC_CHECKSUM,          ST_BANK_CARD_INVALID,   ST_BANK_CARD_CHECKSUM,
	        ST_ACCOUNT_NUMBER_INVALID,
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		assert_true(codes[i] >= 100 && codes[i] <= 199);
		assert_true(status_known(codes[i]));
		assert_int_equal(status_http(codes[i]), 400);
		assert_true(strlen(status_message(codes[i])) > 0);
	}
}

/* ---- e-mail, names, text, paging ------------------------------------------- */

static void test_email_accepts_common_addresses(void **state)
{
	(void)state;
	assert_int_equal(validate_email("zhang.san@example.com"), 0);
	assert_int_equal(validate_email("a+b@mail.hn.cn"), 0);
	assert_int_equal(validate_email("x@qq.com"), 0);
}

static void test_email_rejects_missing_parts_dots_and_bad_labels(void **state)
{
	(void)state;
	const char *bad[] = {"",           "zhangsan",         "@example.com", "a@",
	                     "a@example",  "a@@b.com",         ".a@b.com",     "a.@b.com",
	                     "a..b@c.com", "a@-b.com",         "a@b-.com",     "a@b.c0m",
	                     "a b@c.com",  "张三@example.com", "a@b..com"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(validate_email(bad[i]), ST_EMAIL_INVALID);
	assert_int_equal(validate_email(NULL), ST_EMAIL_INVALID);
}

static void test_person_name_accepts_chinese_latin_and_middle_dot(void **state)
{
	(void)state;
	assert_int_equal(validate_person_name("张三"), 0);
	assert_int_equal(validate_person_name("欧阳娜娜"), 0);
	assert_int_equal(validate_person_name("迪丽热巴·迪力木拉提"), 0);
	assert_int_equal(validate_person_name("John Smith"), 0);
}

static void test_person_name_rejects_digits_symbols_length_and_edges(void **state)
{
	(void)state;
	const char *bad[] = {"张",
	                     "张3",
	                     "张三!",
	                     " 张三",
	                     "张三 ",
	                     "张  三",
	                     "·张三",
	                     "张三·",
	                     "",
	                     "\xff\xfe",
	                     "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(validate_person_name(bad[i]), ST_NAME_INVALID);
}

static void test_text_counts_characters_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(validate_text("湖南省长沙市", 6), 0);
	assert_int_equal(validate_text("湖南省长沙市", 5), ST_TEXT_TOO_LONG);
	assert_int_equal(validate_text("\xc0\xaf", 10), ST_TEXT_TOO_LONG);
	assert_int_equal(validate_text(NULL, 0), 0);
}

/* Rule (issue 13, H3): free text holds no character that changes how the text around it
 * reads: C0 (TAB, CR, LF too on one line), DEL, C1, line separators, bidi controls. */
static void test_text_refuses_control_characters(void **state)
{
	(void)state;
	const char *bad[] = {"长沙\x1b[2J市",        /* ESC */
	                     "销售\r\n【平台通知】", /* CR LF */
	                     "a\tb",                 /* TAB */
	                     "a\x7f",                /* DEL */
	                     "员工\xc2\x85假行",     /* U+0085 NEL */
	                     "a\xc2\x80",            /* U+0080 */
	                     "a\xc2\x9f",            /* U+009F */
	                     "员工\u202e",           /* RLO */
	                     "\u202aa",              /* LRE */
	                     "\u2066a",              /* LRI */
	                     "\u2069a",              /* PDI */
	                     "a\u2028b",             /* LINE SEPARATOR */
	                     "\x01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(validate_text(bad[i], 100), ST_TEXT_CONTROL_CHAR);
		assert_int_equal(validate_text_lines(bad[i], 100), ST_TEXT_CONTROL_CHAR);
	}
	assert_int_equal(validate_text("第一行\n第二行", 100), ST_TEXT_CONTROL_CHAR);
	/* Neighbours of the refused ranges stay allowed: space, '~', U+00A0, U+2027,
	 * U+202F, U+2065, U+206A. */
	assert_int_equal(validate_text(" ~\u00a0\u2027\u202f\u2065\u206a", 100), 0);
}

static void test_text_lines_allows_lf_only(void **state)
{
	(void)state;
	assert_int_equal(validate_text_lines("缺少营业执照\n缺少法人身份证", 100), 0);
	assert_int_equal(validate_text_lines("缺少营业执照\r\n缺少法人身份证", 100),
	                 ST_TEXT_CONTROL_CHAR);
	assert_int_equal(validate_text_lines("一\n二", 2), ST_TEXT_TOO_LONG);
	assert_int_equal(validate_text_lines(NULL, 0), 0);
}

static void test_page_defaults_and_bounds_name_the_field(void **state)
{
	(void)state;
	int page, size;
	const char *field = NULL;
	assert_int_equal(validate_page(0, 0, 0, 0, &page, &size, &field), 0);
	assert_int_equal(page, 1);
	assert_int_equal(size, 20);
	assert_int_equal(validate_page(1, 3, 1, 100, &page, &size, &field), 0);
	assert_int_equal(size, 100);
	assert_int_equal(validate_page(1, 0, 0, 0, &page, &size, &field), ST_FIELD_RANGE);
	assert_string_equal(field, "page");
	assert_int_equal(validate_page(0, 0, 1, 101, &page, &size, &field), ST_PAGE_SIZE);
	assert_string_equal(field, "page_size");
	assert_int_equal(validate_page(0, 0, 1, 0, &page, &size, &field), ST_FIELD_RANGE);
	assert_string_equal(field, "page_size");
}

static void test_date_accepts_only_real_calendar_dates(void **state)
{
	(void)state;
	assert_int_equal(validate_date("2026-02-28"), 0);
	assert_int_equal(validate_date("2028-02-29"), 0);
	assert_int_equal(validate_date("2000-02-29"), 0);
	assert_int_equal(validate_date("2026-12-31"), 0);
	assert_int_equal(validate_date("0001-01-01"), 0);
	assert_int_equal(validate_date("2026-02-31"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-02-29"), ST_DATE_INVALID);
	assert_int_equal(validate_date("1900-02-29"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-04-31"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-13-01"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-00-10"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-01-00"), ST_DATE_INVALID);
	assert_int_equal(validate_date("0000-01-01"), ST_DATE_INVALID);
}

static void test_date_refuses_other_shapes(void **state)
{
	(void)state;
	assert_int_equal(validate_date(NULL), ST_DATE_INVALID);
	assert_int_equal(validate_date(""), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-2-28"), ST_DATE_INVALID);
	assert_int_equal(validate_date("20260228"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026/02/28"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-02-28 "), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-02-2x"), ST_DATE_INVALID);
	assert_int_equal(validate_date("+026-02-28"), ST_DATE_INVALID);
	assert_int_equal(validate_date("2026-02-28'--"), ST_DATE_INVALID);
}

static void test_uuid_accepts_only_the_canonical_lower_case_form(void **state)
{
	(void)state;
	assert_true(validate_uuid("0b7f4c52-8a1e-4c3a-9f0e-2d9a1b3c4d5e"));
	assert_false(validate_uuid("0B7F4C52-8A1E-4C3A-9F0E-2D9A1B3C4D5E"));
}

static void test_uuid_rejects_other_shapes_and_injection(void **state)
{
	(void)state;
	assert_false(validate_uuid("0b7f4c528a1e4c3a9f0e2d9a1b3c4d5e"));
	assert_false(validate_uuid("0b7f4c52-8a1e-4c3a-9f0e-2d9a1b3c4d5"));
	assert_false(validate_uuid("0b7f4c52-8a1e-4c3a-9f0e-2d9a1b3c4d5g"));
	assert_false(validate_uuid("'; DROP TABLE persons; --'---------"));
	assert_false(validate_uuid(""));
	assert_false(validate_uuid(NULL));
}

static void test_hex_digit_either_case_else_minus_one(void **state)
{
	(void)state;
	assert_int_equal(validate_hex_digit('0'), 0);
	assert_int_equal(validate_hex_digit('9'), 9);
	assert_int_equal(validate_hex_digit('a'), 10);
	assert_int_equal(validate_hex_digit('F'), 15);
	assert_int_equal(validate_hex_digit('g'), -1);
	assert_int_equal(validate_hex_digit('%'), -1);
	assert_int_equal(validate_hex_digit('\0'), -1);
}

static void test_url_inert_refuses_what_ends_an_html_attribute(void **state)
{
	(void)state;
	assert_true(validate_url_inert("https://example.cn/a.png?x=1&y=%22"));
	assert_false(validate_url_inert("https://img.example.cn/a.png\"onerror=\"alert(1)"));
	assert_false(validate_url_inert("https://example.cn/a'b"));
	assert_false(validate_url_inert("https://example.cn/<script>"));
	assert_false(validate_url_inert("https://example.cn/a`b"));
	assert_false(validate_url_inert("https://example.cn\\evil.cn/a"));
	assert_false(validate_url_inert("https://example.cn/a b"));
	assert_false(validate_url_inert("https://example.cn/a\tb"));
	assert_false(validate_url_inert("https://example.cn/a\x7f"));
	assert_false(validate_url_inert(NULL));
}

static void test_image_url_is_https_with_host_or_a_site_path(void **state)
{
	(void)state;
	assert_true(validate_image_url("https://img.example.cn/logo.png"));
	assert_true(validate_image_url("/logos/bank.svg"));
	assert_false(validate_image_url("http://img.example.cn/logo.png"));
	assert_false(validate_image_url("https:///logo.png"));
	assert_false(validate_image_url("https://"));
	assert_false(validate_image_url("//evil.cn/logo.png"));
	assert_false(validate_image_url("/"));
	assert_false(validate_image_url("javascript:alert(1)"));
	assert_false(validate_image_url("data:image/png;base64,AAAA"));
	assert_false(validate_image_url("/\\evil.cn/logo.png"));
	assert_false(validate_image_url("https://img.example.cn/a.png\"onerror=\"alert(1)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_mobile_accepts_1_then_3_to_9_then_9_digits),
	        cmocka_unit_test(test_mobile_rejects_second_digit_0_to_2),
	        cmocka_unit_test(test_mobile_rejects_first_digit_other_than_1),
	        cmocka_unit_test(test_mobile_rejects_length_other_than_11),
	        cmocka_unit_test(test_mobile_rejects_non_digits_and_prefixes),
	        cmocka_unit_test(test_mobile_rejects_null),
	        cmocka_unit_test(test_password_accepts_any_three_of_four_classes),
	        cmocka_unit_test(test_password_accepts_8_and_20_characters),
	        cmocka_unit_test(test_password_rejects_7_and_21_characters),
	        cmocka_unit_test(test_password_rejects_only_two_classes),
	        cmocka_unit_test(test_password_rejects_space_control_and_non_ascii),
	        cmocka_unit_test(test_password_reports_charset_before_length),
	        cmocka_unit_test(test_password_rejects_containing_the_phone_number),
	        cmocka_unit_test(test_password_skips_phone_rule_when_phone_null_or_empty),
	        cmocka_unit_test(test_resident_id_accepts_gb11643_example_11010519491231002X),
	        cmocka_unit_test(test_resident_id_accepts_computed_valid_numbers),
	        cmocka_unit_test(test_resident_id_rejects_wrong_check_char),
	        cmocka_unit_test(test_resident_id_rejects_lower_case_x),
	        cmocka_unit_test(test_resident_id_normalize_accepts_lower_case_x_as_upper),
	        cmocka_unit_test(test_amount_fen_is_bounded_by_2_pow_53_minus_1),
	        cmocka_unit_test(test_resident_id_rejects_length_other_than_18),
	        cmocka_unit_test(test_resident_id_rejects_non_digit_in_first_17),
	        cmocka_unit_test(test_resident_id_rejects_province_99),
	        cmocka_unit_test(test_resident_id_rejects_province_91_10_16),
	        cmocka_unit_test(test_resident_id_accepts_taiwan_hongkong_macao_71_81_82),
	        cmocka_unit_test(test_resident_id_rejects_feb_30),
	        cmocka_unit_test(test_resident_id_accepts_feb_29_of_leap_year_2000),
	        cmocka_unit_test(test_resident_id_rejects_feb_29_of_1900_not_leap),
	        cmocka_unit_test(test_resident_id_rejects_month_13_month_00_day_00),
	        cmocka_unit_test(test_resident_id_rejects_birth_before_1900),
	        cmocka_unit_test(test_resident_id_accepts_birth_on_1900_01_01),
	        cmocka_unit_test(test_resident_id_accepts_birth_today_rejects_tomorrow),
	        cmocka_unit_test(test_uscc_accepts_published_example_91350100M000100Y43),
	        cmocka_unit_test(test_uscc_accepts_real_company_codes),
	        cmocka_unit_test(test_uscc_accepts_each_authority_with_a_defined_type),
	        cmocka_unit_test(test_uscc_maps_check_value_31_to_0),
	        cmocka_unit_test(test_uscc_rejects_wrong_check_char),
	        cmocka_unit_test(test_uscc_rejects_forbidden_letters_I_O_Z_S_V),
	        cmocka_unit_test(test_uscc_rejects_lower_case),
	        cmocka_unit_test(test_uscc_rejects_length_other_than_18),
	        cmocka_unit_test(test_uscc_rejects_type_not_defined_for_authority),
	        cmocka_unit_test(test_uscc_rejects_unknown_authority),
	        cmocka_unit_test(test_uscc_rejects_letter_in_division_code),
	        cmocka_unit_test(test_luhn_accepts_published_examples),
	        cmocka_unit_test(test_luhn_rejects_changed_digit_and_non_digits),
	        cmocka_unit_test(test_bank_card_accepts_15_to_19_digits_passing_luhn),
	        cmocka_unit_test(test_bank_card_rejects_luhn_failure),
	        cmocka_unit_test(test_bank_card_rejects_luhn_valid_11_digits),
	        cmocka_unit_test(test_bank_card_rejects_14_and_20_digits_and_separators),
	        cmocka_unit_test(test_account_number_accepts_6_to_32_digits_without_luhn),
	        cmocka_unit_test(test_account_number_rejects_5_and_33_digits_and_non_digits),
	        cmocka_unit_test(test_mask_mobile_keeps_first_3_and_last_4),
	        cmocka_unit_test(test_mask_mobile_hides_all_when_not_11_chars),
	        cmocka_unit_test(test_mask_middle_keeps_head_and_tail_of_id_and_card),
	        cmocka_unit_test(test_mask_middle_masks_all_when_keeps_cover_the_string),
	        cmocka_unit_test(test_mask_email_keeps_first_char_and_domain),
	        cmocka_unit_test(test_mask_email_hides_all_when_malformed_or_too_long),
	        cmocka_unit_test(test_mask_middle_counts_utf8_characters),
	        cmocka_unit_test(test_mask_middle_cuts_output_to_outlen_at_char_boundary),
	        cmocka_unit_test(test_validation_codes_are_registered_as_http_400),
	        cmocka_unit_test(test_email_accepts_common_addresses),
	        cmocka_unit_test(test_email_rejects_missing_parts_dots_and_bad_labels),
	        cmocka_unit_test(test_person_name_accepts_chinese_latin_and_middle_dot),
	        cmocka_unit_test(test_person_name_rejects_digits_symbols_length_and_edges),
	        cmocka_unit_test(test_text_counts_characters_not_bytes),
	        cmocka_unit_test(test_text_refuses_control_characters),
	        cmocka_unit_test(test_text_lines_allows_lf_only),
	        cmocka_unit_test(test_page_defaults_and_bounds_name_the_field),
	        cmocka_unit_test(test_date_accepts_only_real_calendar_dates),
	        cmocka_unit_test(test_date_refuses_other_shapes),
	        cmocka_unit_test(test_uuid_accepts_only_the_canonical_lower_case_form),
	        cmocka_unit_test(test_uuid_rejects_other_shapes_and_injection),
	        cmocka_unit_test(test_hex_digit_either_case_else_minus_one),
	        cmocka_unit_test(test_url_inert_refuses_what_ends_an_html_attribute),
	        cmocka_unit_test(test_image_url_is_https_with_host_or_a_site_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
