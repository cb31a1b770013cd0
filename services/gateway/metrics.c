/* Prometheus counters and histograms of the gateway (see metrics.h). */
#include "metrics.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

static const double gw_buckets_s[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                      0.1,   0.25,   0.5,   1,    2.5,   5};
#define GW_NBUCKETS     (sizeof gw_buckets_s / sizeof gw_buckets_s[0])
#define GW_MAX_STATUSES 16

struct gw_route_stats {
	char *route;
	uint64_t buckets[GW_NBUCKETS]; /* cumulative counts are computed when rendering */
	uint64_t count;
	double sum_s;
	int statuses[GW_MAX_STATUSES];
	uint64_t status_count[GW_MAX_STATUSES];
	int nstatuses;
};

struct gw_upstream_stats {
	char *service;
	char *code;
	uint64_t count;
};

static struct gw_route_stats *gw_routes_stats;
static size_t gw_nroutes_stats;
static struct gw_upstream_stats *gw_upstream;
static size_t gw_nupstream;

static struct gw_route_stats *gw_route_stats_get(const char *route)
{
	for (size_t i = 0; i < gw_nroutes_stats; i++)
		if (strcmp(gw_routes_stats[i].route, route) == 0)
			return &gw_routes_stats[i];
	gw_routes_stats =
	        xrealloc(gw_routes_stats, (gw_nroutes_stats + 1) * sizeof *gw_routes_stats);
	struct gw_route_stats *s = &gw_routes_stats[gw_nroutes_stats++];
	memset(s, 0, sizeof *s);
	s->route = xstrdup(route);
	return s;
}

void gw_metrics_request(const char *route, int http_status, int64_t latency_us)
{
	struct gw_route_stats *s = gw_route_stats_get(route);
	double secs = (double)latency_us / 1e6;
	for (size_t b = 0; b < GW_NBUCKETS; b++) {
		if (secs <= gw_buckets_s[b]) {
			s->buckets[b]++;
			break;
		}
	}
	s->count++;
	s->sum_s += secs;
	int k = 0;
	while (k < s->nstatuses && s->statuses[k] != http_status)
		k++;
	if (k == s->nstatuses) {
		if (k == GW_MAX_STATUSES)
			return;
		s->statuses[s->nstatuses++] = http_status;
	}
	s->status_count[k]++;
}

void gw_metrics_upstream_error(const char *service, const char *code)
{
	for (size_t i = 0; i < gw_nupstream; i++) {
		if (strcmp(gw_upstream[i].service, service) == 0 &&
		    strcmp(gw_upstream[i].code, code) == 0) {
			gw_upstream[i].count++;
			return;
		}
	}
	gw_upstream = xrealloc(gw_upstream, (gw_nupstream + 1) * sizeof *gw_upstream);
	gw_upstream[gw_nupstream++] =
	        (struct gw_upstream_stats){xstrdup(service), xstrdup(code), 1};
}

void gw_metrics_render(struct evbuffer *out)
{
	evbuffer_add_printf(out,
	                    "# HELP gateway_requests_total HTTP requests by route and status.\n"
	                    "# TYPE gateway_requests_total counter\n");
	for (size_t i = 0; i < gw_nroutes_stats; i++) {
		struct gw_route_stats *s = &gw_routes_stats[i];
		for (int k = 0; k < s->nstatuses; k++)
			evbuffer_add_printf(
			        out, "gateway_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
			        s->route, s->statuses[k], (unsigned long long)s->status_count[k]);
	}
	evbuffer_add_printf(out, "# HELP gateway_request_duration_seconds Latency by route.\n"
	                         "# TYPE gateway_request_duration_seconds histogram\n");
	for (size_t i = 0; i < gw_nroutes_stats; i++) {
		struct gw_route_stats *s = &gw_routes_stats[i];
		uint64_t cum = 0;
		for (size_t b = 0; b < GW_NBUCKETS; b++) {
			cum += s->buckets[b];
			evbuffer_add_printf(out,
			                    "gateway_request_duration_seconds_bucket{route=\"%s\","
			                    "le=\"%g\"} %llu\n",
			                    s->route, gw_buckets_s[b], (unsigned long long)cum);
		}
		evbuffer_add_printf(
		        out,
		        "gateway_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
		        "gateway_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
		        "gateway_request_duration_seconds_count{route=\"%s\"} %llu\n",
		        s->route, (unsigned long long)s->count, s->route, s->sum_s, s->route,
		        (unsigned long long)s->count);
	}
	evbuffer_add_printf(out, "# HELP gateway_upstream_errors_total Failed calls to services.\n"
	                         "# TYPE gateway_upstream_errors_total counter\n");
	for (size_t i = 0; i < gw_nupstream; i++)
		evbuffer_add_printf(
		        out, "gateway_upstream_errors_total{service=\"%s\",code=\"%s\"} %llu\n",
		        gw_upstream[i].service, gw_upstream[i].code,
		        (unsigned long long)gw_upstream[i].count);
}

void gw_metrics_free(void)
{
	for (size_t i = 0; i < gw_nroutes_stats; i++)
		free(gw_routes_stats[i].route);
	free(gw_routes_stats);
	for (size_t i = 0; i < gw_nupstream; i++) {
		free(gw_upstream[i].service);
		free(gw_upstream[i].code);
	}
	free(gw_upstream);
	gw_routes_stats = NULL;
	gw_upstream = NULL;
	gw_nroutes_stats = gw_nupstream = 0;
}
