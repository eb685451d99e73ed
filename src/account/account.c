/*
 * account.c — request-body tables for organisations, users, tokens and sign-in.
 */
#include "account.h"
#include "../core/rtime.h"

static const struct rf_field login_fields[] = {
    {"username", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 64, "ユーザー名", "username", NULL},
    {"password", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 256, "パスワード", "password", NULL},
    /* two-factor sign-in (issue 12): the authenticator's code, or a one-time recovery code */
    {"totp_code", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 16, "認証コード", "TOTP code", NULL},
    {"recovery_code", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 32, "リカバリーコード",
     "recovery code", NULL},
    {0}};
const struct rf_field account_login_root = {"", RF_OBJECT, 0, login_fields, NULL, RFMT_NONE, 0, 0,
                                           "サインイン", "sign-in", NULL};

/* Kinds of account organisations: reporting ones as in the report format, plus receiving
 * authorities and the platform operator. */
static const struct rf_enum account_kind_values[] = {
    REPORT_ORG_KINDS,
    {"authority", "報告受領機関", "receiving authority"},
    {"operator", "プラットフォーム運営者", "platform operator"},
    {"other", "その他", "other"},
    {0}};

/* Size bands for peer groups (staff numbers as the EU SME definition counts them). */
static const struct rf_enum account_size_values[] = {
    {"micro", "小規模（10人未満）", "micro (fewer than 10 staff)"},
    {"small", "小企業（50人未満）", "small (fewer than 50 staff)"},
    {"medium", "中企業（250人未満）", "medium (fewer than 250 staff)"},
    {"large", "大企業（250人以上）", "large (250 staff or more)"},
    {0}};

static const struct rf_field org_fields[] = {
    {"name_ja", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 200, "名称（日本語）", "name (Japanese)", NULL},
    {"name_en", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 200, "名称（英語）", "name (English)", NULL},
    {"corporate_number", RF_STRING, 0, NULL, NULL, RFMT_CORPORATE_NUMBER, 0, 13, "法人番号", "corporate number", NULL},
    {"kind", RF_ENUM, RF_REQUIRED, NULL, account_kind_values, RFMT_NONE, 0, 0, "種別", "kind", NULL},
    {"sector", RF_ENUM, 0, NULL, report_ci_sector_values, RFMT_NONE, 0, 0, "重要インフラ分野",
     "critical-infrastructure sector", NULL},
    {"prefecture", RF_STRING, 0, NULL, NULL, RFMT_PREFECTURE, 0, 5, "都道府県", "prefecture", NULL},
    {"listed", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "上場", "listed", NULL},
    {"size_band", RF_ENUM, 0, NULL, account_size_values, RFMT_NONE, 0, 0, "規模", "size band", NULL},
    {"time_zone", RF_STRING, 0, NULL, NULL, RFMT_TZ, 0, 63, "タイムゾーン", "time zone", NULL},
    {0}};
const struct rf_field account_org_root = {"", RF_OBJECT, 0, org_fields, NULL, RFMT_NONE, 0, 0,
                                         "組織", "organisation", NULL};

static const struct rf_enum role_values[] = {
    {"reporter", "報告者", "reporter"},
    {"recipient", "受領者", "recipient"},
    {"authority", "機関担当者", "authority analyst"},
    {"admin", "プラットフォーム管理者", "platform administrator"},
    {"org_admin", "組織管理者", "organisation administrator"},
    {0}};

static const struct rf_field user_fields[] = {
    {"org_id", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 36, "組織ID", "organisation id", NULL},
    {"username", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 64, "ユーザー名", "username", NULL},
    {"display_name", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 200, "表示名", "display name", NULL},
    {"role", RF_ENUM, RF_REQUIRED, NULL, role_values, RFMT_NONE, 0, 0, "ロール", "role", NULL},
    {"password", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 256, "初期パスワード", "initial password", NULL},
    {0}};
const struct rf_field account_user_root = {"", RF_OBJECT, 0, user_fields, NULL, RFMT_NONE, 0, 0,
                                          "ユーザー", "user", NULL};

/* api: the whole API as its user; calendar: only the deadline calendar feed (issue 10 item 9),
 * for calendar programs that can only be given a URL. */
static const struct rf_enum token_kind_values[] = {
    {"api", "API", "API"},
    {"calendar", "カレンダー配信（期限の予定表の読取りのみ）", "calendar feed (reads the deadline calendar only)"},
    {0}};

static const struct rf_field token_fields[] = {
    {"name", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 100, "名前", "name", NULL},
    {"expires_in_days", RF_INTEGER, 0, NULL, NULL, RFMT_NONE, 1, 3650, "有効日数", "days valid", NULL},
    {"kind", RF_ENUM, 0, NULL, token_kind_values, RFMT_NONE, 0, 0, "種類", "kind", NULL},
    {0}};
const struct rf_field account_token_root = {"", RF_OBJECT, 0, token_fields, NULL, RFMT_NONE, 0, 0,
                                           "トークン", "token", NULL};

/* PATCH /api/v1/users/{id}: any of these; absent ones stay as they are. */
static const struct rf_field user_patch_fields[] = {
    {"role", RF_ENUM, 0, NULL, role_values, RFMT_NONE, 0, 0, "ロール", "role", NULL},
    {"disabled", RF_BOOL, 0, NULL, NULL, RFMT_NONE, 0, 0, "無効", "disabled", NULL},
    {"display_name", RF_STRING, 0, NULL, NULL, RFMT_NONE, 0, 200, "表示名", "display name", NULL},
    {0}};
const struct rf_field account_user_patch_root = {"", RF_OBJECT, 0, user_patch_fields, NULL,
                                                 RFMT_NONE, 0, 0, "ユーザーの変更",
                                                 "change to a user", NULL};

static const struct rf_field password_fields[] = {
    {"current_password", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 256, "現在のパスワード",
     "current password", NULL},
    {"new_password", RF_STRING, RF_REQUIRED, NULL, NULL, RFMT_NONE, 0, 256, "新しいパスワード",
     "new password", NULL},
    {0}};
const struct rf_field account_password_root = {"", RF_OBJECT, 0, password_fields, NULL,
                                               RFMT_NONE, 0, 0, "パスワードの変更",
                                               "password change", NULL};

static const char *opt_str(const json_t *doc, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(doc, key));
    return s ? s : dflt;
}

void account_org_from_json(const json_t *doc, int64_t now, struct org *o)
{
    memset(o, 0, sizeof(*o));
    uuid_v7_new(o->id);
    xstrlcpy(o->name_ja, opt_str(doc, "name_ja", ""), sizeof(o->name_ja));
    xstrlcpy(o->name_en, opt_str(doc, "name_en", ""), sizeof(o->name_en));
    xstrlcpy(o->corporate_number, opt_str(doc, "corporate_number", ""), sizeof(o->corporate_number));
    xstrlcpy(o->kind, opt_str(doc, "kind", "other"), sizeof(o->kind));
    xstrlcpy(o->sector, opt_str(doc, "sector", "none"), sizeof(o->sector));
    xstrlcpy(o->prefecture, opt_str(doc, "prefecture", ""), sizeof(o->prefecture));
    xstrlcpy(o->size_band, opt_str(doc, "size_band", ""), sizeof(o->size_band));
    xstrlcpy(o->time_zone, opt_str(doc, "time_zone", ""), sizeof(o->time_zone));
    o->listed = json_is_true(json_object_get(doc, "listed"));
    o->created_at = now;
}

void account_user_from_json(const json_t *doc, int64_t now, struct user *u,
                            struct verr_list *errs)
{
    const char *pw = json_string_value(json_object_get(doc, "password")), *weak;
    memset(u, 0, sizeof(*u));
    uuid_v7_new(u->id);
    xstrlcpy(u->org_id, opt_str(doc, "org_id", ""), sizeof(u->org_id));
    xstrlcpy(u->username, opt_str(doc, "username", ""), sizeof(u->username));
    xstrlcpy(u->display_name, opt_str(doc, "display_name", ""), sizeof(u->display_name));
    u->role = auth_role_parse(opt_str(doc, "role", ""));
    u->created_at = now;
    /* absent fields are reported as "required" by the table; only check what was given */
    if (u->org_id[0] && !uuid_valid(u->org_id, strlen(u->org_id)))
        verr_add(errs, "/org_id", "format", "organisation id: must be an organisation id (UUID)",
                 "組織ID: 組織のID（UUID）で指定してください");
    if (u->username[0] && !auth_username_valid(u->username))
        verr_add(errs, "/username", "format",
                 "username: 3-64 of a-z 0-9 . _ @ -, starting with a letter or digit",
                 "ユーザー名: 英小文字・数字・「._@-」の3〜64文字（先頭は英数字）で指定してください");
    if (pw && (weak = auth_password_weak(pw))) {
        char en[160];
        snprintf(en, sizeof(en), "initial password: %s", weak);
        verr_add(errs, "/password", "weak_password", en,
                 "初期パスワード: 10文字以上で、同じ文字の繰り返しでないものにしてください");
    }
}

void account_user_patch(const json_t *doc, struct user *u, struct verr_list *errs)
{
    const json_t *role = json_object_get(doc, "role"), *off = json_object_get(doc, "disabled");
    const json_t *name = json_object_get(doc, "display_name");
    if (!role && !off && !name)
        verr_add(errs, "", "empty_change", "give at least one of role, disabled, display_name",
                 "role、disabled、display_name のいずれかを指定してください");
    if (json_is_string(role))
        u->role = auth_role_parse(json_string_value(role));
    if (json_is_boolean(off))
        u->disabled = json_is_true(off);
    if (json_is_string(name))
        xstrlcpy(u->display_name, json_string_value(name), sizeof(u->display_name));
}

enum role account_admin_role(bool org_is_operator)
{
    return org_is_operator ? ROLE_ADMIN : ROLE_ORG_ADMIN;
}

static bool administers(const struct user *u, enum role admin_role)
{
    return u && !u->disabled && u->role == admin_role;
}

/* The platform administrator's one change to another organisation: appointing an existing
 * member its administrator (and enabling it if needed), nothing else. */
static bool appointment(const struct account_scene *sc)
{
    return sc->after->role == ROLE_ORG_ADMIN && !sc->after->disabled &&
           !strcmp(sc->after->display_name, sc->before->display_name);
}

enum account_verdict account_decide(const struct account_scene *sc, enum account_pre *pre,
                                    bool *keep_admin)
{
    enum role ar = account_admin_role(sc->org_is_operator);
    *pre = ACCOUNT_PRE_NONE;
    *keep_admin = false;
    /* platform administrators belong to the operator's organisation, nowhere else, and only
     * one of them (or the operator's CLI) makes another */
    if (sc->after->role == ROLE_ADMIN && (!sc->before || sc->before->role != ROLE_ADMIN) &&
        (!sc->org_is_operator || (sc->who != ACCOUNT_BY_CLI && sc->actor_role != ROLE_ADMIN)))
        return ACCOUNT_ROLE_REFUSED;
    switch (sc->who) {
    case ACCOUNT_BY_MEMBER_ADMIN:
        if (!sc->create && administers(sc->before, ar) && !administers(sc->after, ar)) {
            if (sc->administrators <= 1)
                return ACCOUNT_LAST_ADMIN;
            *keep_admin = true; /* another may be leaving at the same moment */
        }
        return ACCOUNT_OK;
    case ACCOUNT_BY_CLI:
        /* the operator's own organisation is the operator's to manage */
        if (sc->org_is_operator)
            return ACCOUNT_OK;
        if (sc->administrators > 0 && !sc->break_glass)
            return ACCOUNT_HAS_ADMIN;
        *pre = sc->break_glass ? ACCOUNT_PRE_NONE : ACCOUNT_PRE_NO_ADMIN;
        return ACCOUNT_OK;
    case ACCOUNT_BY_PLATFORM:
    default:
        if (sc->administrators > 0)
            return ACCOUNT_HAS_ADMIN;
        if (sc->create) {
            if (sc->members > 0 || sc->after->role != ROLE_ORG_ADMIN)
                return ACCOUNT_ONBOARDING;
            *pre = ACCOUNT_PRE_NO_MEMBERS;
            return ACCOUNT_OK;
        }
        if (!appointment(sc))
            return ACCOUNT_ONBOARDING;
        *pre = ACCOUNT_PRE_NO_ADMIN;
        return ACCOUNT_OK;
    }
}

static json_t *time_json(int64_t ms)
{
    char s[40];
    rtime_format_utc(ms, s, sizeof(s));
    return json_string(s);
}

static void change(json_t *changes, const char *key, json_t *from, json_t *to)
{
    if (json_equal(from, to)) {
        json_decref(from);
        json_decref(to);
        return;
    }
    json_object_set_new(changes, key, json_pack("{s:o, s:o}", "from", from, "to", to));
}

static json_t *org_json(const struct org *o)
{
    /* names as stored (validated when the organisation was created) */
    return json_pack("{s:s, s:o, s:o}", "org_id", o->id, "name_ja",
                     json_string_nocheck(o->name_ja), "name_en", json_string_nocheck(o->name_en));
}

json_t *account_binding_event_json(const char *org_id, const char *recipient_id,
                                   const struct org *previous, const struct org *current,
                                   int64_t now)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "event", "recipient_binding.changed",
                     "organization_id", org_id, "recipient_id", recipient_id, "previous",
                     previous ? org_json(previous) : json_null(), "current", org_json(current),
                     "created_at", time_json(now));
}

json_t *account_event_json(const char *event, const struct user *after, const struct user *before,
                           const char *by_kind, const char *by_user, bool break_glass, int64_t now)
{
    json_t *j = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:b}, s:{s:s, s:o}, s:b, s:o}",
                          "event", event, "organization_id", after->org_id, "user", "id", after->id,
                          "username", after->username, "display_name", after->display_name, "role",
                          auth_role_name(after->role), "disabled", after->disabled, "by", "kind",
                          by_kind, "user_id", by_user ? json_string(by_user) : json_null(),
                          "break_glass", break_glass, "created_at", time_json(now));
    if (before) {
        json_t *c = json_object();
        change(c, "role", json_string(auth_role_name(before->role)),
               json_string(auth_role_name(after->role)));
        change(c, "disabled", json_boolean(before->disabled), json_boolean(after->disabled));
        change(c, "display_name", json_string(before->display_name),
               json_string(after->display_name));
        json_object_set_new(j, "changes", c);
    }
    return j;
}

const char *account_org_zone(const struct org *o)
{
    if (o->time_zone[0])
        return o->time_zone;
    /* every Japanese prefecture keeps one zone, without daylight saving time */
    return !strncmp(o->prefecture, "JP-", 3) ? "Asia/Tokyo" : "UTC";
}
