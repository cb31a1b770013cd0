/*
 * The access log's copy in a file (GATEWAY_ACCESS_LOG_FILE), for a log reader that
 * cannot see stderr (mtail in a sidecar). One write(2) of the formatted line per
 * request on the loop's thread: a local file's append does not wait on a reader.
 * The file is reopened on SIGHUP, and when its path names another file (renamed by
 * a rotation, or removed), checked at most once a second; past max_bytes the gateway
 * renames it to path.1 itself.
 */
#include "gateway.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *gw_af_path;
static char *gw_af_old; /* path.1, the previous file after a rotation */
static int64_t gw_af_max;
static int64_t gw_af_size;
static int gw_af_fd = -1;
static time_t gw_af_checked;

static void gw_af_reopen(void)
{
	struct stat st;
	if (gw_af_fd >= 0)
		close(gw_af_fd);
	gw_af_fd = open(gw_af_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0640);
	gw_af_size = gw_af_fd >= 0 && fstat(gw_af_fd, &st) == 0 ? (int64_t)st.st_size : 0;
	gw_af_checked = time(NULL);
}

/* 1 when the path no longer names the open file. */
static int gw_af_moved(void)
{
	struct stat at_path, open_file;
	if (stat(gw_af_path, &at_path) != 0)
		return 1;
	if (fstat(gw_af_fd, &open_file) != 0)
		return 1;
	return at_path.st_ino != open_file.st_ino || at_path.st_dev != open_file.st_dev;
}

int gw_access_file_open(const char *path, int64_t max_bytes)
{
	if (!path || !*path)
		return 0;
	gw_af_path = xstrdup(path);
	size_t n = strlen(path) + 3;
	gw_af_old = xmalloc(n);
	snprintf(gw_af_old, n, "%s.1", path);
	gw_af_max = max_bytes;
	gw_af_reopen();
	return gw_af_fd >= 0 ? 0 : -1;
}

void gw_access_file_reopen(void)
{
	if (gw_af_path)
		gw_af_reopen();
}

void gw_access_file_write(const char *line, size_t len)
{
	if (!gw_af_path)
		return;
	time_t now = time(NULL);
	/* Nobody rotates an emptyDir: past the size, path.1 is replaced (a reader follows
	 * the path). */
	if (gw_af_max > 0 && gw_af_size >= gw_af_max && gw_af_fd >= 0) {
		if (rename(gw_af_path, gw_af_old) == 0)
			gw_af_reopen();
		else
			gw_af_size = 0; /* try again after as many bytes, not on every line */
	} else if (now != gw_af_checked) {
		if (gw_af_fd < 0 || gw_af_moved())
			gw_af_reopen();
		gw_af_checked = now;
	}
	if (gw_af_fd < 0)
		return;
	/* As on stderr: a short write loses the rest of the line, never blocks the loop. */
	ssize_t rv = write(gw_af_fd, line, len);
	if (rv > 0)
		gw_af_size += rv;
}

void gw_access_file_close(void)
{
	if (gw_af_fd >= 0)
		close(gw_af_fd);
	gw_af_fd = -1;
	free(gw_af_path);
	free(gw_af_old);
	gw_af_path = gw_af_old = NULL;
}
