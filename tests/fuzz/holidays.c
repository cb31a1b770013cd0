/* Fuzzes billfin's check of an official holiday year (services/billfin/calendar.c,
 * billfin_calendar_add_year). Input: the JSON text. On success the year's days answer
 * is_business_day and next_business_day without error. */
#include "calendar.h"
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	billfin_calendar *cal = billfin_calendar_new();
	int year = 0;
	if (billfin_calendar_add_year(cal, (const char *)data, size, &year) == 0) {
		if (year < 2001 || year > 2099 || !billfin_calendar_has_year(cal, year))
			abort();
		int32_t first = billfin_day_from_ymd(year, 1, 1);
		int32_t end = billfin_day_from_ymd(year + 1, 1, 1);
		for (int32_t d = first; d < end; d++) {
			int business = -1, provisional = -1;
			int32_t next = 0;
			if (billfin_calendar_is_business_day(cal, d, &business, &provisional) !=
			            0 ||
			    (business != 0 && business != 1) || (business && next != 0))
				abort();
			/* Past 2099 nothing answers (the provisional calendar ends there). */
			if (billfin_calendar_next_business_day(cal, d, &next, &provisional) != 0) {
				if (year != 2099)
					abort();
			} else if (next < d || (business && next != d)) {
				abort();
			}
		}
	}
	billfin_calendar_free(cal);
	return 0;
}
