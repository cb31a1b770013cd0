/* The arithmetic of an e-invoice (invoice_calc.h). */
#include "invoice_calc.h"

#include <stdio.h>
#include <string.h>

int64_t invoice_calc_tax(int64_t amount_fen, int32_t rate_bp)
{
	if (rate_bp <= 0 || amount_fen == 0)
		return 0;
	int neg = amount_fen < 0;
	uint64_t a = neg ? (uint64_t)0 - (uint64_t)amount_fen : (uint64_t)amount_fen;
	uint64_t r = (uint64_t)rate_bp, d = 10000u + r;
	/* a × r / d = q × r + rem × r / d with q = a / d: no product exceeds d × r. */
	uint64_t q = a / d, rem = a % d;
	uint64_t t = q * r + (2 * rem * r + d) / (2 * d);
	return neg ? -(int64_t)t : (int64_t)t;
}

int invoice_calc_no(int yy, const char *region, int64_t serial, char *out, size_t cap)
{
	if (yy < 0 || yy > 99 || !region || strlen(region) != 2 || region[0] < '0' ||
	    region[0] > '9' || region[1] < '0' || region[1] > '9' || serial < 1 ||
	    serial > 9999999999999999LL || cap < 21)
		return -1;
	snprintf(out, cap, "%02d%s%016lld", yy, region, (long long)serial);
	return 0;
}

/* ⌊R × c / total⌋ for 0 ≤ R, c ≤ total, without overflow. */
static int64_t share(int64_t R, int64_t c, int64_t total)
{
	return (int64_t)((unsigned __int128)R * (unsigned __int128)c / (unsigned __int128)total);
}

int invoice_calc_red_split(const int64_t *a, size_t n, int64_t before_fen, int64_t after_fen,
                           int64_t *out)
{
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (a[i] < 0 || a[i] > INT64_MAX - total)
			return -1;
		total += a[i];
	}
	if (n == 0 || total <= 0 || before_fen < 0 || after_fen < before_fen || after_fen > total)
		return -1;
	int64_t c = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t lo = c;
		c += a[i];
		int64_t now = share(after_fen, c, total) - share(after_fen, lo, total);
		int64_t was = share(before_fen, c, total) - share(before_fen, lo, total);
		out[i] = now - was;
	}
	return 0;
}

void invoice_calc_money(int64_t fen, char *out, size_t cap)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	char digits[32], grouped[48];
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(a / 100));
	size_t n = strlen(digits), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[k++] = ',';
		grouped[k++] = digits[i];
	}
	grouped[k] = '\0';
	snprintf(out, cap, "%s%s.%02u", fen < 0 ? "-" : "", grouped, (unsigned)(a % 100));
}

void invoice_calc_rate(int32_t rate_bp, char *out, size_t cap)
{
	if (rate_bp % 100 == 0)
		snprintf(out, cap, "%d%%", rate_bp / 100);
	else if (rate_bp % 10 == 0)
		snprintf(out, cap, "%d.%d%%", rate_bp / 100, rate_bp / 10 % 10);
	else
		snprintf(out, cap, "%d.%02d%%", rate_bp / 100, rate_bp % 100);
}
