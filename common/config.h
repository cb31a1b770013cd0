/*
 * Configuration from environment variables. Each daemon declares one table of
 * its settings (name, type, bounds, default, help); the table drives parsing,
 * validation and --help. A bad value stops the start with the variable named.
 */
#ifndef COMMON_CONFIG_H
#define COMMON_CONFIG_H

#include <stddef.h>
#include <stdio.h>

typedef enum { CFG_STR, CFG_INT } config_type;

typedef struct config_item {
	const char *env;
	config_type type;
	const char *def; /* default as text; NULL: required */
	long min, max;   /* bounds for CFG_INT */
	const char *help;
	void *dst; /* const char ** for CFG_STR (points into the environment or def), long * for
	              CFG_INT */
} config_item;

/* Settings every daemon has. */
typedef struct config_common {
	const char *bus_urls;
	const char *log_level;
	const char *mode;
	const char *var_dir;
} config_common;

#define CONFIG_COMMON_ITEMS(c)                                                                     \
	{"BUS_URLS",                                                                               \
	 CFG_STR,                                                                                  \
	 "ipc://var/run/bus0",                                                                     \
	 0,                                                                                        \
	 0,                                                                                        \
	 "comma-separated bus bases (ipc://DIR or tcp://HOST:PORT), one per bus process",          \
	 &(c)->bus_urls},                                                                          \
	        {"LOG_LEVEL",    CFG_STR, "info", 0, 0, "debug | info | warn | error",             \
	         &(c)->log_level},                                                                 \
	        {"PLATFORM_MODE", CFG_STR, "development", 0, 0, "development | production",        \
	         &(c)->mode},                                                                      \
	{                                                                                          \
		"VAR_DIR", CFG_STR, "var", 0, 0, "directory for runtime files (sinks, sockets)",   \
		        &(c)->var_dir                                                              \
	}

/* Reads every item from the environment. Returns 0, or -1 with a message naming
 * the variable in err. */
int config_load(const config_item *items, size_t n, char *err, size_t errlen);
/* Prints the table as help text. */
void config_usage(FILE *out, const char *prog, const config_item *items, size_t n);
/* Parses a whole decimal string into [min,max]; 0 ok, -1 otherwise. */
int config_parse_long(const char *s, long min, long max, long *out);
/* Reads the common table plus the daemon's own, handles --help, sets up logging.
 * Returns 0 to go on, 1 when --help was printed, -1 on a bad value (printed). */
int config_init(const char *service, int argc, char **argv, config_common *common,
                const config_item *items, size_t n);
/* 1 when PLATFORM_MODE is development. */
int config_is_development(const config_common *common);

#endif
