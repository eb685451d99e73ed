/*
 * assess_framework.c — a framework document becomes a struct assess_framework: the structure
 * is checked with the field table (assess_tables.c), then the rules a table cannot express
 * (docs/assessment-and-risk.md, "Framework files"), then the arrays are built. Also the cross-check
 * of ids against the NIST CSF 2.0 core.
 */
#include <ctype.h>
#include <math.h>

#include "assess_int.h"
#include "../core/jsonx.h"

#define MAX_ERRORS_HINT 200

/* ---- small shared helpers ---- */

void assess_emit_quoted(struct verr_list *errs, const char *pointer, const char *code,
                        const char *en_fmt, const char *ja_fmt, const char *s)
{
    char en[512], ja[512];
    int q = (int)strnlen(s, 80);
    while (s[q] && q > 0 && ((unsigned char)s[q] & 0xc0) == 0x80)
        q--;
    snprintf(en, sizeof(en), en_fmt, q, s);
    snprintf(ja, sizeof(ja), ja_fmt, q, s);
    verr_add(errs, pointer, code, en, ja);
}

double assess_round2(double x)
{
    return round(x * 100.0) / 100.0;
}

double assess_round1(double x)
{
    return round(x * 10.0) / 10.0;
}

double assess_num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* ---- semantic checks ---- */

/* An id as written somewhere in the document, for the uniqueness check. */
struct seen_id {
    const char *id;
    char pointer[128];
};

struct sem {
    struct verr_list *errs;
    struct seen_id *ids;
    size_t nids, cap;
    bool nist;
    size_t nquestions;
};

static bool id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

/* Checks the id at base + "/id" (format, uniqueness) and returns it, or NULL when absent. */
static const char *check_id(struct sem *s, const json_t *o, const char *base)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    char ptr[128];
    snprintf(ptr, sizeof(ptr), "%s/id", base);
    if (!id || !*id)
        return NULL; /* the table reported it */
    for (const char *p = id; *p; p++) {
        if (!id_char(*p) || (p == id && !isalnum((unsigned char)*p))) {
            assess_emit_quoted(s->errs, ptr, "id_format",
                               "\"%.*s\" is not a valid id: use letters, digits, '.', '-' and "
                               "'_', starting with a letter or digit",
                               "「%.*s」はIDとして使えません。英数字と「.」「-」「_」を使い、"
                               "英数字で始めてください",
                               id);
            return id;
        }
    }
    for (size_t i = 0; i < s->nids; i++) {
        if (strcmp(s->ids[i].id, id))
            continue;
        char en[256], ja[256];
        snprintf(en, sizeof(en),
                 "the id %s is already used at %s; ids must be unique across "
                 "functions, categories and questions",
                 id, s->ids[i].pointer);
        snprintf(ja, sizeof(ja),
                 "ID %s は %s で既に使われています。機能・カテゴリ・設問を通じて"
                 "一意にしてください",
                 id, s->ids[i].pointer);
        verr_add(s->errs, ptr, "duplicate_id", en, ja);
        return id;
    }
    if (s->nids == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->ids = xrealloc(s->ids, s->cap * sizeof(*s->ids));
    }
    s->ids[s->nids].id = id;
    xstrlcpy(s->ids[s->nids].pointer, ptr, sizeof(s->ids[s->nids].pointer));
    s->nids++;
    return id;
}

/* For NIST CSF: "GV.OC" under "GV" (sep '.'), "GV.OC-01" under "GV.OC" (sep '-'). */
static void check_prefix(struct sem *s, const char *id, const char *parent, char sep,
                         const char *base)
{
    size_t n = parent ? strlen(parent) : 0;
    char ptr[128], en[256], ja[256];
    if (!s->nist || !id || !parent)
        return;
    if (!strncmp(id, parent, n) && id[n] == sep && id[n + 1])
        return;
    snprintf(ptr, sizeof(ptr), "%s/id", base);
    snprintf(en, sizeof(en), "%s must start with \"%s%c\" (NIST CSF ids name their parent)", id,
             parent, sep);
    snprintf(ja, sizeof(ja), "%s は「%s%c」で始めてください（NIST CSF のIDは親の識別子を含みます）",
             id, parent, sep);
    verr_add(s->errs, ptr, "id_prefix", en, ja);
}

static void check_weight(struct sem *s, const json_t *o, const char *base)
{
    const json_t *w = json_object_get(o, "weight");
    char ptr[128];
    if (!json_is_number(w) || json_number_value(w) != 0)
        return; /* absent (1), mistyped or out of range: the table's business */
    snprintf(ptr, sizeof(ptr), "%s/weight", base);
    verr_add(s->errs, ptr, "weight", "must be greater than 0 and at most 100",
             "0より大きく100以下にしてください");
}

/* Levels 0..4 each exactly once in arr (at base + "/levels"). */
static void check_levels(struct sem *s, const json_t *arr, const char *base)
{
    bool seen[ASSESS_LEVEL_MAX + 1] = {false};
    char ptr[160], en[160], ja[160];
    if (!json_is_array(arr) || json_array_size(arr) > 10)
        return;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *l = json_object_get(json_array_get(arr, i), "level");
        json_int_t v = json_is_integer(l) ? json_integer_value(l) : -1;
        if (v < 0 || v > ASSESS_LEVEL_MAX)
            continue;
        if (seen[v]) {
            snprintf(ptr, sizeof(ptr), "%s/levels/%zu/level", base, i);
            snprintf(en, sizeof(en), "level %d is described more than once", (int)v);
            snprintf(ja, sizeof(ja), "段階%dが重複しています", (int)v);
            verr_add(s->errs, ptr, "duplicate_level", en, ja);
        }
        seen[v] = true;
    }
    for (int v = 0; v <= ASSESS_LEVEL_MAX; v++) {
        if (seen[v])
            continue;
        snprintf(ptr, sizeof(ptr), "%s/levels", base);
        snprintf(en, sizeof(en), "level %d is missing: levels 0 to 4 must each be described once",
                 v);
        snprintf(ja, sizeof(ja), "段階%dがありません。0〜4の各段階を1回ずつ記述してください", v);
        verr_add(s->errs, ptr, "level_missing", en, ja);
    }
}

static void check_question(struct sem *s, const json_t *q, const char *cat_id, const char *base)
{
    const char *id = check_id(s, q, base);
    check_prefix(s, id, cat_id, '-', base);
    check_weight(s, q, base);
    if (json_object_get(q, "levels"))
        check_levels(s, json_object_get(q, "levels"), base);
    s->nquestions++;
}

static void check_category(struct sem *s, const json_t *c, const char *fn_id, const char *base)
{
    const char *id = check_id(s, c, base);
    const json_t *qs = json_object_get(c, "questions");
    char ptr[96]; /* base (< 64) + "/questions/NNN" */
    check_prefix(s, id, fn_id, '.', base);
    check_weight(s, c, base);
    for (size_t i = 0; json_is_array(qs) && i < json_array_size(qs) && i < 200; i++) {
        snprintf(ptr, sizeof(ptr), "%s/questions/%zu", base, i);
        check_question(s, json_array_get(qs, i), id, ptr);
    }
}

static void check_semantics(const json_t *doc, struct verr_list *errs)
{
    struct sem s = {.errs = errs};
    const json_t *fns = json_object_get(doc, "functions");
    const char *fw_id = json_string_value(json_object_get(doc, "id"));
    char ptr[32];
    s.nist = fw_id && !strcmp(fw_id, ASSESS_NIST_CSF_ID);
    check_levels(&s, json_object_get(json_object_get(doc, "scale"), "levels"), "/scale");
    for (size_t i = 0; json_is_array(fns) && i < json_array_size(fns) && i < 50; i++) {
        const json_t *f = json_array_get(fns, i);
        const json_t *cats = json_object_get(f, "categories");
        snprintf(ptr, sizeof(ptr), "/functions/%zu", i);
        const char *id = check_id(&s, f, ptr);
        check_weight(&s, f, ptr);
        for (size_t k = 0; json_is_array(cats) && k < json_array_size(cats) && k < 100; k++) {
            char cptr[64];
            snprintf(cptr, sizeof(cptr), "%s/categories/%zu", ptr, k);
            check_category(&s, json_array_get(cats, k), id, cptr);
        }
    }
    if (s.nquestions > ASSESS_MAX_QUESTIONS) {
        char en[128], ja[128];
        snprintf(en, sizeof(en), "has %zu questions; at most %d are allowed", s.nquestions,
                 ASSESS_MAX_QUESTIONS);
        snprintf(ja, sizeof(ja), "設問が%zu問あります。%d問以内にしてください", s.nquestions,
                 ASSESS_MAX_QUESTIONS);
        verr_add(errs, "/functions", "too_many_questions", en, ja);
    }
    free(s.ids);
}

/* ---- building ---- */

static struct assess_text text_of(const json_t *o)
{
    struct assess_text t = {json_string_value(json_object_get(o, "ja")),
                            json_string_value(json_object_get(o, "en"))};
    return t;
}

static double weight_of(const json_t *o)
{
    const json_t *w = json_object_get(o, "weight");
    return w ? json_number_value(w) : 1.0;
}

struct id_index {
    const char *id;
    size_t i;
};

static int cmp_id_index(const void *a, const void *b)
{
    return strcmp(((const struct id_index *)a)->id, ((const struct id_index *)b)->id);
}

/* fw->by_id: question indices in id order, for binary search (ids are unique). */
static void index_ids(struct assess_framework *fw)
{
    size_t n = fw->nquestions;
    struct id_index *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
    for (size_t i = 0; i < n; i++)
        tmp[i].id = fw->questions[i].id, tmp[i].i = i;
    qsort(tmp, n, sizeof(*tmp), cmp_id_index);
    fw->by_id = xcalloc(n ? n : 1, sizeof(*fw->by_id));
    for (size_t i = 0; i < n; i++)
        fw->by_id[i] = tmp[i].i;
    free(tmp);
}

static void build_category(struct assess_framework *fw, const json_t *c, size_t fn)
{
    const json_t *qs = json_object_get(c, "questions");
    struct assess_category *cat = &fw->categories[fw->ncategories];
    cat->id = json_string_value(json_object_get(c, "id"));
    cat->name = text_of(json_object_get(c, "name"));
    cat->weight = weight_of(c);
    cat->function = fn;
    cat->first_question = fw->nquestions;
    cat->nquestions = json_array_size(qs);
    for (size_t i = 0; i < cat->nquestions; i++) {
        const json_t *q = json_array_get(qs, i);
        struct assess_question *x = &fw->questions[fw->nquestions++];
        x->id = json_string_value(json_object_get(q, "id"));
        x->text = text_of(json_object_get(q, "text"));
        x->weight = weight_of(q);
        x->category = fw->ncategories;
    }
    fw->ncategories++;
}

static struct assess_framework *build(json_t *doc)
{
    struct assess_framework *fw = xcalloc(1, sizeof(*fw));
    const json_t *fns = json_object_get(doc, "functions");
    size_t ncat = 0, nq = 0, i, k;
    const json_t *f, *c;
    json_array_foreach(fns, i, f)
    {
        json_array_foreach(json_object_get(f, "categories"), k, c)
        {
            ncat++;
            nq += json_array_size(json_object_get(c, "questions"));
        }
    }
    fw->doc = json_incref(doc);
    fw->id = json_string_value(json_object_get(doc, "id"));
    fw->version = json_string_value(json_object_get(doc, "version"));
    fw->title = text_of(json_object_get(doc, "title"));
    fw->nfunctions = json_array_size(fns);
    fw->functions = xcalloc(fw->nfunctions, sizeof(*fw->functions));
    fw->categories = xcalloc(ncat, sizeof(*fw->categories));
    fw->questions = xcalloc(nq, sizeof(*fw->questions));
    json_array_foreach(fns, i, f)
    {
        struct assess_function *fn = &fw->functions[i];
        fn->id = json_string_value(json_object_get(f, "id"));
        fn->name = text_of(json_object_get(f, "name"));
        fn->weight = weight_of(f);
        fn->first_category = fw->ncategories;
        fn->ncategories = json_array_size(json_object_get(f, "categories"));
        json_array_foreach(json_object_get(f, "categories"), k, c) build_category(fw, c, i);
    }
    index_ids(fw);
    return fw;
}

struct assess_framework *assess_framework_from_json(json_t *doc, struct verr_list *errs)
{
    struct schema_limits lim;
    size_t before = errs->n + errs->dropped;
    schema_limits_default(&lim);
    lim.max_errors = MAX_ERRORS_HINT;
    schema_check(&assess_framework_root, doc, &lim, 0, errs);
    if (json_is_object(doc))
        check_semantics(doc, errs);
    if (errs->n + errs->dropped > before)
        return NULL;
    return build(doc);
}

void assess_framework_free(struct assess_framework *fw)
{
    if (!fw)
        return;
    free(fw->by_id);
    free(fw->questions);
    free(fw->categories);
    free(fw->functions);
    json_decref(fw->doc);
    free(fw);
}

long assess_framework_find(const struct assess_framework *fw, const char *id)
{
    size_t lo = 0, hi = fw->nquestions;
    if (!id)
        return -1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(fw->questions[fw->by_id[mid]].id, id);
        if (c == 0)
            return (long)fw->by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* ---- cross-check with the NIST CSF 2.0 core ---- */

/* Where an id of fw is: kind 0 function, 1 category, 2 question; parent id; pointer. */
static bool fw_locate(const struct assess_framework *fw, const char *id, int *kind,
                      const char **parent, char *ptr, size_t n)
{
    for (size_t f = 0; f < fw->nfunctions; f++) {
        const struct assess_function *fn = &fw->functions[f];
        if (!strcmp(fn->id, id)) {
            *kind = 0, *parent = NULL;
            snprintf(ptr, n, "/functions/%zu/id", f);
            return true;
        }
        for (size_t c = 0; c < fn->ncategories; c++) {
            const struct assess_category *cat = &fw->categories[fn->first_category + c];
            if (!strcmp(cat->id, id)) {
                *kind = 1, *parent = fn->id;
                snprintf(ptr, n, "/functions/%zu/categories/%zu/id", f, c);
                return true;
            }
            for (size_t q = 0; q < cat->nquestions; q++) {
                if (strcmp(fw->questions[cat->first_question + q].id, id))
                    continue;
                *kind = 2, *parent = cat->id;
                snprintf(ptr, n, "/functions/%zu/categories/%zu/questions/%zu/id", f, c, q);
                return true;
            }
        }
    }
    return false;
}

/* Pointer to the array in fw where a core item with this parent belongs. */
static void home_of(const struct assess_framework *fw, int kind, const char *parent, char *ptr,
                    size_t n)
{
    int pk;
    const char *pp;
    char pptr[128];
    xstrlcpy(ptr, "/functions", n);
    if (kind == 0 || !fw_locate(fw, parent, &pk, &pp, pptr, sizeof(pptr)))
        return;
    pptr[strlen(pptr) - 3] = '\0'; /* drop "/id" */
    snprintf(ptr, n, "%s/%s", pptr, kind == 1 ? "categories" : "questions");
}

static const char *const kind_en[] = {"function", "category", "subcategory"};
static const char *const kind_ja[] = {"機能", "カテゴリ", "サブカテゴリ"};

/* Checks one core item: present in fw, of the same kind, under the same parent. */
static void core_item(const struct assess_framework *fw, const char *id, int kind,
                      const char *parent, struct verr_list *errs)
{
    int k;
    const char *p;
    char ptr[128], en[256], ja[256];
    if (!id)
        return;
    if (!fw_locate(fw, id, &k, &p, ptr, sizeof(ptr))) {
        home_of(fw, kind, parent, ptr, sizeof(ptr));
        snprintf(en, sizeof(en), "NIST CSF 2.0 has the %s %s, which this framework lacks",
                 kind_en[kind], id);
        snprintf(ja, sizeof(ja), "NIST CSF 2.0 の%s %s がこのフレームワークにありません",
                 kind_ja[kind], id);
        verr_add(errs, ptr, "missing_from_core", en, ja);
    } else if (k != kind || (parent && (!p || strcmp(p, parent)))) {
        snprintf(en, sizeof(en), "in NIST CSF 2.0, %s is a %s under %s", id, kind_en[kind],
                 parent ? parent : "the core");
        snprintf(ja, sizeof(ja), "NIST CSF 2.0 では %s は %s の下の%sです", id,
                 parent ? parent : "最上位", kind_ja[kind]);
        verr_add(errs, ptr, "core_parent", en, ja);
    }
}

static const char *id_of(const json_t *o)
{
    const char *s = json_string_value(json_object_get(o, "id"));
    return s ? s : "";
}

static bool core_has(const json_t *core, const char *id)
{
    size_t i, k, q;
    const json_t *f, *c, *s;
    json_array_foreach(json_object_get(core, "functions"), i, f)
    {
        if (!strcmp(id, id_of(f)))
            return true;
        json_array_foreach(json_object_get(f, "categories"), k, c)
        {
            if (!strcmp(id, id_of(c)))
                return true;
            json_array_foreach(json_object_get(c, "subcategories"), q,
                               s) if (!strcmp(id, id_of(s))) return true;
        }
    }
    return false;
}

static void extra_item(const json_t *core, const char *id, const char *ptr, const char *what_en,
                       const char *what_ja, struct verr_list *errs)
{
    char en[256], ja[256];
    if (core_has(core, id))
        return;
    snprintf(en, sizeof(en), "%s %s is not in the NIST CSF 2.0 core (withdrawn or mistyped?)",
             what_en, id);
    snprintf(ja, sizeof(ja), "%s %s は NIST CSF 2.0 のコアにありません（廃止済み又は誤記）",
             what_ja, id);
    verr_add(errs, ptr, "not_in_core", en, ja);
}

size_t assess_check_nist_core(const struct assess_framework *fw, const json_t *core,
                              struct verr_list *errs)
{
    size_t before = errs->n + errs->dropped, i, k, q;
    const json_t *f, *c, *s;
    char ptr[128];
    if (!json_is_array(json_object_get(core, "functions"))) {
        verr_add(errs, "", "core_format", "the NIST core data has no \"functions\" array",
                 "NIST コアのデータに functions 配列がありません");
        return 1;
    }
    json_array_foreach(json_object_get(core, "functions"), i, f)
    {
        const char *fid = json_string_value(json_object_get(f, "id"));
        core_item(fw, fid, 0, NULL, errs);
        json_array_foreach(json_object_get(f, "categories"), k, c)
        {
            const char *cid = json_string_value(json_object_get(c, "id"));
            core_item(fw, cid, 1, fid, errs);
            json_array_foreach(json_object_get(c, "subcategories"), q, s)
                core_item(fw, json_string_value(json_object_get(s, "id")), 2, cid, errs);
        }
    }
    for (size_t fi = 0; fi < fw->nfunctions; fi++) {
        const struct assess_function *fn = &fw->functions[fi];
        snprintf(ptr, sizeof(ptr), "/functions/%zu/id", fi);
        extra_item(core, fn->id, ptr, "function", "機能", errs);
        for (size_t ci = 0; ci < fn->ncategories; ci++) {
            const struct assess_category *cat = &fw->categories[fn->first_category + ci];
            snprintf(ptr, sizeof(ptr), "/functions/%zu/categories/%zu/id", fi, ci);
            extra_item(core, cat->id, ptr, "category", "カテゴリ", errs);
            for (size_t qi = 0; qi < cat->nquestions; qi++) {
                snprintf(ptr, sizeof(ptr), "/functions/%zu/categories/%zu/questions/%zu/id", fi, ci,
                         qi);
                extra_item(core, fw->questions[cat->first_question + qi].id, ptr, "question",
                           "設問", errs);
            }
        }
    }
    return errs->n + errs->dropped - before;
}
