/*
 * log.h — structured JSON-lines logging, the only mutable global besides none (ARCHITECTURE.md).
 *
 * One event per line: {"ts":"…","level":"info","event":"request", …fields}. Each line is built in
 * a local buffer and written with one write(2), so concurrent threads never interleave.
 * Rules for callers: never pass secrets (passwords, tokens, Authorization headers) or report
 * bodies as fields; identify things by id. Thread-safe.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <pthread.h>

#include "core.h"

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

enum log_ftype { LF_STR, LF_INT, LF_DBL, LF_BOOL };

struct log_field {
    const char *key;
    enum log_ftype type;
    const char *s;
    long long i;
    double d;
};

#define LF_S(k, v) ((struct log_field){.key = (k), .type = LF_STR, .s = (v)})
#define LF_I(k, v) ((struct log_field){.key = (k), .type = LF_INT, .i = (long long)(v)})
#define LF_D(k, v) ((struct log_field){.key = (k), .type = LF_DBL, .d = (double)(v)})
#define LF_B(k, v) ((struct log_field){.key = (k), .type = LF_BOOL, .i = !!(v)})

/* Sets the minimum level and the file descriptor (default: LOG_INFO to 2). */
void log_setup(enum log_level min, int fd);
/* Parses "debug", "info", "warn", "error". Returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
bool log_enabled(enum log_level lvl);

void log_write(enum log_level lvl, const char *event, const struct log_field *f, size_t n);

/*
 * At most one line per period for an event that can repeat thousands of times a second (every
 * statement while the database is down): log_limit_due answers whether a line may be written
 * at now_ns (a monotonic clock), and if so sets *quiet to the lines held back since the last
 * one, for a "suppressed" field. Thread-safe. Initialise with LOG_LIMIT_INIT(period_ns).
 */
struct log_limit {
    pthread_mutex_t mu;
    int64_t period_ns, next_ns;
    long long quiet;
    bool started;
};
#define LOG_LIMIT_INIT(period_ns)                                                                  \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, (period_ns), 0, 0, false                                        \
    }
bool log_limit_due(struct log_limit *l, int64_t now_ns, long long *quiet);

#define LOG(lvl, event, ...)                                                                       \
    do {                                                                                           \
        if (log_enabled(lvl)) {                                                                    \
            const struct log_field log_f_[] = {__VA_ARGS__};                                       \
            log_write((lvl), (event), log_f_, ARRAY_SIZE(log_f_));                                 \
        }                                                                                          \
    } while (0)

#endif
