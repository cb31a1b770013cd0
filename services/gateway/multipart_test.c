/* Unit tests for multipart/form-data parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "multipart.h"

#define CT "multipart/form-data; boundary=XyZ"

static int parse(const char *ct, const char *body, gw_part *parts, size_t *n)
{
	return gw_multipart_parse(ct, (const unsigned char *)body, strlen(body), parts, n);
}

static void test_text_and_file_parts_are_split_with_their_names(void **state)
{
	(void)state;
	const char *body =
	        "--XyZ\r\n"
	        "Content-Disposition: form-data; name=\"kind\"\r\n\r\n"
	        "business_licence\r\n"
	        "--XyZ\r\n"
	        "Content-Disposition: form-data; name=\"file\"; filename=\"营业执照.pdf\"\r\n"
	        "Content-Type: application/pdf\r\n\r\n"
	        "%PDF-1.4\r\nbinary\r\n"
	        "--XyZ--\r\n";
	gw_part parts[GW_MULTIPART_MAX_PARTS];
	size_t n = 0;
	assert_int_equal(parse(CT, body, parts, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(parts[0].name, "kind");
	assert_string_equal(parts[0].filename, "");
	assert_int_equal(parts[0].len, strlen("business_licence"));
	assert_memory_equal(parts[0].data, "business_licence", parts[0].len);
	assert_string_equal(parts[1].name, "file");
	assert_string_equal(parts[1].filename, "营业执照.pdf");
	assert_string_equal(parts[1].content_type, "application/pdf");
	/* The CRLF inside the data stays; only the one before the delimiter goes. */
	assert_int_equal(parts[1].len, strlen("%PDF-1.4\r\nbinary"));
}

static void test_quoted_boundary_and_preamble_are_accepted(void **state)
{
	(void)state;
	const char *body = "preamble\r\n--a b\r\n"
	                   "Content-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--";
	gw_part parts[GW_MULTIPART_MAX_PARTS];
	size_t n = 0;
	assert_int_equal(parse("multipart/form-data; boundary=\"a b\"", body, parts, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(parts[0].name, "x");
}

static void test_malformed_bodies_are_refused(void **state)
{
	(void)state;
	gw_part parts[GW_MULTIPART_MAX_PARTS];
	size_t n;
	const char *no_close = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1";
	const char *no_name = "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--";
	const char *no_disp = "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--";
	const char *empty = "--XyZ--";
	assert_int_equal(parse(CT, no_close, parts, &n), -1);
	assert_int_equal(parse(CT, no_name, parts, &n), -1);
	assert_int_equal(parse(CT, no_disp, parts, &n), -1);
	assert_int_equal(parse(CT, empty, parts, &n), -1);
	assert_int_equal(parse("application/json", "{}", parts, &n), -1);
	assert_int_equal(parse("multipart/form-data", "--x--", parts, &n), -1);
}

static void test_more_parts_than_the_limit_are_refused(void **state)
{
	(void)state;
	char body[4096] = "";
	for (int i = 0; i <= GW_MULTIPART_MAX_PARTS; i++)
		snprintf(body + strlen(body), sizeof body - strlen(body),
		         "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
	snprintf(body + strlen(body), sizeof body - strlen(body), "--XyZ--");
	gw_part parts[GW_MULTIPART_MAX_PARTS];
	size_t n;
	assert_int_equal(parse(CT, body, parts, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_text_and_file_parts_are_split_with_their_names),
	        cmocka_unit_test(test_quoted_boundary_and_preamble_are_accepted),
	        cmocka_unit_test(test_malformed_bodies_are_refused),
	        cmocka_unit_test(test_more_parts_than_the_limit_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
