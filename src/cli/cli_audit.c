/*
 * cli_audit.c — `ichigen audit verify` recomputes the hash chain from the first entry and names
 * the first entry that does not match; `ichigen audit head` prints the newest entry's sequence
 * number and hash, to be recorded outside the database (an external anchor also catches the
 * removal of entries from the end, which a chain alone cannot).
 */
#include "cli.h"

struct verify_state {
    struct audit_verifier v;
};

static int feed(const struct audit_rec *r, void *arg)
{
    struct verify_state *st = arg;
    return audit_verifier_feed(&st->v, r) ? 1 : 0;
}

static int verify(struct store *s, const char *expect_head)
{
    struct verify_state st;
    struct audit_rec head;
    int64_t from = 1;
    audit_verifier_init(&st.v);
    for (;;) {
        int64_t before = st.v.checked;
        if (s->ops->audit_scan(s, from, 10000, feed, &st))
            return CLI_FAILURE;
        if (st.v.first_bad_seq || st.v.checked == before)
            break;
        from = st.v.expected_seq;
    }
    if (st.v.first_bad_seq) {
        printf("audit log BROKEN at entry %lld: %s (%lld entries before it verified)\n",
               (long long)st.v.first_bad_seq, st.v.reason, (long long)st.v.checked);
        return CLI_PROBLEM;
    }
    if (expect_head) {
        char want[HASH_SHA256_HEX + 32];
        int r = s->ops->audit_head(s, &head);
        snprintf(want, sizeof(want), "%lld:%s", (long long)head.seq, head.hash);
        if (r == STORE_OK && strcmp(want, expect_head)) {
            /* the anchored head must still be in the chain with the same hash */
            printf("audit log does not reach the recorded head %s (now %s)\n", expect_head, want);
            return CLI_PROBLEM;
        }
    }
    printf("audit log intact: %lld entries verified\n", (long long)st.v.checked);
    return CLI_OK;
}

int cli_audit(int argc, char **argv)
{
    struct config cfg;
    const char *expect = cli_take(&argc, argv, "--expect-head");
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc != 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "head"))) {
        fprintf(stderr, "usage: ichigen audit verify [--expect-head SEQ:HASH] | ichigen audit head\n");
        return CLI_USAGE;
    }
    struct store *s = cli_open_store(&cfg);
    if (!s)
        return CLI_FAILURE;
    if (!strcmp(argv[1], "verify")) {
        rc = verify(s, expect);
    } else {
        struct audit_rec head;
        int r = s->ops->audit_head(s, &head);
        if (r == STORE_OK)
            printf("%lld:%s\n", (long long)head.seq, head.hash);
        else if (r == STORE_NOT_FOUND)
            printf("0:%s\n", AUDIT_GENESIS);
        rc = r && r != STORE_NOT_FOUND ? CLI_FAILURE : CLI_OK;
    }
    store_close(s);
    return rc;
}
