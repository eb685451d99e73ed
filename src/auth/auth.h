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
    ROLE_ADMIN,     /* platform operator: organisations, users, audit; not report contents */
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
    ACT__COUNT
};

struct principal {
    char user_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char token_id[UUID_STR_LEN];
    char username[65];
    enum role role;
    int64_t expires_at; /* ms; 0 = no expiry */
};

enum authz { AUTHZ_OK = 0, AUTHZ_FORBIDDEN = -1 /* 403 */, AUTHZ_HIDDEN = -2 /* 404 */ };

/* May p perform a on an object owned by object_org (NULL when the action has no object or the
 * object is not organisation-scoped)? Admins pass organisation scoping for the actions the
 * table grants them; nobody else does. */
enum authz auth_check(const struct principal *p, enum auth_action a, const char *object_org);

/* Password rules (NIST SP 800-63B §5.1.1.2: length over composition): 10–256 bytes, not all
 * the same character. Returns NULL if acceptable, else an English reason. */
const char *auth_password_weak(const char *pw);

/* argon2id (libsodium crypto_pwhash_str, interactive limits). out holds >= 128 bytes.
 * Returns 0 or -1 (out of memory). Takes ~0.1 s and 64 MiB: callers bound concurrency. */
int auth_password_hash(const char *pw, char out[128]);
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

#endif
