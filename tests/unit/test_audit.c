/*
 * test_audit.c — the audit hash chain: sealing, the documented hashed encoding, and the
 * streaming verifier's detection of altered, deleted, swapped and re-linked entries; and the
 * verdicts on stored objects against the hashes their entries recorded.
 */
#include "audit/audit.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define N 100

static void make_rec(struct audit_rec *r, int64_t seq, const char *prev)
{
    memset(r, 0, sizeof(*r));
    r->seq = seq;
    r->at = 1795305600000LL + seq * 1000;
    snprintf(r->actor, sizeof(r->actor), "0190cccc-0000-7000-8000-%012lld", (long long)seq % 7);
    xstrlcpy(r->action, seq % 3 ? "report.create" : "report.amend", sizeof(r->action));
    xstrlcpy(r->object_type, "report", sizeof(r->object_type));
    snprintf(r->object_id, sizeof(r->object_id), "0190dddd-0000-7000-8000-%012lld", (long long)seq);
    snprintf(r->detail, sizeof(r->detail), "version=%lld", (long long)seq % 5 + 1);
    if (seq % 2)
        hash_sha256_hex(r->object_id, strlen(r->object_id), r->payload_sha256);
    xstrlcpy(r->prev_hash, prev, sizeof(r->prev_hash));
    audit_seal(r);
}

/* A valid chain of N entries, seq 1..N, in chain[0..N-1]. */
static void make_chain(struct audit_rec chain[N])
{
    const char *prev = AUDIT_GENESIS;
    for (int i = 0; i < N; i++) {
        make_rec(&chain[i], i + 1, prev);
        prev = chain[i].hash;
    }
}

/* Feeds recs[0..n) and returns the verifier's first_bad_seq (0 = intact). */
static int64_t verify(const struct audit_rec *recs, size_t n, struct audit_verifier *v)
{
    audit_verifier_init(v);
    for (size_t i = 0; i < n; i++)
        audit_verifier_feed(v, &recs[i]);
    return v->first_bad_seq;
}

static void test_chain_verifies(void **state)
{
    static struct audit_rec chain[N];
    struct audit_verifier v;
    (void)state;
    make_chain(chain);
    assert_int_equal(verify(chain, N, &v), 0);
    assert_int_equal(v.checked, N);
    assert_int_equal(v.expected_seq, N + 1);
    assert_string_equal(v.prev_hash, chain[N - 1].hash);
    assert_string_equal(v.reason, "");
    /* an empty log verifies too */
    assert_int_equal(verify(chain, 0, &v), 0);
    assert_string_equal(v.prev_hash, AUDIT_GENESIS);
}

/* The hash is SHA-256 over "seq\nat\nactor\naction\nobject_type\nobject_id\ndetail\n
 * payload_sha256\nprev_hash\n" (audit.c). Stored chains depend on this never changing. */
/* Appends one field the way audit.c hashes it: "<length>:<bytes>\n". */
static int put_field(char *text, size_t cap, int at, const char *s)
{
    return at + snprintf(text + at, cap - (size_t)at, "%zu:%s\n", strlen(s), s);
}

static void test_hashed_encoding(void **state)
{
    struct audit_rec r;
    char text[2048], want[HASH_SHA256_HEX], seq[24], at[24];
    (void)state;
    make_rec(&r, 7, AUDIT_GENESIS);
    snprintf(seq, sizeof(seq), "%lld", (long long)r.seq);
    snprintf(at, sizeof(at), "%lld", (long long)r.at);
    const char *fields[] = {seq,         at,       r.actor,          r.action,   r.object_type,
                            r.object_id, r.detail, r.payload_sha256, r.prev_hash};
    int n = 0;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        n = put_field(text, sizeof(text), n, fields[i]);
    hash_sha256_hex(text, (size_t)n, want);
    assert_string_equal(r.hash, want);
    assert_int_equal(strlen(r.hash), 64);
}

/* Moving text across a field boundary (even a newline) must change the hash. */
static void test_field_boundaries(void **state)
{
    struct audit_rec a, b;
    (void)state;
    make_rec(&a, 3, AUDIT_GENESIS);
    b = a;
    xstrlcpy(a.action, "x\nreport", sizeof(a.action));
    xstrlcpy(a.object_type, "y", sizeof(a.object_type));
    xstrlcpy(b.action, "x", sizeof(b.action));
    xstrlcpy(b.object_type, "report\ny", sizeof(b.object_type));
    audit_seal(&a);
    audit_seal(&b);
    assert_string_not_equal(a.hash, b.hash);
}

typedef void (*alter_fn)(struct audit_rec *r);
static void alter_at(struct audit_rec *r)
{
    r->at++;
}
static void alter_actor(struct audit_rec *r)
{
    r->actor[0] ^= 1;
}
static void alter_action(struct audit_rec *r)
{
    xstrlcpy(r->action, "report.delete", sizeof(r->action));
}
static void alter_type(struct audit_rec *r)
{
    xstrlcpy(r->object_type, "user", sizeof(r->object_type));
}
static void alter_object(struct audit_rec *r)
{
    r->object_id[35] ^= 1;
}
static void alter_detail(struct audit_rec *r)
{
    xstrlcpy(r->detail, "", sizeof(r->detail));
}
static void alter_payload(struct audit_rec *r)
{
    r->payload_sha256[0] = r->payload_sha256[0] == 'a' ? 'b' : 'a';
}
static void alter_hash(struct audit_rec *r)
{
    r->hash[63] = r->hash[63] == '0' ? '1' : '0';
}
static void alter_prev(struct audit_rec *r)
{
    r->prev_hash[10] = r->prev_hash[10] == 'f' ? 'e' : 'f';
}
static void alter_seq(struct audit_rec *r)
{
    r->seq += 1;
}

static void test_altered_fields(void **state)
{
    static const struct {
        const char *name;
        alter_fn fn;
        const char *reason; /* a word the reason must contain */
    } alters[] = {
        {"at", alter_at, "altered"},
        {"actor", alter_actor, "altered"},
        {"action", alter_action, "altered"},
        {"object_type", alter_type, "altered"},
        {"object_id", alter_object, "altered"},
        {"detail", alter_detail, "altered"},
        {"payload", alter_payload, "altered"},
        {"hash", alter_hash, "altered"},
        {"prev_hash", alter_prev, "prev_hash"},
        {"seq", alter_seq, "missing"},
    };
    static const int ks[] = {1, 2, 50, N};
    static struct audit_rec chain[N];
    struct audit_verifier v;
    (void)state;
    for (size_t a = 0; a < ARRAY_SIZE(alters); a++) {
        for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
            int k = ks[i];
            make_chain(chain);
            alters[a].fn(&chain[k - 1]);
            if (verify(chain, N, &v) != k)
                fail_msg("altering %s of entry %d: first_bad_seq %lld", alters[a].name, k,
                         (long long)v.first_bad_seq);
            if (!strstr(v.reason, alters[a].reason))
                fail_msg("altering %s: reason \"%s\"", alters[a].name, v.reason);
            assert_int_equal(v.checked, k - 1);
        }
    }
}

/* An attacker who re-seals the entry they changed still breaks the next link. */
static void test_resealed_entry(void **state)
{
    static struct audit_rec chain[N];
    struct audit_verifier v;
    (void)state;
    make_chain(chain);
    xstrlcpy(chain[41].detail, "version=9", sizeof(chain[41].detail));
    audit_seal(&chain[41]);
    assert_int_equal(verify(chain, N, &v), 43);
    assert_non_null(strstr(v.reason, "prev_hash"));
    /* re-sealing everything after it with re-linked prev_hash values would pass: the chain
     * only proves order and integrity relative to a trusted head */
    for (int i = 42; i < N; i++) {
        xstrlcpy(chain[i].prev_hash, chain[i - 1].hash, sizeof(chain[i].prev_hash));
        audit_seal(&chain[i]);
    }
    assert_int_equal(verify(chain, N, &v), 0);
}

static void test_deleted_entry(void **state)
{
    static struct audit_rec chain[N], cut[N];
    static const int ks[] = {1, 37, N - 1};
    struct audit_verifier v;
    (void)state;
    make_chain(chain);
    for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
        int k = ks[i];
        memcpy(cut, chain, sizeof(struct audit_rec) * (size_t)(k - 1));
        memcpy(cut + k - 1, chain + k, sizeof(struct audit_rec) * (size_t)(N - k));
        assert_int_equal(verify(cut, N - 1, &v), k);
        assert_non_null(strstr(v.reason, "missing"));
    }
    /* dropping the last entry cannot be seen without the head (store audit_head) */
    assert_int_equal(verify(chain, N - 1, &v), 0);
}

static void test_swapped_entries(void **state)
{
    static struct audit_rec chain[N];
    struct audit_rec tmp;
    struct audit_verifier v;
    (void)state;
    make_chain(chain);
    tmp = chain[9], chain[9] = chain[10], chain[10] = tmp; /* entries 10 and 11 */
    assert_int_equal(verify(chain, N, &v), 10);
    /* swapped with their seq numbers rewritten and re-sealed: the links break */
    make_chain(chain);
    tmp = chain[9], chain[9] = chain[10], chain[10] = tmp;
    chain[9].seq = 10, chain[10].seq = 11;
    audit_seal(&chain[9]);
    audit_seal(&chain[10]);
    assert_int_equal(verify(chain, N, &v), 10);
    assert_non_null(strstr(v.reason, "prev_hash"));
}

static void test_duplicate_and_after_break(void **state)
{
    static struct audit_rec chain[N + 1];
    struct audit_verifier v;
    (void)state;
    make_chain(chain);
    memmove(chain + 21, chain + 20, sizeof(struct audit_rec) * (N - 20));
    /* entry 21 fed twice */
    assert_int_equal(verify(chain, N + 1, &v), 22);
    assert_non_null(strstr(v.reason, "duplicated"));
    /* once broken, the verifier stays broken and keeps the first position */
    make_chain(chain);
    audit_verifier_init(&v);
    for (int i = 0; i < 5; i++)
        assert_int_equal(audit_verifier_feed(&v, &chain[i]), 0);
    chain[5].at++;
    assert_int_equal(audit_verifier_feed(&v, &chain[5]), -1);
    make_chain(chain);
    assert_int_equal(audit_verifier_feed(&v, &chain[5]), -1);
    assert_int_equal(audit_verifier_feed(&v, &chain[6]), -1);
    assert_int_equal(v.first_bad_seq, 6);
    assert_int_equal(v.checked, 5);
}

static void test_chain_from_wrong_genesis(void **state)
{
    static struct audit_rec chain[N];
    struct audit_verifier v;
    (void)state;
    make_chain(chain);
    /* a log that starts at seq 2 (entry 1 deleted) or with a non-genesis prev_hash */
    assert_int_equal(verify(chain + 1, N - 1, &v), 1);
    make_rec(&chain[0], 1, chain[5].hash);
    assert_int_equal(verify(chain, 1, &v), 1);
    assert_non_null(strstr(v.reason, "prev_hash"));
}

/* ---- stored objects against their entries ---- */

static void make_pin(struct audit_pin *p, const char *kind, int version, const char *part,
                     const char *stored, const char *recorded, int64_t seq)
{
    memset(p, 0, sizeof(*p));
    xstrlcpy(p->kind, kind, sizeof(p->kind));
    xstrlcpy(p->id, "0190eeee-0000-7000-8000-000000000001", sizeof(p->id));
    p->version = version;
    xstrlcpy(p->part, part, sizeof(p->part));
    p->present = stored != NULL;
    p->required = true;
    if (stored)
        hash_sha256_hex(stored, strlen(stored), p->stored_sha256);
    if (recorded)
        hash_sha256_hex(recorded, strlen(recorded), p->recorded_sha256);
    p->seq = seq;
}

static void test_pin_verdicts(void **state)
{
    static const struct {
        const char *kind;
        int version;
        const char *part, *stored, *recorded;
        int64_t seq;
        bool required;
        enum audit_pin_verdict want;
        const char *why; /* a phrase of the line, or NULL for none */
    } cases[] = {
        {"report", 2, "body", "{\"a\":1}", "{\"a\":1}", 17, true, AUDIT_PIN_MATCH, NULL},
        {"report", 2, "body", "{\"a\":1} ", "{\"a\":1}", 17, true, AUDIT_PIN_DIFFERS,
         "report 0190eeee-0000-7000-8000-000000000001 version 2: SHA-256 of the stored body is "},
        {"submission", 0, "payload", "x", "y", 3, true, AUDIT_PIN_DIFFERS,
         "submission 0190eeee-0000-7000-8000-000000000001: SHA-256 of the stored payload is "},
        {"assessment", 0, "scores", "x", "y", 3, true, AUDIT_PIN_DIFFERS,
         "assessment 0190eeee-0000-7000-8000-000000000001: SHA-256 of the stored scores is "},
        {"asset", 0, "body", NULL, "y", 9, true, AUDIT_PIN_MISSING,
         "asset 0190eeee-0000-7000-8000-000000000001: audit entry 9 recorded its body"},
        {"asset", 0, "body", "x", NULL, 0, true, AUDIT_PIN_UNRECORDED,
         "asset 0190eeee-0000-7000-8000-000000000001: stored, but no audit entry records its "
         "body"},
        {"submission", 0, "payload", "x", NULL, 0, false, AUDIT_PIN_UNCHECKED, NULL},
        /* entries newer than the verified chain are not judged, even when they differ */
        {"report", 1, "body", "x", "y", 51, true, AUDIT_PIN_LATER, NULL},
        {"asset", 0, "body", NULL, "y", 51, true, AUDIT_PIN_LATER, NULL},
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct audit_pin p;
        char why[512];
        make_pin(&p, cases[i].kind, cases[i].version, cases[i].part, cases[i].stored,
                 cases[i].recorded, cases[i].seq);
        p.required = cases[i].required;
        enum audit_pin_verdict got = audit_pin_check(&p, 50, why, sizeof(why));
        if (got != cases[i].want)
            fail_msg("case %zu: verdict %d, expected %d", i, (int)got, (int)cases[i].want);
        if (cases[i].why ? !strstr(why, cases[i].why) : why[0] != '\0')
            fail_msg("case %zu: \"%s\"", i, why);
        /* a line that names a difference carries both hashes */
        if (got == AUDIT_PIN_DIFFERS &&
            (!strstr(why, p.stored_sha256) || !strstr(why, p.recorded_sha256)))
            fail_msg("case %zu: hashes missing from \"%s\"", i, why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_verifies),
        cmocka_unit_test(test_hashed_encoding),
        cmocka_unit_test(test_field_boundaries),
        cmocka_unit_test(test_altered_fields),
        cmocka_unit_test(test_resealed_entry),
        cmocka_unit_test(test_deleted_entry),
        cmocka_unit_test(test_swapped_entries),
        cmocka_unit_test(test_duplicate_and_after_break),
        cmocka_unit_test(test_chain_from_wrong_genesis),
        cmocka_unit_test(test_pin_verdicts),
    };
    if (hash_global_init())
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
