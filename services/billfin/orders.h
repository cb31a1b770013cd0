/*
 * What the order files share beyond billfin.h: the columns an order is read with, and
 * the mapping of a row into a BillOrder or a Quote.
 */
#ifndef BILLFIN_ORDERS_H
#define BILLFIN_ORDERS_H

#include "billfin.h"
#include "dbrow.h"

#include <libpq-fe.h>

/* An order's columns (alias o), in the order of enum orders_col. */
#define O_CST_SIGNED    DBROW_CST("o.signed_at")
#define O_CST_PAID      DBROW_CST("o.paid_at")
#define O_CST_CREATED   DBROW_CST("o.created_at")
#define O_CST_CONFIRMED DBROW_CST("o.confirmed_at")
#define O_CST_REVIEWED  DBROW_CST("o.reviewed_at")
#define O_CST_ENDORSED  DBROW_CST("o.endorsed_at")
#define O_CST_COMPLETED DBROW_CST("o.completed_at")
#define O_CST_CLOSED    DBROW_CST("o.closed_at")
#define O_CST_UPDATED   DBROW_CST("o.updated_at")
#define ORDERS_COLS                                                                                \
	"o.id::text, o.no, o.state, o.enterprise_id::text, o.enterprise_name,"                     \
	" o.addressed_to::text, o.addressed_name, o.bill_package_no, o.bill_type,"                 \
	" o.acceptor_name, o.acceptor_type, o.acceptor_uscc, o.acceptor_disclosed_on::text,"       \
	" o.face_fen, o.issue_date::text, o.due_date::text,"                                       \
	" o.due_date - (now() AT TIME ZONE 'Asia/Shanghai')::date, o.drawer, o.payee,"             \
	" o.sub_range, o.front_file_id::text, o.quote_id::text, o.funder_id::text,"                \
	" o.funder_name, o.account_id::text, o.account_name, o.account_bank, o.account_branch,"    \
	" o.account_masked, o.contract_file_id::text, o.invoice_file_id::text, o.review_status,"   \
	" o.review_reason, o.endorsee_name, o.endorsee_account, o.endorsee_bank, " O_CST_SIGNED    \
	", o.paid_fen, " O_CST_PAID                                                                \
	", o.payment_reference, o.close_reason, o.closed_by, " O_CST_CREATED ", " O_CST_CONFIRMED  \
	", " O_CST_REVIEWED ", " O_CST_ENDORSED ", " O_CST_COMPLETED ", " O_CST_CLOSED             \
	", " O_CST_UPDATED ", o.applicant_id::text"

enum orders_col {
	OC_ID,
	OC_NO,
	OC_STATE,
	OC_ENTERPRISE_ID,
	OC_ENTERPRISE_NAME,
	OC_ADDRESSED_TO,
	OC_ADDRESSED_NAME,
	OC_PACKAGE_NO,
	OC_BILL_TYPE,
	OC_ACCEPTOR_NAME,
	OC_ACCEPTOR_TYPE,
	OC_ACCEPTOR_USCC,
	OC_ACCEPTOR_ON,
	OC_FACE,
	OC_ISSUE,
	OC_DUE,
	OC_DAYS_TO_DUE,
	OC_DRAWER,
	OC_PAYEE,
	OC_SUB_RANGE,
	OC_FRONT_FILE,
	OC_QUOTE_ID,
	OC_FUNDER_ID,
	OC_FUNDER_NAME,
	OC_ACCOUNT_ID,
	OC_ACCOUNT_NAME,
	OC_ACCOUNT_BANK,
	OC_ACCOUNT_BRANCH,
	OC_ACCOUNT_MASKED,
	OC_CONTRACT_FILE,
	OC_INVOICE_FILE,
	OC_REVIEW_STATUS,
	OC_REVIEW_REASON,
	OC_ENDORSEE_NAME,
	OC_ENDORSEE_ACCOUNT,
	OC_ENDORSEE_BANK,
	OC_SIGNED_AT,
	OC_PAID_FEN,
	OC_PAID_AT,
	OC_PAYMENT_REF,
	OC_CLOSE_REASON,
	OC_CLOSED_BY,
	OC_CREATED_AT,
	OC_CONFIRMED_AT,
	OC_REVIEWED_AT,
	OC_ENDORSED_AT,
	OC_COMPLETED_AT,
	OC_CLOSED_AT,
	OC_UPDATED_AT,
	OC_APPLICANT_ID,
	OC_NCOLS
};

/* A quote's columns (alias q), read by orders_quote_from_row from column c on. */
#define ORDERS_QUOTE_COLS                                                                          \
	"q.id::text, q.institution_id::text, q.quoter_name, q.rate_bp, q.per_100k_fen,"            \
	" q.rate_form, q.adjust_days, q.fee_fen, q.discount_date::text, q.due_date::text,"         \
	" q.effective_due_date::text, q.days, q.interest_fen, q.net_fen, q.calendar, " DBROW_CST(  \
	        "q.valid_until") ", q.valid_until <= now(), q.requote_required, "                  \
	                         "q.state, " DBROW_CST("q.created_at")

/* Row `row` of an ORDERS_COLS result as an order (arena); operator: with the applicant. */
Billfin__BillOrder *orders_from_row(svc_ctx *ctx, const PGresult *r, int row, int operator);

/* Columns c.. of an ORDERS_QUOTE_COLS result as a quote (arena). */
Billfin__Quote *orders_quote_from_row(svc_ctx *ctx, const PGresult *r, int row, int c);

/* The face amount in 万元 with four decimals ("20.0000"), rounded half up to the yuan. */
void orders_face_wan(arena *a, int64_t fen, char **out);

#endif
