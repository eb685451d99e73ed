/*
 * nulguard.c — NUL bytes in what a client sends (issue 8 item 4).
 *
 * Why it exists: libmicrohttpd 0.9.75 (Debian 12) keeps the request line and every field value
 * as a C string, so "Authorization: Bearer <token>\0junk" reaches the access handler as
 * "Bearer <token>" — the token accepted, the rest silently dropped — and no call of its API
 * shows that anything followed (head.c explains what else it hides). A NUL byte has no place
 * anywhere in a request to this service: not in a request line or field (RFC 9110 §5.5 and
 * RFC 9112 §3 allow none), and not in a body, which is JSON (RFC 8259 §7: control characters
 * only escaped). The only place where the bytes are still whole is the read from the socket.
 *
 * How: this file defines recv(2). libmicrohttpd reads client sockets with recv through its
 * dynamic symbol table, so the definition in the ichigen executable is the one it calls (the
 * executable comes first in symbol lookup); it calls on to the next recv (libc's, or a
 * sanitizer's interceptor) and, only for the descriptors of connections the server registered
 * (http_nul_watch, from conns.c when libmicrohttpd reports a new connection), notes a NUL in
 * what was read. The access handler then refuses the request (head.c: 400 bad_byte, connection
 * closed). Every other descriptor — libcurl's webhooks, SQLite, pipes — passes through with
 * one array lookup. A NUL read together with a following pipelined request marks the
 * connection: the request being handled is refused as well, which is right for a client that
 * sends such bytes at all.
 *
 * Who calls it: conns.c (watch, forget) and head.c (seen). Thread-safe: one atomic byte per
 * descriptor, written by the connection's own thread (recv) and read by the same thread
 * (the access handler runs on the connection's thread).
 */
#include <dlfcn.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "http_int.h"

#define NUL_FDS                                                                                    \
    65536 /* descriptors watched; a larger one is not checked (never seen in                       \
           * practice: max_connections is at most 100000 and limits are lower) */

enum { NUL_UNWATCHED = 0, NUL_CLEAN = 1, NUL_SEEN = 2 };

static _Atomic unsigned char state[NUL_FDS];

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    static ssize_t (*_Atomic next)(int, void *, size_t, int);
    ssize_t (*fn)(int, void *, size_t, int) = atomic_load_explicit(&next, memory_order_acquire);
    if (!fn) {
        /* POSIX's way to turn dlsym's object pointer into a function pointer */
        *(void **)&fn = dlsym(RTLD_NEXT, "recv");
        if (!fn)
            BUG("recv: no next definition (dlsym: %s)", dlerror());
        atomic_store_explicit(&next, fn, memory_order_release);
    }
    ssize_t got = fn(fd, buf, n, flags);
    if (got > 0 && fd >= 0 && fd < NUL_FDS &&
        atomic_load_explicit(&state[fd], memory_order_relaxed) == NUL_CLEAN &&
        memchr(buf, 0, (size_t)got))
        atomic_store_explicit(&state[fd], NUL_SEEN, memory_order_relaxed);
    return got;
}

void http_nul_watch(int fd)
{
    if (fd >= 0 && fd < NUL_FDS)
        atomic_store_explicit(&state[fd], NUL_CLEAN, memory_order_relaxed);
}

void http_nul_forget(int fd)
{
    if (fd >= 0 && fd < NUL_FDS)
        atomic_store_explicit(&state[fd], NUL_UNWATCHED, memory_order_relaxed);
}

bool http_nul_seen(int fd)
{
    return fd >= 0 && fd < NUL_FDS &&
           atomic_load_explicit(&state[fd], memory_order_relaxed) == NUL_SEEN;
}
