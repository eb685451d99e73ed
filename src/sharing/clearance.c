/* clearance.c — clearance levels as data (clearance.h). */
#include "clearance.h"

static void bad(struct verr_list *errs, const char *ptr, const char *code, const char *en,
                const char *ja)
{
    verr_add(errs, ptr, code, en, ja);
}

static bool id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= CLEARANCE_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static bool unknown_members(const json_t *o, const char *const *known, const char *base,
                            struct verr_list *errs)
{
    const char *key;
    json_t *v;
    bool any = false;
    json_object_foreach((json_t *)o, key, v)
    {
        bool k = false;
        for (const char *const *p = known; *p; p++)
            k |= !strcmp(*p, key);
        if (!k) {
            char ptr[160];
            snprintf(ptr, sizeof(ptr), "%s/%.60s", base, key);
            bad(errs, ptr, "unknown_field", "is not a member of a clearance file",
                "クリアランス定義にない項目です");
            any = true;
        }
    }
    return any;
}

static void name_of(const json_t *lv, const char *lang, char *out, const char *ptr,
                    struct verr_list *errs)
{
    const char *s = json_string_value(json_object_get(json_object_get(lv, "name"), lang));
    if (!s || !*s || strlen(s) >= CLEARANCE_NAME_MAX)
        bad(errs, ptr, "required", "name: needs ja and en (at most 255 bytes each)",
            "name: ja と en（各255バイト以内）が必要です");
    else
        xstrlcpy(out, s, CLEARANCE_NAME_MAX);
}

static void level_parse(const json_t *lv, size_t i, struct clearance_catalog *out,
                        struct verr_list *errs)
{
    static const char *const known[] = {"id", "rank", "name", "basis", "validity_years", NULL};
    char base[48], ptr[96];
    struct clearance_level *l = &out->levels[i];
    snprintf(base, sizeof(base), "/levels/%zu", i);
    if (!json_is_object(lv)) {
        bad(errs, base, "type", "a level must be an object", "区分はオブジェクトです");
        return;
    }
    unknown_members(lv, known, base, errs);
    const char *id = json_string_value(json_object_get(lv, "id"));
    snprintf(ptr, sizeof(ptr), "%s/id", base);
    if (!id_ok(id))
        bad(errs, ptr, "format", "id: 1-31 characters of a-z, 0-9 and -",
            "id: a-z・0-9・- の1〜31文字です");
    else if (clearance_find(out, id))
        bad(errs, ptr, "duplicate", "id: used by another level", "id: 他の区分と重複しています");
    else
        xstrlcpy(l->id, id, sizeof(l->id));
    json_t *rank = json_object_get(lv, "rank");
    snprintf(ptr, sizeof(ptr), "%s/rank", base);
    json_int_t r = json_is_integer(rank) ? json_integer_value(rank) : 0;
    bool dup = false;
    for (size_t k = 0; k < i; k++)
        dup |= out->levels[k].rank == (int)r;
    if (r < 1 || r > 100 || dup)
        bad(errs, ptr, dup ? "duplicate" : "range", "rank: a unique integer from 1 to 100",
            "rank: 1〜100の重複しない整数です");
    else
        l->rank = (int)r;
    snprintf(ptr, sizeof(ptr), "%s/name", base);
    name_of(lv, "ja", l->name_ja, ptr, errs);
    name_of(lv, "en", l->name_en, ptr, errs);
    json_t *vy = json_object_get(lv, "validity_years");
    snprintf(ptr, sizeof(ptr), "%s/validity_years", base);
    json_int_t y = json_is_integer(vy) ? json_integer_value(vy) : 0;
    if (y < 1 || y > 50)
        bad(errs, ptr, "range", "validity_years: an integer from 1 to 50",
            "validity_years: 1〜50の整数です");
    else
        l->validity_years = (int)y;
}

int clearance_catalog_parse(const json_t *doc, struct clearance_catalog *out,
                            struct verr_list *errs)
{
    static const char *const known[] = {"version", "about", "levels", NULL};
    size_t before = errs->n + errs->dropped;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(doc)) {
        bad(errs, "", "type", "the clearance file must be a JSON object",
            "クリアランス定義はJSONオブジェクトです");
        return -1;
    }
    unknown_members(doc, known, "", errs);
    const json_t *levels = json_object_get(doc, "levels");
    size_t n = json_array_size(levels);
    if (!json_is_array(levels) || n == 0 || n > CLEARANCE_LEVELS_MAX) {
        bad(errs, "/levels", "required", "levels: 1 to 16 levels", "levels: 1〜16個の区分です");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        level_parse(json_array_get(levels, i), i, out, errs);
        out->n = i + 1;
    }
    if (errs->n + errs->dropped > before) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    return 0;
}

const struct clearance_level *clearance_find(const struct clearance_catalog *c, const char *id)
{
    if (!c || !id || !*id)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->levels[i].id, id))
            return &c->levels[i];
    return NULL;
}

int clearance_rank_at(const struct clearance_catalog *c, const char *id, int64_t expires_at,
                      int64_t now)
{
    const struct clearance_level *l = clearance_find(c, id);
    return l && now < expires_at ? l->rank : 0;
}
