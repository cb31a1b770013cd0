/*
 * Unit tests of article bodies (markdown.c): what a script-injection attempt in an
 * article's Markdown becomes in the HTML the portal serves.
 */
#include "markdown.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

static arena *A;

static int setup(void **state)
{
	(void)state;
	A = arena_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	return 0;
}

/*
 * Nothing in html a browser would run, judged as a browser reads the tags: no element
 * besides the ones CommonMark writes, no attribute besides href, src, alt and title
 * (so no on* handler), no href or src with a scheme other than http(s). Text outside
 * tags (escaped by the renderer) may say anything.
 */
static void assert_inert(const char *html)
{
	static const char *const tags[] = {"p",  "a",  "img", "em", "strong",    "code", "pre",
	                                   "h1", "h2", "h3",  "h4", "h5",        "h6",   "ul",
	                                   "ol", "li", "br",  "hr", "blockquote"};
	const char *p = html;
	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (*p == '/')
			p++;
		size_t n = strcspn(p, " />");
		int known = 0;
		for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
			known |= strlen(tags[i]) == n && strncmp(tags[i], p, n) == 0;
		if (!known) {
			print_error("element <%.*s> in: %s\n", (int)n, p, html);
			fail();
		}
		p += n;
		while (*p && *p != '>') {
			while (*p == ' ' || *p == '/')
				p++;
			if (*p == '>' || !*p)
				break;
			size_t an = strcspn(p, "= />");
			int href = an == 4 && strncmp(p, "href", 4) == 0;
			int src = an == 3 && strncmp(p, "src", 3) == 0;
			int ok = href || src || (an == 3 && strncmp(p, "alt", 3) == 0) ||
			         (an == 5 && strncmp(p, "title", 5) == 0);
			if (!ok) {
				print_error("attribute %.*s in: %s\n", (int)an, p, html);
				fail();
			}
			int url = href || src;
			p += an;
			if (*p != '=')
				continue;
			p++;
			assert_int_equal(*p, '"'); /* cmark quotes every value */
			const char *v = ++p, *e = strchr(v, '"');
			assert_non_null(e);
			if (url &&
			    !(strncasecmp(v, "https://", 8) == 0 ||
			      strncasecmp(v, "http://", 7) == 0 || (v[0] == '/' && v[1] != '/'))) {
				print_error("target %.*s in: %s\n", (int)(e - v), v, html);
				fail();
			}
			p = e + 1;
		}
	}
}

static void test_markdown_renders_the_usual(void **state)
{
	(void)state;
	const char *h =
	        markdown_html(A, "# 标题\n\n**加粗** 与 [政策原文](https://www.hunan.gov.cn/a.html)"
	                         "\n\n- 一\n- 二\n");
	assert_non_null(strstr(h, "<h1>标题</h1>"));
	assert_non_null(strstr(h, "<strong>加粗</strong>"));
	assert_non_null(strstr(h, "<a href=\"https://www.hunan.gov.cn/a.html\">政策原文</a>"));
	assert_non_null(strstr(h, "<li>一</li>"));
	assert_string_equal(markdown_html(A, ""), "");
	assert_string_equal(markdown_html(A, NULL), "");
}

static void test_markdown_drops_raw_html(void **state)
{
	(void)state;
	const char *h =
	        markdown_html(A, "前<script>alert(1)</script>后\n\n<script>\nalert(2)\n</script>\n"
	                         "\n<img src=x onerror=alert(3)>\n\n"
	                         "<a href=\"#\" onclick=\"alert(4)\">点</a>\n\n"
	                         "<iframe src=\"https://evil.example\"></iframe>\n");
	assert_inert(h);
	assert_null(strstr(h, "<!--"));
	assert_non_null(strstr(h, "前alert(1)后"));
}

static void test_markdown_refuses_script_urls(void **state)
{
	(void)state;
	const char *h =
	        markdown_html(A, "[点我](javascript:alert(1)) [二](JaVaScRiPt:alert(1))"
	                         " [三](vbscript:msgbox) [四](data:text/html;base64,PHNjcmlwdD4=)"
	                         " ![图](data:image/png;base64,iVBORw0KGgo=)"
	                         " <javascript:alert(5)> [五](//evil.example/x)"
	                         " [六](/\\evil.example) [七](mailto:a@b.c) [八](ftp://x.y)");
	assert_inert(h);
	assert_null(strstr(h, "<a "));
	assert_null(strstr(h, "<img"));
	/* the text stays, unlinked */
	assert_non_null(strstr(h, "点我"));
	assert_non_null(strstr(h, "图"));
}

static void test_markdown_decodes_entities_before_judging(void **state)
{
	(void)state;
	/* &#x6a; is 'j', &colon; is ':': cmark decodes entities in link targets, and the
	 * rule judges the decoded target. */
	const char *h = markdown_html(A, "[a](&#x6a;avascript&colon;alert(1)) "
	                                 "[b](&#106;&#97;&#118;&#97;script:alert(1)) "
	                                 "[c](&#x2F;&#x2F;evil.example)");
	assert_inert(h);
	assert_null(strstr(h, "<a "));
	/* entities in text stay text */
	h = markdown_html(A, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_inert(h);
	assert_non_null(strstr(h, "&lt;script&gt;"));
}

static void test_markdown_escapes_attribute_values(void **state)
{
	(void)state;
	const char *h =
	        markdown_html(A, "[x](https://a.example/\"onmouseover=alert(1) \"t\\\"itle\")");
	assert_null(strstr(h, "\" onmouseover"));
	h = markdown_html(A, "![alt\" onerror=\"alert(1)](/img/a.png)");
	assert_inert(h);
	assert_non_null(strstr(h, "<img src=\"/img/a.png\""));
}

static void test_markdown_link_rules(void **state)
{
	(void)state;
	assert_true(markdown_link_allowed("https://www.gov.cn/zhengce/"));
	assert_true(markdown_link_allowed("HTTP://www.hebei.gov.cn"));
	assert_true(markdown_link_allowed("/articles/1"));
	assert_true(markdown_link_allowed("/"));
	assert_false(markdown_link_allowed("//evil.example"));
	assert_false(markdown_link_allowed("/\\evil.example"));
	assert_false(markdown_link_allowed("https:///path"));
	assert_false(markdown_link_allowed("https://"));
	assert_false(markdown_link_allowed("java\tscript:alert(1)"));
	assert_false(markdown_link_allowed("#top"));
	assert_false(markdown_link_allowed("relative/path"));
	assert_false(markdown_link_allowed(""));
	assert_false(markdown_link_allowed(NULL));
	assert_true(markdown_image_allowed("https://img.example/a.png"));
	assert_true(markdown_image_allowed("/uploads/a.png"));
	assert_false(markdown_image_allowed("http://img.example/a.png"));
	assert_false(markdown_image_allowed("data:image/png;base64,AAAA"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_markdown_renders_the_usual),
	        cmocka_unit_test(test_markdown_drops_raw_html),
	        cmocka_unit_test(test_markdown_refuses_script_urls),
	        cmocka_unit_test(test_markdown_decodes_entities_before_judging),
	        cmocka_unit_test(test_markdown_escapes_attribute_values),
	        cmocka_unit_test(test_markdown_link_rules),
	};
	return cmocka_run_group_tests_name("market_markdown", tests, setup, teardown);
}
