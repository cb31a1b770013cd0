/* Shared validators: mobile, password, resident ID, USCC, bank card, account; masking. */
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PASSWORD_MIN      8
#define PASSWORD_MAX      20
#define CARD_MIN          15
#define CARD_MAX          19
#define ACCOUNT_MIN       6
#define ACCOUNT_MAX       32
#define CODE18_LEN        18
#define ID_EARLIEST_BIRTH 19000101
#define CST_OFFSET        (8 * 3600) /* China Standard Time, no daylight saving since 1991 */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* 1 when s is exactly len ASCII digits; never reads past the terminator. */
static int digits_exactly(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return 0;
	return s[len] == '\0';
}

/* Length of s when it is min..max digits, else 0; stops reading after max + 1 bytes. */
static size_t digits_between(const char *s, size_t min, size_t max)
{
	size_t n = 0;
	while (n <= max && s[n] != '\0') {
		if (!is_digit(s[n]))
			return 0;
		n++;
	}
	return n >= min && n <= max ? n : 0;
}

int validate_mobile(const char *s)
{
	if (!s || !digits_exactly(s, 11) || s[0] != '1' || s[1] < '3')
		return ST_MOBILE_INVALID;
	return 0;
}

int validate_password(const char *pw, const char *phone)
{
	if (!pw)
		return ST_PASSWORD_LENGTH;
	size_t n = strlen(pw);
	for (size_t i = 0; i < n; i++)
		if (pw[i] < '!' || pw[i] > '~') /* char may be signed: non-ASCII is < '!' too */
			return ST_PASSWORD_CHARSET;
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return ST_PASSWORD_LENGTH;

	int upper = 0, lower = 0, digit = 0, punct = 0;
	for (size_t i = 0; i < n; i++) {
		char c = pw[i];
		if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (is_digit(c))
			digit = 1;
		else
			punct = 1; /* the rest of '!'..'~' is exactly ASCII punctuation */
	}
	if (upper + lower + digit + punct < 3)
		return ST_PASSWORD_WEAK;
	if (phone && phone[0] != '\0' && strstr(pw, phone))
		return ST_PASSWORD_HAS_PHONE;
	return 0;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* 1 when yyyymmdd is a real Gregorian date. */
static int date_real(int yyyymmdd)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	int dim = days[m - 1] + (m == 2 && is_leap(y));
	return d <= dim;
}

/* Value of n ASCII digits (the caller has checked they are digits). */
static int digits_value(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int id_province_known(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
	       p == 81 || p == 82;
}

/* ISO 7064 MOD 11-2 over the first 17 digits, as GB 11643 writes it. */
static char id_check_char(const char *s)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return map[sum % 11];
}

int validate_resident_id_on(const char *s, int today_yyyymmdd)
{
	if (!s || strnlen(s, CODE18_LEN + 1) != CODE18_LEN)
		return ST_ID_NUMBER_INVALID;
	for (int i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return ST_ID_NUMBER_INVALID;
	if (!is_digit(s[17]) && s[17] != 'X')
		return ST_ID_NUMBER_INVALID;
	if (!id_province_known(digits_value(s, 2)))
		return ST_ID_NUMBER_REGION;
	int birth = digits_value(s + 6, 8);
	if (!date_real(birth) || birth < ID_EARLIEST_BIRTH || birth > today_yyyymmdd)
		return ST_ID_NUMBER_BIRTHDATE;
	if (id_check_char(s) != s[17])
		return ST_ID_NUMBER_CHECKSUM;
	return 0;
}

int validate_resident_id(const char *s)
{
	time_t now = time(NULL) + CST_OFFSET;
	struct tm tm;
	if (!gmtime_r(&now, &tm))
		return ST_ID_NUMBER_BIRTHDATE; /* no clock: no birth date can be proven past */
	int today = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	return validate_resident_id_on(s, today);
}

static const char USCC_CHARS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Value 0-30 of a USCC character, -1 when it is not in the set. */
static int uscc_value(char c)
{
	if (c == '\0')
		return -1;
	const char *p = strchr(USCC_CHARS, c);
	return p ? (int)(p - USCC_CHARS) : -1;
}

/*
 * GB 32100-2015 appendix A (with the later rows A and N): registration authority ->
 * the organisation types it may assign.
 *   1 机构编制  1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
 *   2 外交      1 外国常驻新闻机构, 9 其他
 *   3 司法行政  1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构,
 *               5 仲裁委员会, 9 其他
 *   4 文化      1 外国在华文化中心, 9 其他
 *   5 民政      1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
 *   6 旅游      1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地代表机构, 9 其他
 *   7 宗教      1 宗教活动场所, 2 宗教院校, 9 其他
 *   8 工会      1 基层工会, 9 其他
 *   9 工商      1 企业, 2 个体工商户, 3 农民专业合作社
 *   A 中央军委改革和编制办公室  1 军队事业单位, 9 其他
 *   N 农业      1 组级, 2 村级, 3 乡镇级集体经济组织, 9 其他
 *   Y 其他      1
 */
static const struct {
	char authority;
	const char *types;
} USCC_TYPES[] = {
        {'1', "1239"}, {'2', "19"}, {'3', "123459"}, {'4', "19"}, {'5', "1239"}, {'6', "129"},
        {'7', "129"},  {'8', "19"}, {'9', "123"},    {'A', "19"}, {'N', "1239"}, {'Y', "1"},
};

static int uscc_type_valid(char authority, char type)
{
	for (size_t i = 0; i < sizeof USCC_TYPES / sizeof USCC_TYPES[0]; i++)
		if (USCC_TYPES[i].authority == authority)
			return type != '\0' && strchr(USCC_TYPES[i].types, type) != NULL;
	return 0;
}

int validate_uscc(const char *s)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	if (!s || strnlen(s, CODE18_LEN + 1) != CODE18_LEN)
		return ST_USCC_INVALID;
	int v[CODE18_LEN];
	for (int i = 0; i < CODE18_LEN; i++)
		if ((v[i] = uscc_value(s[i])) < 0)
			return ST_USCC_INVALID;
	if (!uscc_type_valid(s[0], s[1]))
		return ST_USCC_TYPE;
	for (int i = 2; i < 8; i++)
		if (!is_digit(s[i]))
			return ST_USCC_REGION;
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += v[i] * w[i];
	int check = (31 - sum % 31) % 31;
	if (v[17] != check)
		return ST_USCC_CHECKSUM;
	return 0;
}

int validate_luhn(const char *digits)
{
	if (!digits || digits[0] == '\0')
		return 0;
	size_t n = strlen(digits);
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		char c = digits[n - 1 - i];
		if (!is_digit(c))
			return 0;
		int d = c - '0';
		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum = (sum + d) % 10;
	}
	return sum == 0;
}

int validate_bank_card(const char *s)
{
	if (!s || !digits_between(s, CARD_MIN, CARD_MAX))
		return ST_BANK_CARD_INVALID;
	if (!validate_luhn(s))
		return ST_BANK_CARD_CHECKSUM;
	return 0;
}

int validate_account_number(const char *s)
{
	if (!s || !digits_between(s, ACCOUNT_MIN, ACCOUNT_MAX))
		return ST_ACCOUNT_NUMBER_INVALID;
	return 0;
}

void validate_mask_mobile(const char *phone, char out[16])
{
	if (!phone || strnlen(phone, 12) != 11) {
		memcpy(out, "****", 5);
		return;
	}
	memcpy(out, phone, 3);
	memcpy(out + 3, "****", 4);
	memcpy(out + 7, phone + 7, 4);
	out[11] = '\0';
}

/* Bytes in the UTF-8 character starting at s (1 for a stray continuation byte). */
static size_t utf8_char_len(const char *s)
{
	size_t n = 1;
	while (s[n] != '\0' && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

void validate_mask_middle(const char *s, int keep_head, int keep_tail, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return;
	out[0] = '\0';
	if (!s)
		return;
	size_t total = 0;
	for (const char *p = s; *p != '\0'; p += utf8_char_len(p))
		total++;
	size_t head = keep_head > 0 ? (size_t)keep_head : 0;
	size_t tail = keep_tail > 0 ? (size_t)keep_tail : 0;
	if (head >= total || tail >= total - head)
		head = tail = 0;

	size_t pos = 0, i = 0;
	for (const char *p = s; *p != '\0'; i++) {
		size_t clen = utf8_char_len(p);
		int keep = i < head || i >= total - tail;
		size_t need = keep ? clen : 1;
		if (pos + need >= outlen)
			break;
		if (keep)
			memcpy(out + pos, p, clen);
		else
			out[pos] = '*';
		pos += need;
		p += clen;
	}
	out[pos] = '\0';
}

void validate_mask_email(const char *s, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return;
	const char *at = s ? strchr(s, '@') : NULL;
	if (!at || at == s || strchr(at + 1, '@')) {
		snprintf(out, outlen, "***");
		return;
	}
	size_t head = utf8_char_len(s);
	if (head > (size_t)(at - s))
		head = (size_t)(at - s);
	/* The cut falls on a character boundary: the domain is copied whole or not at all. */
	if (head + 3 + strlen(at) >= outlen) {
		snprintf(out, outlen, "%s", outlen > 3 ? "***" : "");
		return;
	}
	memcpy(out, s, head);
	memcpy(out + head, "***", 3);
	memcpy(out + head + 3, at, strlen(at) + 1);
}

/* ---- text fields ------------------------------------------------------------ */

/* Decodes one UTF-8 code point at s (strict: no overlongs, surrogates or > U+10FFFF).
 * Returns its length in bytes, 0 at the end, -1 when malformed. */
static int utf8_next(const unsigned char *s, unsigned *cp)
{
	if (!*s)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n;
	unsigned min;
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2, min = 0x80, *cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3, min = 0x800, *cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return -1;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return -1;
	return n;
}

static int email_atext(int c) { return isalnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", c)); }

int validate_email(const char *s)
{
	if (!s)
		return ST_EMAIL_INVALID;
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n > 254 || !at || at == s || at - s > 64 || strchr(at + 1, '@'))
		return ST_EMAIL_INVALID;
	for (const char *p = s; p < at; p++) {
		int c = (unsigned char)*p;
		if (c == '.') {
			if (p == s || p + 1 == at || p[1] == '.')
				return ST_EMAIL_INVALID;
		} else if (!email_atext(c)) {
			return ST_EMAIL_INVALID;
		}
	}
	const char *label = at + 1;
	int labels = 0, last_alpha = 0;
	for (;;) {
		const char *end = label;
		last_alpha = 1;
		while (*end && *end != '.') {
			int c = (unsigned char)*end;
			if (!isalnum(c) && c != '-')
				return ST_EMAIL_INVALID;
			if (!isalpha(c))
				last_alpha = 0;
			end++;
		}
		size_t len = (size_t)(end - label);
		if (len == 0 || len > 63 || label[0] == '-' || end[-1] == '-')
			return ST_EMAIL_INVALID;
		labels++;
		if (!*end)
			break;
		label = end + 1;
	}
	return labels >= 2 && last_alpha ? 0 : ST_EMAIL_INVALID;
}

static int name_letter(unsigned cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x20000 && cp <= 0x2FA1F);
}

int validate_person_name(const char *s)
{
	if (!s)
		return ST_NAME_INVALID;
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;
	unsigned cp = 0, prev = ' ';
	int len;
	while ((len = utf8_next(p, &cp)) > 0) {
		if (!name_letter(cp) && cp != ' ' && cp != 0xB7)
			return ST_NAME_INVALID;
		if ((cp == ' ' || cp == 0xB7) && (prev == ' ' || prev == 0xB7))
			return ST_NAME_INVALID;
		prev = cp;
		count++;
		p += len;
	}
	if (len < 0 || count < 2 || count > 30 || prev == ' ' || prev == 0xB7)
		return ST_NAME_INVALID;
	return 0;
}

/*
 * Characters that change how text around them reads rather than being read: C0
 * controls, DEL and C1 (a terminal's escapes, a planted line with CR/LF or NEL), the
 * line and paragraph separators, and the bidi embeddings, overrides and isolates
 * (U+202E shows what follows reversed). LF is left to the caller.
 */
static int text_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static int text_check(const char *s, size_t max_chars, int lines)
{
	if (!s)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;
	unsigned cp;
	int len;
	while ((len = utf8_next(p, &cp)) > 0) {
		if (text_control(cp) && !(lines && cp == '\n'))
			return ST_TEXT_CONTROL_CHAR;
		if (++count > max_chars)
			return ST_TEXT_TOO_LONG;
		p += len;
	}
	return len < 0 ? ST_TEXT_TOO_LONG : 0;
}

int validate_text(const char *s, size_t max_chars) { return text_check(s, max_chars, 0); }

int validate_text_lines(const char *s, size_t max_chars) { return text_check(s, max_chars, 1); }

int validate_uuid(const char *s)
{
	if (!s || strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

int validate_resident_id_normalize(char *s)
{
	/* People type the check character as they see it; one spelling is stored. */
	if (s && strnlen(s, CODE18_LEN + 1) == CODE18_LEN && s[17] == 'x')
		s[17] = 'X';
	return validate_resident_id(s);
}

int validate_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return ST_DATE_INVALID;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return ST_DATE_INVALID;
	int ymd =
	        digits_value(s, 4) * 10000 + digits_value(s + 5, 2) * 100 + digits_value(s + 8, 2);
	return date_real(ymd) ? 0 : ST_DATE_INVALID;
}

int validate_amount_fen(long long v)
{
	return v >= 0 && v <= VALIDATE_AMOUNT_MAX ? 0 : ST_FIELD_RANGE;
}

int validate_page(int has_page, int page, int has_size, int size, int *out_page, int *out_size,
                  const char **field)
{
	*field = "page";
	if (!has_page)
		page = 1;
	if (!has_size)
		size = 20;
	if (page < 1)
		return ST_FIELD_RANGE;
	*field = "page_size";
	if (size > 100)
		return ST_PAGE_SIZE;
	if (size < 1)
		return ST_FIELD_RANGE;
	*out_page = page;
	*out_size = size;
	return 0;
}

int validate_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int validate_url_inert(const char *s)
{
	if (!s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("\"'<>`\\", *p))
			return 0;
	return 1;
}

int validate_image_url(const char *s)
{
	if (!validate_url_inert(s))
		return 0;
	if (strncmp(s, "https://", 8) == 0)
		return s[8] != '\0' && s[8] != '/';
	return s[0] == '/' && s[1] != '/' && s[1] != '\0';
}
