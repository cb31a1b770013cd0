/* X-Forwarded-For from trusted proxies only (see client_ip.h). */
#include "client_ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ip within entry: an address, or a network in CIDR notation (10.0.0.0/8, fd00::/8). */
static int ip_in(const char *ip, const char *entry)
{
	const char *slash = strchr(entry, '/');
	if (!slash)
		return strcmp(entry, ip) == 0;
	char net[64];
	unsigned char a[16], b[16];
	size_t n = (size_t)(slash - entry);
	char *end = NULL;
	long bits = strtol(slash + 1, &end, 10);
	if (n >= sizeof net || end == slash + 1 || *end)
		return 0;
	memcpy(net, entry, n);
	net[n] = '\0';
	int family = strchr(net, ':') ? AF_INET6 : AF_INET;
	long max = family == AF_INET6 ? 128 : 32;
	if (bits < 0 || bits > max || inet_pton(family, net, a) != 1 ||
	    inet_pton(family, ip, b) != 1)
		return 0;
	size_t whole = (size_t)bits / 8;
	if (memcmp(a, b, whole) != 0)
		return 0;
	unsigned rest = (unsigned)bits % 8;
	unsigned char mask = (unsigned char)(0xff00u >> rest);
	return rest == 0 || (a[whole] & mask) == (b[whole] & mask);
}

static int ip_trusted(const char *ip, const char *trusted)
{
	const char *p = trusted;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char entry[64];
		if (ip_token(p, n, entry, sizeof entry) == 0 && ip_in(ip, entry))
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

void gw_client_ip_key(const char *ip, char *out, size_t len)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];
	snprintf(out, len, "%s", ip);
	if (inet_pton(AF_INET6, ip, a) != 1)
		return;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a, mapped, sizeof mapped) == 0) {
		if (inet_ntop(AF_INET, a + 12, text, sizeof text))
			snprintf(out, len, "%s", text);
		return;
	}
	/* One subscriber gets a whole /64 and picks any address in it. */
	memset(a + 8, 0, 8);
	if (inet_ntop(AF_INET6, a, text, sizeof text))
		snprintf(out, len, "%s/64", text);
}
