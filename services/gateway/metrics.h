/*
 * Request counters and latency histograms per route, and upstream errors per
 * service, rendered as Prometheus text. Touched only from the loop thread.
 */
#ifndef GATEWAY_METRICS_H
#define GATEWAY_METRICS_H

#include <event2/buffer.h>
#include <stdint.h>

/* Records one finished request under its route template ("static", "unmatched"
 * and the built-in paths are routes too). */
void gw_metrics_request(const char *route, int http_status, int64_t latency_us);
/* Records a failed call to a service: code is the stable error code. */
void gw_metrics_upstream_error(const char *service, const char *code);
/* Appends the exposition text to out. */
void gw_metrics_render(struct evbuffer *out);
void gw_metrics_free(void);

#endif
