/*
 * account.h — organisations, users and tokens as domain values, and the field tables that
 * describe the request bodies creating them (so the HTTP API and the CLI validate alike).
 *
 * Pure: no storage (store/ persists these), no HTTP. Validation uses the field-table
 * engine (schema_check), giving the same bilingual, gather-all errors.
 */
#ifndef ACCOUNT_ACCOUNT_H
#define ACCOUNT_ACCOUNT_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/hash.h"
#include "../core/uuid.h"
#include "../core/verr.h"
#include "../auth/auth.h"
#include "../report/report.h"
#include "../schema/schema.h"

#define ACCOUNT_NAME_BYTES 804 /* 200 characters of UTF-8 + NUL */

struct org {
    char id[UUID_STR_LEN];
    char name_ja[ACCOUNT_NAME_BYTES];
    char name_en[ACCOUNT_NAME_BYTES];
    char corporate_number[14]; /* "" when none */
    char kind[32];
    char sector[32];    /* critical-infrastructure sector, "none" */
    char prefecture[8]; /* "JP-13" or "" */
    char size_band[12]; /* micro, small, medium, large, or "" (peer groups use it) */
    bool listed;
    int64_t created_at;
    char time_zone[64]; /* IANA zone its deadlines are shown in, or "" (account_org_zone) */
};

struct user {
    char id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char username[65];
    char display_name[ACCOUNT_NAME_BYTES];
    enum role role;
    char password_hash[128]; /* "" when the user signs in only with API tokens */
    bool disabled;
    int64_t created_at;
    /* The password was set by someone else (an administrator creating the account): signing
     * in with it gives a token that can only change it (issue 8.12). */
    bool must_change_password;
};

struct token_rec {
    char id[UUID_STR_LEN];
    char user_id[UUID_STR_LEN];
    unsigned char hash[HASH_SHA256_LEN];
    char name[101];
    char kind[12]; /* "session" (from sign-in) or "api" */
    int64_t created_at;
    int64_t expires_at; /* 0 = never */
    int64_t revoked_at; /* 0 = live */
};

/* Request-body tables: sign-in, new organisation, new user, new API token, a change to a
 * user (PATCH), one's own new password. */
extern const struct rf_field account_login_root;
extern const struct rf_field account_org_root;
extern const struct rf_field account_user_root;
extern const struct rf_field account_token_root;
extern const struct rf_field account_user_patch_root;
extern const struct rf_field account_password_root;

/* Fill an organisation / user from a body that passed its table. The id and created_at are
 * set here (new UUIDv7, now). account_user_from_json adds the checks a table cannot express
 * (organisation id shape, username characters, password strength) to errs; it does not hash
 * the password (the caller does, under its concurrency bound). */
void account_org_from_json(const json_t *doc, int64_t now, struct org *o);

/* The IANA zone o's deadlines are shown in (calendar feed, open obligations; issue 10 item 9):
 * its time_zone, or, when it set none, Asia/Tokyo for an organisation in a Japanese prefecture
 * and UTC otherwise. Static or borrowed from o. */
const char *account_org_zone(const struct org *o);
void account_user_from_json(const json_t *doc, int64_t now, struct user *u, struct verr_list *errs);

/* Applies a PATCH body that passed account_user_patch_root to u (role, disabled,
 * display_name); adds to errs what a table cannot say (an empty change). */
void account_user_patch(const json_t *doc, struct user *u, struct verr_list *errs);

/* ---- who manages an organisation's accounts (issue 8.12) ----
 *
 * An organisation's users are created, disabled and given roles by the organisation's own
 * administrators (role org_admin; in the platform operator's organisation, its platform
 * administrators). The platform administrator gives an organisation its first administrator
 * — by creating it while the organisation has no users at all (onboarding), or by appointing
 * an existing member of an organisation that has none (an organisation from before this rule,
 * or one whose administrators all left) — and nothing else: it never creates a member it
 * could sign in as in an organisation that has users, which is how it could otherwise read an
 * organisation's reports. The CLI (the operator at the machine, who can read the database file
 * anyway) may set an organisation up while it has no administrator; afterwards only with
 * --break-glass, and then loudly (audited, announced to the organisation). */

enum account_who {
    ACCOUNT_BY_MEMBER_ADMIN, /* an administrator of the user's own organisation */
    ACCOUNT_BY_PLATFORM,     /* the platform administrator, for another organisation */
    ACCOUNT_BY_CLI,          /* `ichigen admin` on the server */
};

struct account_scene {
    enum account_who who;
    enum role actor_role;      /* ROLE_NONE for the CLI */
    bool break_glass;          /* CLI only */
    bool org_is_operator;      /* the organisation is the platform operator's (kind "operator") */
    int64_t members;           /* users of the organisation, enabled or not */
    int64_t administrators;    /* its enabled administrators (account_admin_role) */
    bool create;               /* a new user, else a change to an existing one */
    const struct user *before; /* the change: the user as it is; NULL for a create */
    const struct user *after;  /* the user as it would be */
};

enum account_verdict {
    ACCOUNT_OK,
    ACCOUNT_HAS_ADMIN,    /* 403: the organisation manages its own users */
    ACCOUNT_ONBOARDING,   /* 403: the platform admin may only give it its first administrator */
    ACCOUNT_ROLE_REFUSED, /* 422 /role: "admin" exists only in the operator's organisation */
    ACCOUNT_LAST_ADMIN,   /* 409: the change would leave the organisation without one */
};

/* What the store must re-check inside the write's transaction (store.h, user_write). */
enum account_pre {
    ACCOUNT_PRE_NONE,
    ACCOUNT_PRE_NO_ADMIN,   /* still no enabled administrator */
    ACCOUNT_PRE_NO_MEMBERS, /* still no users at all */
};

/* The administrator role of an organisation: admin in the operator's, org_admin elsewhere. */
enum role account_admin_role(bool org_is_operator);

/* Decides a create or a change; on ACCOUNT_OK *pre says what the store re-checks, and
 * *keep_admin whether it must refuse a result without an enabled administrator. Pure. */
enum account_verdict account_decide(const struct account_scene *sc, enum account_pre *pre,
                                    bool *keep_admin);

/* The event an organisation is told about (its notifications and reminder webhook):
 * {"event", "organization_id", "user": {...}, "changes": {...} (changes only), "by": {"kind",
 * "user_id"}, "break_glass", "created_at"}. event: account.created, account.changed,
 * account.password_changed. by_kind: organization_admin, platform_admin, operator_cli, self.
 * by_user may be NULL. before is NULL for a create. Never a password or its hash. New
 * reference. */
json_t *account_event_json(const char *event, const struct user *after, const struct user *before,
                           const char *by_kind, const char *by_user, bool break_glass, int64_t now);

/* The event organisation org_id is told when the organisation receiving for recipient_id
 * changes (issue 8.12; docs/delivery.md): {"event": "recipient_binding.changed",
 * "organization_id", "recipient_id", "previous": null | {"org_id", "name_ja", "name_en"},
 * "current": {"org_id", "name_ja", "name_en"}, "created_at"}. previous is NULL when none
 * received before. New reference. */
json_t *account_binding_event_json(const char *org_id, const char *recipient_id,
                                   const struct org *previous, const struct org *current,
                                   int64_t now);

#endif
