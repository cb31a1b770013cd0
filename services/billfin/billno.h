/*
 * What the bill system checks of a bill before anyone prices it (DOMAIN.md "billfin"):
 * the package number, the sub-bill range and the dates. Pure functions.
 */
#ifndef BILLFIN_BILLNO_H
#define BILLFIN_BILLNO_H

#include <stdint.h>

/*
 * The 30-digit bill package number (票据包号, 新一代票据): digit 1 the bill type (1 bank
 * acceptance 银票, 2 commercial acceptance 商票), digits 2-13 the acceptor's bank code,
 * 14-21 the registration date YYYYMMDD, 22-29 the daily serial, 30 a check digit whose
 * algorithm is not public and is therefore not checked. On success *bill_type (1 or 2)
 * and *registered_day (calendar.h day). Errors, field "bill_package_no": ST_BILL_NO_FORMAT
 * (not exactly 30 ASCII digits), ST_BILL_NO_TYPE, ST_BILL_NO_DATE (not a real date).
 */
int billfin_billno_check(const char *no, int *bill_type, int32_t *registered_day);

/*
 * The sub-bill range (子票区间): "0" (not splittable: any face) or "start-end", each
 * 1-12 ASCII digits (leading zeros allowed, as printed), start ≥ 1, end ≥ start, and
 * (end − start + 1) × 1 fen = face_fen. Errors, field "sub_range": ST_SUBRANGE_FORMAT,
 * ST_SUBRANGE_AMOUNT.
 */
int billfin_subrange_check(const char *range, int64_t face_fen);

/*
 * Issue and due date (calendar.h days) against today (China Standard Time, the
 * caller's): due after issue (ST_BILL_DUE_BEFORE_ISSUE); due at most 6 months after
 * issue, i.e. not after billfin_day_add_months(issue, 6): the same day of the month
 * six months later, or the end of that month when it is shorter (ST_BILL_TERM_TOO_LONG);
 * not already due, i.e. due after today (ST_BILL_ALREADY_DUE: a bill due today is
 * presented for payment, not discounted). Field "due_date".
 */
int billfin_bill_dates_check(int32_t issue_day, int32_t due_day, int32_t today);

#endif
