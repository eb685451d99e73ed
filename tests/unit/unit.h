/*
 * unit.h — small helpers shared by the unit test programs (tests/unit/test_*.c): reading
 * fixture files, locating the source tree, temporary directories and a seeded PRNG.
 *
 * Include it after the project headers and before <cmocka.h>. Everything is static so each
 * test program stays a single translation unit.
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

/* The repository root (ICHIGEN_SOURCE_ROOT, set by tests/meson.build), or "." when unset. */
static inline const char *unit_source_root(void)
{
    const char *r = getenv("ICHIGEN_SOURCE_ROOT");
    return r && *r ? r : ".";
}

/* Reads a whole file into a NUL-terminated heap block (caller frees). NULL if unreadable. */
static inline char *unit_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0, cap = 0, got;
    if (!f)
        return NULL;
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            p = xrealloc(p, cap + 1);
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    p[n] = '\0';
    if (len_out)
        *len_out = n;
    return p;
}

/* Writes n bytes to path. Returns 0 or -1. */
static inline int unit_write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

/* Creates a fresh directory under /tmp; out must hold 64 bytes. Returns 0 or -1. */
static inline int unit_tmpdir(char out[64], const char *tag)
{
    snprintf(out, 64, "/tmp/ichigen-%s-XXXXXX", tag);
    return mkdtemp(out) ? 0 : -1;
}

/* Removes a directory made by unit_tmpdir and the plain files in it. */
static inline void unit_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    if (!d)
        return;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* splitmix64: a tiny deterministic PRNG for property tests (seeded explicitly). */
static inline uint64_t unit_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline unsigned unit_rand_below(uint64_t *state, unsigned n)
{
    return (unsigned)(unit_rand(state) % n);
}

#endif
