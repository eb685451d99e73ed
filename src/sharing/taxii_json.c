/* taxii_json.c — TAXII 2.1 media-type negotiation (§1.6.8) and the JSON resources of §3.7,
 * §4 and §5 (taxii.h). */
#include "taxii.h"

/* ---- media types ---- */

struct mtype {
    char type[64], subtype[64];
    char version[16]; /* "" when absent */
    char charset[32];
    int q; /* thousandths, RFC 9110 §12.4.2 qvalue */
    bool bad;
};

static const char *skip_ows(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

static size_t trim_len(const char *s, const char *end)
{
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return (size_t)(end - s);
}

/* RFC 9110 §12.4.2: "0" / "1" with up to three decimals. */
static int parse_q(const char *s, size_t n)
{
    if (n == 0 || n > 5 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000, scale = 100;
    if (n > 1 && s[1] != '.')
        return -1;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

static void copy_lower(char *dst, size_t sz, const char *s, size_t n, bool *bad)
{
    if (n == 0 || n >= sz) {
        *bad = true;
        n = 0;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    dst[n] = '\0';
}

static void parse_param(struct mtype *m, const char *s, const char *end)
{
    const char *eq = memchr(s, '=', (size_t)(end - s));
    if (!eq) {
        m->bad = true;
        return;
    }
    size_t kl = trim_len(s, eq);
    const char *v = skip_ows(eq + 1, end);
    size_t vl = trim_len(v, end);
    if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
        v++;
        vl -= 2;
    }
    char key[16];
    bool kbad = false;
    copy_lower(key, sizeof(key), s, kl, &kbad);
    if (kbad)
        return; /* a parameter we do not know and cannot hold: irrelevant */
    if (!strcmp(key, "q")) {
        int q = parse_q(v, vl);
        if (q < 0)
            m->bad = true;
        else
            m->q = q;
    } else if (!strcmp(key, "version"))
        copy_lower(m->version, sizeof(m->version), v, vl, &m->bad);
    else if (!strcmp(key, "charset"))
        copy_lower(m->charset, sizeof(m->charset), v, vl, &m->bad);
}

/* Parses one media type or media range s[0..end) with its parameters. */
static void parse_mtype(const char *s, const char *end, struct mtype *m)
{
    memset(m, 0, sizeof(*m));
    m->q = 1000;
    s = skip_ows(s, end);
    const char *semi = memchr(s, ';', (size_t)(end - s));
    const char *tend = semi ? semi : end;
    const char *slash = memchr(s, '/', (size_t)(tend - s));
    if (!slash) {
        m->bad = true;
        return;
    }
    copy_lower(m->type, sizeof(m->type), s, trim_len(s, slash), &m->bad);
    copy_lower(m->subtype, sizeof(m->subtype), slash + 1, trim_len(slash + 1, tend), &m->bad);
    while (semi) {
        const char *p = skip_ows(semi + 1, end);
        semi = memchr(p, ';', (size_t)(end - p));
        parse_param(m, p, semi ? semi : end);
    }
}

/* How specifically a range names TAXII 2.1 (higher wins, RFC 9110 §12.5.1), -1 if not at all. */
static int specificity(const struct mtype *m)
{
    if (!strcmp(m->type, "*") && !strcmp(m->subtype, "*"))
        return 0;
    if (strcmp(m->type, "application"))
        return -1;
    if (!strcmp(m->subtype, "*"))
        return 1;
    if (strcmp(m->subtype, "taxii+json"))
        return -1;
    if (!m->version[0])
        return 2;
    return strcmp(m->version, "2.1") ? -1 : 3;
}

bool taxii_accept_ok(const char *accept)
{
    if (!accept)
        return true;
    const char *s = accept, *end = accept + strlen(accept);
    int best = -1, best_q = 0;
    bool any = false;
    while (s < end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *e = comma ? comma : end;
        if (trim_len(skip_ows(s, e), e)) {
            struct mtype m;
            parse_mtype(s, e, &m);
            any = true;
            int sp = m.bad ? -1 : specificity(&m);
            if (sp > best || (sp == best && m.q > best_q)) {
                best = sp;
                best_q = m.q;
            }
        }
        s = comma ? comma + 1 : end;
    }
    if (!any)
        return true; /* an empty Accept is treated as absent */
    return best >= 0 && best_q > 0;
}

bool taxii_content_type_ok(const char *ct)
{
    struct mtype m;
    if (!ct || strchr(ct, ','))
        return false;
    parse_mtype(ct, ct + strlen(ct), &m);
    if (m.bad || strcmp(m.type, "application") || strcmp(m.subtype, "taxii+json"))
        return false;
    if (m.version[0] && strcmp(m.version, "2.1"))
        return false;
    return !m.charset[0] || !strcmp(m.charset, "utf-8");
}

/* ---- resources ---- */

static void set_str(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, json_string(v));
}

json_t *taxii_discovery_json(const char *title, const char *description, const char *contact,
                             const char *default_root, const char *const *roots, size_t n_roots)
{
    json_t *o = json_object(), *a = json_array();
    set_str(o, "title", title);
    set_str(o, "description", description);
    set_str(o, "contact", contact);
    set_str(o, "default", default_root);
    for (size_t i = 0; i < n_roots; i++)
        json_array_append_new(a, json_string(roots[i]));
    json_object_set_new(o, "api_roots", a);
    return o;
}

json_t *taxii_api_root_json(const char *title, const char *description, size_t max_content_length)
{
    json_t *o = json_object();
    set_str(o, "title", title);
    set_str(o, "description", description);
    json_object_set_new(o, "versions", json_pack("[s]", TAXII_MEDIA_TYPE));
    json_object_set_new(o, "max_content_length", json_integer((json_int_t)max_content_length));
    return o;
}

json_t *taxii_collection_json(const struct taxii_collection *c)
{
    json_t *o = json_object();
    set_str(o, "id", c->id);
    set_str(o, "title", c->title);
    set_str(o, "description", c->description);
    set_str(o, "alias", c->alias);
    json_object_set_new(o, "can_read", json_boolean(c->can_read));
    json_object_set_new(o, "can_write", json_boolean(c->can_write));
    json_object_set_new(o, "media_types", json_pack("[s]", TAXII_STIX_MEDIA_TYPE));
    return o;
}

json_t *taxii_collections_json(const struct taxii_collection *c, size_t n)
{
    json_t *o = json_object();
    if (n) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, taxii_collection_json(&c[i]));
        json_object_set_new(o, "collections", a);
    }
    return o;
}

static json_t *paged(const struct taxii_page *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "more", json_boolean(p->more));
    if (p->more)
        json_object_set_new(o, "next", json_string(p->next));
    return o;
}

json_t *taxii_manifest_json(const struct taxii_page *p)
{
    json_t *o = paged(p);
    char da[TAXII_TS_LEN], ver[TAXII_TS_LEN];
    if (!p->n)
        return o;
    json_t *a = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const struct taxii_meta *m = p->items[i];
        taxii_timestamp(m->date_added_ms, da);
        taxii_timestamp(m->version_ms, ver);
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s, s:s}", "id", m->id, "date_added", da,
                                        "version", ver, "media_type",
                                        m->spec_version == 20 ? "application/stix+json;version=2.0"
                                                              : TAXII_STIX_MEDIA_TYPE));
    }
    json_object_set_new(o, "objects", a);
    return o;
}

json_t *taxii_versions_json(const struct taxii_page *p)
{
    json_t *o = paged(p);
    char ver[TAXII_TS_LEN];
    if (!p->n)
        return o;
    json_t *a = json_array();
    for (size_t i = 0; i < p->n; i++) {
        taxii_timestamp(p->items[i]->version_ms, ver);
        json_array_append_new(a, json_string(ver));
    }
    json_object_set_new(o, "versions", a);
    return o;
}

int taxii_envelope_write(struct buf *b, const struct taxii_page *p, taxii_raw_fn raw, void *ctx)
{
    size_t mark = b->len, written = 0;
    int rc = buf_puts(b, p->more ? "{\"more\":true,\"next\":" : "{\"more\":false");
    if (!rc && p->more)
        rc = buf_json_str(b, p->next, strlen(p->next));
    for (size_t i = 0; !rc && i < p->n; i++) {
        const char *s;
        size_t n;
        if (raw(p->items[i]->ref, &s, &n, ctx))
            continue;
        rc = buf_puts(b, written++ ? "," : ",\"objects\":[");
        if (!rc)
            rc = buf_append(b, s, n);
    }
    if (!rc)
        rc = buf_puts(b, written ? "]}" : "}");
    if (rc)
        buf_truncate(b, mark);
    return rc;
}

json_t *taxii_error_json(int http_status, const char *error_code, const char *title_en,
                         const char *title_ja, const char *description_en,
                         const char *description_ja, const struct verr_list *errs)
{
    char status[8];
    json_t *o = json_object(), *d = json_object();
    snprintf(status, sizeof(status), "%d", http_status);
    set_str(o, "title", title_en);
    set_str(o, "description", description_en);
    set_str(o, "error_code", error_code);
    json_object_set_new(o, "http_status", json_string(status));
    set_str(d, "title_ja", title_ja);
    set_str(d, "description_ja", description_ja);
    if (errs && errs->n) {
        json_t *a = json_array();
        for (size_t i = 0; i < errs->n; i++)
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "pointer",
                                               errs->v[i].pointer, "code", errs->v[i].code, "en",
                                               errs->v[i].en, "ja", errs->v[i].ja));
        json_object_set_new(d, "errors", a);
    }
    json_object_set_new(o, "details", d);
    return o;
}

/* ---- status (§4.3) ---- */

void taxii_status_init(struct taxii_status *st, const char *id, int64_t request_ms)
{
    memset(st, 0, sizeof(*st));
    xstrlcpy(st->id, id ? id : "", sizeof(st->id));
    st->request_ms = request_ms;
}

static void free_details(struct taxii_status_detail *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].id);
        free(d[i].version);
        free(d[i].message);
    }
    free(d);
}

void taxii_status_release(struct taxii_status *st)
{
    free_details(st->successes, st->n_successes);
    free_details(st->failures, st->n_failures);
    free_details(st->pendings, st->n_pendings);
    taxii_status_init(st, st->id, st->request_ms);
}

static json_t *details_json(const struct taxii_status_detail *d, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        set_str(o, "id", d[i].id);
        set_str(o, "version", d[i].version);
        set_str(o, "message", d[i].message);
        json_array_append_new(a, o);
    }
    return a;
}

json_t *taxii_status_json(const struct taxii_status *st)
{
    char ts[TAXII_TS_LEN];
    taxii_timestamp(st->request_ms, ts);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id", st->id, "status",
                          st->n_pendings ? "pending" : "complete", "request_timestamp", ts,
                          "total_count", (json_int_t)st->total, "success_count",
                          (json_int_t)st->n_successes, "failure_count", (json_int_t)st->n_failures,
                          "pending_count", (json_int_t)st->n_pendings);
    if (st->n_successes)
        json_object_set_new(o, "successes", details_json(st->successes, st->n_successes));
    if (st->n_failures)
        json_object_set_new(o, "failures", details_json(st->failures, st->n_failures));
    if (st->n_pendings)
        json_object_set_new(o, "pendings", details_json(st->pendings, st->n_pendings));
    return o;
}
