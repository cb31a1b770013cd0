/* Discount quote arithmetic (discount.h), in integers. */
#include "discount.h"

#include "status.h"

typedef __int128 i128;

/* n ÷ d rounded half-up, n ≥ 0, d > 0. */
static i128 div_half_up(i128 n, i128 d) { return (2 * n + d) / (2 * d); }

static i128 gcd128(i128 a, i128 b)
{
	while (b) {
		i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static void reduce(i128 num, i128 den, int64_t *out_num, int64_t *out_den)
{
	i128 g = gcd128(num, den);
	if (g == 0)
		g = 1;
	*out_num = (int64_t)(num / g);
	*out_den = (int64_t)(den / g);
}

int billfin_quote_compute(const billfin_calendar *cal, const billfin_quote_in *in,
                          billfin_quote_out *out)
{
	billfin_quote_out q = {0};
	if (in->face_fen < 1 || in->face_fen > BILLFIN_FACE_MAX_FEN)
		return status_err(ST_BILL_FACE_RANGE, "face_fen");
	if ((in->rate_bp != 0) == (in->per_100k_fen != 0))
		return status_err(ST_DISCOUNT_RATE_FORM, "rate_bp");
	if (in->rate_bp != 0 && (in->rate_bp < 1 || in->rate_bp > BILLFIN_RATE_MAX_BP))
		return status_err(ST_DISCOUNT_RATE_RANGE, "rate_bp");
	if (in->per_100k_fen < 0)
		return status_err(ST_DISCOUNT_PER_100K_RANGE, "per_100k_fen");
	if (in->adjust_days < 0 || in->adjust_days > BILLFIN_ADJUST_DAYS_MAX)
		return status_err(ST_DISCOUNT_ADJUST_DAYS, "adjust_days");
	if (in->fee_fen < 0 || in->fee_fen >= in->face_fen)
		return status_err(ST_DISCOUNT_FEE, "fee_fen");

	int rv = billfin_calendar_next_business_day(cal, in->due_day, &q.effective_due_day,
	                                            &q.provisional);
	if (rv != ST_OK) {
		status_set_field("due_date");
		return rv;
	}
	int64_t days = (int64_t)q.effective_due_day - in->discount_day + in->adjust_days;
	if (in->discount_day >= q.effective_due_day || days > BILLFIN_DAYS_MAX)
		return status_err(ST_DISCOUNT_DAYS, "discount_date");
	q.days = (int32_t)days;

	i128 face = in->face_fen;
	i128 interest;
	if (in->rate_bp != 0) {
		i128 r = in->rate_bp;
		interest = div_half_up(face * r * days, 3600000);
		q.rate_bp = in->rate_bp;
		q.rate_num = in->rate_bp;
		q.rate_den = 1;
		q.per_100k_fen = (int64_t)div_half_up(25 * r * days, 9);
		reduce(25 * r * days, 9, &q.per_100k_num, &q.per_100k_den);
	} else {
		i128 p = in->per_100k_fen;
		if (p > (i128)10000 * days)
			return status_err(ST_DISCOUNT_PER_100K_RANGE, "per_100k_fen");
		interest = div_half_up(face * p, 10000000);
		q.per_100k_fen = in->per_100k_fen;
		q.per_100k_num = in->per_100k_fen;
		q.per_100k_den = 1;
		q.rate_bp = (int32_t)div_half_up(9 * p, 25 * (i128)days);
		reduce(9 * p, 25 * (i128)days, &q.rate_num, &q.rate_den);
	}
	q.interest_fen = (int64_t)interest;
	q.net_fen = in->face_fen - q.interest_fen - in->fee_fen;
	if (q.net_fen <= 0)
		return status_err(ST_DISCOUNT_NET, "fee_fen");
	*out = q;
	return ST_OK;
}
