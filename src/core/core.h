/*
 * core.h — the one header every ichigen source includes (after its system headers).
 *
 * What it is: common system includes, small macros (ARRAY_SIZE, BUG), the allocation
 * wrappers, and banned.h. What it is not: a place for domain types.
 *
 * core/ is a collection of small utilities, one file per utility; each file has its own
 * prefix (buf_, err_, log_, rtime_, uuid_, enc_, jsonx_, jpatch_, arena_, histo_, hash_).
 * Nothing in core/ touches the network or the database; the only clock and randomness reads
 * are the explicitly named *_now() and uuid_v7_new() helpers used by the edges.
 */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>
#include <errno.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x) ((void)(x))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * BUG(): an always-on assertion for invariants whose violation would corrupt data
 * (Git's BUG, Redis's serverAssert). Prints where and aborts; never compiled out.
 */
#define BUG(...) core_bug(__FILE__, __LINE__, __VA_ARGS__)
#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (cond)                                                                                  \
            core_bug(__FILE__, __LINE__, "%s", #cond);                                             \
    } while (0)
_Noreturn void core_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Allocation wrappers. They abort on out-of-memory: every input that could make the service
 * allocate without bound is capped by a configured limit before it gets here, so OOM means
 * the machine is broken and continuing would risk acknowledging work we cannot persist.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Copies at most dstsz-1 bytes of src into dst and NUL-terminates. Returns strlen(src) so the
 * caller can detect truncation (>= dstsz), like BSD strlcpy. */
size_t xstrlcpy(char *dst, const char *src, size_t dstsz);

/* snprintf that BUGs on truncation: for buffers whose size was computed to fit. */
void xsnprintf(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses a whole string as a signed decimal integer within [min, max]. Returns 0 or -1. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

#include "banned.h"

#endif
