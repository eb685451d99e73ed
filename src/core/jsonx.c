#include "jsonx.h"

size_t jsonx_depth_exceeded(const char *p, size_t n, int max_depth)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return i + 1;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 0;
}

int jsonx_load_object(const char *p, size_t n, int max_depth, json_t **out, struct jsonx_error *e)
{
    json_t *j;
    int rc;
    *out = NULL;
    if ((rc = jsonx_parse(p, n, max_depth, &j, e)))
        return rc;
    if (!json_is_object(j)) {
        json_decref(j);
        if (e) {
            e->line = 1, e->column = 1, e->position = 0;
            xstrlcpy(e->text, "the top-level value must be an object", sizeof(e->text));
            xstrlcpy(e->text_ja, "最上位はJSONオブジェクト（{…}）にしてください",
                     sizeof(e->text_ja));
        }
        return JSONX_ENOTOBJ;
    }
    *out = j;
    return JSONX_OK;
}

/*
 * A real in the shortest form that reads back as the same double: 15 significant digits
 * (DBL_DIG) when they suffice — so any decimal of up to 15 digits a client sent, or a score
 * rounded to two places, comes back as written (1.57, not 1.5700000000000001) — else 16 or 17,
 * so no value a reporter sent loses a digit on its way to a recipient (found by fuzz_render:
 * 5005005005.005005 was delivered as 5005005005.00501). Spelled as jansson spells reals: a
 * ".0" when it would read as an integer, no '+' or leading zeros in the exponent.
 */
static int put_real(struct buf *b, double v)
{
    char s[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    if (!strpbrk(s, ".eEn")) /* "nan"/"inf" cannot occur: json_real refuses them */
        memcpy(s + strlen(s), ".0", 3);
    char *e = strpbrk(s, "eE");
    if (e) {
        char *p = e + 1, *digits;
        if (*p == '+')
            memmove(p, p + 1, strlen(p + 1) + 1);
        else if (*p == '-')
            p++;
        for (digits = p; digits[0] == '0' && digits[1]; digits++)
            ;
        memmove(p, digits, strlen(digits) + 1);
    }
    return buf_puts(b, s);
}

/* A string as jansson escapes it (so canonical bytes stay what they were): '"', '\\' and the
 * C0 controls, the latter as \b \f \n \r \t or \u00XX in upper-case hex; UTF-8 as is. */
static int canon_str(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t start = 0;
    int rc = buf_putc(b, '"');
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        char u[7] = {'\\', 0};
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        switch (c) {
        case '"':
        case '\\':
            u[1] = (char)c;
            break;
        case '\b':
            u[1] = 'b';
            break;
        case '\f':
            u[1] = 'f';
            break;
        case '\n':
            u[1] = 'n';
            break;
        case '\r':
            u[1] = 'r';
            break;
        case '\t':
            u[1] = 't';
            break;
        default:
            memcpy(u + 1, "u00", 3), u[4] = hex[c >> 4], u[5] = hex[c & 15];
        }
        rc = buf_append(b, s + start, i - start) || buf_puts(b, u);
        start = i + 1;
    }
    return rc || buf_append(b, s + start, n - start) || buf_putc(b, '"') ? BUF_EFULL : 0;
}

static int canon(const json_t *j, struct buf *b);

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int canon_object(const json_t *j, struct buf *b)
{
    size_t n = json_object_size(j), i = 0;
    const char **keys = xcalloc(n + 1, sizeof(*keys));
    const char *k;
    json_t *v;
    int rc = buf_putc(b, '{');
    json_object_foreach((json_t *)j, k, v) keys[i++] = k;
    qsort(keys, n, sizeof(*keys), cmp_keys);
    for (i = 0; i < n && !rc; i++) {
        rc = (i && buf_putc(b, ',')) || canon_str(b, keys[i], strlen(keys[i])) ||
             buf_putc(b, ':') || canon(json_object_get(j, keys[i]), b);
    }
    free(keys);
    return rc || buf_putc(b, '}') ? BUF_EFULL : 0;
}

static int canon(const json_t *j, struct buf *b)
{
    size_t i;
    json_t *v;
    int rc = 0;
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return canon_object(j, b);
    case JSON_ARRAY:
        rc = buf_putc(b, '[');
        json_array_foreach(j, i, v) rc = rc || (i && buf_putc(b, ',')) || canon(v, b);
        return rc || buf_putc(b, ']') ? BUF_EFULL : 0;
    case JSON_STRING:
        return canon_str(b, json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return buf_appendf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    case JSON_REAL:
        return put_real(b, json_real_value(j));
    case JSON_TRUE:
        return buf_puts(b, "true");
    case JSON_FALSE:
        return buf_puts(b, "false");
    case JSON_NULL:
        return buf_puts(b, "null");
    }
    return BUF_EFULL;
}

int jsonx_dump_canonical(const json_t *j, struct buf *b)
{
    size_t before = b->len;
    int rc = canon(j, b);
    if (rc)
        buf_truncate(b, before); /* BUF_EFULL leaves b as it was */
    return rc;
}

size_t jsonx_utf8_len(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xc0) != 0x80;
    return count;
}

int jsonx_ptr_push(struct buf *ptr, const char *token, size_t n)
{
    if (buf_putc(ptr, '/'))
        return BUF_EFULL;
    /* common case: nothing to escape, one copy (the validator pushes every field it visits) */
    if (!memchr(token, '~', n) && !memchr(token, '/', n))
        return buf_append(ptr, token, n);
    for (size_t i = 0; i < n; i++) {
        int r;
        if (token[i] == '~')
            r = buf_append(ptr, "~0", 2);
        else if (token[i] == '/')
            r = buf_append(ptr, "~1", 2);
        else
            r = buf_putc(ptr, token[i]);
        if (r)
            return BUF_EFULL;
    }
    return 0;
}

int jsonx_ptr_push_index(struct buf *ptr, size_t index)
{
    char digits[24];
    size_t n = sizeof(digits);
    digits[--n] = '\0';
    do {
        digits[--n] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    digits[--n] = '/';
    return buf_append(ptr, digits + n, sizeof(digits) - 1 - n);
}

/* Decodes the reference token at p (up to '/' or end) into a new heap string (RFC 6901 §4:
 * "~1" is '/', "~0" is '~'). *used gets its raw length. Returns NULL on a bad escape. */
char *jsonx_ptr_token(const char *p, size_t *used)
{
    size_t raw = strcspn(p, "/"), o = 0;
    char *tok = xmalloc(raw + 1);
    for (size_t i = 0; i < raw; i++) {
        char c = p[i];
        if (c == '~') {
            if (i + 1 >= raw || (p[i + 1] != '0' && p[i + 1] != '1')) {
                free(tok);
                return NULL;
            }
            c = p[++i] == '0' ? '~' : '/';
        }
        tok[o++] = c;
    }
    tok[o] = '\0';
    *used = raw;
    return tok;
}

static int array_index(const char *tok, size_t size, size_t *out)
{
    int64_t v;
    if (tok[0] < '0' || tok[0] > '9' || (tok[0] == '0' && tok[1] != '\0'))
        return -1; /* RFC 6901 §4: digits only ("+1", " 1" are not indices), no leading zeros */
    if (parse_int64(tok, 0, (int64_t)size, &v))
        return -1;
    *out = (size_t)v;
    return 0;
}

json_t *jsonx_ptr_get(json_t *doc, const char *ptr)
{
    json_t *cur = doc;
    const char *p = ptr;
    char small[256];
    while (cur && *p == '/') {
        size_t raw = strcspn(p + 1, "/"), idx, used;
        char *tok;
        if (raw < sizeof(small) && !memchr(p + 1, '~', raw)) {
            memcpy(small, p + 1, raw); /* the common case: no escapes, no allocation */
            small[raw] = '\0';
            tok = small;
            used = raw;
        } else if (!(tok = jsonx_ptr_token(p + 1, &used))) {
            return NULL;
        }
        p += 1 + used;
        if (json_is_object(cur))
            cur = json_object_get(cur, tok);
        else if (json_is_array(cur) && !array_index(tok, json_array_size(cur), &idx) &&
                 idx < json_array_size(cur))
            cur = json_array_get(cur, idx);
        else
            cur = NULL;
        if (tok != small)
            free(tok);
    }
    return *p == '\0' ? cur : NULL;
}

/* ---- locating a pointer in JSON text ---- */

struct locator {
    const char *p;
    size_t n, i;
    int line, col;
    const char *want; /* remaining pointer to match, or NULL once diverged */
};

static void loc_adv(struct locator *l)
{
    if (l->p[l->i] == '\n')
        l->line++, l->col = 1;
    else if (((unsigned char)l->p[l->i] & 0xc0) != 0x80)
        l->col++;
    l->i++;
}

static void loc_ws(struct locator *l)
{
    while (l->i < l->n && strchr(" \t\r\n", l->p[l->i]) && l->p[l->i])
        loc_adv(l);
}

/* Skips a string, copying its raw (still escaped) contents into key if given. */
static void loc_string(struct locator *l, struct buf *key)
{
    loc_adv(l); /* opening quote */
    while (l->i < l->n && l->p[l->i] != '"') {
        if (l->p[l->i] == '\\') {
            if (key)
                buf_putc(key, l->p[l->i]);
            loc_adv(l);
        }
        if (l->i < l->n) {
            if (key)
                buf_putc(key, l->p[l->i]);
            loc_adv(l);
        }
    }
    if (l->i < l->n)
        loc_adv(l);
}

/* Does the next reference token of want equal this (escaped JSON) key? Keys with JSON escapes
 * are compared after a decode through jansson, which is rare in our data files. */
static bool token_matches(const char *want, const struct buf *key, size_t *toklen)
{
    size_t used;
    char *tok = jsonx_ptr_token(want + 1, &used);
    bool eq = false;
    *toklen = used;
    if (!tok)
        return false;
    if (!memchr(key->data ? key->data : "", '\\', key->len)) {
        eq = strlen(tok) == key->len && !memcmp(tok, buf_cstr(key), key->len);
    } else {
        struct buf q;
        buf_init(&q, BUF_UNLIMITED);
        buf_putc(&q, '"');
        buf_append(&q, key->data, key->len);
        buf_putc(&q, '"');
        json_t *s = json_loadb(q.data, q.len, JSON_DECODE_ANY, NULL);
        eq = s && json_is_string(s) && !strcmp(json_string_value(s), tok);
        json_decref(s);
        buf_release(&q);
    }
    free(tok);
    return eq;
}

static int loc_value(struct locator *l, const char *want, int *line, int *col);

static int loc_container(struct locator *l, const char *want, int *line, int *col)
{
    bool obj = l->p[l->i] == '{';
    size_t index = 0;
    loc_adv(l);
    loc_ws(l);
    while (l->i < l->n && l->p[l->i] != (obj ? '}' : ']')) {
        const char *sub = NULL;
        if (obj) {
            struct buf key;
            size_t toklen;
            buf_init(&key, BUF_UNLIMITED);
            loc_string(l, &key);
            if (want && *want == '/' && token_matches(want, &key, &toklen))
                sub = want + 1 + toklen;
            buf_release(&key);
            loc_ws(l);
            loc_adv(l); /* ':' */
            loc_ws(l);
        } else if (want && *want == '/') {
            char idx[24];
            int k = snprintf(idx, sizeof(idx), "%zu", index);
            size_t tl = strcspn(want + 1, "/");
            if ((size_t)k == tl && !memcmp(want + 1, idx, tl))
                sub = want + 1 + tl;
        }
        if (loc_value(l, sub, line, col) == 0)
            return 0;
        loc_ws(l);
        if (l->i < l->n && l->p[l->i] == ',') {
            loc_adv(l);
            loc_ws(l);
        }
        index++;
    }
    if (l->i < l->n)
        loc_adv(l);
    return -1;
}

/* Walks one value; returns 0 as soon as the wanted pointer is found. */
static int loc_value(struct locator *l, const char *want, int *line, int *col)
{
    loc_ws(l);
    if (want && *want == '\0') {
        *line = l->line;
        *col = l->col;
        return 0;
    }
    if (l->i >= l->n)
        return -1;
    char c = l->p[l->i];
    if (c == '{' || c == '[')
        return loc_container(l, want, line, col);
    if (c == '"') {
        loc_string(l, NULL);
        return -1;
    }
    while (l->i < l->n && !strchr(",]} \t\r\n", l->p[l->i]))
        loc_adv(l);
    return -1;
}

int jsonx_locate(const char *p, size_t n, const char *pointer, int *line, int *column)
{
    struct locator l = {p, n, 0, 1, 1, pointer};
    return loc_value(&l, pointer, line, column);
}
