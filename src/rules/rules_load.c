/*
 * rules_load.c — reading data/{calendars,recipients,rules} into a rule set through the data-file
 * loader (core/datafile.h), with every problem reported as file:line:column in a diag_list.
 * Structure is checked with field tables (rules_tables.c, on the engine of src/schema/; calendars
 * by calendar_from_json); then references (recipients, calendars, time zones), conditions
 * (compiled against the report format), required-field pointers and deadline consistency. This file
 * is the module's only I/O.
 */
#include <ctype.h>
#include <unistd.h>

#include "rules_int.h"
#include "../core/buf.h"
#include "../core/datafile.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"
#include "../report/report.h"
#include "../schema/schema.h"

#define MAX_FILE_BYTES (4 * 1024 * 1024)
#define MAX_FILES 2000

/* ---- pool ---- */

struct pool_block {
    struct pool_block *next;
    size_t used, cap;
    _Alignas(16) char data[];
};

void *rules_pool_alloc(struct ruleset *rs, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!rs->pool || rs->pool->used + n > rs->pool->cap) {
        size_t cap = MAX(n, (size_t)64 * 1024);
        struct pool_block *b = xmalloc(sizeof(*b) + cap);
        b->next = rs->pool, b->used = 0, b->cap = cap;
        rs->pool = b;
    }
    void *p = rs->pool->data + rs->pool->used;
    rs->pool->used += n;
    memset(p, 0, n);
    return p;
}

const char *rules_pool_strdup(struct ruleset *rs, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = rules_pool_alloc(rs, n);
    memcpy(p, s, n);
    return p;
}

/* ---- files ---- */

static const struct datafile_limits limits = {MAX_FILE_BYTES, 64};

/* The rules version: SHA-256 over each file's path relative to the data directory and its
 * bytes, so the same files give the same version wherever they are installed. */
struct version_hash {
    struct hash_sha256_ctx ctx;
    size_t root; /* length of "data_dir/" */
};

/* Reads and parses one file through the data-file loader; problems go to d. A file that loads
 * counts towards the rules version. Returns 0 or -1; f is released by the caller either way. */
static int load_file(const char *path, struct datafile *f, struct version_hash *h,
                     struct diag_list *d)
{
    if (datafile_load(f, path, &limits, d))
        return -1;
    const char *rel = strlen(path) > h->root ? path + h->root : path;
    hash_sha256_update(&h->ctx, rel, strlen(rel) + 1);
    hash_sha256_update(&h->ctx, f->text, f->n);
    return 0;
}

/* ---- building: small helpers ---- */

static struct text2 text2_of(struct ruleset *rs, const json_t *o)
{
    struct text2 t = {rules_pool_strdup(rs, json_string_value(json_object_get(o, "ja"))),
                      rules_pool_strdup(rs, json_string_value(json_object_get(o, "en")))};
    return t;
}

static const char *str_of(struct ruleset *rs, const json_t *o, const char *key)
{
    return rules_pool_strdup(rs, json_string_value(json_object_get(o, key)));
}

static struct verification *verifications(struct ruleset *rs, const json_t *arr, size_t *n)
{
    struct verification *v;
    *n = json_array_size(arr);
    v = rules_pool_alloc(rs, (*n + 1) * sizeof(*v));
    for (size_t i = 0; i < *n; i++) {
        const json_t *o = json_array_get(arr, i);
        v[i].unconfirmed = !strcmp(json_string_value(json_object_get(o, "marker")), "UNCONFIRMED");
        v[i].note = text2_of(rs, json_object_get(o, "note"));
    }
    return v;
}

/* Whether url is https on one of the official domains: the host (after "https://", before any
 * "/", "?", "#" or ":port") equals a listed domain, ignoring case (RFC 3986 §3.2.2). Exact
 * match only: a listed domain does not vouch for its sub-domains, which may be run by others.
 * A URL with user information ("https://a@b/") is never primary. */
static bool official_url(const struct ruleset *rs, const char *url)
{
    static const char scheme[] = "https://";
    if (!url || strncmp(url, scheme, sizeof(scheme) - 1))
        return false;
    const char *h = url + sizeof(scheme) - 1;
    size_t n = strcspn(h, "/?#");
    if (memchr(h, '@', n)) /* user information: the host is not what it seems at a glance */
        return false;
    const char *colon = memchr(h, ':', n);
    if (colon)
        n = (size_t)(colon - h);
    for (size_t i = 0; i < rs->nhosts; i++) {
        const char *d = rs->hosts[i];
        if (strlen(d) != n)
            continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)h[k]) == d[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static void citation_of(struct ruleset *rs, const json_t *o, struct citation *c)
{
    c->title = text2_of(rs, json_object_get(o, "title"));
    c->article = str_of(rs, o, "article");
    c->article_en = str_of(rs, o, "article_en");
    c->url = str_of(rs, o, "url");
    c->primary = official_url(rs, c->url);
}

/* An article written in Japanese needs its English form, so English output never prints only
 * 「第23条（報告義務）」 (issue 11 item 5); "Art. 23" or "§ 164.404" reads the same in both
 * languages. Japanese is any character from U+3000 on (CJK punctuation, kana, kanji, full-width
 * forms), whose UTF-8 lead byte is 0xE3 or above. Reported at ptr, naming the rule. */
static void check_article_en(const struct citation *c, const char *rule_id,
                             const struct datafile *f, const char *ptr, struct diag_list *d)
{
    bool japanese = false;
    for (const char *p = c->article; p && *p; p++)
        japanese |= (unsigned char)*p >= 0xe3;
    if (!japanese || c->article_en)
        return;
    char en[800], ja[800];
    snprintf(en, sizeof(en),
             "rule \"%s\", %s: the article is written in Japanese and has no English form "
             "(article_en)",
             rule_id, ptr);
    snprintf(ja, sizeof(ja),
             "ルール「%s」の %s：条項が日本語のみで、英語表記（article_en）がありません", rule_id,
             ptr);
    datafile_diag(f, d, ptr, "article_en_missing", en, ja);
}

static const struct calendar *find_calendar(const struct ruleset *rs, const char *id)
{
    for (size_t i = 0; id && i < rs->ncals; i++)
        if (!strcmp(calendar_id(rs->cals[i]), id))
            return rs->cals[i];
    return NULL;
}

static const struct recipient *find_recipient(const struct ruleset *rs, const char *id)
{
    for (size_t i = 0; id && i < rs->nrecips; i++)
        if (!strcmp(rs->recips[i].id, id))
            return &rs->recips[i];
    return NULL;
}

static const struct tz *tz_get(struct ruleset *rs, const char *name, struct err *e)
{
    for (size_t i = 0; i < rs->ntzs; i++)
        if (!strcmp(tz_name(rs->tzs[i]), name))
            return rs->tzs[i];
    struct tz *z = tz_load(name, e);
    if (!z)
        return NULL;
    rs->tzs = xrealloc(rs->tzs, (rs->ntzs + 1) * sizeof(*rs->tzs));
    rs->tzs[rs->ntzs++] = z;
    return z;
}

/* Byte offset in f of the character at (line, col), both 1-based, columns in characters as
 * jsonx_locate counts them; f->n when there is none. */
static size_t offset_of(const struct datafile *f, int line, int col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < f->n; i++) {
        unsigned char b = (unsigned char)f->text[i];
        if ((b & 0xc0) == 0x80)
            continue;
        if (l == line && c == col)
            return i;
        if (b == '\n')
            l++, c = 1;
        else
            c++;
    }
    return f->n;
}

/* The column of byte pos of a JSON string's value, the string's opening quote being at
 * (line, col): an escape takes more characters in the file than in the value (\" is two for
 * one, \u00e9 six for two bytes), and columns count characters where pos counts bytes. */
static int string_column(const struct datafile *f, int line, int col, int pos)
{
    size_t i = offset_of(f, line, col) + 1, used = 0;
    int c = col + 1;
    while (i < f->n && f->text[i] != '"' && used < (size_t)pos) {
        if (f->text[i] == '\\' && i + 5 < f->n && f->text[i + 1] == 'u') {
            char hex[5] = {f->text[i + 2], f->text[i + 3], f->text[i + 4], f->text[i + 5], 0};
            unsigned long cp = strtoul(hex, NULL, 16);
            bool pair = cp >= 0xd800 && cp < 0xdc00; /* valid JSON: the low half follows */
            used += pair ? 4 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
            i += pair ? 12 : 6, c += pair ? 12 : 6;
        } else if (f->text[i] == '\\') {
            used++, i += 2, c += 2;
        } else {
            unsigned char b = (unsigned char)f->text[i];
            size_t len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
            used += len, i += len, c++;
        }
    }
    return c;
}

/* Compiles a condition found at pointer; problems point at the character inside the string. */
static struct expr *compile_at(struct ruleset *rs, const char *src, const struct datafile *f,
                               const char *pointer, struct diag_list *d)
{
    struct expr *e;
    struct expr_error err;
    if (expr_compile(src, &e, &err)) {
        char en[600], ja[600];
        snprintf(en, sizeof(en), "condition, at character %d: %s", err.pos + 1, err.en);
        snprintf(ja, sizeof(ja), "条件式の%d文字目: %s", err.pos + 1, err.ja);
        struct diag *x = datafile_diag(f, d, pointer, "condition", en, ja);
        int line, col;
        if (datafile_locate(f, pointer, &line, &col) == 0) /* inside the condition's string */
            x->column = string_column(f, x->line, x->column, err.pos);
        return NULL;
    }
    rs->exprs = xrealloc(rs->exprs, (rs->nexprs + 1) * sizeof(*rs->exprs));
    rs->exprs[rs->nexprs++] = e;
    if (!rs->slots)
        rs->slots = expr_slots_new();
    expr_bind(e, rs->slots);
    return e;
}

/* ---- calendars ---- */

static void load_calendars(struct ruleset *rs, const char *dir, struct version_hash *h,
                           struct diag_list *d)
{
    char **files = datafile_list(dir, false, MAX_FILES);
    for (char **p = files; p && *p; p++) {
        struct datafile l;
        struct verr_list errs;
        if (load_file(*p, &l, h, d)) {
            datafile_release(&l);
            continue;
        }
        verr_list_init(&errs, 200);
        struct calendar *c = calendar_from_json(l.doc, &errs);
        datafile_diag_verrs(&l, d, &errs);
        if (c && find_calendar(rs, calendar_id(c))) {
            datafile_diag(&l, d, "/id", "duplicate_id", "another calendar has this id",
                          "同じIDのカレンダーが既にあります");
            calendar_free(c);
            c = NULL;
        }
        if (c) {
            rs->cals = xrealloc(rs->cals, (rs->ncals + 1) * sizeof(*rs->cals));
            rs->cals[rs->ncals++] = c;
        }
        verr_list_release(&errs);
        datafile_release(&l);
    }
    datafile_list_free(files);
}

/* ---- recipients ---- */

/* The bit of each listed name in vals (report_section_values or the format names). */
static unsigned bits_of(const json_t *arr, const struct rf_enum *vals)
{
    unsigned bits = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        for (unsigned k = 0; vals[k].value; k++)
            if (!strcmp(vals[k].value, json_string_value(v)))
                bits |= 1u << k;
    }
    return bits;
}

static const struct rf_enum format_names[] = {{"json", "", ""}, {"xlsx", "", ""}, {"pdf", "", ""},
                                              {0}};

static void build_delivery(struct ruleset *rs, const json_t *o, struct rules_delivery *dl)
{
    const json_t *formats = json_object_get(o, "formats");
    dl->channel = (enum rules_channel)rules_channel_parse(
        json_string_value(json_object_get(o, "channel")));
    dl->sections = bits_of(json_object_get(o, "sections"), report_section_values);
    /* canonical JSON is offered to every recipient (issue 5: "Canonical JSON for every
     * recipient") */
    dl->formats = RULES_FORMAT_JSON | (formats ? bits_of(formats, format_names) : 0);
    dl->endpoint = json_object_get(o, "endpoint") ? str_of(rs, o, "endpoint") : NULL;
    dl->form = json_object_get(o, "form") ? str_of(rs, o, "form") : NULL;
}

static void build_recipient(struct ruleset *rs, const json_t *o, const struct datafile *f,
                            const char *ptr, struct diag_list *d)
{
    struct recipient *r = &rs->recips[rs->nrecips];
    char p[300];
    struct err e;
    memset(r, 0, sizeof(*r));
    r->id = str_of(rs, o, "id");
    if (find_recipient(rs, r->id)) {
        snprintf(p, sizeof(p), "%s/id", ptr);
        datafile_diag(f, d, p, "duplicate_id", "another recipient has this id",
                      "同じIDの報告先が既にあります");
        return;
    }
    r->name = text2_of(rs, json_object_get(o, "name"));
    r->jurisdiction = str_of(rs, o, "jurisdiction");
    r->kind = str_of(rs, o, "kind");
    r->url = str_of(rs, o, "url");
    r->notes = text2_of(rs, json_object_get(o, "notes"));
    r->ver = verifications(rs, json_object_get(o, "verification"), &r->nver);
    build_delivery(rs, json_object_get(o, "delivery"), &r->delivery);
    err_init(&e);
    if (!(r->tz = tz_get(rs, json_string_value(json_object_get(o, "timezone")), &e))) {
        snprintf(p, sizeof(p), "%s/timezone", ptr);
        datafile_diag(f, d, p, "timezone", e.msg,
                      "タイムゾーンを読み込めません（tzデータベースにありません）");
    }
    if (!(r->cal = find_calendar(rs, json_string_value(json_object_get(o, "calendar"))))) {
        snprintf(p, sizeof(p), "%s/calendar", ptr);
        datafile_diag(f, d, p, "unknown_calendar", "no calendar in data/calendars has this id",
                      "data/calendars にこのIDのカレンダーがありません");
    }
    rs->nrecips++;
}

/* Loads every file of a kind: parse, check the structure against its table, then build each
 * item of its array (`key`) after `grow` has made room for n more. */
struct file_kind {
    const struct rf_field *root;
    const char *key;
    bool deep; /* rules/ has one sub-directory per jurisdiction */
    void (*grow)(struct ruleset *rs, size_t more);
    void (*build)(struct ruleset *rs, const json_t *o, const struct datafile *f, const char *ptr,
                  struct diag_list *d);
};

static void load_each(struct ruleset *rs, const char *dir, const struct file_kind *k,
                      struct version_hash *h, struct diag_list *d)
{
    char **files = datafile_list(dir, k->deep, MAX_FILES);
    struct schema_limits lim;
    schema_limits_default(&lim);
    for (char **p = files; p && *p; p++) {
        struct datafile l;
        struct verr_list errs;
        if (load_file(*p, &l, h, d)) {
            datafile_release(&l);
            continue;
        }
        verr_list_init(&errs, 200);
        if (schema_check(k->root, l.doc, &lim, 0, &errs) == 0) {
            const json_t *arr = json_object_get(l.doc, k->key);
            k->grow(rs, json_array_size(arr));
            for (size_t i = 0; i < json_array_size(arr); i++) {
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/%s/%zu", k->key, i);
                k->build(rs, json_array_get(arr, i), &l, ptr, d);
            }
        }
        datafile_diag_verrs(&l, d, &errs);
        verr_list_release(&errs);
        datafile_release(&l);
    }
    datafile_list_free(files);
}

static void grow_recipients(struct ruleset *rs, size_t more)
{
    rs->recips = xrealloc(rs->recips, (rs->nrecips + more + 1) * sizeof(*rs->recips));
}

static void grow_rules(struct ruleset *rs, size_t more)
{
    rs->rules = xrealloc(rs->rules, (rs->nrules + more + 1) * sizeof(*rs->rules));
}

static const struct file_kind recipient_files = {&rules_recipients_root, "recipients", false,
                                                 grow_recipients, build_recipient};

/* ---- official domains ---- */

/* Reads data/sources.json, the allow-list that makes a citation primary. The file is required
 * when there are rules: without it no citation could be primary and every rule would be
 * refused, so its absence is reported once, by name, instead of once per rule. */
static void load_sources(struct ruleset *rs, const char *data_dir, struct version_hash *h,
                         struct diag_list *d)
{
    char path[1100];
    struct datafile l;
    struct verr_list errs;
    struct schema_limits lim;
    snprintf(path, sizeof(path), "%s/sources.json", data_dir);
    if (access(path, F_OK)) { /* reported by rules_load_dir once it knows there are rules */
        rs->no_sources = true;
        return;
    }
    if (load_file(path, &l, h, d)) {
        datafile_release(&l);
        return;
    }
    schema_limits_default(&lim);
    verr_list_init(&errs, 200);
    if (schema_check(&rules_sources_root, l.doc, &lim, 0, &errs) == 0) {
        const json_t *arr = json_object_get(l.doc, "domains");
        rs->hosts = rules_pool_alloc(rs, (json_array_size(arr) + 1) * sizeof(*rs->hosts));
        for (size_t i = 0; i < json_array_size(arr); i++) {
            const char *host = json_string_value(json_object_get(json_array_get(arr, i), "host"));
            char p[64];
            bool bad = false, dup = false;
            for (const char *c = host; *c; c++)
                bad |= !(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '.' ||
                         *c == '-');
            for (size_t k = 0; k < rs->nhosts; k++)
                dup |= !strcmp(rs->hosts[k], host);
            snprintf(p, sizeof(p), "/domains/%zu/host", i);
            if (bad)
                datafile_diag(
                    &l, d, p, "host",
                    "a host name in lower case (letters, digits, '.', '-'), without "
                    "scheme, port or path",
                    "ホスト名は小文字・数字・「.」「-」のみで、スキーム・ポート・パスを含めません");
            else if (dup)
                datafile_diag(&l, d, p, "duplicate_id", "this host is listed twice",
                              "このホストは既に載っています");
            else
                rs->hosts[rs->nhosts++] = rules_pool_strdup(rs, host);
        }
    }
    datafile_diag_verrs(&l, d, &errs);
    verr_list_release(&errs);
    datafile_release(&l);
}

/* ---- rules ---- */

static int unit_of(const json_t *o)
{
    return rules_name_index(rules_unit_names, 4, json_string_value(json_object_get(o, "unit")));
}

static int anchor_of(const json_t *o)
{
    return rules_name_index(rules_anchor_names, A__COUNT,
                            json_string_value(json_object_get(o, "anchor")));
}

/* "HH:MM" → minutes (24:00 allowed), or -1. */
static int parse_due_time(const char *s)
{
    if (!s)
        return 1440;
    if (strlen(s) != 5 || s[2] != ':' || !strchr("012", s[0]) || s[1] < '0' || s[1] > '9' ||
        s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || (h == 24 && m))
        return -1;
    return h * 60 + m;
}

static void build_deadline(struct ruleset *rs, const json_t *o, struct rule_stage *st,
                           const struct datafile *f, const char *ptr, struct diag_list *d)
{
    struct deadline *dl = &st->dl;
    char p[360];
    dl->kind = (enum dl_kind)rules_name_index(rules_kind_names, 3,
                                              json_string_value(json_object_get(o, "kind")));
    bool has_anchor = json_object_get(o, "anchor") && json_object_get(o, "offset") &&
                      json_object_get(o, "unit");
    snprintf(p, sizeof(p), "%s/deadline", ptr);
    if (dl->kind == DL_NONE && (json_object_get(o, "anchor") || json_object_get(o, "offset")))
        datafile_diag(f, d, p, "deadline", "a deadline of kind \"none\" has no anchor or offset",
                      "種類 none の期限には起算点も期間も書けません");
    if (dl->kind != DL_NONE && !has_anchor)
        datafile_diag(f, d, p, "deadline", "needs anchor, offset and unit",
                      "起算点・期間・単位が必要です");
    if (has_anchor) {
        dl->main.anchor = (enum anchor)anchor_of(o);
        dl->main.offset = (int)json_integer_value(json_object_get(o, "offset"));
        dl->main.unit = (enum dl_unit)unit_of(o);
    }
    dl->due_minute = parse_due_time(json_string_value(json_object_get(o, "due_time")));
    if (dl->due_minute < 0) {
        snprintf(p, sizeof(p), "%s/deadline/due_time", ptr);
        datafile_diag(f, d, p, "due_time", "must be HH:MM between 00:00 and 24:00",
                      "00:00〜24:00 の HH:MM で指定してください");
        dl->due_minute = 1440;
    }
    const json_t *cap = json_object_get(o, "cap");
    if (cap) {
        dl->has_cap = true;
        dl->cap.anchor = (enum anchor)anchor_of(cap);
        dl->cap.offset = (int)json_integer_value(json_object_get(cap, "offset"));
        dl->cap.unit = (enum dl_unit)unit_of(cap);
    }
    const json_t *vars = json_object_get(o, "variants");
    dl->nvariants = json_array_size(vars);
    dl->variants = rules_pool_alloc(rs, (dl->nvariants + 1) * sizeof(*dl->variants));
    for (size_t i = 0; i < dl->nvariants; i++) {
        const json_t *v = json_array_get(vars, i);
        snprintf(p, sizeof(p), "%s/deadline/variants/%zu/when", ptr, i);
        dl->variants[i].when = compile_at(rs, json_string_value(json_object_get(v, "when")), f, p, d);
        dl->variants[i].offset = (int)json_integer_value(json_object_get(v, "offset"));
        dl->variants[i].unit = (enum dl_unit)unit_of(v);
        dl->variants[i].reason = text2_of(rs, json_object_get(v, "reason"));
    }
}

static bool uses_unit(const struct deadline *dl, enum dl_unit u)
{
    bool any = dl->kind != DL_NONE && dl->main.unit == u;
    any |= dl->has_cap && dl->cap.unit == u;
    for (size_t i = 0; i < dl->nvariants; i++)
        any |= dl->variants[i].unit == u;
    return any;
}

static void check_required(struct ruleset *rs, const json_t *arr, struct rule_stage *st,
                           const struct datafile *f, const char *ptr, struct diag_list *d)
{
    st->nrequired = json_array_size(arr);
    st->required = rules_pool_alloc(rs, (st->nrequired + 1) * sizeof(*st->required));
    for (size_t i = 0; i < st->nrequired; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        st->required[i] = rules_pool_strdup(rs, s);
        if (s && s[0] == '/' && report_field_lookup(s))
            continue;
        char p[360], en[400], ja[400];
        snprintf(p, sizeof(p), "%s/required_fields/%zu", ptr, i);
        snprintf(en, sizeof(en), "\"%s\" is not a field of the report format", s ? s : "");
        snprintf(ja, sizeof(ja), "「%s」は報告様式にない項目です", s ? s : "");
        datafile_diag(f, d, p, "unknown_field", en, ja);
    }
}

static void build_stage(struct ruleset *rs, struct rule *r, const json_t *o, struct rule_stage *st,
                        const struct datafile *f, const char *ptr, struct diag_list *d)
{
    char p[360];
    st->id = str_of(rs, o, "id");
    st->name = text2_of(rs, json_object_get(o, "name"));
    if (json_object_get(o, "when")) {
        snprintf(p, sizeof(p), "%s/when", ptr);
        st->when = compile_at(rs, json_string_value(json_object_get(o, "when")), f, p, d);
    }
    build_deadline(rs, json_object_get(o, "deadline"), st, f, ptr, d);
    const char *roll = json_string_value(json_object_get(o, "roll"));
    st->roll = roll ? (enum roll)rules_name_index(rules_roll_names, 3, roll) : ROLL_NONE;
    const char *cal = json_string_value(json_object_get(o, "calendar"));
    st->cal = cal ? find_calendar(rs, cal) : (r->recipient ? r->recipient->cal : NULL);
    if (cal && !st->cal) {
        snprintf(p, sizeof(p), "%s/calendar", ptr);
        datafile_diag(f, d, p, "unknown_calendar", "no calendar in data/calendars has this id",
                      "data/calendars にこのIDのカレンダーがありません");
    }
    if (!st->cal && (uses_unit(&st->dl, DU_BUSINESS_DAYS) || st->roll != ROLL_NONE))
        datafile_diag(f, d, ptr, "calendar_needed", "business days and rolls need a calendar",
                      "営業日の計算と繰り延べにはカレンダーが必要です");
    check_required(rs, json_object_get(o, "required_fields"), st, f, ptr, d);
    st->on_request = json_is_true(json_object_get(o, "on_request"));
    /* a stage on request is due when the recipient asks, by the date it names (item 7 of
     * issue 10 records the request): the rule file cannot give it a deadline of its own */
    if (st->on_request && st->dl.kind != DL_NONE) {
        snprintf(p, sizeof(p), "%s/on_request", ptr);
        datafile_diag(
            f, d, p, "on_request_deadline",
            "a stage on request has no deadline of its own: set deadline.kind \"none\"",
            "要請に応じた段階には独自の期限がありません。deadline.kind を \"none\" にしてください");
    }
    if (json_object_get(o, "citation")) {
        struct citation *c = rules_pool_alloc(rs, sizeof(*c));
        citation_of(rs, json_object_get(o, "citation"), c);
        st->citation = c;
        snprintf(p, sizeof(p), "%s/citation", ptr);
        check_article_en(c, r->id, f, p, d);
    }
}

static bool rule_id_taken(const struct ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->nrules; i++)
        if (!strcmp(rs->rules[i].id, id))
            return true;
    return false;
}

/* A validity date is a day in the recipient's jurisdiction: 00:00 local time there (a Japanese
 * law in force from 2026-10-01 applies from 00:00 JST). Without a recipient, 00:00 UTC. */
static int64_t date_ms(const json_t *o, const char *key, const struct recipient *rc)
{
    const char *s = json_string_value(json_object_get(o, key));
    int64_t ms = 0;
    if (!s || rtime_parse_date(s, strlen(s), &ms))
        return 0;
    if (rc && rc->tz) {
        struct tz_civil c;
        int64_t y;
        unsigned m, d;
        memset(&c, 0, sizeof(c));
        rtime_civil_from_days(ms / 86400000, &y, &m, &d);
        c.year = y, c.month = (int)m, c.day = (int)d;
        ms = tz_local_to_utc(rc->tz, &c, NULL);
    }
    return ms;
}

static void build_rule(struct ruleset *rs, const json_t *o, const struct datafile *f,
                       const char *ptr, struct diag_list *d)
{
    struct rule *r = &rs->rules[rs->nrules];
    char p[300];
    memset(r, 0, sizeof(*r));
    r->id = str_of(rs, o, "id");
    if (rule_id_taken(rs, r->id)) {
        snprintf(p, sizeof(p), "%s/id", ptr);
        datafile_diag(f, d, p, "duplicate_id", "another rule has this id (ids are global)",
                      "同じIDのルールが既にあります（IDは全ファイルで一意）");
        return;
    }
    r->file = rules_pool_strdup(rs, f->path);
    r->regime = str_of(rs, o, "regime");
    r->jurisdiction = str_of(rs, o, "jurisdiction");
    r->title = text2_of(rs, json_object_get(o, "title"));
    r->notes = text2_of(rs, json_object_get(o, "notes"));
    if (!(r->recipient = find_recipient(rs, json_string_value(json_object_get(o, "recipient"))))) {
        snprintf(p, sizeof(p), "%s/recipient", ptr);
        datafile_diag(f, d, p, "unknown_recipient", "no recipient in data/recipients has this id",
                      "data/recipients にこのIDの報告先がありません");
    }
    r->state = (enum rule_state)rules_name_index(rules_state_names, 3,
                                                 json_string_value(json_object_get(o, "status")));
    r->mandatory = !json_is_false(json_object_get(o, "mandatory"));
    r->valid_from_ms = date_ms(o, "valid_from", r->recipient);
    r->valid_until_ms = date_ms(o, "valid_until", r->recipient);
    snprintf(p, sizeof(p), "%s/applies_when", ptr);
    r->applies = compile_at(rs, json_string_value(json_object_get(o, "applies_when")), f, p, d);
    r->determinable = r->applies && !json_is_false(json_object_get(o, "determination")) &&
                      expr_reads_tri(r->applies);
    r->ver = verifications(rs, json_object_get(o, "verification"), &r->nver);
    const json_t *cits = json_object_get(o, "citations");
    r->ncit = json_array_size(cits);
    r->cit = rules_pool_alloc(rs, (r->ncit + 1) * sizeof(*r->cit));
    bool primary = false;
    for (size_t i = 0; i < r->ncit; i++) {
        citation_of(rs, json_array_get(cits, i), &r->cit[i]);
        primary |= r->cit[i].primary;
        snprintf(p, sizeof(p), "%s/citations/%zu", ptr, i);
        check_article_en(&r->cit[i], r->id, f, p, d);
    }
    /* issue 11 item 5: every rule cites the law's own text (or the authority's own guideline)
     * on an official domain; blogs and commentaries are further reading, never the only basis */
    if (!primary && rs->hosts) { /* without the list, its absence is the one problem */
        char en[300], ja[300];
        snprintf(p, sizeof(p), "%s/citations", ptr);
        snprintf(en, sizeof(en),
                 "rule \"%s\" has no primary-source citation: no citation URL is https on an "
                 "official domain listed in sources.json",
                 r->id);
        snprintf(ja, sizeof(ja),
                 "ルール「%s」に一次資料の出典がありません（sources.json の公式ドメイン上の https "
                 "URL を持つ出典が一つもありません）",
                 r->id);
        datafile_diag(f, d, p, "no_primary_citation", en, ja);
    }
    const json_t *stages = json_object_get(o, "stages");
    r->nstages = json_array_size(stages);
    r->stages = rules_pool_alloc(rs, (r->nstages + 1) * sizeof(*r->stages));
    for (size_t i = 0; i < r->nstages; i++) {
        snprintf(p, sizeof(p), "%s/stages/%zu", ptr, i);
        build_stage(rs, r, json_array_get(stages, i), &r->stages[i], f, p, d);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(r->stages[k].id, r->stages[i].id))
                datafile_diag(f, d, p, "duplicate_id", "another stage of this rule has this id",
                              "このルールに同じIDの段階が既にあります");
        /* previous_stage anchors and the chain a submit follows read "the stage before it in
         * the list": a stage on request there would hold its successor back for ever */
        if (i > 0 && r->stages[i - 1].on_request && !r->stages[i].on_request)
            datafile_diag(f, d, p, "on_request_order",
                          "a stage on request must come after every stage that is not",
                          "要請に応じた段階は、そうでない段階よりも後に置いてください");
    }
    rs->nstages += r->nstages;
    rs->nrules++;
}

static const struct file_kind rule_files = {&rules_file_root, "rules", true, grow_rules,
                                            build_rule};

struct ruleset *rules_load_dir(const char *data_dir, struct diag_list *d)
{
    struct ruleset *rs = xcalloc(1, sizeof(*rs));
    struct version_hash h = {.root = strlen(data_dir) + 1};
    char dir[1024];
    size_t before = d->n;
    hash_sha256_begin(&h.ctx);
    snprintf(dir, sizeof(dir), "%s/calendars", data_dir);
    load_calendars(rs, dir, &h, d);
    snprintf(dir, sizeof(dir), "%s/recipients", data_dir);
    load_each(rs, dir, &recipient_files, &h, d);
    load_sources(rs, data_dir, &h, d);
    snprintf(dir, sizeof(dir), "%s/rules", data_dir);
    load_each(rs, dir, &rule_files, &h, d);
    hash_sha256_final_hex(&h.ctx, rs->version);
    if (d->n == before && rs->nrules == 0) {
        diag_add(d, dir, "", "no_rules", "no rule files found", "ルールファイルがありません");
    }
    if (rs->no_sources && rs->nrules > 0) {
        snprintf(dir, sizeof(dir), "%s/sources.json", data_dir);
        diag_add(
            d, dir, "", "no_sources",
            "the list of official domains (sources.json) is missing: no citation can be "
            "primary, so no rule can be accepted",
            "公式ドメインの一覧（sources.json）がありません。一次資料と判定できる出典がないため、"
            "ルールを受け付けられません");
    }
    if (d->n > before) {
        rules_free(rs);
        return NULL;
    }
    return rs;
}

void rules_free(struct ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->nexprs; i++)
        expr_free(rs->exprs[i]);
    expr_slots_free(rs->slots);
    for (size_t i = 0; i < rs->ncals; i++)
        calendar_free(rs->cals[i]);
    for (size_t i = 0; i < rs->ntzs; i++)
        tz_free(rs->tzs[i]);
    free(rs->exprs);
    free(rs->cals);
    free(rs->tzs);
    free(rs->rules);
    free(rs->recips);
    for (struct pool_block *b = rs->pool, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(rs);
}

const char *rules_version(const struct ruleset *rs)
{
    return rs->version;
}

size_t rules_count(const struct ruleset *rs)
{
    return rs->nrules;
}

size_t rules_stage_count(const struct ruleset *rs)
{
    return rs->nstages;
}

size_t rules_recipient_count(const struct ruleset *rs)
{
    return rs->nrecips;
}
