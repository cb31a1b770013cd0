/*
 * The official holiday years (国务院办公厅 schedules, holiday-cn JSON) the discount calendar is
 * built from: one row per year in holiday_years, seeded at start from HOLIDAYS_DIR when
 * absent, added by an operator (admin) through the API. Each worker answers quotes from
 * one cached calendar rebuilt when the table's highest version moved, so every replica
 * sees a newly loaded year at its next quote. Loading a year re-computes the open quotes:
 * those whose days change are flagged requote_required and cannot be confirmed. A year
 * loaded again replaces the stored one (a corrected notice), audited as replaced.
 */
#include "billfin.h"
#include "discount.h"

#include "change.h"
#include "dblist.h"
#include "dbrow.h"
#include "log.h"
#include "status.h"
#include "validate.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOLIDAY_FILE_MAX (256u << 10)

static const char *const load_roles[] = {"admin", NULL};
static const char *const read_roles[] = {"admin", "quoter", "reviewer", "finance", NULL};

/* The notice a schedule cites (papers[0]), for the source column; "" when none. */
static const char *holidays_paper(arena *a, const char *json)
{
	json_t *j = json_loads(json, 0, NULL);
	const char *p = json_string_value(json_array_get(json_object_get(j, "papers"), 0));
	const char *out = arena_strdup(a, p ? p : "");
	json_decref(j);
	return out;
}

/* A calendar of every row of holiday_years (read on ctx->db, in or out of a transaction). */
static int holidays_build(svc_ctx *ctx, billfin_calendar **out, int64_t *version)
{
	PGresult *r = NULL;
	int rv = db_exec(ctx->db,
	                 "SELECT json, (SELECT coalesce(max(version), 0) FROM holiday_years)"
	                 " FROM holiday_years ORDER BY year",
	                 0, NULL, &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	billfin_calendar *cal = billfin_calendar_new();
	*version = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		int year = 0;
		if (billfin_calendar_add_year(cal, PQgetvalue(r, i, 0),
		                              (size_t)PQgetlength(r, i, 0), &year) != ST_OK) {
			log_kv(LOGL_ERROR, ctx->request_id, "stored holiday year does not load",
			       NULL);
			billfin_calendar_free(cal);
			PQclear(r);
			return status_err(ST_INTERNAL, NULL);
		}
		*version = strtoll(PQgetvalue(r, i, 1), NULL, 10);
	}
	PQclear(r);
	*out = cal;
	return ST_OK;
}

int billfin_calendar_current(svc_ctx *ctx, const billfin_calendar **out)
{
	struct billfin_app *app = BILLFIN_APP(ctx);
	PGresult *r = NULL;
	int rv = db_exec(ctx->db, "SELECT coalesce(max(version), 0) FROM holiday_years", 0, NULL,
	                 &r);
	if (rv != ST_OK)
		return status_err(rv, NULL);
	int64_t now = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	pthread_mutex_lock(&app->cal_lock);
	if (!app->cal || app->cal_version != now) {
		billfin_calendar *cal = NULL;
		int64_t version = 0;
		if ((rv = holidays_build(ctx, &cal, &version)) != ST_OK) {
			pthread_mutex_unlock(&app->cal_lock);
			return rv;
		}
		/* Older calendars may still be read by other workers: kept until exit. */
		app->cal_retired = xrealloc(app->cal_retired,
		                            (app->ncal_retired + 1) * sizeof *app->cal_retired);
		app->cal_retired[app->ncal_retired++] = cal;
		app->cal = cal;
		app->cal_version = version;
	}
	*out = app->cal;
	pthread_mutex_unlock(&app->cal_lock);
	return ST_OK;
}

void billfin_holidays_close(struct billfin_app *app)
{
	for (size_t i = 0; i < app->ncal_retired; i++)
		billfin_calendar_free(app->cal_retired[i]);
	free(app->cal_retired);
	app->cal_retired = NULL;
	app->ncal_retired = 0;
	app->cal = NULL;
}

/* ---- seeding ------------------------------------------------------------------------------ */

struct seed {
	const char *json, *source;
	int year;
	int inserted;
};

static int seed_tx(svc_ctx *ctx, void *arg)
{
	struct seed *s = arg;
	PGresult *r = NULL;
	char year[8];
	snprintf(year, sizeof year, "%d", s->year);
	const char *v[] = {year, s->json, s->source};
	int rv = change_exec(ctx,
	                     "INSERT INTO holiday_years (year, json, source, loaded_by)"
	                     " VALUES ($1::int, $2, $3, 'seed') ON CONFLICT (year) DO NOTHING"
	                     " RETURNING year",
	                     3, v, &r);
	if (rv != ST_OK)
		return rv;
	s->inserted = PQntuples(r) == 1;
	PQclear(r);
	if (!s->inserted)
		return ST_OK;
	return change_record(ctx, "service:billfin",
	                     arena_printf(ctx->arena, "holiday_year/%s", year),
	                     "holiday_year.seeded", json_pack("{s:s}", "source", s->source), NULL);
}

static char *seed_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = xmalloc(HOLIDAY_FILE_MAX + 1);
	*len = fread(buf, 1, HOLIDAY_FILE_MAX + 1, f);
	fclose(f);
	if (*len > HOLIDAY_FILE_MAX) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

int billfin_holidays_seed(svc_ctx *ctx)
{
	const char *dir = BILLFIN_APP(ctx)->holidays_dir;
	DIR *d = opendir(dir);
	struct dirent *e;
	int rv = ST_OK;
	if (!d) {
		log_kv(LOGL_ERROR, NULL, "HOLIDAYS_DIR not readable", "dir", dir, NULL);
		return ST_INTERNAL;
	}
	while (rv == ST_OK && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		char *path = arena_printf(ctx->arena, "%s/%s", dir, e->d_name);
		size_t len = 0;
		char *json = seed_read(path, &len);
		billfin_calendar *scratch = billfin_calendar_new();
		struct seed s = {.json = json};
		if (!json || billfin_calendar_add_year(scratch, json, len, &s.year) != ST_OK) {
			log_kv(LOGL_ERROR, NULL, "holiday file does not load", "file", path, NULL);
			rv = ST_INTERNAL;
		} else {
			s.source = arena_printf(ctx->arena, "holiday-cn %s: %s", e->d_name,
			                        holidays_paper(ctx->arena, json));
			rv = change_run(ctx, seed_tx, &s);
		}
		billfin_calendar_free(scratch);
		free(json);
	}
	closedir(d);
	return rv;
}

/* ---- loading an official year ------------------------------------------------------------ */

struct load {
	const Billfin__LoadHolidayYearRequest *q;
	const char *pid;
	int year;
	int requotes;
	Billfin__HolidayYear *out;
};

/* The open quotes computed again on cal: those whose effective due date or days differ
 * are flagged. */
static int load_requote(svc_ctx *ctx, const billfin_calendar *cal, int *flagged)
{
	PGresult *r = NULL;
	int rv = change_exec(
	        ctx,
	        "SELECT q.id::text, q.face_fen, q.discount_date::text, q.due_date::text,"
	        " q.rate_form, q.rate_bp, q.per_100k_fen, q.adjust_days, q.fee_fen,"
	        " q.effective_due_date::text, q.days FROM quotes q"
	        " JOIN orders o ON o.id = q.order_id"
	        " WHERE q.state = 'open' AND NOT q.requote_required"
	        " AND o.state = 'confirming' FOR UPDATE OF q",
	        0, NULL, &r);
	if (rv != ST_OK)
		return rv;
	for (int i = 0; rv == ST_OK && i < PQntuples(r); i++) {
		billfin_quote_in in = {0};
		billfin_quote_out qo;
		int32_t effective = 0;
		in.face_fen = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		billfin_day_parse(PQgetvalue(r, i, 2), &in.discount_day);
		billfin_day_parse(PQgetvalue(r, i, 3), &in.due_day);
		if (strcmp(PQgetvalue(r, i, 4), "rate_bp") == 0)
			in.rate_bp = (int32_t)strtol(PQgetvalue(r, i, 5), NULL, 10);
		else
			in.per_100k_fen = strtoll(PQgetvalue(r, i, 6), NULL, 10);
		in.adjust_days = (int32_t)strtol(PQgetvalue(r, i, 7), NULL, 10);
		in.fee_fen = strtoll(PQgetvalue(r, i, 8), NULL, 10);
		billfin_day_parse(PQgetvalue(r, i, 9), &effective);
		int days = (int)strtol(PQgetvalue(r, i, 10), NULL, 10);
		int same = billfin_quote_compute(cal, &in, &qo) == ST_OK &&
		           qo.effective_due_day == effective && qo.days == days;
		if (same)
			continue;
		const char *v[] = {PQgetvalue(r, i, 0)};
		rv = change_exec(ctx,
		                 "UPDATE quotes SET requote_required = true WHERE id = $1::uuid", 1,
		                 v, NULL);
		(*flagged)++;
	}
	PQclear(r);
	return rv;
}

static int load_tx(svc_ctx *ctx, void *arg)
{
	struct load *l = arg;
	PGresult *r = NULL;
	billfin_calendar *cal = NULL;
	int64_t version = 0;
	char year[8];
	snprintf(year, sizeof year, "%d", l->year);
	const char *v0[] = {year};
	/* A year loaded again (a corrected notice) replaces the stored one; the audit keeps
	 * what it replaced. */
	int rv = change_exec(ctx,
	                     "SELECT source, version FROM holiday_years WHERE year = $1::int"
	                     " FOR UPDATE",
	                     1, v0, &r);
	if (rv != ST_OK)
		return rv;
	const char *replaced = PQntuples(r) == 1 ? dbrow_text(ctx->arena, r, 0, 0) : NULL;
	const char *replaced_version = PQntuples(r) == 1 ? dbrow_text(ctx->arena, r, 0, 1) : NULL;
	PQclear(r);
	const char *v[] = {year, l->q->json, l->q->source,
	                   arena_printf(ctx->arena, "person:%s", l->pid)};
	/* A new version from the sequence, so every worker's cached calendar (keyed by the
	 * table's highest version) is rebuilt at its next quote. */
	if ((rv = change_exec(
	             ctx,
	             "INSERT INTO holiday_years (year, json, source, loaded_by)"
	             " VALUES ($1::int, $2, $3, $4) ON CONFLICT (year) DO UPDATE SET"
	             " json = EXCLUDED.json, source = EXCLUDED.source, loaded_by ="
	             " EXCLUDED.loaded_by, loaded_at = now(), version = nextval('holiday_version')"
	             " RETURNING year, source, loaded_by, " DBROW_CST("loaded_at"),
	             4, v, &r)) != ST_OK)
		return rv;
	Billfin__HolidayYear *y = arena_alloc(ctx->arena, sizeof *y);
	billfin__holiday_year__init(y);
	y->has_year = y->has_requotes = 1;
	y->year = l->year;
	y->source = dbrow_text(ctx->arena, r, 0, 1);
	y->loaded_by = dbrow_text(ctx->arena, r, 0, 2);
	y->loaded_at = dbrow_text(ctx->arena, r, 0, 3);
	PQclear(r);
	/* The calendar with the new year, as this transaction sees the table. */
	if ((rv = holidays_build(ctx, &cal, &version)) != ST_OK)
		return rv;
	rv = load_requote(ctx, cal, &l->requotes);
	billfin_calendar_free(cal);
	if (rv != ST_OK)
		return rv;
	y->requotes = l->requotes;
	l->out = y;
	y->has_replaced = 1;
	y->replaced = replaced != NULL;
	change_event e = {"billfin.holiday_year.loaded", NULL, &y->base};
	return change_record(ctx, y->loaded_by, arena_printf(ctx->arena, "holiday_year/%s", year),
	                     replaced ? "holiday_year.replaced" : "holiday_year.loaded",
	                     json_pack("{s:s, s:i, s:s*, s:s*}", "source", y->source, "requotes",
	                               l->requotes, "replaced_source", replaced, "replaced_version",
	                               replaced_version),
	                     &e);
}

int billfin_holiday_load(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const Billfin__LoadHolidayYearRequest *q = (const Billfin__LoadHolidayYearRequest *)in;
	struct load l = {.q = q};
	int rv;
	if ((rv = billfin_operator_caller(ctx, load_roles, &l.pid)) != ST_OK)
		return rv;
	if (!q->source || !*q->source)
		return status_err(ST_BILL_SOURCE_REQUIRED, "source");
	if ((rv = validate_text(q->source, 300)) != 0)
		return status_err(rv, "source");
	if (!q->json || !*q->json)
		return status_err(ST_FIELD_REQUIRED, "json");
	billfin_calendar *scratch = billfin_calendar_new();
	rv = billfin_calendar_add_year(scratch, q->json, strlen(q->json), &l.year);
	billfin_calendar_free(scratch);
	if (rv != ST_OK)
		return rv;
	if ((rv = change_run(ctx, load_tx, &l)) != ST_OK)
		return rv;
	*out = &l.out->base;
	return ST_CREATED;
}

static ProtobufCMessage *holiday_row(svc_ctx *ctx, const PGresult *r, int row, void *arg)
{
	(void)arg;
	Billfin__HolidayYear *y = arena_alloc(ctx->arena, sizeof *y);
	billfin__holiday_year__init(y);
	y->has_year = 1;
	y->year = (int32_t)strtol(PQgetvalue(r, row, 0), NULL, 10);
	y->source = dbrow_text(ctx->arena, r, row, 1);
	y->loaded_by = dbrow_text(ctx->arena, r, row, 2);
	y->loaded_at = dbrow_text(ctx->arena, r, row, 3);
	return &y->base;
}

int billfin_holiday_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out)
{
	const char *pid = NULL;
	PGresult *r = NULL;
	int rv;
	(void)in;
	if ((rv = billfin_operator_caller(ctx, read_roles, &pid)) != ST_OK)
		return rv;
	if ((rv = db_exec(ctx->db,
	                  "SELECT year, source, loaded_by, " DBROW_CST(
	                          "loaded_at") " FROM holiday_years ORDER BY year",
	                  0, NULL, &r)) != ST_OK)
		return status_err(rv, NULL);
	Billfin__HolidayYearList *l = (Billfin__HolidayYearList *)dblist_new(
	        ctx, &billfin__holiday_year_list__descriptor);
	rv = dblist_fill(ctx, &l->base, r, holiday_row, NULL);
	dblist_total(&l->base, PQntuples(r), NULL);
	PQclear(r);
	if (rv != ST_OK)
		return rv;
	*out = &l->base;
	return ST_OK;
}
