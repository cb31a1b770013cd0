/* X-Forwarded-For from trusted proxies only (see client_ip.h). */
#include "client_ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Copies [s, s+n) trimmed of spaces into out (cap bytes); 0, or -1 when it does not fit. */
static int ip_token(const char *s, size_t n, char *out, size_t cap)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= cap)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int ip_valid(const char *ip)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1;
}

static int ip_trusted(const char *ip, const char *trusted)
{
	const char *p = trusted;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char entry[64];
		if (ip_token(p, n, entry, sizeof entry) == 0 && strcmp(entry, ip) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

void gw_client_ip(const char *peer, const char *trusted, const char *xff, char *out, size_t len)
{
	snprintf(out, len, "%s", peer ? peer : "-");
	if (!peer || !xff || !trusted || !*trusted || !ip_trusted(peer, trusted))
		return;
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		char ip[64];
		if (ip_token(xff + start, end - start, ip, sizeof ip) != 0 || !ip_valid(ip))
			return;
		if (!ip_trusted(ip, trusted)) {
			snprintf(out, len, "%s", ip);
			return;
		}
		end = start ? start - 1 : 0;
	}
}
