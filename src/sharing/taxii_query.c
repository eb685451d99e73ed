/* taxii_query.c — TAXII 2.1 query parameters (§3.4) and the match filter (taxii.h). */
#include "taxii.h"

#include "../core/rtime.h"
#include "../core/uuid.h"

/* Single-valued parameters, as bits of q->seen. */
enum { SEEN_ADDED_AFTER = 1, SEEN_LIMIT = 2, SEEN_NEXT = 4, SEEN_VERSION = 8 };

enum param { P_ADDED_AFTER, P_LIMIT, P_NEXT, P_ID, P_TYPE, P_VERSION, P_SPEC_VERSION, P__COUNT };

static const char *const param_names[P__COUNT] = {
    "added_after",         "limit", "next", "match[id]", "match[type]", "match[version]",
    "match[spec_version]",
};

/* Which parameters each endpoint takes (§5.3–§5.8), as bits of enum param. */
static const unsigned ep_params[] = {
    [TAXII_EP_OBJECTS] = 0x7f,
    [TAXII_EP_MANIFEST] = 0x7f,
    [TAXII_EP_OBJECT] = (1u << P_ADDED_AFTER) | (1u << P_LIMIT) | (1u << P_NEXT) |
                        (1u << P_VERSION) | (1u << P_SPEC_VERSION),
    [TAXII_EP_VERSIONS] =
        (1u << P_ADDED_AFTER) | (1u << P_LIMIT) | (1u << P_NEXT) | (1u << P_SPEC_VERSION),
    [TAXII_EP_DELETE] = (1u << P_VERSION) | (1u << P_SPEC_VERSION),
};

void taxii_query_init(struct taxii_query *q, enum taxii_endpoint ep)
{
    memset(q, 0, sizeof(*q));
    q->ep = ep;
    /* §5.8 lists every version; elsewhere the default of match[version] is "last" (§3.4.2). */
    q->version_flags = ep == TAXII_EP_VERSIONS ? TAXII_VER_ALL : TAXII_VER_LAST;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void taxii_query_release(struct taxii_query *q)
{
    free(q->next);
    free_strv(q->ids, q->n_ids);
    free_strv(q->types, q->n_types);
    free(q->versions);
    free(q->spec_versions);
    taxii_query_init(q, q->ep);
}

static int bad(struct verr_list *errs, const char *name, const char *en, const char *ja)
{
    char ptr[64], m_en[400], m_ja[400];
    snprintf(ptr, sizeof(ptr), "?%s", name);
    snprintf(m_en, sizeof(m_en), "query parameter %s: %s", name, en);
    snprintf(m_ja, sizeof(m_ja), "クエリパラメータ %s: %s", name, ja);
    verr_add(errs, ptr, "bad_query", m_en, m_ja);
    return -1;
}

/* A STIX timestamp (STIX 2.1 §3.2): RFC 3339, UTC, "Z". */
static int parse_stix_ts(const char *s, size_t n, int64_t *ms)
{
    struct rtime_parsed t;
    if (n < 20 || (s[n - 1] != 'Z' && s[n - 1] != 'z') || s[10] != 'T')
        return -1;
    if (rtime_parse_rfc3339(s, n, &t) != RTIME_OK)
        return -1;
    *ms = t.ms;
    return 0;
}

/* STIX 2.1 §2.2 type names: 3–250 characters of a-z, 0-9 and '-'. */
static bool valid_type(const char *s, size_t n)
{
    if (n < 3 || n > 250)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static bool valid_stix_id(const char *s, size_t n)
{
    if (n < 36 + 2 + 3)
        return false;
    size_t tl = n - 36 - 2;
    return valid_type(s, tl) && s[tl] == '-' && s[tl + 1] == '-' && uuid_valid(s + tl + 2, 36);
}

/* "2.1" → 21: one digit, a dot, one digit. */
static int parse_spec_version(const char *s, size_t n)
{
    if (n != 3 || s[0] < '0' || s[0] > '9' || s[1] != '.' || s[2] < '0' || s[2] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[2] - '0');
}

static size_t list_len(const struct taxii_query *q, enum param p)
{
    switch (p) {
    case P_ID:
        return q->n_ids;
    case P_TYPE:
        return q->n_types;
    case P_VERSION:
        return q->n_versions;
    case P_SPEC_VERSION:
        return q->n_spec_versions;
    default:
        return 0;
    }
}

static int add_item(struct taxii_query *q, enum param p, const char *s, size_t n,
                    struct verr_list *errs)
{
    const char *name = param_names[p];
    int64_t ms;
    int sv;
    switch (p) {
    case P_ID:
        if (!valid_stix_id(s, n))
            return bad(errs, name, "not a STIX identifier (type--UUID)",
                       "STIX の識別子（type--UUID）ではありません");
        q->ids = xrealloc(q->ids, (q->n_ids + 1) * sizeof(*q->ids));
        q->ids[q->n_ids++] = xstrndup(s, n);
        return 0;
    case P_TYPE:
        if (!valid_type(s, n))
            return bad(errs, name, "not a STIX type name (3-250 of a-z, 0-9, -)",
                       "STIX の型名（a-z、0-9、- の3〜250文字）ではありません");
        q->types = xrealloc(q->types, (q->n_types + 1) * sizeof(*q->types));
        q->types[q->n_types++] = xstrndup(s, n);
        return 0;
    case P_VERSION:
        if (n == 4 && !memcmp(s, "last", 4))
            q->version_flags |= TAXII_VER_LAST;
        else if (n == 5 && !memcmp(s, "first", 5))
            q->version_flags |= TAXII_VER_FIRST;
        else if (n == 3 && !memcmp(s, "all", 3))
            q->version_flags |= TAXII_VER_ALL;
        else if (parse_stix_ts(s, n, &ms) == 0) {
            q->versions = xrealloc(q->versions, (q->n_versions + 1) * sizeof(*q->versions));
            q->versions[q->n_versions++] = ms;
        } else
            return bad(errs, name,
                       "neither last, first, all nor a timestamp such as "
                       "2016-01-01T01:01:01.000Z",
                       "last、first、all、またはタイムスタンプ（例 2016-01-01T01:01:01.000Z）"
                       "のいずれでもありません");
        return 0;
    case P_SPEC_VERSION:
        if ((sv = parse_spec_version(s, n)) < 0)
            return bad(errs, name, "not a specification version such as 2.1",
                       "仕様バージョン（例 2.1）ではありません");
        q->spec_versions =
            xrealloc(q->spec_versions, (q->n_spec_versions + 1) * sizeof(*q->spec_versions));
        q->spec_versions[q->n_spec_versions++] = (uint8_t)sv;
        return 0;
    default:
        BUG("add_item: %d", (int)p);
    }
}

/* A match[...] value: a comma-separated list (§3.4.2). Empty items are refused. */
static int add_list(struct taxii_query *q, enum param p, const char *value, struct verr_list *errs)
{
    const char *name = param_names[p];
    int rc = 0;
    if (p == P_VERSION && !(q->seen & SEEN_VERSION)) {
        q->version_flags = 0; /* the first match[version] replaces the default */
        q->seen |= SEEN_VERSION;
    }
    for (const char *s = value;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (list_len(q, p) + 1 > TAXII_QUERY_MAX_VALUES)
            return bad(errs, name, "more than 100 values", "値が100個を超えています");
        if (n == 0)
            rc |= bad(errs, name, "an empty value in the list", "リストに空の値があります");
        else if (n > TAXII_QUERY_MAX_VALUE_LEN)
            rc |= bad(errs, name, "a value longer than 300 characters",
                      "300文字を超える値があります");
        else
            rc |= add_item(q, p, s, n, errs);
        if (!comma)
            break;
        s = comma + 1;
    }
    if (p == P_VERSION && q->version_flags == 0 && q->n_versions == 0)
        q->version_flags = TAXII_VER_LAST; /* every item was bad: keep a sane default */
    return rc;
}

static int once(struct taxii_query *q, unsigned bit, const char *name, struct verr_list *errs)
{
    if (q->seen & bit)
        return bad(errs, name, "given more than once", "複数回指定されています");
    q->seen |= bit;
    return 0;
}

static int add_single(struct taxii_query *q, enum param p, const char *value,
                      struct verr_list *errs)
{
    const char *name = param_names[p];
    int64_t v;
    size_t n = strlen(value);
    switch (p) {
    case P_ADDED_AFTER:
        if (once(q, SEEN_ADDED_AFTER, name, errs))
            return -1;
        if (parse_stix_ts(value, n, &q->added_after_ms))
            return bad(errs, name, "not a timestamp in UTC such as 2016-01-01T01:01:01.000Z",
                       "UTC のタイムスタンプ（例 2016-01-01T01:01:01.000Z）ではありません");
        q->has_added_after = true;
        return 0;
    case P_LIMIT:
        if (once(q, SEEN_LIMIT, name, errs))
            return -1;
        if (parse_int64(value, 1, INT64_MAX, &v))
            return bad(errs, name, "not a positive whole number", "正の整数ではありません");
        q->limit = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
        return 0;
    case P_NEXT:
        if (once(q, SEEN_NEXT, name, errs))
            return -1;
        if (n == 0 || n > TAXII_CURSOR_MAX)
            return bad(errs, name, "not a cursor this server issued",
                       "このサーバが発行したカーソルではありません");
        q->next = xstrdup(value);
        return 0;
    default:
        return add_list(q, p, value, errs);
    }
}

static void note_ignored(struct taxii_query *q, const char *key)
{
    if (q->n_ignored < TAXII_QUERY_MAX_IGNORED)
        xstrlcpy(q->ignored[q->n_ignored], key, sizeof(q->ignored[0]));
    q->n_ignored++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}
static int cmp_u8(const void *a, const void *b)
{
    return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

/* Sorts a list and drops duplicates, so the filter can search it. */
static size_t uniq(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *),
                   void (*drop)(void *))
{
    if (n == 0)
        return 0;
    qsort(base, n, sz, cmp);
    char *b = base;
    size_t w = 1;
    for (size_t r = 1; r < n; r++) {
        if (cmp(b + (w - 1) * sz, b + r * sz) == 0) {
            if (drop)
                drop(b + r * sz);
        } else
            memmove(b + w++ * sz, b + r * sz, sz);
    }
    return w;
}

static void drop_str(void *p)
{
    free(*(char **)p);
}

int taxii_query_add(struct taxii_query *q, const char *key, const char *value,
                    struct verr_list *errs)
{
    int p;
    for (p = 0; p < P__COUNT; p++)
        if (!strcmp(key, param_names[p]))
            break;
    if (p == P__COUNT || !(ep_params[q->ep] & (1u << p))) {
        note_ignored(q, key);
        return 0;
    }
    int rc = add_single(q, (enum param)p, value ? value : "", errs);
    q->n_ids = uniq(q->ids, q->n_ids, sizeof(char *), cmp_str, drop_str);
    q->n_types = uniq(q->types, q->n_types, sizeof(char *), cmp_str, drop_str);
    q->n_versions = uniq(q->versions, q->n_versions, sizeof(int64_t), cmp_i64, NULL);
    q->n_spec_versions = uniq(q->spec_versions, q->n_spec_versions, 1, cmp_u8, NULL);
    return rc;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string; NULL on a bad escape or a decoded NUL. */
static char *pct_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+')
            c = ' ';
        else if (c == '%') {
            int h, l;
            if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0)
                goto fail;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (c == '\0')
            goto fail;
        out[w++] = c;
    }
    out[w] = '\0';
    return out;
fail:
    free(out);
    return NULL;
}

int taxii_query_parse(struct taxii_query *q, const char *qs, size_t n, struct verr_list *errs)
{
    int rc = 0;
    if (n > TAXII_QUERY_MAX_LEN) {
        verr_add(errs, "?", "bad_query", "the query string is longer than 16384 bytes",
                 "クエリ文字列が16384バイトを超えています");
        return -1;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && qs[j] != '&')
            j++;
        if (j > i) {
            const char *eq = memchr(qs + i, '=', j - i);
            size_t kl = eq ? (size_t)(eq - (qs + i)) : j - i;
            char *k = pct_decode(qs + i, kl);
            char *v = eq ? pct_decode(eq + 1, (size_t)(qs + j - eq - 1)) : xstrdup("");
            if (!k || !v) {
                verr_add(errs, "?", "bad_query",
                         "the query string has a malformed %-escape or an encoded NUL",
                         "クエリ文字列に不正な %エスケープまたは NUL があります");
                rc = -1;
            } else
                rc |= taxii_query_add(q, k, v, errs);
            free(k);
            free(v);
        }
        i = j + 1;
    }
    return rc ? -1 : 0;
}

static bool in_strs(char *const *v, size_t n, const char *s, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(v[mid], s, len);
        if (c == 0)
            c = v[mid][len] ? 1 : 0;
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool in_i64(const int64_t *v, size_t n, int64_t x)
{
    return bsearch(&x, v, n, sizeof(*v), cmp_i64) != NULL;
}

/* The length of the type part of a STIX id ("indicator--…" → 9), or the whole length. */
static size_t type_len(const char *id)
{
    const char *dd = strstr(id, "--");
    return dd ? (size_t)(dd - id) : strlen(id);
}

bool taxii_query_matches(const struct taxii_query *q, const struct taxii_meta *m)
{
    if (q->n_ids && !in_strs(q->ids, q->n_ids, m->id, strlen(m->id)))
        return false;
    if (q->n_types && !in_strs(q->types, q->n_types, m->id, type_len(m->id)))
        return false;
    if (q->n_spec_versions && !memchr(q->spec_versions, m->spec_version, q->n_spec_versions))
        return false;
    /* §3.4.2: the listed version selectors are alternatives. "first" and "last" refer to all
     * versions of the object in the collection (the store's flags), whatever the other
     * filters: an object's latest version does not change with the question asked. */
    if (q->version_flags & TAXII_VER_ALL)
        return true;
    if ((q->version_flags & TAXII_VER_LAST) && (m->flags & TAXII_META_LAST))
        return true;
    if ((q->version_flags & TAXII_VER_FIRST) && (m->flags & TAXII_META_FIRST))
        return true;
    return q->n_versions && in_i64(q->versions, q->n_versions, m->version_ms);
}
