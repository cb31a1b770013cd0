/*
 * The shell commands of the API test runner's "exec" cases: /bin/sh -c in a
 * process group of its own, stdout and stderr captured together, killed as a
 * group at a deadline.
 */
#ifndef API_PROC_H
#define API_PROC_H

#include "strbuf.h"

#include <stddef.h>

#define PROC_TAIL_BYTES 8192

/* Zero-initialise before proc_run(); release with proc_result_free(). */
struct proc_result {
	int exited; /* 1: the command ended with exit status code */
	int code;
	int signal;        /* when not exited: the signal that ended it */
	int timed_out;     /* the deadline passed and the process group was killed */
	double ms;         /* from the start to the end of the command */
	struct strbuf out; /* the last PROC_TAIL_BYTES of its output */
	size_t out_total;  /* bytes of output in all */
};

/*
 * Runs cmd with /bin/sh -c, in the current directory and environment, stdin
 * from /dev/null, and waits for it at most timeout_ms before killing its
 * process group. Processes it leaves in the background keep running (and may
 * still write to the captured output). Returns 0 when the command ran (whatever
 * its exit status) with *res filled, or -1 with the reason in err.
 */
int proc_run(const char *cmd, long timeout_ms, struct proc_result *res, char *err, size_t errlen);

/* Where the last max_lines lines of text (of len bytes) start; a last line
 * without a newline counts as a line. */
size_t proc_tail_lines(const char *text, size_t len, size_t max_lines);

void proc_result_free(struct proc_result *res);

#endif
