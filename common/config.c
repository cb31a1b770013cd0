/* Table-driven configuration from the environment (see config.h). */
#include "config.h"

#include "log.h"
#include "mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const config_modes[] = {"development", "production", NULL};
const char *const config_log_levels[] = {"debug", "info", "warn", "error", NULL};

/* The index of v in a NULL-terminated list, or -1. */
static int config_enum_index(const char *const *values, const char *v)
{
	for (int i = 0; values && values[i]; i++)
		if (strcmp(values[i], v) == 0)
			return i;
	return -1;
}

/* "a, b, c": the allowed values for a message. */
static void config_enum_list(const char *const *values, const char *sep, const char *quote,
                             char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; values && values[i] && used < len; i++) {
		int w = snprintf(out + used, len - used, "%s%s%s%s", i ? sep : "", quote, values[i],
		                 quote);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

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
		} else if (it->type == CFG_ENUM) {
			const config_enum *e = it->dst;
			int idx = config_enum_index(e->values, v);
			if (idx < 0 && *v) {
				char list[160];
				config_enum_list(e->values, ", ", "", list, sizeof list);
				snprintf(err, errlen, "%s=\"%s\" is not one of: %s", it->env, v,
				         list);
				return -1;
			}
			*e->dst = idx;
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
	fprintf(out, "usage: %s [--help | --help-markdown]\nconfigured by environment variables:\n",
	        prog);
	for (size_t i = 0; i < n; i++) {
		const config_item *it = &items[i];
		fprintf(out, "  %-24s %s (default: %s", it->env, it->help,
		        !it->def   ? "required"
		        : *it->def ? it->def
		                   : "empty");
		if (it->type == CFG_INT)
			fprintf(out, ", %ld..%ld", it->min, it->max);
		if (it->type == CFG_ENUM) {
			char list[160];
			config_enum_list(((const config_enum *)it->dst)->values, " | ", "", list,
			                 sizeof list);
			fprintf(out, ", one of: %s", list);
		}
		fprintf(out, ")\n");
	}
}

/* Text for a Markdown cell: a '|' would end the cell. */
static void config_md_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

void config_markdown(FILE *out, const config_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const config_item *it = &items[i];
		fprintf(out, "| `%s` | ", it->env);
		if (!it->def)
			fputs("required", out);
		else if (!*it->def)
			fputs("empty", out);
		else
			fprintf(out, "`%s`", it->def);
		fputs(" | ", out);
		config_md_text(out, it->help);
		if (it->type == CFG_INT)
			fprintf(out, "; %ld..%ld", it->min, it->max);
		if (it->type == CFG_ENUM) {
			char list[200];
			config_enum_list(((const config_enum *)it->dst)->values, ", ", "`", list,
			                 sizeof list);
			fprintf(out, "; one of %s", list);
		}
		fputs(" |\n", out);
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
		if (strcmp(argv[i], "--help-markdown") == 0) {
			config_markdown(stdout, all, nbase + n);
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
	log_setup(service, config_log_levels[common->log_level]);
out:
	free(all);
	return rv;
}

int config_is_development(const config_common *common)
{
	return common->mode == CONFIG_DEVELOPMENT;
}
