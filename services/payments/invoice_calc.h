/*
 * The arithmetic of an e-invoice (数电票), pure: the tax inside a tax-inclusive amount, the
 * 20-digit number, how a refund is spread over the blue invoice's items for the red-letter
 * one (红冲), and amounts as printed. Unit-tested in invoice_calc_test.c.
 */
#ifndef PAYMENTS_INVOICE_CALC_H
#define PAYMENTS_INVOICE_CALC_H

#include <stddef.h>
#include <stdint.h>

/*
 * The tax inside amount_fen (tax-inclusive, as the intent's items are priced) at rate_bp
 * (basis points, 0..10000): round(amount × rate / (10000 + rate)), half away from zero,
 * in integer arithmetic without overflow for any |amount| ≤ INT64_MAX / 2. A negative
 * amount (a red-letter line) gives the negated tax of its absolute value, so a full red
 * invoice mirrors the blue one to the fen.
 */
int64_t invoice_calc_tax(int64_t amount_fen, int32_t rate_bp);

/*
 * The invoice number, 20 digits: the issue year's last two digits (yy, 0..99), the
 * seller's 2-digit region code (the province's first two digits of GB/T 2260, region) and
 * the 16-digit serial from the database's sequence (1..10^16 − 1). Written into out
 * (at least 21 bytes). Returns 0, or -1 for an argument out of range.
 */
int invoice_calc_no(int yy, const char *region, int64_t serial, char *out, size_t cap);

/*
 * A refund spread over n blue items (amounts a[i] ≥ 0, total = Σ a[i] > 0): the red
 * invoice for the refunded part going from before_fen to after_fen (0 ≤ before ≤ after ≤
 * total, cumulative over every red invoice of that blue one) gets out[i] ≥ 0 of item i,
 * Σ out[i] = after − before. Item i's cumulative share is ⌊R × (a[0]+…+a[i]) / total⌋ −
 * ⌊R × (a[0]+…+a[i−1]) / total⌋ of the cumulative refund R, so the shares of every red
 * invoice add up to exactly the item's amount once all is refunded and no item is ever
 * reversed beyond its amount. Returns 0, or -1 for arguments out of range.
 */
int invoice_calc_red_split(const int64_t *a, size_t n, int64_t before_fen, int64_t after_fen,
                           int64_t *out);

/* fen as printed on the invoice: "1,234.56", "-0.05". out at least 32 bytes. */
void invoice_calc_money(int64_t fen, char *out, size_t cap);

/* A rate as printed: 600 → "6%", 1300 → "13%", 150 → "1.5%", 0 → "0%" (免税 is not used). */
void invoice_calc_rate(int32_t rate_bp, char *out, size_t cap);

#endif
