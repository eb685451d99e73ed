/*
 * cli_store.c — `ichigen store copy SRC_URL DST_URL` (issue 14 item 3): migrating a deployment
 * from one store to another (SQLite to PostgreSQL). Opens both as they are (never creating or
 * migrating either), verifies the source's audit log, copies (store_copy.h: the checks, the
 * load in one transaction, the read-back), then verifies the destination's audit log.
 */
#include "cli.h"
#include "../store/store_copy.h"

static struct store *open_as_is(const char *url, const char *which)
{
    struct err e;
    struct store_options o = {
        .url = url, .read_pool_size = 2, .commit_batch_max = 1, .as_is = true};
    err_init(&e);
    struct store *s = store_open(&o, &e);
    if (!s)
        fprintf(stderr, "ichigen store copy: the %s: %s\n", which, e.msg);
    return s;
}

static int verify_side(struct store *s, const char *which)
{
    printf("%s: ", which);
    fflush(stdout);
    int rc = cli_audit_verify(s);
    if (rc)
        fprintf(stderr, "ichigen store copy: the %s's audit log does not verify%s\n", which,
                !strcmp(which, "source") ? ": nothing copied" : "");
    return rc;
}

static void print_report(const struct store_copy_report *r)
{
    int64_t rows = 0;
    for (size_t i = 0; i < r->n; i++) {
        printf("  %-24s %10lld rows  sha256 %s\n", r->tables[i].name, (long long)r->tables[i].rows,
               r->tables[i].sha256);
        rows += r->tables[i].rows;
    }
    printf("copied %lld rows of %zu tables; each table read back from the destination equal\n",
           (long long)rows, r->n);
}

static int copy(const char *src_url, const char *dst_url)
{
    struct store *src = NULL, *dst = NULL;
    struct store_copy_report report = {0};
    struct err e;
    int rc = CLI_FAILURE;
    err_init(&e);
    if (!(src = open_as_is(src_url, "source")) || !(dst = open_as_is(dst_url, "destination")))
        goto out;
    if ((rc = verify_side(src, "source")))
        goto out;
    int r = store_copy(src, dst, &report, &e);
    if (r) {
        fprintf(stderr, "ichigen store copy: %s\n", e.msg);
        rc = r == STORE_UNAVAILABLE ? CLI_FAILURE : CLI_PROBLEM;
        goto out;
    }
    print_report(&report);
    rc = verify_side(dst, "destination");
    if (!rc)
        printf("done: point store_url at the destination and start ichigen on it\n");
out:
    store_copy_report_release(&report);
    store_close(dst);
    store_close(src);
    return rc;
}

int cli_store(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc != 4 || strcmp(argv[1], "copy"))
        return cli_usage("store", stderr);
    /* the URLs are compared as written: two spellings of one store still meet the
     * destination's emptiness check */
    if (!strcmp(argv[2], argv[3])) {
        fprintf(stderr, "ichigen store copy: the source and the destination are the same store\n");
        return CLI_USAGE;
    }
    return copy(argv[2], argv[3]);
}
