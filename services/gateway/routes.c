/* The route table and path-template matching (see routes.h). */
#include "routes.h"

#include "log.h"
#include "status.h"

#include <string.h>

const gw_route *gw_route_at(size_t i)
{
	for (size_t t = 0; t < gw_ntables; t++) {
		if (i < gw_tables[t]->n)
			return &gw_tables[t]->routes[i];
		i -= gw_tables[t]->n;
	}
	return NULL;
}

int gw_routes_init(void)
{
	for (size_t t = 0; t < gw_ntables; t++) {
		for (size_t i = 0; i < gw_tables[t]->n; i++) {
			gw_route *r = &gw_tables[t]->routes[i];
			r->md = protobuf_c_service_descriptor_get_method_by_name(r->desc, r->rpc);
			if (!r->md) {
				log_kv(LOGL_ERROR, NULL, "route names an unknown method", "path",
				       r->path, "rpc", r->rpc, NULL);
				return -1;
			}
		}
	}
	return 0;
}

/* Matches one template against a path, collecting {params}. */
static int gw_template_match(const char *tpl, const char *path, gw_match *m)
{
	m->nparams = 0;
	m->tail = NULL;
	m->tail_name[0] = '\0';
	while (*tpl && *path) {
		if (*tpl != '/' || *path != '/')
			return 0;
		tpl++;
		path++;
		const char *tend = strchrnul(tpl, '/');
		const char *pend = strchrnul(path, '/');
		size_t plen = (size_t)(pend - path);
		if (*tpl == '{' && tend[0] == '\0' && tend - tpl > 3 && tend[-2] == '+') {
			/* {name+}: the rest of the path, whatever its length or slashes. */
			size_t nlen = (size_t)(tend - tpl) - 3;
			if (!*path || nlen >= sizeof m->tail_name)
				return 0;
			memcpy(m->tail_name, tpl + 1, nlen);
			m->tail_name[nlen] = '\0';
			m->tail = path;
			return 1;
		}
		if (*tpl == '{') {
			size_t nlen = (size_t)(tend - tpl) - 2;
			if (plen == 0 || plen >= sizeof m->values[0] ||
			    m->nparams == GW_MAX_PARAMS || nlen >= sizeof m->names[0])
				return 0;
			memcpy(m->names[m->nparams], tpl + 1, nlen);
			m->names[m->nparams][nlen] = '\0';
			memcpy(m->values[m->nparams], path, plen);
			m->values[m->nparams][plen] = '\0';
			m->nparams++;
		} else if ((size_t)(tend - tpl) != plen || memcmp(tpl, path, plen) != 0) {
			return 0;
		}
		tpl = tend;
		path = pend;
	}
	return *tpl == '\0' && (*path == '\0' || strcmp(path, "/") == 0);
}

int gw_routes_match(const char *method, const char *path, gw_match *m)
{
	int path_seen = 0;
	const gw_route *r;
	for (size_t i = 0; (r = gw_route_at(i)); i++) {
		if (!gw_template_match(r->path, path, m))
			continue;
		path_seen = 1;
		if (strcmp(r->method, method) != 0)
			continue;
		m->route = r;
		return 0;
	}
	return path_seen ? ST_METHOD_NOT_ALLOWED : ST_ROUTE_NOT_FOUND;
}

size_t gw_routes_services(const char **out, size_t max)
{
	size_t n = 0;
	const gw_route *r;
	for (size_t i = 0; (r = gw_route_at(i)); i++) {
		size_t k = 0;
		while (k < n && strcmp(out[k], r->service) != 0)
			k++;
		if (k == n && n < max)
			out[n++] = r->service;
	}
	return n;
}
