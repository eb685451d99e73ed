#include <unistd.h>
#include <stdatomic.h>
#include <math.h>

#include "log.h"
#include "buf.h"
#include "rtime.h"

static atomic_int log_min = LOG_INFO;
static atomic_int log_fd = 2;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_setup(enum log_level min, int fd)
{
    atomic_store(&log_min, (int)min);
    atomic_store(&log_fd, fd);
}

int log_level_parse(const char *s, enum log_level *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (!strcmp(s, level_names[i])) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

bool log_enabled(enum log_level lvl)
{
    return (int)lvl >= atomic_load(&log_min);
}

static void put_field(struct buf *b, const struct log_field *f)
{
    buf_putc(b, ',');
    buf_json_str(b, f->key, strlen(f->key));
    buf_putc(b, ':');
    switch (f->type) {
    case LF_STR:
        if (f->s)
            buf_json_str(b, f->s, strlen(f->s));
        else
            buf_puts(b, "null");
        break;
    case LF_INT: buf_appendf(b, "%lld", f->i); break;
    case LF_DBL:
        if (isfinite(f->d))
            buf_appendf(b, "%.6g", f->d);
        else
            buf_puts(b, "null");
        break;
    case LF_BOOL: buf_puts(b, f->i ? "true" : "false"); break;
    }
}

void log_write(enum log_level lvl, const char *event, const struct log_field *f, size_t n)
{
    char ts[40];
    struct buf b;
    ssize_t w;

    if (!log_enabled(lvl))
        return;
    rtime_format_utc(rtime_now_ms(), ts, sizeof(ts));
    buf_init(&b, 64 * 1024);
    buf_appendf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":", ts, level_names[lvl]);
    buf_json_str(&b, event, strlen(event));
    for (size_t i = 0; i < n; i++)
        put_field(&b, &f[i]);
    buf_puts(&b, "}\n");
    w = write(atomic_load(&log_fd), b.data, b.len);
    (void)w; /* nowhere better to report a failing log write */
    buf_release(&b);
}

bool log_limit_due(struct log_limit *l, int64_t now_ns, long long *quiet)
{
    bool due;
    pthread_mutex_lock(&l->mu);
    due = !l->started || now_ns >= l->next_ns;
    if (due) {
        *quiet = l->quiet;
        l->quiet = 0;
        l->next_ns = now_ns + l->period_ns;
        l->started = true;
    } else {
        l->quiet++;
    }
    pthread_mutex_unlock(&l->mu);
    return due;
}
