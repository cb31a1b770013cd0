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

/* The filename of a one-part body whose Content-Disposition is disposition, or NULL
 * when the body is refused. */
static const char *filename_of(const char *disposition)
{
	static gw_part parts[GW_MULTIPART_MAX_PARTS];
	char body[1024];
	size_t n;
	snprintf(body, sizeof body, "--XyZ\r\nContent-Disposition: %s\r\n\r\nx\r\n--XyZ--",
	         disposition);
	if (parse(CT, body, parts, &n) != 0 || n != 1)
		return NULL;
	return parts[0].filename;
}

static void test_rfc7578_parameters(void **state)
{
	(void)state;
	/* RFC 2183/2045: `;` inside a quoted string belongs to the value. */
	assert_string_equal(filename_of("form-data; name=\"file\"; filename=\"合同; 副本.pdf\""),
	                    "合同; 副本.pdf");
	/* Parameter names are case-insensitive. */
	assert_string_equal(filename_of("form-data; NAME=\"file\"; FILENAME=\"a.pdf\""), "a.pdf");
	assert_string_equal(filename_of("Form-Data; Name=file; FileName=b.pdf"), "b.pdf");
	/* quoted-pair escapes */
	assert_string_equal(filename_of("form-data; name=\"file\"; filename=\"a\\\"b\\\\c.pdf\""),
	                    "a\"b\\c.pdf");
	/* RFC 5987 filename* wins over filename, wherever it stands. */
	assert_string_equal(
	        filename_of("form-data; name=\"file\"; "
	                    "filename*=UTF-8''%E5%90%88%E5%90%8C.pdf; filename=\"x.pdf\""),
	        "合同.pdf");
	assert_string_equal(filename_of("form-data; name=\"file\"; filename=\"x.pdf\"; "
	                                "filename*=utf-8'zh'%E5%90%88%E5%90%8C.pdf"),
	                    "合同.pdf");
	/* No filename: a text field. A name that only ends in "name" is another parameter. */
	assert_string_equal(filename_of("form-data; name=\"kind\"; xfilename=\"a\""), "");
	/* Refused: an unterminated quote, a bad ext-value, a NUL by %00, a doubled name,
	 * garbage after a quoted value, another disposition type. */
	assert_null(filename_of("form-data; name=\"file\"; filename=\"a.pdf"));
	assert_null(filename_of("form-data; name=\"file\"; filename*=latin1''a.pdf"));
	assert_null(filename_of("form-data; name=\"file\"; filename*=UTF-8''a%00.pdf"));
	assert_null(filename_of("form-data; name=\"a\"; name=\"b\""));
	assert_null(filename_of("form-data; name=\"file\"x; filename=\"a.pdf\""));
	assert_null(filename_of("form-dataX; name=\"file\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_text_and_file_parts_are_split_with_their_names),
	        cmocka_unit_test(test_quoted_boundary_and_preamble_are_accepted),
	        cmocka_unit_test(test_malformed_bodies_are_refused),
	        cmocka_unit_test(test_more_parts_than_the_limit_are_refused),
	        cmocka_unit_test(test_rfc7578_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
