/* Pieces of the service runtime shared by svc.c and svc_events.c only. */
#ifndef COMMON_SVC_INTERNAL_H
#define COMMON_SVC_INTERNAL_H

#include "svc.h"

typedef struct svc_publisher svc_publisher;
typedef struct svc_subscriber svc_subscriber;

/* Starts the outbox publisher thread; NULL on failure (logged). */
svc_publisher *svc_publisher_start(const svc_def *def, const svc_settings *set);
void svc_publisher_stop(svc_publisher *p);
/* The highest outbox sequence p has sent (any thread may ask). */
int64_t svc_publisher_sent(svc_publisher *p);
/* Starts the subscriber thread for def->subs; NULL on failure (logged). */
svc_subscriber *svc_subscriber_start(const svc_def *def, const svc_settings *set);
void svc_subscriber_stop(svc_subscriber *s);
/* The number of sources s subscribes to; 0 for NULL. */
size_t svc_subscriber_nsources(svc_subscriber *s);
/* Source i's name, highest sequence seen announced and last applied; safe from any
 * thread (the two sequences are read atomically, each on its own). */
void svc_subscriber_cursor(svc_subscriber *s, size_t i, const char **source, int64_t *seen,
                           int64_t *applied);

#endif
