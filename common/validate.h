/* Shared validators of user input (DOMAIN.md "Validation rules") and masking for display. */
#ifndef COMMON_VALIDATE_H
#define COMMON_VALIDATE_H

#include <stddef.h>

#include "status.h"

/*
 * Every validate_* check is a pure function of its arguments: no I/O, no allocation,
 * no status_err() side effect (the caller names the field). Each returns 0 when the
 * value is valid, else the status code of the first rule it breaks. A NULL value is
 * invalid and returns the function's format code.
 */

/* Mobile: exactly 11 ASCII digits matching 1[3-9]\d{9}. ST_MOBILE_INVALID otherwise. */
int validate_mobile(const char *s);

/*
 * Password, rules checked in this order:
 *   ST_PASSWORD_CHARSET    a character outside printable ASCII '!'..'~' (space, control
 *                          characters and non-ASCII such as Chinese are refused: space
 *                          because clients and password managers disagree on trimming it);
 *   ST_PASSWORD_LENGTH     not 8-20 characters;
 *   ST_PASSWORD_WEAK       fewer than three of: upper case, lower case, digit, punctuation;
 *   ST_PASSWORD_HAS_PHONE  contains phone as a substring (skipped when phone is NULL or "").
 */
int validate_password(const char *pw, const char *phone);

/*
 * Resident identity number (GB 11643-1999), checked in this order:
 *   ST_ID_NUMBER_INVALID    not 18 characters, first 17 digits, last a digit or 'X'
 *                           (upper case here: callers take input through
 *                           validate_resident_id_normalize, which upper-cases an 'x');
 *   ST_ID_NUMBER_REGION     first two digits not a province-level code (11-15, 21-23,
 *                           31-37, 41-46, 50-54, 61-65, 71, 81, 82);
 *   ST_ID_NUMBER_BIRTHDATE  digits 7-14 not a real calendar date from 1900-01-01 to today
 *                           (today in China Standard Time, UTC+8, whatever the host's zone);
 *   ST_ID_NUMBER_CHECKSUM   the ISO 7064 MOD 11-2 check character differs.
 */
int validate_resident_id(const char *s);
/* The same with "today" given as YYYYMMDD (e.g. 20240131), for tests and replays. */
int validate_resident_id_on(const char *s, int today_yyyymmdd);
/*
 * The one way a caller takes a typed resident ID: a lower-case check character 'x' is
 * rewritten in place as 'X' (people type it; refusing it helps nobody, and one spelling
 * is stored and looked up), then validate_resident_id's rules apply. The only
 * validator that writes to its argument.
 */
int validate_resident_id_normalize(char *s);

/*
 * Unified Social Credit Code (GB 32100-2015), checked in this order:
 *   ST_USCC_INVALID   not 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY"
 *                     (upper case only; I, O, Z, S, V never occur);
 *   ST_USCC_TYPE      character 1 (registration authority) not one of 1-9, A, N, Y, or
 *                     character 2 (organisation type) not defined for that authority;
 *   ST_USCC_REGION    characters 3-8 not six digits;
 *   ST_USCC_CHECKSUM  character 18 differs from the mod-31 check character.
 * ST_USCC_CHECKSUM is returned only when every other rule passed, so a caller may
 * still accept the code when the registry knows it (DOMAIN.md: the registry outranks
 * the check character).
 */
int validate_uscc(const char *s);

/*
 * Money in fen (and counts): 0 to VALIDATE_AMOUNT_MAX, 2^53 - 1, the largest integer every
 * JSON client reads back exactly. ST_FIELD_RANGE otherwise.
 */
#define VALIDATE_AMOUNT_MAX 9007199254740991LL
int validate_amount_fen(long long v);

/*
 * A calendar date as YYYY-MM-DD (10 characters, years 0001-9999): 0 when it is a real
 * Gregorian date (2028-02-29 yes, 2026-02-31 no), else ST_DATE_INVALID.
 */
int validate_date(const char *s);

/* Bank card: ST_BANK_CARD_INVALID unless 15-19 digits; ST_BANK_CARD_CHECKSUM when Luhn fails. */
int validate_bank_card(const char *s);

/* Corporate settlement account: 6-32 digits, no check digit. ST_ACCOUNT_NUMBER_INVALID otherwise.
 */
int validate_account_number(const char *s);

/* 1 when digits is a non-empty string of ASCII digits passing the Luhn check, else 0. */
int validate_luhn(const char *digits);

/*
 * E-mail address, a practical subset of RFC 5321: at most 254 bytes; a local part of
 * 1-64 characters from letters, digits and !#$%&'*+/=?^_`{|}~.- (no leading, trailing or
 * doubled dot); '@'; a domain of at least two dot-separated labels of letters, digits
 * and '-' (no label starting or ending with '-'), the last one letters only.
 * ST_EMAIL_INVALID otherwise.
 */
int validate_email(const char *s);

/*
 * A person's name as entered in forms: 2-30 characters (UTF-8 code points), valid
 * UTF-8, made of letters (CJK ideographs or Latin letters), spaces and the middle dots
 * used in transliterated names (· U+00B7, • U+2022 refused); no digits, no other
 * punctuation, no leading or trailing space. ST_NAME_INVALID otherwise.
 */
int validate_person_name(const char *s);

/*
 * An identifier as PostgreSQL prints a uuid: 36 characters, lower-case hex digits with
 * '-' at positions 8, 13, 18 and 23 (one spelling, so ids compared as text agree).
 * 1 when s is one, else 0: a malformed id in a path is answered 404 before it
 * reaches SQL as a type error.
 */
int validate_uuid(const char *s);

/*
 * One line of free text: valid UTF-8 of at most max_chars code points (else
 * ST_TEXT_TOO_LONG), holding no control character (else ST_TEXT_CONTROL_CHAR): no C0
 * (TAB, CR and LF included), DEL, C1 (U+0080-U+009F), U+2028/U+2029, bidi embedding,
 * override or isolate (U+202A-U+202E, U+2066-U+2069). NULL is 0. The caller names
 * the field with status_err(rv, field).
 */
int validate_text(const char *s, size_t max_chars);
/* The same for a field declared multi-line: LF (only) is allowed. */
int validate_text_lines(const char *s, size_t max_chars);

/*
 * List paging (ARCHITECTURE.md "Lists"): page defaults to 1 and must be >= 1
 * (ST_FIELD_RANGE), page_size defaults to 20 and must be 1-100 (ST_PAGE_SIZE above
 * 100, ST_FIELD_RANGE below 1). has_* say whether the field was sent; *field names
 * the offending one ("page" or "page_size") when the result is not 0.
 */
int validate_page(int has_page, int page, int has_size, int size, int *out_page, int *out_size,
                  const char **field);

/*
 * "13812341234" -> "138****1234". Any input that is not exactly 11 bytes (or NULL)
 * gives "****", so nothing of a malformed value leaks. out is always NUL-terminated.
 */
void validate_mask_mobile(const char *phone, char out[16]);

/*
 * Copies s to out with all but the first keep_head and last keep_tail characters
 * replaced by '*', one '*' per character: ("430102199003071234", 4, 4) ->
 * "4301**********1234". Characters are UTF-8 code points, so names mask too
 * ("张小明", 1, 1 -> "张*明"). When keep_head + keep_tail would leave nothing masked,
 * everything is masked. Negative keeps count as 0; NULL s gives "". out is always
 * NUL-terminated when outlen > 0; output that does not fit is cut at a character
 * boundary (room for strlen(s) + 1 bytes is always enough).
 */
void validate_mask_middle(const char *s, int keep_head, int keep_tail, char *out, size_t outlen);

/*
 * "zhang.xm@example.com" -> "z***@example.com": the first character of the local part
 * (a UTF-8 code point), always three '*' whatever its length, and the domain as is, so
 * the owner recognises the address and nobody learns it. Input without exactly one '@'
 * with something before it (or NULL) gives "***". out is always NUL-terminated when
 * outlen > 0; output that does not fit is cut at a character boundary (room for
 * strlen(s) + 4 bytes is always enough).
 */
void validate_mask_email(const char *s, char *out, size_t outlen);

/* The value of one hexadecimal digit (either case), or -1 when c is none. */
int validate_hex_digit(char c);

/* 1 when the URL s can be put in the HTML attribute a browser is later given as is: no
 * character that ends or escapes it (", ', <, >, `, backslash — which browsers read as
 * '/'), no space or control character; else 0 (NULL too). */
int validate_url_inert(const char *s);
/* 1 when s may be the address of an image a public page loads: inert, and https:// with
 * a host, or a path of this site (one leading '/'; "//host" would leave it); else 0.
 * javascript:, data: and http: are refused. */
int validate_image_url(const char *s);

#endif
