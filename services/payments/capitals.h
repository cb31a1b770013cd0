/*
 * An amount in fen written in Chinese capitals (大写金额) as invoices and vouchers print it
 * (壹仟贰佰叁拾肆元伍角陆分). Pure; the rules followed are in capitals.c's header comment
 * and capitals_test.c's table.
 */
#ifndef PAYMENTS_CAPITALS_H
#define PAYMENTS_CAPITALS_H

#include <stddef.h>
#include <stdint.h>

/* Enough for any int64 amount (about 60 characters of 3 bytes each). */
#define CAPITALS_MAX 256

/*
 * fen (negative for a red-letter invoice: 负…) written into out (NUL-terminated UTF-8).
 * Returns 0, or -1 when out (cap bytes) is too small or fen is INT64_MIN (no absolute
 * value); out is then the empty string when cap > 0.
 */
int capitals_fen(int64_t fen, char *out, size_t cap);

#endif
