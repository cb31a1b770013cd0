/*
 * Article bodies: Markdown (CommonMark, libcmark) rendered to HTML that is safe to put
 * into a page as it is. The rule set (README "Article bodies"):
 *   - raw HTML, block or inline, is dropped (not even cmark's placeholder comment);
 *   - a link keeps its target only when markdown_link_allowed() says so, an image only
 *     when markdown_image_allowed() does; otherwise its text (an image: its alt text)
 *     stays, unlinked;
 *   - cmark escapes text and attribute values itself, and writes no attribute besides
 *     href, title, src and alt, so no event attribute can appear.
 */
#ifndef MARKET_MARKDOWN_H
#define MARKET_MARKDOWN_H

#include "mem.h"

#include <stddef.h>

/*
 * The HTML of md (UTF-8; invalid sequences become U+FFFD) in a, never NULL (an empty
 * body gives ""). Pure: no I/O, no state between calls.
 */
char *markdown_html(arena *a, const char *md);

/* 1 when url (entities already decoded, as cmark holds it) may be a link's target:
 * http:// or https:// with a host, or a path of this site starting with one '/'; never
 * with a backslash (browsers read it as '/') or a control character. Else 0. */
int markdown_link_allowed(const char *url);

/* The same for an image's source: https:// with a host or a path of this site (a page
 * served over https loads no http image). */
int markdown_image_allowed(const char *url);

#endif
