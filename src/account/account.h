/*
 * account.h — organisations, users and tokens as domain values, and the field tables that
 * describe the request bodies creating them (so the HTTP API and the CLI validate alike).
 *
 * Pure: no storage (store/ persists these), no HTTP. Validation reuses the report format's
 * engine (report_check_fields), giving the same bilingual, gather-all errors.
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
    int failed_logins;
    int64_t locked_until;
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

/* Request-body tables: sign-in, new organisation, new user, new API token. */
extern const struct rf_field account_login_root;
extern const struct rf_field account_org_root;
extern const struct rf_field account_user_root;
extern const struct rf_field account_token_root;

/* Fill an organisation / user from a body that passed its table. The id and created_at are
 * set here (new UUIDv7, now). account_user_from_json adds the checks a table cannot express
 * (organisation id shape, username characters, password strength) to errs; it does not hash
 * the password (the caller does, under its concurrency bound). */
void account_org_from_json(const json_t *doc, int64_t now, struct org *o);
void account_user_from_json(const json_t *doc, int64_t now, struct user *u,
                            struct verr_list *errs);

#endif
