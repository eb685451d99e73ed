/*
 * cli_audit.c — `ichigen audit verify` recomputes the hash chain from the first entry and names
 * the first entry that does not match, then checks every stored object whose bytes an entry
 * pinned (report versions, submission payloads, assessments, organisation documents) against
 * the recorded SHA-256 and names each one that differs, is gone, or was never recorded;
 * `ichigen audit head` prints the newest entry's sequence number and hash, to be recorded
 * outside the database (an external anchor also catches the removal of entries from the end,
 * which a chain alone cannot).
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

struct anchor {
    int64_t seq;
    char hash[HASH_SHA256_HEX];
    bool found;
};

static int anchor_cb(const struct audit_rec *r, void *arg)
{
    struct anchor *a = arg;
    a->found = r->seq == a->seq && !strcmp(r->hash, a->hash);
    return 1;
}

/* An anchor "SEQ:HASH" recorded earlier (ichigen audit head) must still be in the chain with
 * the same hash: this catches entries removed from the end, which the chain alone cannot. */
/* Parses --expect-head SEQ:HASH (as `audit head` prints it) before anything is opened. */
static int parse_anchor(const char *expect, struct anchor *a)
{
    const char *colon = strchr(expect, ':');
    char num[24];
    memset(a, 0, sizeof(*a));
    if (!colon || (size_t)(colon - expect) >= sizeof(num) || strlen(colon + 1) != 64) {
        fprintf(stderr, "ichigen audit: --expect-head wants SEQ:HASH as printed by `audit head`\n");
        return CLI_USAGE;
    }
    memcpy(num, expect, (size_t)(colon - expect));
    num[colon - expect] = '\0';
    if (parse_int64(num, 0, INT64_MAX, &a->seq)) {
        fprintf(stderr, "ichigen audit: --expect-head: bad sequence number\n");
        return CLI_USAGE;
    }
    xstrlcpy(a->hash, colon + 1, sizeof(a->hash));
    return CLI_OK;
}

/* The anchored entry must still be there with the hash recorded outside the database. */
static int check_anchor(struct store *s, struct anchor *a, const char *expect)
{
    if (a->seq == 0)
        return CLI_OK;
    if (store_audit_scan(s, a->seq, 1, anchor_cb, a))
        return CLI_FAILURE;
    if (!a->found) {
        printf("audit log BROKEN: the recorded head %s is missing or differs "
               "(entries removed or rewritten)\n",
               expect);
        return CLI_PROBLEM;
    }
    return CLI_OK;
}

/* The stored objects against the hashes their entries recorded (audit_pin_check): each one
 * that differs, is gone or was never recorded is named on its own line. */
struct pin_tally {
    int64_t upto; /* the last entry the chain proved */
    int64_t matched, unchecked, later, broken;
};

static int pin_cb(const struct audit_pin *p, void *arg)
{
    struct pin_tally *t = arg;
    char why[512];
    switch (audit_pin_check(p, t->upto, why, sizeof(why))) {
    case AUDIT_PIN_MATCH:
        t->matched++;
        break;
    case AUDIT_PIN_UNCHECKED:
        t->unchecked++;
        break;
    case AUDIT_PIN_LATER:
        t->later++;
        break;
    default:
        t->broken++;
        printf("audit log BROKEN: %s\n", why);
    }
    return 0;
}

static int verify_chain(struct store *s, struct verify_state *st)
{
    int64_t from = 1;
    audit_verifier_init(&st->v);
    for (;;) {
        int64_t before = st->v.checked;
        if (store_audit_scan(s, from, 10000, feed, st))
            return CLI_FAILURE;
        if (st->v.first_bad_seq || st->v.checked == before)
            break;
        from = st->v.expected_seq;
    }
    if (st->v.first_bad_seq) {
        printf("audit log BROKEN at entry %lld: %s (%lld entries before it verified)\n",
               (long long)st->v.first_bad_seq, st->v.reason, (long long)st->v.checked);
        return CLI_PROBLEM;
    }
    return CLI_OK;
}

/* The chain first; then, against the entries it proved (all of them, or those before a
 * break), every stored object whose bytes an entry pinned. */
static int verify(struct store *s, const char *expect_head, struct anchor *anchor)
{
    struct verify_state st;
    int rc = verify_chain(s, &st);
    if (rc == CLI_FAILURE)
        return rc;
    if (rc == CLI_OK && expect_head) {
        rc = check_anchor(s, anchor, expect_head);
        if (rc == CLI_USAGE || rc == CLI_FAILURE)
            return rc;
    }
    struct pin_tally t = {.upto = st.v.expected_seq - 1};
    if (store_audit_pins(s, t.upto, pin_cb, &t))
        return CLI_FAILURE;
    if (t.broken)
        rc = CLI_PROBLEM;
    if (rc == CLI_OK)
        printf("audit log intact: %lld entries verified; %lld stored objects match the hashes "
               "their entries recorded\n",
               (long long)st.v.checked, (long long)t.matched);
    if (t.unchecked)
        printf("note: %lld submissions were made before audit entries recorded their payloads "
               "and could not be checked\n",
               (long long)t.unchecked);
    if (t.later)
        printf("note: %lld objects are pinned by entries after the last verified one (a break, "
               "or written while verifying) and were not checked\n",
               (long long)t.later);
    return rc;
}

int cli_audit_verify(struct store *s)
{
    struct anchor none = {0};
    return verify(s, NULL, &none);
}

int cli_audit(int argc, char **argv)
{
    struct config cfg;
    const char *expect = cli_take(&argc, argv, "--expect-head");
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    struct anchor anchor;
    if (argc != 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "head")) ||
        (expect && strcmp(argv[1], "verify")))
        return cli_usage("audit", stderr);
    if (expect && (rc = parse_anchor(expect, &anchor))) /* before the database is opened */
        return rc;
    struct store *s = cli_open_store(&cfg);
    if (!s)
        return CLI_FAILURE;
    if (!strcmp(argv[1], "verify")) {
        rc = verify(s, expect, &anchor);
    } else {
        struct audit_rec head;
        int r = store_audit_head(s, &head);
        if (r == STORE_OK)
            printf("%lld:%s\n", (long long)head.seq, head.hash);
        else if (r == STORE_NOT_FOUND)
            printf("0:%s\n", AUDIT_GENESIS);
        rc = r && r != STORE_NOT_FOUND ? CLI_FAILURE : CLI_OK;
    }
    store_close(s);
    return rc;
}
