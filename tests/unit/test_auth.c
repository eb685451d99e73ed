/*
 * test_auth.c — the permission matrix (every role × action, with organisation scoping), role
 * names, password hashing and rules, usernames and API tokens, sign-in throttling's arithmetic
 * and keys.
 */
#include "auth/auth.h"
#include "core/enc.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define ORG_A "0190aaaa-0000-7000-8000-000000000001"
#define ORG_B "0190bbbb-0000-7000-8000-000000000002"

enum { NROLES = ROLE__COUNT };

/*
 * The expected matrix, written out independently of auth.c. For each action and role:
 * the outcome with no object, on an object of the principal's own organisation, and on one of
 * another organisation. O = AUTHZ_OK, F = AUTHZ_FORBIDDEN (403), H = AUTHZ_HIDDEN (404).
 */
#define O AUTHZ_OK
#define F AUTHZ_FORBIDDEN
#define H AUTHZ_HIDDEN
static const struct {
    enum auth_action a;
    const char *name;
    enum authz want[NROLES][3]; /* [role][none, own org, other org] */
} matrix[] = {
    /* roles in order: none, reporter, recipient, authority, admin, org_admin */
    {ACT_REPORT_CREATE,
     "report.create",
     {{F, F, F}, {O, O, O}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}}},
    {ACT_REPORT_READ,
     "report.read",
     {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    {ACT_REPORT_AMEND,
     "report.amend",
     {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    {ACT_REPORT_LIST,
     "report.list",
     {{F, F, F}, {O, O, O}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}}},
    {ACT_REPORT_VALIDATE,
     "report.validate",
     {{F, F, F}, {O, O, O}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}}},
    {ACT_ORG_CREATE,
     "org.create",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {F, F, F}}},
    {ACT_ORG_LIST, "org.list", {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {F, F, F}}},
    /* every member reads its own organisation; only admins read others */
    {ACT_ORG_READ, "org.read", {{F, F, F}, {O, O, H}, {O, O, H}, {O, O, H}, {O, O, O}, {O, O, H}}},
    /* accounts: an organisation's administrator for its own; the platform administrator
     * passes scoping for creating and changing (account_decide then limits it to giving an
     * organisation its first administrator) and lists every organisation's users */
    {ACT_USER_CREATE,
     "user.create",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {O, O, H}}},
    {ACT_USER_LIST,
     "user.list",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {O, O, H}}},
    {ACT_USER_UPDATE,
     "user.update",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {O, O, H}}},
    {ACT_PASSWORD_CHANGE,
     "password.change",
     {{F, F, F}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}}},
    {ACT_TOKEN_MANAGE,
     "token.manage",
     {{F, F, F}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}}},
    {ACT_AUDIT_READ,
     "audit.read",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {F, F, F}}},
    {ACT_METRICS_READ,
     "metrics.read",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {F, F, F}}},
    /* governance data: the organisation's own members only; admins see none of it */
    {ACT_FRAMEWORK_READ,
     "framework.read",
     {{F, F, F}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}}},
    {ACT_ASSESS_READ,
     "assess.read",
     {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    {ACT_ASSESS_WRITE,
     "assess.write",
     {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    {ACT_RISK_READ,
     "risk.read",
     {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    {ACT_RISK_WRITE,
     "risk.write",
     {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    /* delivery: reporters for their organisation; the receiving side for its recipient */
    {ACT_SUBMIT, "submit", {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    {ACT_SUBMISSION_READ,
     "submission.read",
     {{F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}}},
    {ACT_INBOX_READ,
     "inbox.read",
     {{F, F, F}, {F, F, F}, {O, O, H}, {O, O, H}, {F, F, F}, {F, F, F}}},
    {ACT_INBOX_RECEIPT,
     "inbox.receipt",
     {{F, F, F}, {F, F, F}, {O, O, H}, {O, O, H}, {F, F, F}, {F, F, F}}},
    {ACT_RECIPIENT_LIST,
     "recipient.list",
     {{F, F, F}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}}},
    {ACT_RECIPIENT_BIND,
     "recipient.bind",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {F, F, F}}},
    /* issue 10 item 7: the receiving side's requests and arrival subscription */
    {ACT_INBOX_REQUEST,
     "inbox.request",
     {{F, F, F}, {F, F, F}, {O, O, H}, {O, O, H}, {F, F, F}, {F, F, F}}},
    {ACT_INBOX_SUBSCRIBE,
     "inbox.subscribe",
     {{F, F, F}, {F, F, F}, {O, O, H}, {O, O, H}, {F, F, F}, {F, F, F}}},
    {ACT_STATS_READ,
     "stats.read",
     {{F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {F, F, F}, {F, F, F}}},
    /* issue 13: authorities write advisories for their organisation; reading is the TLP
     * rule's, so any role acknowledges; the platform administrator sets clearances */
    {ACT_ADVISORY_WRITE,
     "advisory.write",
     {{F, F, F}, {F, F, F}, {F, F, F}, {O, O, H}, {F, F, F}, {F, F, F}}},
    {ACT_ADVISORY_ACK,
     "advisory.ack",
     {{F, F, F}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}, {O, O, O}}},
    {ACT_CLEARANCE_SET,
     "clearance.set",
     {{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {O, O, O}, {F, F, F}}},
};
#undef O
#undef F
#undef H

static void principal(struct principal *p, enum role r, const char *org)
{
    memset(p, 0, sizeof(*p));
    p->role = r;
    xstrlcpy(p->org_id, org, sizeof(p->org_id));
    xstrlcpy(p->user_id, "0190cccc-0000-7000-8000-000000000003", sizeof(p->user_id));
}

static void test_matrix(void **state)
{
    struct principal p;
    const char *objs[3] = {NULL, ORG_A, ORG_B};
    (void)state;
    assert_int_equal(ARRAY_SIZE(matrix), ACT__COUNT); /* every action has a row */
    for (size_t i = 0; i < ARRAY_SIZE(matrix); i++) {
        for (int r = 0; r < NROLES; r++) {
            principal(&p, (enum role)r, ORG_A);
            for (int o = 0; o < 3; o++) {
                enum authz got = auth_check(&p, matrix[i].a, objs[o]);
                if (got != matrix[i].want[r][o])
                    fail_msg("%s by %s on %s: got %d, want %d", matrix[i].name,
                             auth_role_name((enum role)r), objs[o] ? objs[o] : "(no object)",
                             (int)got, (int)matrix[i].want[r][o]);
            }
        }
    }
}

static void test_matrix_edges(void **state)
{
    struct principal p;
    (void)state;
    principal(&p, ROLE_ADMIN, ORG_A);
    assert_int_equal(auth_check(NULL, ACT_ORG_LIST, NULL), AUTHZ_FORBIDDEN);
    assert_int_equal(auth_check(&p, ACT__COUNT, NULL), AUTHZ_FORBIDDEN);
    assert_int_equal(auth_check(&p, (enum auth_action) - 1, NULL), AUTHZ_FORBIDDEN);
    /* admins never read report contents, not even their own organisation's */
    assert_int_equal(auth_check(&p, ACT_REPORT_READ, ORG_A), AUTHZ_FORBIDDEN);
    /* a principal without an organisation sees no organisation's objects */
    principal(&p, ROLE_REPORTER, "");
    assert_int_equal(auth_check(&p, ACT_REPORT_READ, ORG_A), AUTHZ_HIDDEN);
    /* organisation ids compare exactly */
    principal(&p, ROLE_REPORTER, ORG_A);
    assert_int_equal(auth_check(&p, ACT_REPORT_AMEND, "0190AAAA-0000-7000-8000-000000000001"),
                     AUTHZ_HIDDEN);
    assert_int_equal(auth_check(&p, ACT_REPORT_AMEND, ""), AUTHZ_HIDDEN);
    /* an out-of-range role is not a role */
    principal(&p, (enum role)17, ORG_A);
    assert_int_equal(auth_check(&p, ACT_TOKEN_MANAGE, NULL), AUTHZ_FORBIDDEN);
}

static void test_role_names(void **state)
{
    (void)state;
    for (int r = ROLE_REPORTER; r < ROLE__COUNT; r++) {
        const char *n = auth_role_name((enum role)r);
        assert_string_not_equal(n, "none");
        assert_int_equal(auth_role_parse(n), r);
    }
    assert_string_equal(auth_role_name(ROLE_REPORTER), "reporter");
    assert_string_equal(auth_role_name(ROLE_RECIPIENT), "recipient");
    assert_string_equal(auth_role_name(ROLE_AUTHORITY), "authority");
    assert_string_equal(auth_role_name(ROLE_ADMIN), "admin");
    assert_string_equal(auth_role_name(ROLE_ORG_ADMIN), "org_admin");
    assert_string_equal(auth_role_name(ROLE_NONE), "none");
    assert_string_equal(auth_role_name((enum role)99), "none");
    assert_int_equal(auth_role_parse("none"), ROLE_NONE);
    assert_int_equal(auth_role_parse("Admin"), ROLE_NONE);
    assert_int_equal(auth_role_parse("admin "), ROLE_NONE);
    assert_int_equal(auth_role_parse(""), ROLE_NONE);
}

static void test_password_hash(void **state)
{
    char h1[128], h2[128];
    const char *pw = "correct horse battery staple";
    (void)state;
    /* two hashes only: argon2id is deliberately slow */
    assert_int_equal(auth_password_hash(pw, h1), 0);
    assert_int_equal(auth_password_hash(pw, h2), 0);
    assert_memory_equal(h1, "$argon2id$", 10);
    assert_string_not_equal(h1, h2); /* salted */
    assert_true(auth_password_verify(h1, pw));
    assert_true(auth_password_verify(h2, pw));
    assert_false(auth_password_verify(h1, "correct horse battery stapl"));
    assert_false(auth_password_verify(h1, "correct horse battery staple "));
    assert_false(auth_password_verify(h1, ""));
    assert_false(auth_password_verify("", pw));
    assert_false(auth_password_verify("$argon2id$v=19$garbage", pw));
    h1[strlen(h1) - 2] ^= 1; /* a damaged stored hash never verifies */
    assert_false(auth_password_verify(h1, pw));
}

static void test_password_weak(void **state)
{
    char long_pw[300];
    (void)state;
    assert_non_null(auth_password_weak(""));
    assert_non_null(auth_password_weak("123456789"));
    assert_null(auth_password_weak("1234567890"));
    assert_non_null(auth_password_weak("aaaaaaaaaaaa"));
    assert_null(auth_password_weak("aaaaaaaaaaab"));
    assert_null(auth_password_weak("ぱすわーど")); /* 15 bytes: the rule counts bytes */
    memset(long_pw, 'x', 256);
    long_pw[0] = 'y';
    long_pw[256] = '\0';
    assert_null(auth_password_weak(long_pw));
    long_pw[256] = 'x';
    long_pw[257] = '\0';
    assert_non_null(auth_password_weak(long_pw));
    assert_non_null(strstr(auth_password_weak("short"), "10"));
}

static void test_username(void **state)
{
    static const char *const ok[] = {
        "abc", "a.b_c@d-e", "0abc", "taro.yamada@example.jp",
        "1234567890123456789012345678901234567890123456789012345678901234"};
    static const char *const bad[] = {
        "ab",
        "",
        "Abc",
        ".abc",
        "-abc",
        "_abc",
        "@abc",
        "a b",
        "a/b",
        "日本語",
        "abc!",
        "a\tb",
        "12345678901234567890123456789012345678901234567890123456789012345"};
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (!auth_username_valid(ok[i]))
            fail_msg("\"%s\" refused", ok[i]);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (auth_username_valid(bad[i]))
            fail_msg("\"%s\" accepted", bad[i]);
}

static void test_token_mint(void **state)
{
    char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
    unsigned char h1[HASH_SHA256_LEN], h2[HASH_SHA256_LEN], hh[HASH_SHA256_LEN];
    unsigned char raw[40];
    (void)state;
    auth_token_new(t1, h1);
    auth_token_new(t2, h2);
    assert_int_equal(strlen(t1), AUTH_TOKEN_LEN);
    assert_memory_equal(t1, "ichi_", 5);
    assert_int_equal(strspn(t1 + 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789-_"),
                     43);
    assert_int_equal(enc_unb64url(t1 + 5, 43, raw, sizeof(raw)), 32); /* 256 random bits */
    assert_string_not_equal(t1, t2);
    assert_memory_not_equal(h1, h2, HASH_SHA256_LEN);
    /* the stored hash is SHA-256 of the whole token text, and hashing a presented token
     * gives the same bytes */
    hash_sha256(t1, AUTH_TOKEN_LEN, hh);
    assert_memory_equal(h1, hh, HASH_SHA256_LEN);
    assert_int_equal(auth_token_hash(t1, strlen(t1), hh), 0);
    assert_memory_equal(h1, hh, HASH_SHA256_LEN);
}

static void test_token_malformed(void **state)
{
    char t[AUTH_TOKEN_LEN + 1], bad[AUTH_TOKEN_LEN + 2];
    unsigned char h[HASH_SHA256_LEN];
    (void)state;
    auth_token_new(t, h);
    assert_int_equal(auth_token_hash(t, AUTH_TOKEN_LEN - 1, h), -1); /* truncated */
    assert_int_equal(auth_token_hash("", 0, h), -1);
    memcpy(bad, t, sizeof(t));
    bad[AUTH_TOKEN_LEN] = 'A';
    bad[AUTH_TOKEN_LEN + 1] = '\0';
    assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_LEN + 1, h), -1); /* too long */
    memcpy(bad, t, sizeof(t));
    bad[0] = 'I';
    assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_LEN, h), -1); /* prefix */
    memcpy(bad, "ichi-", 5);
    assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_LEN, h), -1);
    memcpy(bad, t, sizeof(t));
    bad[20] = '+'; /* standard base64, not base64url */
    assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_LEN, h), -1);
    memcpy(bad, t, sizeof(t));
    bad[30] = '=';
    assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_LEN, h), -1);
    /* 43 characters carry 258 bits: the last 2 must be zero (canonical encoding) */
    memcpy(bad, t, sizeof(t));
    bad[AUTH_TOKEN_LEN - 1] = 'B'; /* value 1: a low bit set */
    assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_LEN, h), -1);
    bad[AUTH_TOKEN_LEN - 1] = 'E'; /* value 4: low bits clear */
    assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_LEN, h), 0);
    /* a Bearer header's surrounding spaces are not part of a token */
    char spaced[AUTH_TOKEN_LEN + 2] = " ";
    memcpy(spaced + 1, t, AUTH_TOKEN_LEN);
    assert_int_equal(auth_token_hash(spaced, AUTH_TOKEN_LEN + 1, h), -1);
}

/* Growing delays: free failures, then base·2^k capped at max; forgotten after a quiet period
 * (never during a delay); never a lockout longer than max. */
static void test_throttle_delays(void **state)
{
    const struct auth_throttle_policy p = {
        .free = 3, .base_ms = 100, .max_ms = 1000, .forget_ms = 60000};
    struct auth_throttle_state st;
    const int64_t want[] = {0, 0, 100, 200, 400, 800, 1000, 1000, 1000};
    int64_t now = 1000000;
    (void)state;
    memset(&st, 0, sizeof(st));
    assert_int_equal(auth_throttle_wait(&st, now), 0);
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        auth_throttle_fail(&p, &st, now);
        assert_int_equal(st.failures, (int64_t)i + 1);
        assert_int_equal(auth_throttle_wait(&st, now), want[i]);
        assert_true(st.expires_at >= now + p.forget_ms);
        /* the next evaluated attempt comes when the delay has passed */
        now += want[i] + 5;
        assert_int_equal(auth_throttle_wait(&st, now), 0);
    }
    /* a quiet period forgets everything: the next failure is the first again */
    now = st.expires_at;
    assert_int_equal(auth_throttle_wait(&st, now), 0);
    auth_throttle_fail(&p, &st, now);
    assert_int_equal(st.failures, 1);
    assert_int_equal(st.blocked_until, 0);
    /* a delay longer than the forgetting period keeps the state until it ends */
    const struct auth_throttle_policy q = {
        .free = 1, .base_ms = 5000, .max_ms = 5000, .forget_ms = 10};
    memset(&st, 0, sizeof(st));
    auth_throttle_fail(&q, &st, now);
    assert_int_equal(st.expires_at, now + 5000);
    assert_int_equal(auth_throttle_wait(&st, now + 4999), 1);
    /* huge counts neither overflow nor exceed max */
    st.failures = INT32_MAX - 1;
    st.expires_at = now + 1;
    auth_throttle_fail(&p, &st, now);
    assert_int_equal(auth_throttle_wait(&st, now), p.max_ms);
    auth_throttle_fail(&p, &st, now);
    assert_int_equal(st.failures, INT32_MAX);
}

/* The keys: a different secret, name, address or kind gives a different key; letter case and
 * the host part of an IPv6 /64 do not; IPv4-mapped IPv6 is its IPv4 address. */
static void test_throttle_keys(void **state)
{
    unsigned char s1[32], s2[32], a[32], b[32];
    const unsigned char v4[4] = {192, 0, 2, 1}, v4b[4] = {192, 0, 2, 2};
    unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1}, v6b[16];
    unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
    (void)state;
    memset(s1, 1, sizeof(s1));
    memset(s2, 2, sizeof(s2));
    auth_throttle_key_name(s1, "Taro", a);
    auth_throttle_key_name(s1, "taro", b);
    assert_memory_equal(a, b, 32);
    auth_throttle_key_name(s2, "taro", b);
    assert_memory_not_equal(a, b, 32);
    auth_throttle_key_name(s1, "taro2", b);
    assert_memory_not_equal(a, b, 32);
    auth_throttle_key_addr(s1, v4, 4, a);
    auth_throttle_key_addr(s1, v4b, 4, b);
    assert_memory_not_equal(a, b, 32);
    auth_throttle_key_addr(s1, mapped, 16, b);
    assert_memory_equal(a, b, 32);
    memcpy(v6b, v6, 16);
    v6[15] = 1;
    v6b[15] = 0x99; /* same /64 */
    auth_throttle_key_addr(s1, v6, 16, a);
    auth_throttle_key_addr(s1, v6b, 16, b);
    assert_memory_equal(a, b, 32);
    v6b[7] = 2; /* another /64 */
    auth_throttle_key_addr(s1, v6b, 16, b);
    assert_memory_not_equal(a, b, 32);
    /* the pair differs from the name and from the address alone */
    auth_throttle_key_pair(s1, v4, 4, "taro", a);
    auth_throttle_key_name(s1, "taro", b);
    assert_memory_not_equal(a, b, 32);
    auth_throttle_key_addr(s1, v4, 4, b);
    assert_memory_not_equal(a, b, 32);
    auth_throttle_key_pair(s1, v4b, 4, "taro", b);
    assert_memory_not_equal(a, b, 32);
}

/* Browser sessions (issue 12): the CSRF token is the session's own, stable, unpredictable
 * without the session token, and compared exactly; the quiet period ends a session at idle_ms
 * and its use is recorded at most every tenth of it (a minute at most). */
static void test_session_helpers(void **state)
{
    char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1], ca[AUTH_CSRF_LEN + 1],
        ca2[AUTH_CSRF_LEN + 1], cb[AUTH_CSRF_LEN + 1];
    unsigned char h[HASH_SHA256_LEN];
    (void)state;
    auth_token_new(a, h);
    auth_token_new(b, h);
    auth_csrf_token(a, strlen(a), ca);
    auth_csrf_token(a, strlen(a), ca2);
    auth_csrf_token(b, strlen(b), cb);
    assert_int_equal(strlen(ca), AUTH_CSRF_LEN);
    assert_string_equal(ca, ca2);
    assert_string_not_equal(ca, cb);
    assert_null(strstr(ca, a + 5)); /* nothing of the token shows */
    assert_true(auth_csrf_ok(a, strlen(a), ca));
    assert_false(auth_csrf_ok(a, strlen(a), cb));
    assert_false(auth_csrf_ok(a, strlen(a), NULL));
    assert_false(auth_csrf_ok(a, strlen(a), ""));
    ca2[AUTH_CSRF_LEN - 1] = ca2[AUTH_CSRF_LEN - 1] == 'A' ? 'B' : 'A';
    assert_false(auth_csrf_ok(a, strlen(a), ca2));
    ca2[10] = '\0';
    assert_false(auth_csrf_ok(a, strlen(a), ca2));
    /* the quiet period */
    assert_false(auth_session_idle(1000, 1000 + 1799999, 1800000));
    assert_true(auth_session_idle(1000, 1000 + 1800000, 1800000));
    assert_false(auth_session_touch_due(0, 59999, 1800000));
    assert_true(auth_session_touch_due(0, 60000, 1800000));
    assert_false(auth_session_touch_due(0, 5999, 60000));
    assert_true(auth_session_touch_due(0, 6000, 60000));
    /* roles that need a second factor */
    assert_true(auth_role_requires_two_factor(ROLE_AUTHORITY));
    assert_true(auth_role_requires_two_factor(ROLE_ORG_ADMIN));
    assert_true(auth_role_requires_two_factor(ROLE_ADMIN));
    assert_false(auth_role_requires_two_factor(ROLE_REPORTER));
    assert_false(auth_role_requires_two_factor(ROLE_RECIPIENT));
}

/* TOTP (RFC 6238): the code of a step is accepted at that step and one step either side, not
 * two; the step it belongs to is reported (the caller accepts each once); RFC 6238's own test
 * vector (Appendix B, SHA-1, T = 59 s) holds. Sealing round-trips and refuses another key or
 * a changed byte. Recovery codes hash alike however they are typed. */
static void test_totp(void **state)
{
    static const unsigned char rfc_secret[] = "12345678901234567890";
    unsigned char secret[AUTH_TOTP_SECRET_LEN], key[32], other[32], sealed[128], plain[64];
    char code[7], b32[64], rc[AUTH_RECOVERY_CODE_LEN + 1], upper[AUTH_RECOVERY_CODE_LEN + 1];
    unsigned char h1[HASH_SHA256_LEN], h2[HASH_SHA256_LEN];
    size_t n = 0, m = 0;
    int64_t step = 0, s0 = 59000000; /* some step */
    (void)state;
    /* RFC 6238 Appendix B: T = 59 s is step 1, code 94287082 (8 digits), so 287082 in 6 */
    assert_int_equal(auth_totp_code(rfc_secret, 20, 1, code), 0);
    assert_string_equal(code, "287082");
    assert_int_equal(auth_totp_check(rfc_secret, 20, "287082", 59000, &step), 0);
    assert_int_equal(step, 1);
    auth_totp_secret_new(secret);
    assert_int_equal(auth_totp_code(secret, sizeof(secret), s0, code), 0);
    int64_t at = s0 * 30000 + 12345;
    assert_int_equal(auth_totp_check(secret, sizeof(secret), code, at, &step), 0);
    assert_int_equal(step, s0);
    assert_int_equal(auth_totp_check(secret, sizeof(secret), code, at - 30000, &step), 0);
    assert_int_equal(step, s0);
    assert_int_equal(auth_totp_check(secret, sizeof(secret), code, at + 30000, &step), 0);
    assert_int_not_equal(auth_totp_check(secret, sizeof(secret), code, at + 60000, &step), 0);
    assert_int_not_equal(auth_totp_check(secret, sizeof(secret), code, at - 60000, &step), 0);
    assert_int_not_equal(auth_totp_check(secret, sizeof(secret), "12345", at, &step), 0);
    assert_int_not_equal(auth_totp_check(secret, sizeof(secret), "12a456", at, &step), 0);
    assert_int_not_equal(auth_totp_check(secret, sizeof(secret), NULL, at, &step), 0);
    assert_int_equal(auth_totp_base32(secret, sizeof(secret), b32, sizeof(b32)), 0);
    assert_int_equal(strlen(b32), 32); /* 160 bits, no padding */
    assert_int_equal(strspn(b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
    /* sealing */
    memset(key, 1, sizeof(key));
    memset(other, 2, sizeof(other));
    assert_int_equal(auth_seal(key, secret, sizeof(secret), sealed, sizeof(sealed), &n), 0);
    assert_int_equal(n, 24 + 16 + sizeof(secret));
    assert_null(memmem(sealed, n, secret, sizeof(secret)));
    assert_int_equal(auth_unseal(key, sealed, n, plain, sizeof(plain), &m), 0);
    assert_int_equal(m, sizeof(secret));
    assert_memory_equal(plain, secret, m);
    assert_int_not_equal(auth_unseal(other, sealed, n, plain, sizeof(plain), &m), 0);
    sealed[30] ^= 1;
    assert_int_not_equal(auth_unseal(key, sealed, n, plain, sizeof(plain), &m), 0);
    assert_int_not_equal(auth_seal(key, secret, sizeof(secret), sealed, 40, &n), 0);
    /* recovery codes */
    auth_recovery_code_new(rc);
    assert_int_equal(strlen(rc), 9);
    assert_int_equal(rc[4], '-');
    for (size_t i = 0; i <= strlen(rc); i++)
        upper[i] = (char)(rc[i] >= 'a' && rc[i] <= 'z' ? rc[i] - 'a' + 'A' : rc[i]);
    assert_int_equal(auth_recovery_code_hash(rc, h1), 0);
    assert_int_equal(auth_recovery_code_hash(upper, h2), 0);
    assert_memory_equal(h1, h2, sizeof(h1));
    memmove(upper + 4, upper + 5, 5); /* without the hyphen */
    assert_int_equal(auth_recovery_code_hash(upper, h2), 0);
    assert_memory_equal(h1, h2, sizeof(h1));
    assert_int_not_equal(auth_recovery_code_hash("abcd-efg", h2), 0);
    assert_int_not_equal(auth_recovery_code_hash("abcd-efgh1", h2), 0);
    assert_int_not_equal(auth_recovery_code_hash("abc0-efgh", h2), 0); /* 0 is not in it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),          cmocka_unit_test(test_matrix_edges),
        cmocka_unit_test(test_session_helpers), cmocka_unit_test(test_totp),
        cmocka_unit_test(test_role_names),      cmocka_unit_test(test_password_hash),
        cmocka_unit_test(test_password_weak),   cmocka_unit_test(test_username),
        cmocka_unit_test(test_token_mint),      cmocka_unit_test(test_token_malformed),
        cmocka_unit_test(test_throttle_delays), cmocka_unit_test(test_throttle_keys),
    };
    if (hash_global_init())
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
