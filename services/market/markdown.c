/*
 * Markdown to safe HTML (markdown.h). cmark parses with raw HTML disabled by default
 * (CMARK_OPT_SAFE is kept for older releases, where it had to be asked for); we then
 * walk the tree and remove what our stricter rules refuse before rendering, so the
 * renderer never sees it.
 */
#include "markdown.h"

#include <cmark.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MD_OPTS (CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8)

/* No backslash, no control character, no space: a target of one piece. */
static int url_clean(const char *url)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p == '\\' || *p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* "/path" of this site; "//host" is scheme-relative and leaves it. */
static int url_site_path(const char *url) { return url[0] == '/' && url[1] != '/'; }

/* scheme "://" and a host: something that is not '/', '?' or '#' right after. */
static int url_with_host(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);
	if (strncasecmp(url, scheme, n) != 0)
		return 0;
	char c = url[n];
	return c != '\0' && c != '/' && c != '?' && c != '#';
}

int markdown_link_allowed(const char *url)
{
	if (!url || !*url || !url_clean(url))
		return 0;
	return url_site_path(url) || url_with_host(url, "https://") ||
	       url_with_host(url, "http://");
}

int markdown_image_allowed(const char *url)
{
	if (!url || !*url || !url_clean(url))
		return 0;
	return url_site_path(url) || url_with_host(url, "https://");
}

/* A node the rules refuse: raw HTML (dropped whole), or a link or image whose target
 * they refuse (its children stay in its place). */
static int md_refused(cmark_node *n)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
	case CMARK_NODE_CUSTOM_BLOCK:
	case CMARK_NODE_CUSTOM_INLINE:
		return 1;
	case CMARK_NODE_LINK:
		return !markdown_link_allowed(cmark_node_get_url(n));
	case CMARK_NODE_IMAGE:
		return !markdown_image_allowed(cmark_node_get_url(n));
	default:
		return 0;
	}
}

/* Removes n: a link or image leaves its children where it was. */
static void md_remove(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
		cmark_node *c;
		while ((c = cmark_node_first_child(n)) != NULL) {
			cmark_node_unlink(c);
			cmark_node_insert_before(n, c);
		}
	}
	cmark_node_free(n);
}

char *markdown_html(arena *a, const char *md)
{
	if (!md || !*md)
		return arena_strdup(a, "");
	cmark_node *doc = cmark_parse_document(md, strlen(md), MD_OPTS);
	if (!doc)
		abort(); /* cmark fails only when out of memory: the house rule is to abort */
	/* The tree cannot change under an iterator: collect first, then remove. A refused
	 * node's descendants are not visited again (SKIP past its exit). */
	size_t n = 0, cap = 16;
	cmark_node **refused = malloc(cap * sizeof *refused);
	if (!refused)
		abort();
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || !md_refused(node))
			continue;
		if (n == cap) {
			cap *= 2;
			cmark_node **grown = realloc(refused, cap * sizeof *refused);
			if (!grown)
				abort();
			refused = grown;
		}
		refused[n++] = node;
	}
	cmark_iter_free(it);
	/* Innermost first: a refused image inside a refused link is removed before the link
	 * moves its children out. */
	for (size_t i = n; i-- > 0;)
		md_remove(refused[i]);
	free(refused);
	char *html = cmark_render_html(doc, MD_OPTS);
	cmark_node_free(doc);
	if (!html)
		abort();
	char *out = arena_strdup(a, html);
	free(html);
	return out;
}
