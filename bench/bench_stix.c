/*
 * bench_stix.c — in-process cost of importing a STIX 2.1 bundle (issue 13 item 4: "import …
 * faster than a Python json.load of the same file"), single thread, median of --reps runs:
 *   import    map the file (open, fstat, mmap) + stix_import_bundle (parse with our own
 *             parser, check every object's common properties, count types, TLP, patterns,
 *             ATT&CK ids) + release: the whole job, as `ichigen stix validate` does it;
 *             python3's json.load(open(F)) (bench/run.sh) also reads the file
 *   fresh     the same, each run in a new process (this program re-executed): a fresh heap,
 *             as in `ichigen stix validate` or `python3 -c 'json.load(open(F))'`; the
 *             in-process figure pays for the previous run's freed memory being reused.
 *             Also as CPU time (user + system), the figure to compare on a busy machine
 *   parse     jsonx_load_object + json_decref on the bytes already in memory: the parse alone
 *   jansson   json_loadb(JSON_REJECT_DUPLICATES) + json_decref, for comparison: why the
 *             importer does not use jansson's parser
 * Usage: bench_stix [--reps N] FILE
 * A readable table goes to stderr and one JSON object to stdout (milliseconds).
 */
#include <fcntl.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/core/core.h"
#include "../src/core/jsonx.h"
#include "../src/core/rtime.h"
#include "../src/sharing/stix.h"

#define MAX_REPS 51

static volatile size_t sink;

/* CPU time of this process (user + system, ms): on a shared, loaded machine wall time mostly
 * measures the neighbours; CPU time measures the work. */
static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

struct times {
    double wall, cpu;
};

static char *read_all(const char *path, size_t *n)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *p = NULL;
    size_t got = 0;
    if (fd < 0 || fstat(fd, &st))
        BUG("cannot open %s: %s", path, strerror(errno));
    p = xmalloc((size_t)st.st_size + 1);
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
        if (r <= 0)
            BUG("cannot read %s", path);
        got += (size_t)r;
    }
    close(fd);
    p[got] = '\0';
    *n = got;
    return p;
}

/* As `ichigen stix validate` reads a regular file: mapped (cli_stix.c, load()). */
static struct times run_import(const char *path)
{
    int64_t t0 = rtime_mono_ns();
    double c0 = cpu_ms();
    struct stat st;
    struct stix_import r;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st))
        BUG("cannot open %s: %s", path, strerror(errno));
    char *text = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (text == MAP_FAILED)
        BUG("cannot map %s", path);
    stix_import_init(&r, NULL);
    if (stix_import_bundle(text, (size_t)st.st_size, &r) < 0)
        BUG("import refused its limits");
    sink += r.objects + r.n_iocs + r.n_techniques + r.errs.n;
    stix_import_release(&r);
    munmap(text, (size_t)st.st_size);
    return (struct times){(double)(rtime_mono_ns() - t0) / 1e6, cpu_ms() - c0};
}

/* run_import in a new process (this program re-executed with --once), so that the run starts
 * with the heap and the address space a new `ichigen stix validate` has. (A plain fork would
 * share the parent's heap copy-on-write and pay a page fault for every page it touches.) */
static struct times run_import_fresh(const char *path)
{
    int fd[2];
    char out[128] = "";
    struct times ms = {-1, -1};
    if (pipe(fd))
        BUG("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        BUG("fork: %s", strerror(errno));
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl("/proc/self/exe", "bench_stix", "--once", path, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], out, sizeof(out) - 1);
    close(fd[0]);
    waitpid(pid, NULL, 0);
    if (got <= 0 || sscanf(out, "%lf %lf", &ms.wall, &ms.cpu) != 2)
        BUG("the child did not report");
    return ms;
}

static double run_parse(const char *text, size_t n, bool jansson)
{
    json_t *doc = NULL;
    json_error_t je;
    int64_t t0 = rtime_mono_ns();
    if (jansson)
        doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    else if (jsonx_load_object(text, n, stix_default_limits.max_depth, &doc, NULL))
        doc = NULL;
    if (!doc)
        BUG("the file does not parse");
    sink += json_object_size(doc);
    json_decref(doc);
    return (double)(rtime_mono_ns() - t0) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    int reps = 5;
    const char *path = NULL;
    int64_t r64;
    if (argc == 3 && !strcmp(argv[1], "--once")) { /* one run, for run_import_fresh */
        struct times t = run_import(argv[2]);
        printf("%.3f %.3f\n", t.wall, t.cpu);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc &&
            !parse_int64(argv[i + 1], 1, MAX_REPS, &r64)) {
            reps = (int)r64;
            i++;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        fprintf(stderr, "usage: bench_stix [--reps N] FILE\n");
        return 2;
    }
    size_t n;
    char *text = read_all(path, &n);
    double imp[MAX_REPS], fre[MAX_REPS], frc[MAX_REPS], par[MAX_REPS], jan[MAX_REPS];
    struct stix_import r;
    stix_import_init(&r, NULL);
    stix_import_bundle(text, n, &r);
    (void)run_import(path); /* warm the page cache and the allocator once */
    for (int i = 0; i < reps; i++) {
        imp[i] = run_import(path).wall;
        struct times f = run_import_fresh(path);
        fre[i] = f.wall;
        frc[i] = f.cpu;
        par[i] = run_parse(text, n, false);
        jan[i] = run_parse(text, n, true);
    }
    double mi = median(imp, reps), mf = median(fre, reps), mc = median(frc, reps),
           mp = median(par, reps), mj = median(jan, reps);
    fprintf(stderr, "%s: %zu bytes, %zu objects, %zu problems; median of %d\n", path, n, r.objects,
            r.errs.n, reps);
    fprintf(stderr, "  import (read + parse + check)  %8.2f ms\n", mi);
    fprintf(stderr, "  import, fresh process          %8.2f ms (CPU %.2f ms)\n", mf, mc);
    fprintf(stderr, "  parse only (jsonx)             %8.2f ms\n", mp);
    fprintf(stderr, "  jansson json_loadb             %8.2f ms\n", mj);
    printf("{\"file\":\"%s\",\"bytes\":%zu,\"objects\":%zu,\"reps\":%d,\"import_ms\":%.3f,"
           "\"fresh_ms\":%.3f,\"fresh_cpu_ms\":%.3f,\"parse_ms\":%.3f,\"jansson_ms\":%.3f}\n",
           path, n, r.objects, reps, mi, mf, mc, mp, mj);
    stix_import_release(&r);
    free(text);
    return 0;
}
