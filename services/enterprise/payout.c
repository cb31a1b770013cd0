/* The bank-payout adapter: the provider's choice and the calls (payout.h). */
#include "payout.h"

#include "log.h"
#include "status.h"

#include <stddef.h>

const char *const payout_provider_names[] = {"sandbox", "http", NULL};

int payout_open(const payout_config *c, int production, payout_provider **out)
{
	if (c->kind == PAYOUT_PROVIDER_HTTP)
		return payout_http_open(c, out);
	/* The sandbox pays nothing real: an account "verified" by it proves nothing. */
	if (production) {
		log_kv(LOGL_ERROR, NULL,
		       "PAYOUT_PROVIDER=sandbox is refused when PLATFORM_MODE is production", NULL);
		return -1;
	}
	return payout_sandbox_open(c, out);
}

void payout_close(payout_provider *p)
{
	if (p)
		p->free(p);
}

int payout_submit(payout_provider *p, const payout_order *o, const char *request_id,
                  payout_status *out)
{
	return p->submit(p, o, request_id, out);
}

int payout_query(payout_provider *p, const char *payout_request_id, const char *request_id,
                 payout_status *out)
{
	return p->query(p, payout_request_id, request_id, out);
}
