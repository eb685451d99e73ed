/*
 * app_account.h — accounts as use cases (issue 8.12): organisations, users and API tokens,
 * and the bounded password work they need. The HTTP handlers (h_accounts.c, h_users.c) and
 * `ichigen admin` (cli_admin.c) call the same functions, so the rule of who may give an
 * organisation users (account_decide, src/account/) and what is audited and announced are
 * decided once.
 *
 * The actor: who is the signed-in principal, or NULL for the operator at the machine
 * (`ichigen admin`), who is audited as "cli" and is subject to account_decide's CLI rules
 * instead of the permission matrix. Inputs are decoded first (app_*_decode, pure, usable
 * before a store is opened, as the CLI must check its arguments before it creates a
 * database), then the use case decides and writes. Results as in app_problem.h; nothing here
 * knows HTTP or a terminal.
 *
 * Layer: app (docs/architecture.md).
 */
#ifndef APP_APP_ACCOUNT_H
#define APP_APP_ACCOUNT_H

#include <jansson.h>

#include "app.h"
#include "app_problem.h"
#include "../account/account.h"
#include "../auth/auth.h"

/* The audit actor of the operator's CLI. */
#define APP_ACTOR_CLI "cli"

/* ---- password work, bounded (argon2id uses 64 MiB per computation) ---- */

/* argon2id at the configured cost, at most password_hash_concurrency at a time (app->pw_lock
 * and pw_cond must be initialised). Returns 0 or -1. */
int app_password_hash(struct app *app, const char *pw, char out[128]);
/* Verifies pw against stored; for a missing hash (unknown user, NULL or "") it verifies
 * against a dummy hash of the same cost, so that the answer takes as long, and returns false. */
bool app_password_verify(struct app *app, const char *stored, const char *pw);

/* ---- organisations ---- */

/* Checks a new organisation's body against its field table and fills o (new id, now).
 * VALIDATION with every problem. Pure. */
enum app_problem app_org_decode(const json_t *body, const struct schema_limits *lim, int64_t now_ms,
                                struct org *o, struct app_result *res);
/* Creates o (decoded). FORBIDDEN unless the platform administrator (or the CLI); CONFLICT_UNIQUE
 * for a corporate number taken. */
enum app_problem app_org_create(struct app *app, const struct principal *who, const struct org *o,
                                int64_t now_ms, struct app_result *res);
/* One page of organisations (the caller frees *orgs). */
enum app_problem app_org_list(struct app *app, const struct principal *who, const char *after,
                              int limit, struct org **orgs, size_t *n, bool *more,
                              struct app_result *res);
/* Organisation id: who's own, or any for the platform administrator; NOT_FOUND otherwise. */
enum app_problem app_org_get(struct app *app, const struct principal *who, const char *id,
                             struct org *out, struct app_result *res);

/* ---- users ---- */

/* Checks a new user's body (the field table and what it cannot express) and fills u. Pure.
 * INVALID_FIELDS with every problem. */
enum app_problem app_user_decode(const json_t *body, const struct schema_limits *lim,
                                 int64_t now_ms, struct user *u, struct app_result *res);

/* Creates u (decoded) when account_decide allows who to: password is the initial password,
 * or NULL to generate one (written to generated, shown once). A password someone else set
 * must be changed at first sign-in; owner_password says the owner chose it (the CLI's
 * --password-stdin). Audited and told to the organisation in the same transaction.
 * Problems: FORBIDDEN / NOT_FOUND (matrix), UNKNOWN_ORGANIZATION, ORG_HAS_ADMIN,
 * ONBOARDING_ONLY, ROLE_REFUSED, ADMINS_CHANGED (the organisation changed meanwhile),
 * store problems (res->store holds the store's result). */
enum app_problem app_user_create(struct app *app, const struct principal *who, struct user *u,
                                 const char *password, bool owner_password, bool break_glass,
                                 int64_t now_ms, char generated[21], struct app_result *res);

/* Applies a PATCH body (role, disabled, display_name) to user id when account_decide allows;
 * *out is the user as changed. Disabling revokes the user's tokens. NOT_FOUND (also another
 * organisation's user), FORBIDDEN, INVALID_FIELDS, ORG_HAS_ADMIN, ONBOARDING_ONLY,
 * ROLE_REFUSED, LAST_ADMINISTRATOR, ADMINS_CHANGED. */
enum app_problem app_user_update(struct app *app, const struct principal *who, const char *id,
                                 const json_t *patch, int64_t now_ms, struct user *out,
                                 struct app_result *res);

/* One page of the users of org (NULL: every organisation's, for the platform administrator;
 * anyone else gets their own). The caller frees *users. */
enum app_problem app_user_list(struct app *app, const struct principal *who, const char *org,
                               const char *after, int limit, struct user **users, size_t *n,
                               bool *more, struct app_result *res);

/* ---- tokens ---- */

/* Mints a token of kind ("session", "setup", "api") named name for u, expiring after ttl_ms
 * (0: never), audited as actor: *t is its record and token (AUTH_TOKEN_LEN + 1 bytes) the
 * secret, shown once (the caller wipes it). Store problems. */
enum app_problem app_token_issue(struct app *app, const struct user *u, const char *kind,
                                 const char *name, int64_t ttl_ms, const char *actor,
                                 int64_t now_ms, struct token_rec *t, char *token,
                                 struct app_result *res);

/* An API token of who's own from {"name"?, "expires_in_days"?} (default name "api", no
 * expiry): *t and the secret as app_token_issue. VALIDATION, UNAVAILABLE. */
enum app_problem app_token_create(struct app *app, const struct principal *who, const json_t *body,
                                  int64_t now_ms, struct user *u, struct token_rec *t, char *token,
                                  struct app_result *res);
/* who's own tokens (the caller frees *t; never a secret, only hashes are stored). */
enum app_problem app_token_list(struct app *app, const struct principal *who, struct token_rec **t,
                                size_t *n, struct app_result *res);

/* Revokes token id: one's own, or any for the platform administrator (a stolen token must be
 * stoppable). NOT_FOUND for a malformed id or another's token. */
enum app_problem app_token_revoke(struct app *app, const struct principal *who, const char *id,
                                  int64_t now_ms, struct app_result *res);

/* ---- signing in, one's own password (app_signin.c) ---- */

/* The network peer of an attempt: 4 bytes (IPv4) or 16 (IPv6), len 0 when unknown. */
struct app_client {
    unsigned char addr[16];
    size_t len;
};

/* What a sign-in or a password change gives back. */
struct app_signin {
    struct user user;                /* the account (never shown: it holds the password hash) */
    struct token_rec token;          /* the new session on APP_OK */
    char secret[AUTH_TOKEN_LEN + 1]; /* its bearer token, shown once; the caller wipes it */
    int64_t wait_ms;                 /* THROTTLED: how long until an attempt is evaluated again */
    bool failed;                     /* a wrong password (or unknown name) was tried and counted */
    bool revoked; /* the user's tokens may have been revoked (password written) */
};

/* Signs in with {"username", "password"} from client: a "session" token, or a "setup" token
 * (it only changes the password) when someone else set the password. Throttled, not locked
 * (issue 8.13): during a delay THROTTLED without looking at the password; unknown names and
 * wrong passwords take the same path and time and give LOGIN_FAILED. VALIDATION for a body
 * that does not fit. */
enum app_problem app_signin(struct app *app, const struct app_client *client, const json_t *body,
                            int64_t now_ms, struct app_signin *out, struct app_result *res);

/* The same sign-in for a browser (issue 12): a cookie session (token kind "web", or
 * "web-setup" while the password is someone else's) that lasts session_max_hours at most and
 * ends after session_idle_minutes without use. */
enum app_problem app_session_signin(struct app *app, const struct app_client *client,
                                    const json_t *body, int64_t now_ms, struct app_signin *out,
                                    struct app_result *res);

/* Changes who's own password with {"current_password", "new_password"}: every token of the
 * user is revoked and a new session opened. INVALID_FIELDS (a weak or unchanged new password;
 * a wrong current one, which counts as a failed sign-in), THROTTLED, VALIDATION. */
enum app_problem app_password_change(struct app *app, const struct principal *who,
                                     const struct app_client *client, const json_t *body,
                                     int64_t now_ms, struct app_signin *out,
                                     struct app_result *res);

/* ---- two-factor sign-in (issue 12; app_two_factor.c) ---- */

/* What starting an enrolment gives the user once: the secret in base32 and the otpauth://
 * URI an authenticator app reads (as text or a QR code). */
struct app_two_factor_start {
    char secret[64];
    char uri[400];
};

/* Starts (or restarts) who's enrolment: a new secret, sealed and stored pending. TWO_FACTOR_STATE
 * when two-factor sign-in is already on; store problems. */
enum app_problem app_two_factor_begin(struct app *app, const struct principal *who, int64_t now_ms,
                                      struct app_two_factor_start *out, struct app_result *res);
/* Confirms the pending enrolment with {"code"}: on, and codes holds ten new recovery codes
 * (shown once; only their hashes are stored). VALIDATION (no code), INVALID_FIELDS (/code
 * wrong_code), TWO_FACTOR_STATE (nothing pending, or already on). */
enum app_problem
app_two_factor_confirm(struct app *app, const struct principal *who, const json_t *body,
                       int64_t now_ms, char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1],
                       struct app_result *res);
/* Turns it off with {"password"} (checked and throttled as a sign-in): TWO_FACTOR_REQUIRED_FOR_ROLE
 * for authority, org_admin and admin users; INVALID_FIELDS (/password wrong_password),
 * THROTTLED (out->wait_ms), TWO_FACTOR_STATE (not on). */
enum app_problem app_two_factor_disable(struct app *app, const struct principal *who,
                                        const struct app_client *client, const json_t *body,
                                        int64_t now_ms, struct app_signin *out,
                                        struct app_result *res);
/* A new set of recovery codes with {"password"} (the old ones void): as disable, without the
 * role rule; TWO_FACTOR_STATE when two-factor sign-in is not on. */
enum app_problem app_two_factor_codes(struct app *app, const struct principal *who,
                                      const struct app_client *client, const json_t *body,
                                      int64_t now_ms,
                                      char codes[STORE_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1],
                                      struct app_signin *out, struct app_result *res);

/* The second factor of a sign-in whose password was right: OK (not on, or a good code: a TOTP
 * code whose step was not used before, or an unused recovery code, which is then used up),
 * MISSING (on, and neither was sent), WRONG (a code that is not good), ERROR (res holds the
 * problem). */
enum app_second { APP_SECOND_OK, APP_SECOND_MISSING, APP_SECOND_WRONG, APP_SECOND_ERROR };
enum app_second app_two_factor_signin(struct app *app, const struct user *u, const json_t *body,
                                      int64_t now_ms, struct app_result *res);

/* Re-checks who's password from {"password"} before a sensitive change, throttled and counted
 * as sign-ins are: INVALID_FIELDS (/password wrong_password, or missing), THROTTLED. */
enum app_problem app_password_recheck(struct app *app, const struct principal *who,
                                      const struct app_client *client, const json_t *body,
                                      int64_t now_ms, struct app_signin *out,
                                      struct app_result *res);

#endif
