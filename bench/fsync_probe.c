/*
 * fsync_probe.c — how many durable flushes per second the disk under a directory gives, the
 * ceiling for any design that fsyncs once per acknowledged write, and the unit a group commit
 * amortises (bench/README.md: reports/s ÷ flushes/s ≈ writes per commit).
 *
 * Two loops of write(4 KiB) + fdatasync(), each for half the time given:
 *   append     the file grows with each write, like a SQLite WAL being appended to (the size
 *              change makes the file system commit metadata too);
 *   overwrite  the same 4 KiB block again and again, like a WAL reused after a checkpoint.
 * Prints a readable line on stderr and one JSON object on stdout. The file is removed after.
 *
 * Usage: fsync_probe DIR [SECONDS]   (default 2 seconds in all)
 */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "../src/core/core.h"
#include "../src/core/rtime.h"

#define BLOCK 4096
#define MAX_SAMPLES 1000000

struct result {
    double per_s;
    double p50_ms, p99_ms, max_ms;
    long n;
};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int probe(const char *path, bool append, double seconds, int64_t *lat, struct result *res)
{
    char block[BLOCK];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    memset(block, 'x', sizeof(block));
    int64_t t0 = rtime_mono_ns(), end = t0 + (int64_t)(seconds * 1e9), now = t0;
    long n = 0;
    while (now < end && n < MAX_SAMPLES) {
        off_t off = append ? (off_t)n * BLOCK : 0;
        if (pwrite(fd, block, sizeof(block), off) != (ssize_t)sizeof(block) || fdatasync(fd)) {
            close(fd);
            return -1;
        }
        int64_t t = rtime_mono_ns();
        lat[n++] = t - now;
        now = t;
    }
    close(fd);
    unlink(path);
    qsort(lat, (size_t)n, sizeof(*lat), cmp_i64);
    res->n = n;
    res->per_s = (double)n / ((double)(now - t0) / 1e9);
    res->p50_ms = n ? (double)lat[n / 2] / 1e6 : 0;
    res->p99_ms = n ? (double)lat[(n * 99) / 100] / 1e6 : 0;
    res->max_ms = n ? (double)lat[n - 1] / 1e6 : 0;
    return 0;
}

int main(int argc, char **argv)
{
    struct result ap, ow;
    char path[4096];
    double seconds = 2;
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: fsync_probe DIR [SECONDS]\n");
        return 2;
    }
    if (argc == 3) {
        char *end;
        seconds = strtod(argv[2], &end);
        if (*end || seconds <= 0 || seconds > 600) {
            fprintf(stderr, "fsync_probe: SECONDS must be in (0, 600]\n");
            return 2;
        }
    }
    snprintf(path, sizeof(path), "%s/fsync-probe.%ld", argv[1], (long)getpid());
    int64_t *lat = xmalloc(sizeof(*lat) * MAX_SAMPLES);
    if (probe(path, true, seconds / 2, lat, &ap) || probe(path, false, seconds / 2, lat, &ow)) {
        fprintf(stderr, "fsync_probe: %s: %s\n", path, strerror(errno));
        unlink(path);
        free(lat);
        return 1;
    }
    free(lat);
    fprintf(stderr,
            "fsync probe (%s): append %.0f/s (p50 %.3f ms, p99 %.3f ms, max %.3f ms); "
            "overwrite %.0f/s (p50 %.3f ms, p99 %.3f ms)\n",
            argv[1], ap.per_s, ap.p50_ms, ap.p99_ms, ap.max_ms, ow.per_s, ow.p50_ms, ow.p99_ms);
    printf("{\"append_per_s\":%.1f,\"append_p50_ms\":%.3f,\"append_p99_ms\":%.3f,"
           "\"append_max_ms\":%.3f,\"overwrite_per_s\":%.1f,\"overwrite_p50_ms\":%.3f,"
           "\"overwrite_p99_ms\":%.3f,\"overwrite_max_ms\":%.3f}\n",
           ap.per_s, ap.p50_ms, ap.p99_ms, ap.max_ms, ow.per_s, ow.p50_ms, ow.p99_ms, ow.max_ms);
    return 0;
}
