/*
 * The bill disclosure platform (票据信息披露平台): whether an acceptor is disclosed, with
 * which data, and whether it is on the persistently-overdue list (持续逾期名单). A bill
 * whose acceptor is undisclosed, disclosed with other data, or persistently overdue is
 * not discounted (DOMAIN.md "billfin").
 *
 * One provider interface, chosen by DISCLOSURE_PROVIDER:
 *   "sandbox"  disclosure_sandbox.c: the bundled data set (DISCLOSURE_SANDBOX_FILE,
 *              data/disclosure/acceptors.csv) answering in-process in the wire format;
 *   "http"     disclosure_http.c: the platform's HTTP JSON API (DISCLOSURE_URL).
 * Wire format: GET <base>/acceptors?name=<percent-encoded name> answers 200 with
 * {"name", "type": "enterprise"|"bank", "uscc", "disclosed_on": "YYYY-MM-DD",
 * "persistently_overdue": bool}, or 404 when the name is not disclosed. Both providers
 * go through disclosure_wire_parse(), so the sandbox exercises all but the socket.
 */
#ifndef BILLFIN_DISCLOSURE_H
#define BILLFIN_DISCLOSURE_H

#include "billfin.h"

#include <stddef.h>

enum { DISCLOSURE_PROVIDER_SANDBOX = 0, DISCLOSURE_PROVIDER_HTTP = 1 };
extern const char *const disclosure_provider_names[];

/* An acceptor as disclosed. Strings in the arena given to the parser. */
typedef struct disclosure_acceptor {
	const char *name, *type, *uscc, *disclosed_on;
	int persistently_overdue;
} disclosure_acceptor;

/*
 * Parses one answer (HTTP status and body) into *out: 0 when disclosed, 1 when not
 * disclosed (404), -1 when the answer is malformed. Pure.
 */
int disclosure_wire_parse(long status, const char *body, size_t len, arena *a,
                          disclosure_acceptor *out);

/* The sandbox: the answer the data set gives for name, as status and malloc'd body. */
struct disclosure_sandbox;
int disclosure_sandbox_load(const char *file, struct disclosure_sandbox **out);
void disclosure_sandbox_serve(const struct disclosure_sandbox *s, const char *name, long *status,
                              char **body, size_t *len);
void disclosure_sandbox_free(struct disclosure_sandbox *s);

/* The http transport: GET <url>/acceptors?name=… ; 0 with status and malloc'd body,
 * -2 on timeout, -1 on any other failure (logged). */
int disclosure_http_get(const char *url, long timeout_ms, const char *request_id, const char *name,
                        long *status, char **body, size_t *len);

/*
 * The check of an inquiry: ST_OK with *out when acceptor `name` is disclosed with type
 * `type` and not persistently overdue; else ST_BILL_ACCEPTOR_UNDISCLOSED,
 * ST_BILL_ACCEPTOR_MISMATCH, ST_BILL_ACCEPTOR_OVERDUE (field "acceptor_name") or
 * ST_DISCLOSURE_UNAVAILABLE.
 */
int billfin_disclosure_check(svc_ctx *ctx, const char *name, const char *type,
                             disclosure_acceptor *out);

/* Opens app->disclosure from the settings; ST_OK or ST_INTERNAL (logged). */
int billfin_disclosure_open(struct billfin_app *app);
void billfin_disclosure_close(struct billfin_app *app);

#endif
