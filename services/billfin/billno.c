/* Bill number, sub-bill range and bill dates (billno.h). */
#include "billno.h"

#include <string.h>

#include "calendar.h"
#include "status.h"

static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int billfin_billno_check(const char *no, int *bill_type, int32_t *registered_day)
{
	size_t n = 0;
	if (!no)
		return status_err(ST_BILL_NO_FORMAT, "bill_package_no");
	while (no[n] >= '0' && no[n] <= '9')
		n++;
	if (n != 30 || no[n] != '\0')
		return status_err(ST_BILL_NO_FORMAT, "bill_package_no");
	if (no[0] != '1' && no[0] != '2')
		return status_err(ST_BILL_NO_TYPE, "bill_package_no");
	int y = digits(no + 13, 4), m = digits(no + 17, 2), d = digits(no + 19, 2);
	if (!billfin_day_valid(y, m, d))
		return status_err(ST_BILL_NO_DATE, "bill_package_no");
	*bill_type = no[0] - '0';
	*registered_day = billfin_day_from_ymd(y, m, d);
	return ST_OK;
}

/* 1-12 digits from *p into *v, *p moved past them; 0 when there are none or too many. */
static int take_number(const char **p, int64_t *v)
{
	const char *s = *p;
	int64_t x = 0;
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9') {
		if (n == 12)
			return 0;
		x = x * 10 + (s[n] - '0');
		n++;
	}
	if (n == 0)
		return 0;
	*p = s + n;
	*v = x;
	return 1;
}

int billfin_subrange_check(const char *range, int64_t face_fen)
{
	if (!range)
		return status_err(ST_SUBRANGE_FORMAT, "sub_range");
	if (strcmp(range, "0") == 0)
		return ST_OK;
	const char *p = range;
	int64_t start, end;
	if (!take_number(&p, &start) || *p++ != '-' || !take_number(&p, &end) || *p != '\0' ||
	    start < 1 || end < start)
		return status_err(ST_SUBRANGE_FORMAT, "sub_range");
	if (end - start + 1 != face_fen)
		return status_err(ST_SUBRANGE_AMOUNT, "sub_range");
	return ST_OK;
}

int billfin_bill_dates_check(int32_t issue_day, int32_t due_day, int32_t today)
{
	if (due_day <= issue_day)
		return status_err(ST_BILL_DUE_BEFORE_ISSUE, "due_date");
	if (due_day > billfin_day_add_months(issue_day, 6))
		return status_err(ST_BILL_TERM_TOO_LONG, "due_date");
	if (due_day <= today)
		return status_err(ST_BILL_ALREADY_DUE, "due_date");
	return ST_OK;
}
