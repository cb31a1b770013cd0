/* Static files of the web UI (see gateway.h). */
#include "gateway.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *gw_content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	        {".html", "text/html; charset=utf-8"},
	        {".js", "text/javascript; charset=utf-8"},
	        {".css", "text/css; charset=utf-8"},
	        {".json", "application/json; charset=utf-8"},
	        {".svg", "image/svg+xml"},
	        {".png", "image/png"},
	        {".ico", "image/x-icon"},
	        {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

int gw_static_reply(struct evhttp_request *req, const char *web_dir, const char *path)
{
	char file[1024];
	struct stat st;
	if (strstr(path, "..") || strchr(path, '\\'))
		return 404;
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	int n = snprintf(file, sizeof file, "%s%s", web_dir, path);
	if (n < 0 || (size_t)n >= sizeof file)
		return 404;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 404;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 404;
	}
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type", gw_content_type(file));
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	/* Scripts and styles only from our own files: an injected tag runs nothing, and no
	 * other site may frame the page (clickjacking). */
	evhttp_add_header(h, "Content-Security-Policy",
	                  "default-src 'self'; script-src 'self'; style-src 'self'; "
	                  "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
	                  "form-action 'self'; frame-ancestors 'none'");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	struct evbuffer *out = evbuffer_new();
	/* evbuffer_add_file takes the descriptor and closes it. */
	evbuffer_add_file(out, fd, 0, st.st_size);
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
	return 200;
}
