/* Fuzzes the article renderer (services/market/markdown.c). Input: Markdown text. Checks
 * the rule that makes its output safe to embed (markdown.h): every tag in the output is
 * one cmark writes for Markdown (raw HTML never passes), with no attribute besides href,
 * title, src, alt, a code block's class and a list's start, and no link or image target outside
 * what markdown_link_allowed / markdown_image_allowed accept. Text is escaped, so a '<' in the
 * output always starts such a tag. */
#include "fuzz.h"
#include "markdown.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const tags[] = {
        "p",   "em",         "strong", "code",  "pre",   "a",  "img", "h1", "h2",
        "h3",  "h4",         "h5",     "h6",    "ul",    "ol", "li",  "br", "hr",
        "del", "blockquote", "table",  "thead", "tbody", "tr", "th",  "td",
};

static int tag_known(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (strlen(tags[i]) == n && strncmp(tags[i], name, n) == 0)
			return 1;
	return 0;
}

/* Unescapes the few entities cmark writes in attribute values (enough for the check). */
static char *attr_value(const char *v, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(v + i, "&amp;", 5) == 0) {
			*o++ = '&';
			i += 4;
		} else {
			*o++ = v[i];
		}
	}
	*o = '\0';
	return out;
}

/* One tag starting after '<' at p, up to its '>'; aborts on anything cmark would not write. */
static const char *check_tag(const char *p)
{
	if (*p == '/')
		p++;
	size_t n = strcspn(p, " />");
	if (!tag_known(p, n))
		abort();
	int img = n == 3 && strncmp(p, "img", 3) == 0;
	p += n;
	while (*p == ' ') {
		p++;
		if (*p == '/')
			break;
		size_t an = strcspn(p, "=");
		if (p[an] != '=' || p[an + 1] != '"')
			abort();
		const char *v = p + an + 2, *end = strchr(v, '"');
		if (!end)
			abort();
		char *val = attr_value(v, (size_t)(end - v));
		if (an == 4 && strncmp(p, "href", 4) == 0) {
			if (!markdown_link_allowed(val))
				abort();
		} else if (an == 3 && strncmp(p, "src", 3) == 0) {
			if (!img || !markdown_image_allowed(val))
				abort();
		} else if (!((an == 5 && strncmp(p, "title", 5) == 0) ||
		             (an == 3 && strncmp(p, "alt", 3) == 0) ||
		             (an == 5 && strncmp(p, "start", 5) == 0 &&
		              val[strspn(val, "0123456789")] == '\0') ||
		             (an == 5 && strncmp(p, "class", 5) == 0 &&
		              strncmp(val, "language-", 9) == 0))) {
			abort();
		}
		free(val);
		p = end + 1;
	}
	if (*p == '/')
		p++;
	if (*p != '>')
		abort();
	return p + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *md = strndup((const char *)data, size);
	arena *a = arena_new();
	const char *html = markdown_html(a, md);
	if (!html)
		abort();
	for (const char *p = strchr(html, '<'); p; p = strchr(p, '<'))
		p = check_tag(p + 1);
	arena_free(a);
	free(md);
	return 0;
}
