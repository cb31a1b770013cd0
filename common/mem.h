/*
 * Allocation: x* wrappers abort with a log line on exhaustion (a daemon is
 * restarted by its supervisor), so callers carry no NULL checks.
 * An arena holds one request's allocations and is freed as a whole after the
 * reply; protobuf-c decodes into it through mem_arena_pb_allocator().
 */
#ifndef COMMON_MEM_H
#define COMMON_MEM_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

typedef struct arena arena;

/* A new empty arena; the caller frees it with arena_free(). */
arena *arena_new(void);
void arena_free(arena *a);
/* Frees everything allocated from the arena but keeps its first block. */
void arena_reset(arena *a);
/* Memory aligned for any type, valid until the arena is reset or freed. */
void *arena_alloc(arena *a, size_t n);
void *arena_calloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A protobuf-c allocator whose frees are no-ops; valid while the arena lives. */
ProtobufCAllocator arena_pb_allocator(arena *a);

#endif
