/*
 * auth.h — roles, the permission matrix, passwords and API tokens.
 *
 * What it is: the decisions "may this principal do that to an object of that organisation",
 * made from one declarative table (auth.c), plus password hashing (argon2id via libsodium) and
 * token minting/hashing. What it is not: looking principals up (store/) or HTTP (http/).
 *
 * Decision outcomes deliberately distinguish 403 from 404: a caller whose role may never do
 * something gets 403; a caller who could, but not on another organisation's object, gets 404,
 * so the existence of other organisations' reports is not revealed.
 */
#ifndef AUTH_AUTH_H
#define AUTH_AUTH_H

#include "../core/core.h"
#include "../core/hash.h"
#include "../core/uuid.h"

enum role {
    ROLE_NONE = 0,
    ROLE_REPORTER,  /* files and amends its own organisation's reports */
    ROLE_RECIPIENT, /* receives submissions routed to its organisation (issue 5) */
    ROLE_AUTHORITY, /* a receiving authority's analyst (sharing, advisories: later issues) */
    ROLE_ADMIN,     /* platform operator: organisations, audit; never report contents */
    /* An organisation's own administrator (issue 8.12): creates, disables and changes the roles
     * of its organisation's users, and does everything a reporter does — it could give itself
     * a reporter account anyway, so withholding reports from it would protect nothing. Once an
     * organisation has one, the platform administrator no longer touches its users. */
    ROLE_ORG_ADMIN,
    ROLE__COUNT
};

const char *auth_role_name(enum role r);
/* Returns ROLE_NONE for an unknown name. */
enum role auth_role_parse(const char *s);

enum auth_action {
    ACT_REPORT_CREATE,
    ACT_REPORT_READ,
    ACT_REPORT_AMEND,
    ACT_REPORT_LIST,
    ACT_REPORT_VALIDATE,
    ACT_ORG_CREATE,
    ACT_ORG_LIST,
    ACT_ORG_READ,
    ACT_USER_CREATE,
    ACT_USER_LIST,
    ACT_TOKEN_MANAGE, /* create, list, revoke one's own tokens */
    ACT_AUDIT_READ,
    ACT_METRICS_READ,
    ACT_FRAMEWORK_READ, /* questionnaires: public knowledge, any signed-in role */
    ACT_ASSESS_READ,    /* an organisation's self-assessments, scores, peer comparison */
    ACT_ASSESS_WRITE,   /* create, save answers, submit */
    ACT_RISK_READ,      /* assets, loss scenarios, simulations, rating report */
    ACT_RISK_WRITE,
    ACT_SUBMIT,          /* submit a report version to its recipients; file documents */
    ACT_SUBMISSION_READ, /* the reporting organisation's submissions, history and proofs */
    ACT_INBOX_READ,      /* submissions routed to the recipient the caller's organisation is */
    ACT_INBOX_RECEIPT,   /* post a receipt for one of them */
    ACT_RECIPIENT_LIST,  /* the recipients directory with channels */
    ACT_RECIPIENT_BIND,  /* which organisation receives for a recipient (inbox) */
    ACT_USER_UPDATE,     /* disable, re-enable, change the role or name of a user */
    ACT_PASSWORD_CHANGE, /* one's own password */
    ACT_INBOX_REQUEST,   /* ask the reporter of a received submission for more (issue 10.7) */
    ACT_INBOX_SUBSCRIBE, /* the receiving organisation's webhook for new arrivals (issue 10.7) */
    ACT_STATS_READ,      /* statistics for authorities, k-anonymous (issue 13 item 7) */
    ACT_ADVISORY_WRITE,  /* write, amend, withdraw advisories; see who acknowledged (issue 13) */
    ACT_ADVISORY_ACK,    /* acknowledge, for one's organisation, an advisory one may read */
    ACT_CLEARANCE_SET,   /* read and set users' security clearances (issue 13 item 2) */
    ACT__COUNT
};

struct principal {
    char user_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char token_id[UUID_STR_LEN];
    char username[65];
    enum role role;
    int64_t expires_at; /* ms; 0 = no expiry */
    /* A token from signing in with a password someone else set (a new account's initial
     * password): it may only change that password (POST /api/v1/me/password). */
    bool password_change_only;
    /* A calendar-feed token (kind "calendar", issue 10 item 9): it reads only the
     * organisation's deadline calendar (GET /api/v1/calendar.ics), which calendar programs
     * fetch with the token in the URL; it can do nothing else. */
    bool calendar_only;
    /* A browser's cookie session (token kind "web" or "web-setup", issue 12): valid only as
     * the cookie, where CSRF and the quiet-period limit apply, never as a bearer token. */
    bool web_session;
    int64_t last_used_at;    /* ms: the token's last recorded use (its creation at first) */
    bool two_factor_enabled; /* the user signs in with a TOTP code (issue 12) */
    /* A token from signing in (kind session, setup, web, web-setup), not one minted by the CLI
     * or POST /tokens: the one whose user's role requires two-factor sign-in reaches only the
     * session, /me, password and two-factor routes until it is on (issue 12). */
    bool signed_in;
};

enum authz { AUTHZ_OK = 0, AUTHZ_FORBIDDEN = -1 /* 403 */, AUTHZ_HIDDEN = -2 /* 404 */ };

/* May p perform a on an object owned by object_org (NULL when the action has no object or the
 * object is not organisation-scoped)? Admins pass organisation scoping for the actions the
 * table grants them; nobody else does. For the account actions marked "onboarding" in the
 * table the platform administrator passes here too, and account_decide (account.h) then
 * applies the rule that depends on data: only while the organisation has no administrator of
 * its own, and only to give it its first one. */
enum authz auth_check(const struct principal *p, enum auth_action a, const char *object_org);

/* Password rules (NIST SP 800-63B §5.1.1.2: length over composition): 10–256 bytes, not all
 * the same character. Returns NULL if acceptable, else an English reason. */
const char *auth_password_weak(const char *pw);

/* argon2id (libsodium crypto_pwhash_str, interactive limits). out holds >= 128 bytes.
 * Returns 0 or -1 (out of memory). Takes ~0.1 s and 64 MiB: callers bound concurrency. */
int auth_password_hash(const char *pw, char out[128]);
/* The same with an explicit cost (settings password_hash_ops, password_hash_mem_kib): passes
 * over memory and KiB of memory. Returns -1 for a cost libsodium refuses. */
int auth_password_hash_cost(const char *pw, int64_t ops, int64_t mem_kib, char out[128]);
bool auth_password_verify(const char *stored, const char *pw);

/* Writes a random initial password of n-1 characters (n <= 64) from an alphabet without
 * look-alike characters (no 0/O, 1/l/I), NUL-terminated. 20 characters carry ~113 bits. */
void auth_password_generate(char *out, size_t n);

/* Usernames: 3–64 of a-z 0-9 . _ @ -, starting with a letter or digit. */
bool auth_username_valid(const char *s);

#define AUTH_TOKEN_PREFIX "ichi_"
#define AUTH_TOKEN_LEN 48 /* "ichi_" + 43 base64url characters for 32 random bytes */

/* Mints a new bearer token (written with its NUL into out) and its SHA-256. The token is
 * shown to its owner once; only the hash is stored (tokens are 256-bit random, so a fast hash
 * is enough — argon2 is for low-entropy passwords). */
void auth_token_new(char out[AUTH_TOKEN_LEN + 1], unsigned char hash[HASH_SHA256_LEN]);

/* Hashes a presented token. Returns 0, or -1 if it does not have the token shape. */
int auth_token_hash(const char *token, size_t n, unsigned char hash[HASH_SHA256_LEN]);

/* ---- browser sessions (issue 12) ----
 *
 * A browser signs in once and then sends the session's token as a cookie (HttpOnly, so the
 * page's scripts never hold it). A cookie is sent by the browser on its own, so every change
 * made with it must also carry a token the page read from the API (the CSRF token: OWASP's
 * "synchronizer token" pattern), which a page of another site cannot read (same-origin policy;
 * SameSite=Strict is a second wall). The CSRF token is derived from the session's token, so it
 * needs no storage and ends with the session. */
#define AUTH_CSRF_LEN 43 /* base64url of 32 bytes */

/* The CSRF token of the session whose token is token (n bytes): base64url(SHA-256 of a fixed
 * label and the token), NUL-terminated in out. */
void auth_csrf_token(const char *token, size_t n, char out[AUTH_CSRF_LEN + 1]);
/* Constant-time: is presented (NULL: none) the CSRF token of the session token? */
bool auth_csrf_ok(const char *token, size_t n, const char *presented);

/* A session last used at last_used_at has been quiet for idle_ms or longer at now: it has
 * ended (NIST SP 800-63B §7.2: reauthentication after a period of inactivity). */
bool auth_session_idle(int64_t last_used_at, int64_t now, int64_t idle_ms);
/* Whether a use at now should be recorded: the last record is older than a tenth of the quiet
 * period (at most a minute), so that a session ends within 10 % of idle_ms of its last use
 * without a write per request. */
bool auth_session_touch_due(int64_t last_used_at, int64_t now, int64_t idle_ms);

/* Roles whose users must sign in with a second factor (issue 12): those who read other
 * organisations' reports (authority) or administer accounts (org_admin, admin). */
bool auth_role_requires_two_factor(enum role r);

/* ---- two-factor sign-in (issue 12; auth_totp.c) ----
 *
 * TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, the step before and after accepted
 * for clock skew) with a 160-bit secret (RFC 4226 §4 recommends it), computed by liboath. The
 * secret is kept sealed with a server key (libsodium secretbox: XSalsa20-Poly1305), never in
 * clear at rest. Recovery codes are 8 characters from a 31-letter alphabet (~40 bits), shown
 * once and stored only as SHA-256 hashes; a guess at one counts as a failed sign-in. */
#define AUTH_TOTP_SECRET_LEN 20
#define AUTH_TOTP_STEP_S 30
#define AUTH_RECOVERY_CODE_LEN 9 /* "xxxx-xxxx" */

void auth_totp_secret_new(unsigned char secret[AUTH_TOTP_SECRET_LEN]);
/* The secret in base32 without padding (as otpauth:// URIs carry it) into out. 0 or -1. */
int auth_totp_base32(const unsigned char *secret, size_t n, char *out, size_t outsz);
/* The 6-digit code of time step step (seconds since the epoch / 30). 0 or -1. */
int auth_totp_code(const unsigned char *secret, size_t n, int64_t step, char out[7]);
/* Whether code is the secret's code at now_ms or one step either side: 0 with *step the step
 * it belongs to (the caller accepts each step once), -1 otherwise. */
int auth_totp_check(const unsigned char *secret, size_t n, const char *code, int64_t now_ms,
                    int64_t *step);
/* Seals n bytes with key into out (nonce, then ciphertext with its tag): 0, or -1 when outsz
 * is too small. Unseals: 0, or -1 when sealed was not made with key or was changed. */
int auth_seal(const unsigned char key[32], const unsigned char *plain, size_t n, unsigned char *out,
              size_t outsz, size_t *outlen);
int auth_unseal(const unsigned char key[32], const unsigned char *sealed, size_t n,
                unsigned char *out, size_t outsz, size_t *outlen);
/* A new recovery code "xxxx-xxxx", and the hash a code is stored and looked up by (case and
 * the hyphen ignored): 0, or -1 when code cannot be one. */
void auth_recovery_code_new(char out[AUTH_RECOVERY_CODE_LEN + 1]);
int auth_recovery_code_hash(const char *code, unsigned char hash[HASH_SHA256_LEN]);

/* ---- sign-in throttling (issue 8.13; auth_throttle.c) ----
 *
 * Failed sign-ins are counted per key — a client address, a name, or the pair — and each
 * failure past a key's free allowance delays that key's next evaluated attempt, the delay
 * doubling up to a short maximum (a growing delay, never a lockout: NIST SP 800-63B §5.2.2
 * asks for rate limiting that does not let an attacker lock the owner out). Attempts while a
 * delay runs are answered 429 without looking at the password and do not count. A key's
 * failures are forgotten after a quiet period. Pure: time comes in as an argument. */
struct auth_throttle_policy {
    int64_t free;      /* failures without a delay; the free-th starts the first one */
    int64_t base_ms;   /* first delay, doubling with each further failure */
    int64_t max_ms;    /* longest delay */
    int64_t forget_ms; /* failures older than this quiet period are forgotten */
};

struct auth_throttle_state {
    int64_t failures;
    int64_t last_at;       /* latest counted failure (ms), 0 = none */
    int64_t blocked_until; /* end of the running delay, or 0 */
    int64_t expires_at;    /* after it the state is forgotten (and may be deleted), 0 = empty */
};

/* The state after a failed, evaluated attempt at now (a forgotten state starts over). */
void auth_throttle_fail(const struct auth_throttle_policy *p, struct auth_throttle_state *st,
                        int64_t now);

/* Milliseconds until st lets an attempt be evaluated (0: now). */
int64_t auth_throttle_wait(const struct auth_throttle_state *st, int64_t now);

#define AUTH_THROTTLE_KEY_LEN 32

/* Keyed hashes (HMAC-SHA256 with the store's secret) naming the throttle states: of a name
 * (ASCII letters folded to lower case, as usernames are), of a client address (IPv6 by its
 * /64, the block one subscriber gets — RFC 6177 §2 — so that rotating through it does not
 * escape), and of the two together. addr is 4 or 16 bytes; IPv4-mapped IPv6 counts as IPv4.
 * The store thus never holds a name someone typed (sometimes a password typed into the wrong
 * field) nor an address. */
void auth_throttle_key_name(const unsigned char secret[32], const char *name,
                            unsigned char out[AUTH_THROTTLE_KEY_LEN]);
void auth_throttle_key_addr(const unsigned char secret[32], const unsigned char *addr,
                            size_t addr_len, unsigned char out[AUTH_THROTTLE_KEY_LEN]);
void auth_throttle_key_pair(const unsigned char secret[32], const unsigned char *addr,
                            size_t addr_len, const char *name,
                            unsigned char out[AUTH_THROTTLE_KEY_LEN]);

#endif
