/*
 * Configuration from environment variables. Each daemon declares one table of
 * its settings (name, type, bounds, default, help); the table drives parsing,
 * validation and --help. A bad value stops the start with the variable named.
 */
#ifndef COMMON_CONFIG_H
#define COMMON_CONFIG_H

#include <stddef.h>
#include <stdio.h>

typedef enum { CFG_STR, CFG_INT, CFG_ENUM } config_type;

typedef struct config_item {
	const char *env;
	config_type type;
	const char *def; /* default as text; NULL: required. CFG_ENUM: one of values, or ""
	                    for "unset" (the consumer decides, e.g. by PLATFORM_MODE) */
	long min, max;   /* bounds for CFG_INT */
	const char *help;
	void *dst; /* CFG_STR: const char ** (points into the environment or def); CFG_INT:
	              long *; CFG_ENUM: config_enum * (write CONFIG_ENUM(values, &int)) */
} config_item;

/* An enumerated setting: the allowed values (NULL-terminated) and where the index of
 * the one chosen goes (-1 when unset, possible only with the default ""). */
typedef struct config_enum {
	const char *const *values;
	int *dst;
} config_enum;

#define CONFIG_ENUM(values, dst) (&(config_enum){(values), (dst)})

/* PLATFORM_MODE and LOG_LEVEL, as indices into config_modes / config_log_levels. */
enum { CONFIG_DEVELOPMENT, CONFIG_PRODUCTION };
extern const char *const config_modes[];
extern const char *const config_log_levels[]; /* the LOGL_* order of log.h */

/* Settings every daemon has. */
typedef struct config_common {
	const char *bus_urls;
	int log_level; /* LOGL_* */
	int mode;      /* CONFIG_DEVELOPMENT | CONFIG_PRODUCTION */
	const char *var_dir;
} config_common;

/* clang-format off */
#define CONFIG_COMMON_ITEMS(c)                                                                     \
	{"BUS_URLS", CFG_STR, "ipc://var/run/bus0", 0, 0,                                          \
	 "comma-separated bus bases (ipc://DIR or tcp://HOST:PORT), one per bus process",          \
	 &(c)->bus_urls},                                                                          \
	{"LOG_LEVEL", CFG_ENUM, "info", 0, 0, "least important level logged",                     \
	 CONFIG_ENUM(config_log_levels, &(c)->log_level)},                                         \
	{"PLATFORM_MODE", CFG_ENUM, "development", 0, 0,                                           \
	 "production refuses development-only providers and routes",                               \
	 CONFIG_ENUM(config_modes, &(c)->mode)},                                                   \
	{"VAR_DIR", CFG_STR, "var", 0, 0, "directory for runtime files (sinks, sockets)",          \
	 &(c)->var_dir}
/* clang-format on */

/* Reads every item from the environment. Returns 0, or -1 with a message naming
 * the variable in err. */
int config_load(const config_item *items, size_t n, char *err, size_t errlen);
/* Prints the table as help text. */
void config_usage(FILE *out, const char *prog, const config_item *items, size_t n);
/* Prints the table as the rows of a Markdown table (variable, default, meaning), the
 * form the READMEs' configuration sections hold; tests/config-check.sh compares them. */
void config_markdown(FILE *out, const config_item *items, size_t n);
/* Parses a whole decimal string into [min,max]; 0 ok, -1 otherwise. */
int config_parse_long(const char *s, long min, long max, long *out);
/* Reads the common table plus the daemon's own, handles --help (and --help-markdown:
 * config_markdown), sets up logging. Returns 0 to go on, 1 when help was printed, -1
 * on a bad value (logged). */
int config_init(const char *service, int argc, char **argv, config_common *common,
                const config_item *items, size_t n);
/* 1 when PLATFORM_MODE is development. */
int config_is_development(const config_common *common);

#endif
