/* ioc_warn.c — warninglists (ioc_warn.h). */
#include "ioc_warn.h"

#include "../core/datafile.h"
#include "../schema/schema.h"
#include "ioc_index.h"

struct ioc_warnlists {
    struct ioc_warnlist *v;
    size_t n;
    struct ioc_index *ix; /* every list's values; a posting is the list's position in v */
};

/* ---- the file format, as a schema table ---- */

static const struct rf_field text_fields[] = {{.name = "ja",
                                               .type = RF_TEXT,
                                               .flags = RF_REQUIRED,
                                               .max = 2000,
                                               .ja = "日本語",
                                               .en = "Japanese"},
                                              {.name = "en",
                                               .type = RF_TEXT,
                                               .flags = RF_REQUIRED,
                                               .max = 2000,
                                               .ja = "英語",
                                               .en = "English"},
                                              {0}};
static const struct rf_enum format_values[] = {
    {IOC_WARN_FORMAT, "警告リスト形式第1版", "warninglist format 1"}, {0}};
static const struct rf_enum type_values[] = {
    {"cidr", "IPアドレスブロック", "CIDR blocks"},
    {"hostname", "ドメイン名（サブドメインを含む）", "domain names and their subdomains"},
    {"string", "完全一致の値", "exact values"},
    {0}};
static const struct rf_field source = {
    .type = RF_STRING, .format = RFMT_URL, .max = 2000, .ja = "出典", .en = "source"};
static const struct rf_field value = {
    .type = RF_STRING, .max = IOC_VALUE_MAX, .ja = "値", .en = "value"};

static const struct rf_field warn_fields[] = {
    {.name = "format",
     .type = RF_ENUM,
     .flags = RF_REQUIRED,
     .values = format_values,
     .ja = "形式",
     .en = "format"},
    {.name = "id",
     .type = RF_STRING,
     .flags = RF_REQUIRED,
     .format = RFMT_IDENT,
     .ja = "識別子",
     .en = "id"},
    {.name = "name",
     .type = RF_OBJECT,
     .flags = RF_REQUIRED,
     .fields = text_fields,
     .ja = "名称",
     .en = "name"},
    {.name = "description",
     .type = RF_OBJECT,
     .flags = RF_REQUIRED,
     .fields = text_fields,
     .ja = "説明",
     .en = "description"},
    {.name = "type",
     .type = RF_ENUM,
     .flags = RF_REQUIRED,
     .values = type_values,
     .ja = "種類",
     .en = "type"},
    {.name = "version", .type = RF_STRING, .max = 64, .ja = "版", .en = "version"},
    {.name = "sources",
     .type = RF_ARRAY,
     .flags = RF_REQUIRED,
     .fields = &source,
     .min = 1,
     .max = 50,
     .ja = "出典",
     .en = "sources"},
    {.name = "values",
     .type = RF_ARRAY,
     .flags = RF_REQUIRED,
     .fields = &value,
     .min = 1,
     .max = IOC_WARN_MAX_VALUES,
     .ja = "値",
     .en = "values"},
    {0}};

static const struct rf_field warn_root = {
    .type = RF_OBJECT, .fields = warn_fields, .ja = "警告リスト", .en = "warninglist"};
static const struct rf_msg unknown_member = {"unknown_field",
                                             "is not a member of warninglist format 1",
                                             "警告リスト形式第1版にない項目です"};

/* ---- lifecycle ---- */

struct ioc_warnlists *ioc_warnlists_new(void)
{
    struct ioc_warnlists *w = xcalloc(1, sizeof(*w));
    w->ix = ioc_index_new(0x77a2e11157ULL);
    return w;
}

void ioc_warnlists_free(struct ioc_warnlists *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        struct ioc_warnlist *l = &w->v[i];
        free(l->id);
        free(l->name_ja);
        free(l->name_en);
        free(l->description_ja);
        free(l->description_en);
        free(l->version);
    }
    free(w->v);
    ioc_index_free(w->ix);
    free(w);
}

size_t ioc_warnlists_count(const struct ioc_warnlists *w)
{
    return w->n;
}

const struct ioc_warnlist *ioc_warnlists_get(const struct ioc_warnlists *w, size_t i)
{
    return i < w->n ? &w->v[i] : NULL;
}

/* ---- adding a list ---- */

static enum ioc_warn_type type_of(const json_t *doc)
{
    const char *t = json_string_value(json_object_get(doc, "type"));
    return !strcmp(t, "cidr")       ? IOC_WARN_CIDR
           : !strcmp(t, "hostname") ? IOC_WARN_HOSTNAME
                                    : IOC_WARN_STRING;
}

/* Normalises one value of a list of type t. */
static int norm_value(enum ioc_warn_type t, const char *s, size_t n, struct ioc_value *out,
                      struct verr_list *errs, const char *ptr)
{
    if (t == IOC_WARN_HOSTNAME)
        return ioc_normalise_suffix(s, n, out, errs, ptr);
    if (t == IOC_WARN_STRING)
        return ioc_normalise(IOC_ANY, s, n, out, errs, ptr);
    return ioc_normalise(memchr(s, ':', n) ? IOC_IPV6 : IOC_IPV4, s, n, out, errs, ptr);
}

/* Checks every value (normalised, no duplicates). Returns the number of problems. */
static size_t check_values(const json_t *vals, enum ioc_warn_type t, struct verr_list *errs)
{
    struct ioc_index *seen = ioc_index_new(1);
    struct ioc_value *v = xmalloc(sizeof(*v));
    size_t bad = 0;
    for (size_t i = 0; i < json_array_size(vals); i++) {
        const json_t *s = json_array_get(vals, i);
        char ptr[32];
        struct ioc_key k;
        xsnprintf(ptr, sizeof(ptr), "/values/%zu", i);
        if (norm_value(t, json_string_value(s), json_string_length(s), v, errs, ptr)) {
            bad++;
            continue;
        }
        if (ioc_key_from_value(&k, v) || ioc_index_add_key(seen, &k, 0) == IOC_INDEX_EXISTS) {
            char en[IOC_TEXT_MAX + 64];
            snprintf(en, sizeof(en), "repeats an earlier value (%.64s)", v->text);
            verr_add(errs, ptr, "duplicate_value", en, "前にある値と同じです");
            bad++;
        }
    }
    free(v);
    ioc_index_free(seen);
    return bad;
}

static void add_values(struct ioc_warnlists *w, const json_t *vals, enum ioc_warn_type t,
                       uint64_t list)
{
    struct ioc_value *v = xmalloc(sizeof(*v));
    for (size_t i = 0; i < json_array_size(vals); i++) {
        const json_t *s = json_array_get(vals, i);
        struct ioc_key k;
        BUG_ON(norm_value(t, json_string_value(s), json_string_length(s), v, NULL, NULL));
        BUG_ON(ioc_key_from_value(&k, v));
        BUG_ON(ioc_index_add_key(w->ix, &k, list) < 0);
    }
    free(v);
}

static char *text_of(const json_t *doc, const char *member, const char *lang)
{
    return xstrdup(json_string_value(json_object_get(json_object_get(doc, member), lang)));
}

int ioc_warnlists_add_json(struct ioc_warnlists *w, const json_t *doc, struct verr_list *errs)
{
    struct schema_limits lim = {
        .max_string_chars = 20000, .max_array_items = IOC_WARN_MAX_VALUES, .max_errors = errs->max};
    struct schema_run run = {.root = &warn_root, .lim = &lim, .unknown = &unknown_member};
    size_t before = errs->n + errs->dropped;
    if (schema_run(&run, doc, errs))
        return -1;
    const char *id = json_string_value(json_object_get(doc, "id"));
    enum ioc_warn_type t = type_of(doc);
    const json_t *vals = json_object_get(doc, "values");
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->v[i].id, id))
            verr_add(errs, "/id", "duplicate_id", "is the id of a list already loaded",
                     "既に読み込んだリストと同じ識別子です");
    if (w->n >= IOC_WARN_MAX_LISTS)
        verr_add(errs, "", "too_many_lists", "is one list more than the 256 allowed",
                 "リストの上限（256）を超えています");
    check_values(vals, t, errs);
    if (errs->n + errs->dropped > before)
        return -1;
    w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
    struct ioc_warnlist *l = &w->v[w->n];
    l->id = xstrdup(id);
    l->name_ja = text_of(doc, "name", "ja");
    l->name_en = text_of(doc, "name", "en");
    l->description_ja = text_of(doc, "description", "ja");
    l->description_en = text_of(doc, "description", "en");
    const char *ver = json_string_value(json_object_get(doc, "version"));
    l->version = ver ? xstrdup(ver) : NULL;
    l->type = t;
    l->nvalues = json_array_size(vals);
    add_values(w, vals, t, w->n);
    w->n++;
    return 0;
}

int ioc_warnlists_load_dir(struct ioc_warnlists *w, const char *dir, struct diag_list *d)
{
    char **files = datafile_list(dir, false, IOC_WARN_MAX_LISTS + 1);
    int loaded = 0;
    bool refused = false;
    if (!files) {
        diag_add(d, dir, NULL, "io", "cannot read the warninglist directory",
                 "警告リストのディレクトリを読めません");
        return -1;
    }
    for (size_t i = 0; files[i]; i++) {
        struct datafile f;
        struct verr_list errs;
        verr_list_init(&errs, 50);
        if (!datafile_load(&f, files[i], NULL, d) && !ioc_warnlists_add_json(w, f.doc, &errs))
            loaded++;
        else
            refused = true;
        datafile_diag_verrs(&f, d, &errs);
        verr_list_release(&errs);
        datafile_release(&f);
    }
    datafile_list_free(files);
    return refused ? -1 : loaded;
}

/* ---- matching ---- */

struct hits {
    const struct ioc_warnlists *w;
    uint8_t on[IOC_WARN_MAX_LISTS];
};

static int on_match(const struct ioc_match *m, void *arg)
{
    struct hits *h = arg;
    for (size_t i = 0; i < m->npostings; i++) {
        enum ioc_warn_type t = h->w->v[m->postings[i]].type;
        if (m->kind == IOC_MATCH_EXACT || (m->kind == IOC_MATCH_COVERS && t != IOC_WARN_STRING))
            h->on[m->postings[i]] = 1;
    }
    return 0;
}

static void match_one(const struct ioc_warnlists *w, const struct ioc_value *v, struct hits *h)
{
    struct ioc_key k;
    if (!ioc_key_from_value(&k, v))
        ioc_index_query_key(w->ix, &k, on_match, h, NULL);
}

size_t ioc_warnlists_match(const struct ioc_warnlists *w, const struct ioc_value *v,
                           const struct ioc_warnlist **hits, size_t max)
{
    struct hits h = {.w = w};
    size_t n = 0;
    match_one(w, v, &h);
    if (v->type == IOC_URL) {
        struct ioc_value *host = xmalloc(sizeof(*host));
        if (!ioc_url_host(v, host))
            match_one(w, host, &h);
        free(host);
    }
    for (size_t i = 0; i < w->n; i++)
        if (h.on[i]) {
            if (n < max)
                hits[n] = &w->v[i];
            n++;
        }
    return n;
}
