/*
 * buf.h — a growable byte buffer with a hard maximum (curl's dynbuf idea).
 *
 * Every buffer that grows from outside input is created with a maximum; running into it is an
 * ordinary error (BUF_EFULL) that callers turn into 413/422, never a crash or silent truncation.
 * The contents are always NUL-terminated (not counted in len) so they can be handed to C APIs.
 * Lifecycle: buf_init / buf_release (embedded value); buf_reset keeps the allocation.
 */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include "core.h"

enum buf_result {
    BUF_OK = 0,
    BUF_EFULL = -1, /* the maximum would be exceeded; the buffer is unchanged */
};

struct buf {
    char *data; /* NULL until the first append; buf_cstr() never returns NULL */
    size_t len;
    size_t cap;
    size_t max; /* bytes of content allowed, not counting the terminating NUL */
};

#define BUF_UNLIMITED ((size_t)-1 / 2)

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);

int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s as a JSON string literal (with quotes), escaping as RFC 8259 §7 requires. */
int buf_json_str(struct buf *b, const char *s, size_t n);

/*
 * Shortens the content to its first len bytes (a no-op when len >= b->len), keeping the
 * allocation: the way back to a mark taken before an append. Safe on a buffer that never
 * allocated — the reason it exists (issue 8: a renderer wrote the terminator through the NULL
 * data of an empty buffer).
 */
void buf_truncate(struct buf *b, size_t len);

/* Returns the content as a C string (valid until the next mutation). */
const char *buf_cstr(const struct buf *b);

/* Hands the heap block to the caller (who frees it) and re-initialises b. *len_out may be NULL. */
char *buf_detach(struct buf *b, size_t *len_out);

#endif
