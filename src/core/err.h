/*
 * err.h — an out-parameter for a human-readable error message (Git's strbuf *err).
 *
 * Functions that can fail return an error code; when the caller wants to know why, it passes a
 * struct err, which receives a one-line English message meant for operators (logs, CLI).
 * Messages never contain secrets or report contents. Passing NULL is allowed everywhere.
 */
#ifndef CORE_ERR_H
#define CORE_ERR_H

#include "core.h"

struct err {
    int code;
    char msg[512];
};

void err_init(struct err *e);
/* Records code and a formatted message (truncated to fit). Returns code, so callers can write
 * `return err_set(e, -1, "...")`. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
