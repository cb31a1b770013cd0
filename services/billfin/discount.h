/*
 * The arithmetic of a discount quote (贴现报价): pure, integer only, no I/O.
 *
 * The rule (copy it into the README):
 *   effective due = the due date, or the next business day when it falls on a weekend
 *                   or public holiday (calendar.h; provisional when the year has no
 *                   official schedule);
 *   days          = effective due − discount date + adjustment days;
 *   interest      = face × rate × days ÷ 360, rounded half-up to the fen (四舍五入: half
 *                   a fen and more rounds up; all amounts are positive);
 *   net           = face − interest − fee.
 * A quote comes in one of two forms, each converted into the other exactly:
 *   annual rate r in basis points: interest = round(face × r × days ÷ 3,600,000);
 *     每十万扣息 (interest on ¥100,000 = 10,000,000 fen of face) is exactly
 *     10,000,000 × r ÷ 10,000 × days ÷ 360 = 25 × r × days ÷ 9 fen;
 *   每十万扣息 p in fen: interest = round(face × p ÷ 10,000,000), no rate rounding enters;
 *     the annual rate is exactly p × 360 × 10,000 ÷ (10,000,000 × days) = 9 × p ÷ (25 × days) bp.
 *   Both give the same interest for the same quote, since face × (25 r days ÷ 9) ÷ 10^7
 *   = face × r × days ÷ 3,600,000. The other form is reported exactly as a reduced
 *   fraction (num ÷ den) and, for display, rounded half-up to its unit (fen or bp).
 * Bounds (a status row naming the field otherwise): face 1 fen to 10^12 fen (¥100亿);
 * exactly one form; rate 1-3600 bp (36 %/year, the upper line of protected private
 * lending, far above any discount rate); 每十万扣息 ≥ 1 fen and its rate ≤ 3600 bp
 * (p ≤ 10,000 × days); adjustment 0-30 days; discount date before the effective due
 * date; days ≤ 400; 0 ≤ fee < face; net > 0. Products are taken in __int128.
 */
#ifndef BILLFIN_DISCOUNT_H
#define BILLFIN_DISCOUNT_H

#include <stdint.h>

#include "calendar.h"

#define BILLFIN_FACE_MAX_FEN    1000000000000LL
#define BILLFIN_RATE_MAX_BP     3600
#define BILLFIN_ADJUST_DAYS_MAX 30
#define BILLFIN_DAYS_MAX        400

typedef struct {
	int64_t face_fen;
	int32_t discount_day, due_day; /* calendar.h day numbers */
	int32_t rate_bp;               /* exactly one of rate_bp / per_100k_fen non-zero */
	int64_t per_100k_fen;
	int32_t adjust_days;
	int64_t fee_fen;
} billfin_quote_in;

typedef struct {
	int32_t effective_due_day;
	int32_t days;
	int provisional; /* 1 when the effective due date came from the provisional calendar */
	int64_t interest_fen, net_fen;
	/* Both forms: the one given as given, the other rounded half-up for display. */
	int32_t rate_bp;
	int64_t per_100k_fen;
	/* Both forms exactly, as reduced fractions: the rate in bp, 每十万扣息 in fen. */
	int64_t rate_num, rate_den;
	int64_t per_100k_num, per_100k_den;
} billfin_quote_out;

/*
 * Computes the quote of in on cal into *out (set only on success). Errors, each with
 * its field: ST_BILL_FACE_RANGE "face_fen"; ST_DISCOUNT_RATE_FORM "rate_bp" (none or
 * both forms); ST_DISCOUNT_RATE_RANGE "rate_bp"; ST_DISCOUNT_PER_100K_RANGE
 * "per_100k_fen"; ST_DISCOUNT_ADJUST_DAYS "adjust_days"; ST_DISCOUNT_FEE "fee_fen";
 * ST_DISCOUNT_DAYS "discount_date"; ST_BILLFIN_CALENDAR_RANGE "due_date";
 * ST_DISCOUNT_NET "fee_fen".
 */
int billfin_quote_compute(const billfin_calendar *cal, const billfin_quote_in *in,
                          billfin_quote_out *out);

#endif
