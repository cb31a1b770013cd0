/*
 * A stand-in HTTP server for unit tests of provider clients: it listens on
 * 127.0.0.1 on a port the kernel picks and, on its own thread, hands each
 * accepted connection to the test's serve function, which reads the request and
 * writes the answer it wants (or none). Linked into unit tests only.
 */
#ifndef TESTS_SUPPORT_STUB_HTTP_H
#define TESTS_SUPPORT_STUB_HTTP_H

typedef struct stub_http stub_http;

/* serve answers one connection (the server closes it afterwards). */
typedef void (*stub_http_serve_fn)(int fd, void *arg);

/* Starts the server; its port in *port. NULL when the socket or thread failed. */
stub_http *stub_http_start(stub_http_serve_fn serve, void *arg, int *port);

/* Stops accepting, waits for the thread (a serve function that loops must watch
 * its own flag, set before this call) and frees the server. NULL is ignored. */
void stub_http_stop(stub_http *s);

#endif
