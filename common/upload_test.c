/*
 * Unit tests of upload.c: the type of an upload judged from its magic
 * bytes (never from its name), and the file name kept for it.
 */
#include "upload.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static const char *judge(const uint8_t *d, size_t n)
{
	const char *ct = NULL, *ext = NULL;
	if (upload_judge(d, n, &ct, &ext) != 0)
		return "refused";
	return ct;
}

/* A 1x1 PNG's first 33 bytes: signature and IHDR. */
static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0,    0,    0,
                              13,   'I', 'H', 'D', 'R',  0,    0,    0,    1,    0,    0,
                              0,    1,   8,   2,   0,    0,    0,    0x90, 0x77, 0x53, 0xDE};

static void test_images_and_pdf(void **state)
{
	(void)state;
	static const uint8_t jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};
	static const uint8_t pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
	assert_string_equal(judge(jpg, sizeof jpg), "image/jpeg");
	assert_string_equal(judge(png, sizeof png), "image/png");
	assert_string_equal(judge(pdf, sizeof pdf - 1), "application/pdf");
	const char *ct = NULL, *ext = NULL;
	assert_int_equal(upload_judge(jpg, sizeof jpg, &ct, &ext), 0);
	assert_string_equal(ext, "jpg");
	assert_int_equal(upload_judge(pdf, sizeof pdf - 1, &ct, &ext), 0);
	assert_string_equal(ext, "pdf");
}

/* A 58-byte 1x1 24-bit BMP: file header, BITMAPINFOHEADER, one padded pixel row. */
static void bmp_make(uint8_t b[58])
{
	memset(b, 0, 58);
	b[0] = 'B';
	b[1] = 'M';
	b[2] = 58;  /* file size */
	b[10] = 54; /* pixel offset */
	b[14] = 40; /* DIB header size */
	b[18] = 1;  /* width */
	b[22] = 1;  /* height */
	b[26] = 1;  /* planes */
	b[28] = 24; /* bits per pixel */
}

static void test_bmp_needs_a_sane_header(void **state)
{
	(void)state;
	uint8_t b[58];
	bmp_make(b);
	assert_string_equal(judge(b, sizeof b), "image/bmp");
	b[2] = 0; /* a size of 0 is tolerated */
	assert_string_equal(judge(b, sizeof b), "image/bmp");
	b[2] = 99; /* a size that is not the file's */
	assert_string_equal(judge(b, sizeof b), "refused");
	bmp_make(b);
	b[14] = 41; /* no DIB header has 41 bytes */
	assert_string_equal(judge(b, sizeof b), "refused");
	bmp_make(b);
	b[10] = 20; /* pixels inside the headers */
	assert_string_equal(judge(b, sizeof b), "refused");
	bmp_make(b);
	b[6] = 1; /* reserved bytes */
	assert_string_equal(judge(b, sizeof b), "refused");
	/* "BM" alone, as text might start, is no image */
	assert_string_equal(judge((const uint8_t *)"BMW owners club", 15), "refused");
}

static void test_executables_scripts_and_text_are_refused(void **state)
{
	(void)state;
	static const uint8_t elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t mz[] = {'M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0};
	static const char sh[] = "#!/bin/sh\nrm -rf /\n";
	static const char html[] = "<html><script>alert(1)</script></html>";
	static const char fake_pdf[] = "%PDF-x this is not one";
	assert_string_equal(judge(elf, sizeof elf), "refused");
	assert_string_equal(judge(mz, sizeof mz), "refused");
	assert_string_equal(judge((const uint8_t *)sh, strlen(sh)), "refused");
	assert_string_equal(judge((const uint8_t *)html, strlen(html)), "refused");
	assert_string_equal(judge((const uint8_t *)fake_pdf, strlen(fake_pdf)), "refused");
	/* a PNG signature without its IHDR chunk, or cut short */
	uint8_t bad[sizeof png];
	memcpy(bad, png, sizeof png);
	memcpy(bad + 12, "IDAT", 4);
	assert_string_equal(judge(bad, sizeof bad), "refused");
	assert_string_equal(judge(png, 8), "refused");
	assert_string_equal(judge((const uint8_t *)"\xFF\xD8", 2), "refused");
	assert_string_equal(judge(png, 0), "refused");
	assert_string_equal(judge(NULL, 10), "refused");
}

static void test_clean_name(void **state)
{
	(void)state;
	char out[128];
	upload_clean_name("营业执照.png", "business_licence", "png", out, sizeof out);
	assert_string_equal(out, "营业执照.png");
	upload_clean_name("C:\\Users\\张\\证件/正面.jpg", "x", "jpg", out, sizeof out);
	assert_string_equal(out, "正面.jpg");
	upload_clean_name("../../etc/passwd", "x", "pdf", out, sizeof out);
	assert_string_equal(out, "passwd");
	upload_clean_name("a\"b\r\nc.pdf", "x", "pdf", out, sizeof out);
	assert_string_equal(out, "abc.pdf");
	upload_clean_name("", "business_licence", "png", out, sizeof out);
	assert_string_equal(out, "business_licence.png");
	upload_clean_name(NULL, "letter", "pdf", out, sizeof out);
	assert_string_equal(out, "letter.pdf");
	upload_clean_name("dir/..", "letter", "pdf", out, sizeof out);
	assert_string_equal(out, "letter.pdf");
	/* broken UTF-8 is dropped, whole characters kept */
	upload_clean_name("a\xE4\xB8z\xC3.png", "x", "png", out, sizeof out);
	assert_string_equal(out, "az.png");
	/* long names are cut at a character boundary, at most 120 bytes */
	char longname[400] = "";
	for (int i = 0; i < 100; i++)
		memcpy(longname + 3 * i, "证", 3);
	upload_clean_name(longname, "x", "png", out, sizeof out);
	assert_int_equal(strlen(out), 120);
	assert_int_equal(strncmp(out, "证证", 6), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_images_and_pdf),
	        cmocka_unit_test(test_bmp_needs_a_sane_header),
	        cmocka_unit_test(test_executables_scripts_and_text_are_refused),
	        cmocka_unit_test(test_clean_name),
	};
	return cmocka_run_group_tests_name("upload", tests, NULL, NULL);
}
