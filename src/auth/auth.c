#include <sodium.h>

#include "auth.h"
#include "../core/enc.h"

static const char *const role_names[] = {
    [ROLE_NONE] = "none",           [ROLE_REPORTER] = "reporter", [ROLE_RECIPIENT] = "recipient",
    [ROLE_AUTHORITY] = "authority", [ROLE_ADMIN] = "admin",       [ROLE_ORG_ADMIN] = "org_admin",
};

const char *auth_role_name(enum role r)
{
    return (unsigned)r < ARRAY_SIZE(role_names) ? role_names[r] : "none";
}

enum role auth_role_parse(const char *s)
{
    for (size_t i = 1; i < ARRAY_SIZE(role_names); i++)
        if (!strcmp(s, role_names[i]))
            return (enum role)i;
    return ROLE_NONE;
}

#define R(x) (1u << (x))
#define ALL_ROLES                                                                                  \
    (R(ROLE_REPORTER) | R(ROLE_RECIPIENT) | R(ROLE_AUTHORITY) | R(ROLE_ADMIN) | R(ROLE_ORG_ADMIN))
/* An organisation's administrator does all a reporter does (auth.h says why). */
#define REPORTERS (R(ROLE_REPORTER) | R(ROLE_ORG_ADMIN))
#define ADMINS (R(ROLE_ADMIN) | R(ROLE_ORG_ADMIN))

/* The permission matrix. `org_scoped`: the object belongs to an organisation and only members
 * of that organisation may touch it; `admin_any_org`: admins are not bound by that scoping;
 * `onboarding`: the platform administrator passes the scoping too, but account_decide
 * (account.h) lets it act only on an organisation without an administrator of its own.
 * Platform admins deliberately have no access to report contents (PRODUCT.md: nobody reads
 * what they should not — the platform operator runs the service but is not a recipient), and
 * no way to one through accounts: they cannot create or change the users of an organisation
 * that has its own administrator (issue 8.12). */
static const struct perm {
    unsigned roles;
    bool org_scoped;
    bool admin_any_org;
    bool onboarding;
} perms[ACT__COUNT] = {
    [ACT_REPORT_CREATE] = {REPORTERS, false, false, false},
    [ACT_REPORT_READ] = {REPORTERS, true, false, false},
    [ACT_REPORT_AMEND] = {REPORTERS, true, false, false},
    [ACT_REPORT_LIST] = {REPORTERS, false, false, false},
    [ACT_REPORT_VALIDATE] = {REPORTERS, false, false, false},
    [ACT_ORG_CREATE] = {R(ROLE_ADMIN), false, false, false},
    [ACT_ORG_LIST] = {R(ROLE_ADMIN), false, false, false},
    [ACT_ORG_READ] = {ALL_ROLES, true, true, false},
    /* accounts (issue 8.12): an organisation's administrator for its own organisation; the
     * platform administrator lists every organisation's users (names and roles, no contents)
     * and gives an organisation its first administrator */
    [ACT_USER_CREATE] = {ADMINS, true, false, true},
    [ACT_USER_LIST] = {ADMINS, true, true, false},
    [ACT_USER_UPDATE] = {ADMINS, true, false, true},
    [ACT_PASSWORD_CHANGE] = {ALL_ROLES, false, false, false},
    [ACT_TOKEN_MANAGE] = {ALL_ROLES, false, false, false},
    [ACT_AUDIT_READ] = {R(ROLE_ADMIN), false, false, false},
    [ACT_METRICS_READ] = {R(ROLE_ADMIN), false, false, false},
    /* Governance data (issue 4) is the organisation's own: its members manage it; peers see
     * only aggregates; admins and authorities see none of it (an insurer or regulator gets a
     * rating report only when the organisation hands it over). */
    [ACT_FRAMEWORK_READ] = {ALL_ROLES, false, false, false},
    [ACT_ASSESS_READ] = {REPORTERS, true, false, false},
    [ACT_ASSESS_WRITE] = {REPORTERS, true, false, false},
    [ACT_RISK_READ] = {REPORTERS, true, false, false},
    [ACT_RISK_WRITE] = {REPORTERS, true, false, false},
    /* Delivery (issue 5): reporters act for their organisation's reports; the receiving side
     * (recipient and authority users) sees only what is routed to the recipient its
     * organisation is bound to — never another recipient's submissions. */
    [ACT_SUBMIT] = {REPORTERS, true, false, false},
    [ACT_SUBMISSION_READ] = {REPORTERS, true, false, false},
    [ACT_INBOX_READ] = {R(ROLE_RECIPIENT) | R(ROLE_AUTHORITY), true, false, false},
    [ACT_INBOX_RECEIPT] = {R(ROLE_RECIPIENT) | R(ROLE_AUTHORITY), true, false, false},
    /* every organisation sees which organisation receives for each recipient; changing it
     * stays with the platform administrator, audited and announced (issue 8.12) */
    [ACT_RECIPIENT_LIST] = {ALL_ROLES, false, false, false},
    [ACT_RECIPIENT_BIND] = {R(ROLE_ADMIN), false, false, false},
    /* Issue 10, item 7: the receiving side asks the reporter of a submission it received for
     * more (information, an intermediate report), and subscribes its own system to new
     * arrivals; both for its own organisation only. */
    [ACT_INBOX_REQUEST] = {R(ROLE_RECIPIENT) | R(ROLE_AUTHORITY), true, false, false},
    [ACT_INBOX_SUBSCRIBE] = {R(ROLE_RECIPIENT) | R(ROLE_AUTHORITY), true, false, false},
    /* Issue 13 item 7: statistics are for the authorities that publish them. A recipient user
     * works a recipient's inbox, not its statistics; the platform operator reads no contents
     * (not even counted ones); reporters see only their own reports. The scope is the actor's
     * own organisation's inbox, or the platform's consenting reports (app_stats.h). */
    [ACT_STATS_READ] = {R(ROLE_AUTHORITY), false, false, false},
    /* Issue 13: advisories are written by authority analysts for their own organisation (its
     * advisories are amended and withdrawn by it only); reading is not a role's right at all
     * but the TLP rule's (sharing/share_policy.h), so any role acknowledges what it may read.
     * Clearances are set by the platform administrator, an audited act. */
    [ACT_ADVISORY_WRITE] = {R(ROLE_AUTHORITY), true, false, false},
    [ACT_ADVISORY_ACK] = {ALL_ROLES, false, false, false},
    [ACT_CLEARANCE_SET] = {R(ROLE_ADMIN), false, false, false},
};

enum authz auth_check(const struct principal *p, enum auth_action a, const char *object_org)
{
    const struct perm *pm;
    if ((unsigned)a >= ACT__COUNT || !p)
        return AUTHZ_FORBIDDEN;
    pm = &perms[a];
    if (!(pm->roles & R(p->role)))
        return AUTHZ_FORBIDDEN;
    if (!pm->org_scoped || !object_org)
        return AUTHZ_OK;
    if ((pm->admin_any_org || pm->onboarding) && p->role == ROLE_ADMIN)
        return AUTHZ_OK;
    return strcmp(p->org_id, object_org) ? AUTHZ_HIDDEN : AUTHZ_OK;
}

const char *auth_password_weak(const char *pw)
{
    size_t n = strlen(pw);
    bool same = true;
    if (n < 10)
        return "must be at least 10 characters";
    if (n > 256)
        return "must be at most 256 bytes";
    for (size_t i = 1; i < n; i++)
        same &= pw[i] == pw[0];
    return same ? "must not repeat a single character" : NULL;
}

int auth_password_hash(const char *pw, char out[128])
{
    return auth_password_hash_cost(pw, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024, out);
}

int auth_password_hash_cost(const char *pw, int64_t ops, int64_t mem_kib, char out[128])
{
    _Static_assert(crypto_pwhash_STRBYTES <= 128, "argon2 string too long");
    if (ops < (int64_t)crypto_pwhash_OPSLIMIT_MIN || mem_kib < 1 ||
        (uint64_t)mem_kib > crypto_pwhash_MEMLIMIT_MAX / 1024 ||
        (size_t)mem_kib * 1024 < crypto_pwhash_MEMLIMIT_MIN)
        return -1;
    return crypto_pwhash_str_alg(out, pw, strlen(pw), (unsigned long long)ops,
                                 (size_t)mem_kib * 1024, crypto_pwhash_ALG_ARGON2ID13)
               ? -1
               : 0;
}

bool auth_password_verify(const char *stored, const char *pw)
{
    return crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
}

void auth_password_generate(char *out, size_t n)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char rnd[64];
    BUG_ON(n == 0 || n > sizeof(rnd));
    hash_random(rnd, n - 1);
    for (size_t i = 0; i + 1 < n; i++)
        out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
    out[n - 1] = '\0';
    sodium_memzero(rnd, sizeof(rnd));
}

bool auth_username_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || !strchr("._@-", c)))
            return false;
    }
    return true;
}

void auth_token_new(char out[AUTH_TOKEN_LEN + 1], unsigned char hash[HASH_SHA256_LEN])
{
    unsigned char rnd[32];
    const size_t plen = sizeof(AUTH_TOKEN_PREFIX) - 1;
    hash_random(rnd, sizeof(rnd));
    memcpy(out, AUTH_TOKEN_PREFIX, plen);
    enc_b64url(rnd, sizeof(rnd), out + plen);
    hash_sha256(out, AUTH_TOKEN_LEN, hash);
    sodium_memzero(rnd, sizeof(rnd));
}

int auth_token_hash(const char *token, size_t n, unsigned char hash[HASH_SHA256_LEN])
{
    const size_t plen = sizeof(AUTH_TOKEN_PREFIX) - 1;
    unsigned char raw[33];
    if (n != AUTH_TOKEN_LEN || memcmp(token, AUTH_TOKEN_PREFIX, plen))
        return -1;
    if (enc_unb64url(token + plen, n - plen, raw, sizeof(raw)) != 32)
        return -1;
    hash_sha256(token, n, hash);
    return 0;
}

/* ---- browser sessions (issue 12) ---- */

void auth_csrf_token(const char *token, size_t n, char out[AUTH_CSRF_LEN + 1])
{
    static const char label[] = "ichigen csrf v1";
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    /* the label (with its NUL) keeps this hash apart from the token's own, the stored one */
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)label, sizeof(label));
    crypto_hash_sha256_update(&st, (const unsigned char *)token, n);
    crypto_hash_sha256_final(&st, h);
    enc_b64url(h, sizeof(h), out);
    sodium_memzero(&st, sizeof(st));
}

bool auth_csrf_ok(const char *token, size_t n, const char *presented)
{
    char want[AUTH_CSRF_LEN + 1];
    if (!presented || strlen(presented) != AUTH_CSRF_LEN)
        return false;
    auth_csrf_token(token, n, want);
    bool ok = hash_ct_equal(want, presented, AUTH_CSRF_LEN);
    sodium_memzero(want, sizeof(want));
    return ok;
}

bool auth_session_idle(int64_t last_used_at, int64_t now, int64_t idle_ms)
{
    return now - last_used_at >= idle_ms;
}

bool auth_session_touch_due(int64_t last_used_at, int64_t now, int64_t idle_ms)
{
    int64_t every = idle_ms / 10 < 60000 ? idle_ms / 10 : 60000;
    return now - last_used_at >= every;
}

bool auth_role_requires_two_factor(enum role r)
{
    return r == ROLE_AUTHORITY || r == ROLE_ORG_ADMIN || r == ROLE_ADMIN;
}
