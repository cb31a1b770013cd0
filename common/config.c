/* Table-driven configuration from the environment (see config.h). */
#include "config.h"

#include "log.h"
#include "mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int config_parse_long(const char *s, long min, long max, long *out)
{
	/* strtol would skip leading blanks and accept '+': a setting is digits only. */
	if (!s || !((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
		return -1;
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int config_load(const config_item *items, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const config_item *it = &items[i];
		const char *v = getenv(it->env);
		if (!v || !*v)
			v = it->def;
		if (!v) {
			snprintf(err, errlen, "%s is required: %s", it->env, it->help);
			return -1;
		}
		if (it->type == CFG_STR) {
			*(const char **)it->dst = v;
		} else if (config_parse_long(v, it->min, it->max, (long *)it->dst) != 0) {
			snprintf(err, errlen, "%s=\"%s\" is not an integer in [%ld, %ld]", it->env,
			         v, it->min, it->max);
			return -1;
		}
	}
	return 0;
}

void config_usage(FILE *out, const char *prog, const config_item *items, size_t n)
{
	fprintf(out, "usage: %s [--help]\nconfigured by environment variables:\n", prog);
	for (size_t i = 0; i < n; i++) {
		const config_item *it = &items[i];
		fprintf(out, "  %-24s %s (default: %s", it->env, it->help,
		        it->def ? it->def : "required");
		if (it->type == CFG_INT)
			fprintf(out, ", %ld..%ld", it->min, it->max);
		fprintf(out, ")\n");
	}
}

int config_init(const char *service, int argc, char **argv, config_common *common,
                const config_item *items, size_t n)
{
	config_item base[] = {CONFIG_COMMON_ITEMS(common)};
	size_t nbase = sizeof base / sizeof base[0];
	config_item *all = xmalloc((nbase + n) * sizeof *all);
	memcpy(all, base, sizeof base);
	if (n)
		memcpy(all + nbase, items, n * sizeof *items);
	int rv = 0;
	char err[256];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			config_usage(stdout, service, all, nbase + n);
			rv = 1;
			goto out;
		}
	}
	if (config_load(all, nbase + n, err, sizeof err) != 0) {
		log_setup(service, "info");
		log_kv(LOGL_ERROR, NULL, "bad configuration", "error", err, NULL);
		rv = -1;
		goto out;
	}
	if (log_setup(service, common->log_level) != 0) {
		log_kv(LOGL_ERROR, NULL, "bad configuration", "error",
		       "LOG_LEVEL must be debug, info, warn or error", NULL);
		rv = -1;
		goto out;
	}
	if (strcmp(common->mode, "development") != 0 && strcmp(common->mode, "production") != 0) {
		log_kv(LOGL_ERROR, NULL, "bad configuration", "error",
		       "PLATFORM_MODE must be development or production", NULL);
		rv = -1;
	}
out:
	free(all);
	return rv;
}

int config_is_development(const config_common *common)
{
	return strcmp(common->mode, "development") == 0;
}
