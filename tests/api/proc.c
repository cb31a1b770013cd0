/*
 * Shell commands of the API test runner's "exec" cases. The output goes to an
 * unlinked temporary file rather than a pipe: a daemon the command starts in
 * the background may keep the file open and write to it after the command
 * ended, which with a pipe would mean waiting for its end or a SIGPIPE.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_STEP_MS 10

extern char **environ;

static double proc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* An unlinked, close-on-exec temporary file, or -1 with err set. */
static int proc_output_file(char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/api-test-exec-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

/* Waits for pid until deadline, then kills its process group; fills *res. */
static int proc_wait(pid_t pid, double deadline, struct proc_result *res, char *err, size_t errlen)
{
	int st = 0;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			kill(-pid, SIGKILL);
			return -1;
		}
		if (proc_now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			res->timed_out = 1;
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			break;
		}
		poll(NULL, 0, WAIT_STEP_MS);
	}
	res->exited = WIFEXITED(st);
	res->code = res->exited ? WEXITSTATUS(st) : 0;
	res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	return 0;
}

/* The last PROC_TAIL_BYTES of the output, from the start of a line when cut. */
static void proc_read_tail(int fd, struct proc_result *res)
{
	struct stat sb;
	char buf[PROC_TAIL_BYTES];
	if (fstat(fd, &sb) != 0 || sb.st_size <= 0)
		return;
	size_t total = (size_t)sb.st_size, n = total < sizeof buf ? total : sizeof buf;
	ssize_t got = pread(fd, buf, n, (off_t)(total - n));
	if (got <= 0)
		return;
	const char *start = buf, *end = buf + got;
	if (n < total) {
		const char *nl = memchr(buf, '\n', (size_t)got);
		if (nl)
			start = nl + 1;
	}
	strbuf_add(&res->out, start, (size_t)(end - start));
	res->out_total = total;
}

int proc_run(const char *cmd, long timeout_ms, struct proc_result *res, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	int fd, rc = -1, e;
	pid_t pid;

	fd = proc_output_file(err, errlen);
	if (fd < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	posix_spawn_file_actions_adddup2(&fa, fd, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Not the runner's sockets: a daemon started here would hold them open. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                        POSIX_SPAWN_SETSIGDEF);
	double t0 = proc_now_ms();
	e = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	if (e != 0) {
		snprintf(err, errlen, "cannot start /bin/sh: %s", strerror(e));
		goto out;
	}
	if (proc_wait(pid, t0 + (double)timeout_ms, res, err, errlen) != 0)
		goto out;
	res->ms = proc_now_ms() - t0;
	proc_read_tail(fd, res);
	rc = 0;
out:
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(fd);
	return rc;
}

size_t proc_tail_lines(const char *text, size_t len, size_t max_lines)
{
	size_t end = len, lines = 0;
	if (max_lines == 0)
		return len;
	if (end > 0 && text[end - 1] == '\n')
		end--;
	for (size_t i = end; i > 0; i--)
		if (text[i - 1] == '\n' && ++lines == max_lines)
			return i;
	return 0;
}

void proc_result_free(struct proc_result *res) { free(res->out.p); }
