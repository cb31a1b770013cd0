/*
 * Chinese capitals (大写) of an amount, the common 财务 convention (会计基础工作规范 and
 * the banks' 票据 rules), as followed here:
 * - digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 inside a group of four, 万 and 亿 between
 *   groups (above 亿 the part is written again with its own 万: 壹万亿, 玖仟零柒万…亿);
 *   a 拾 leading a group is written 壹拾 (a capitals amount never starts with a bare 拾);
 * - one 零 for a run of zeros between non-zero digits, whatever its length and across
 *   group boundaries (1,000,001 元 = 壹佰万零壹元); no 零 for trailing zeros of the yuan
 *   part (100,000,000 = 壹亿元) and none between 元 and a non-zero 角 (10.50 = 壹拾元伍角);
 * - 零 written for a zero 角 between a non-zero yuan part and a non-zero 分
 *   (1.05 = 壹元零伍分); under one yuan there is no 元 (0.05 = 伍分, 0.50 = 伍角整);
 * - 整 ends an amount without 分: after 元 (壹元整) and after 角 (壹元伍角整); never after 分;
 * - zero is 零元整; a negative amount (red-letter invoice) is prefixed 负.
 */
#include "capitals.h"

#include <string.h>

static const char *const DIGIT[10] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
static const char *const UNIT4[4] = {"", "拾", "佰", "仟"};

struct out {
	char *p;
	size_t cap, len;
	int overflow;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (o->len + n >= o->cap) {
		o->overflow = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* 1..9999: leading zeros skipped, one 零 for a run of inner zeros, trailing zeros silent. */
static void group4(struct out *o, uint64_t n)
{
	int zero = 0, started = 0;
	for (int pos = 3; pos >= 0; pos--) {
		uint64_t p10 = pos == 3 ? 1000 : pos == 2 ? 100 : pos == 1 ? 10 : 1;
		unsigned d = (unsigned)(n / p10 % 10);
		if (d == 0) {
			zero = started;
			continue;
		}
		if (zero)
			put(o, DIGIT[0]);
		put(o, DIGIT[d]);
		put(o, UNIT4[pos]);
		zero = 0;
		started = 1;
	}
}

/* n > 0 yuan. A remainder that does not fill its lower groups' top digit, or follows an
 * empty group, starts with 零. */
static void yuan(struct out *o, uint64_t n)
{
	if (n >= 100000000u) {
		uint64_t hi = n / 100000000u, r = n % 100000000u;
		yuan(o, hi);
		put(o, "亿");
		if (r) {
			/* 1,0000,1000,0000: hi's own lowest group (the 亿 group) is empty. */
			if (r < 10000000u || hi % 10000u == 0)
				put(o, DIGIT[0]);
			yuan(o, r);
		}
	} else if (n >= 10000u) {
		group4(o, n / 10000u);
		put(o, "万");
		uint64_t r = n % 10000u;
		if (r) {
			if (r < 1000u)
				put(o, DIGIT[0]);
			group4(o, r);
		}
	} else {
		group4(o, n);
	}
}

int capitals_fen(int64_t fen, char *out, size_t cap)
{
	struct out o = {out, cap, 0, 0};
	if (!out || cap == 0)
		return -1;
	out[0] = '\0';
	if (fen == INT64_MIN)
		return -1;
	if (fen < 0)
		put(&o, "负");
	uint64_t a = (uint64_t)(fen < 0 ? -fen : fen);
	uint64_t y = a / 100;
	unsigned jiao = (unsigned)(a / 10 % 10), fen_d = (unsigned)(a % 10);
	if (a == 0)
		put(&o, "零元");
	if (y) {
		yuan(&o, y);
		put(&o, "元");
	}
	if (jiao) {
		put(&o, DIGIT[jiao]);
		put(&o, "角");
	} else if (fen_d && y) {
		put(&o, DIGIT[0]);
	}
	if (fen_d) {
		put(&o, DIGIT[fen_d]);
		put(&o, "分");
	} else {
		put(&o, "整");
	}
	if (o.overflow) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
