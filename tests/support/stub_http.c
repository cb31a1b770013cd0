/* The unit tests' stand-in HTTP server (see stub_http.h). */
#include "stub_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct stub_http {
	int fd;
	pthread_t thread;
	atomic_int stop;
	stub_http_serve_fn serve;
	void *arg;
};

static void *stub_http_main(void *arg)
{
	stub_http *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		/* A short poll so that a stop is seen quickly. */
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		s->serve(c, s->arg);
		close(c);
	}
	return NULL;
}

stub_http *stub_http_start(stub_http_serve_fn serve, void *arg, int *port)
{
	stub_http *s = calloc(1, sizeof *s);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (!s)
		return NULL;
	s->serve = serve;
	s->arg = arg;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0)
		goto fail;
	if (bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->fd, 16) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &len) != 0 ||
	    pthread_create(&s->thread, NULL, stub_http_main, s) != 0)
		goto fail_fd;
	*port = ntohs(a.sin_port);
	return s;
fail_fd:
	close(s->fd);
fail:
	free(s);
	return NULL;
}

void stub_http_stop(stub_http *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	free(s);
}
