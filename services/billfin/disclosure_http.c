/* The http transport of the disclosure platform (disclosure.h): one GET through httpc. */
#include "disclosure.h"

#include "httpc.h"
#include "log.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISCLOSURE_RESPONSE_MAX (64u << 10)

int disclosure_http_get(const char *url, long timeout_ms, const char *request_id, const char *name,
                        long *status, char **body, size_t *len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(url) + strlen(name) * 3 + 32, at;
	char *full = xmalloc(n);
	int w = snprintf(full, n, "%s/acceptors?name=", url);
	at = w > 0 ? (size_t)w : 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && at + 4 < n; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			full[at++] = (char)*p;
		} else {
			full[at++] = '%';
			full[at++] = hex[*p >> 4];
			full[at++] = hex[*p & 15];
		}
	}
	full[at] = '\0';
	const char *headers[] = {"Accept: application/json"};
	httpc_request rq = {.method = "GET",
	                    .url = full,
	                    .headers = headers,
	                    .nheaders = 1,
	                    .timeout_ms = timeout_ms,
	                    .connect_timeout_ms = timeout_ms,
	                    .max_body = DISCLOSURE_RESPONSE_MAX};
	httpc_response resp;
	httpc_result e = httpc_exchange(&rq, &resp);
	free(full);
	if (e != HTTPC_OK) {
		log_kv(LOGL_WARN, request_id, "disclosure platform unreachable", "error",
		       resp.error, NULL);
		httpc_response_free(&resp);
		return e == HTTPC_TIMEOUT ? -2 : -1;
	}
	*status = resp.status;
	*body = resp.body;
	*len = resp.body_len;
	resp.body = NULL;
	httpc_response_free(&resp);
	return 0;
}
