/*
 * replay_main.c — runs a fuzz target over every file of the corpus directories given on the
 * command line, as an ordinary test (TAP: one line per directory). A crash, sanitizer report or
 * BUG() fails the test; `make test` replays all committed corpora this way.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "../src/core/core.h"
#include "../src/core/hash.h"
#include "fuzz.h"

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    size_t n;
    if (!f)
        return -1;
    buf = xmalloc(1024 * 1024);
    n = fread(buf, 1, 1024 * 1024, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) || !S_ISREG(st.st_mode))
            continue;
        if (replay_file(path))
            return closedir(d), -1;
        (*count)++;
    }
    closedir(d);
    return 0;
}

int main(int argc, char **argv)
{
    int failed = 0;
    hash_global_init();
    printf("1..%d\n", argc - 1);
    for (int i = 1; i < argc; i++) {
        size_t count = 0;
        int r = replay_dir(argv[i], &count);
        if (r || count == 0)
            failed = 1;
        printf("%s %d - %s (%zu inputs)\n", r || !count ? "not ok" : "ok", i, argv[i], count);
    }
    return failed;
}
