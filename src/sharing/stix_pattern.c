/*
 * stix_pattern.c — the STIX patterns of single indicators (STIX 2.1 §9, Patterning): writing
 * one comparison per indicator, and recognising that same simple form on import.
 *
 * Grammar (§9.2, and the OASIS grammar STIXPattern.g4): a pattern is an observation expression
 * in square brackets; a comparison is "object-type:property-path operator constant"; a string
 * constant is in single quotes where only \' and \\ are escapes (§9.3). A path component that
 * is not a plain identifier (a hash name like SHA-256) is itself quoted: hashes.'SHA-256'.
 */
#include <ctype.h>

#include "stix.h"

/* The object path of each indicator kind; hash names are hashing-algorithm-ov (§10.5). */
static const char *const paths[IOC__COUNT] = {
    [IOC_IPV4] = "ipv4-addr:value",      [IOC_IPV6] = "ipv6-addr:value",
    [IOC_DOMAIN] = "domain-name:value",  [IOC_URL] = "url:value",
    [IOC_EMAIL] = "email-addr:value",    [IOC_MD5] = "file:hashes.MD5",
    [IOC_SHA1] = "file:hashes.'SHA-1'",  [IOC_SHA256] = "file:hashes.'SHA-256'",
    [IOC_SSDEEP] = "file:hashes.SSDEEP",
};

int stix_pattern_build(struct buf *b, enum ioc_type type, const char *value, size_t n)
{
    size_t start = b->len;
    if ((int)type < 0 || type >= IOC__COUNT)
        return -1;
    int rc = buf_putc(b, '[') || buf_puts(b, paths[type]) || buf_puts(b, " = '");
    for (size_t i = 0; !rc && i < n; i++) {
        if (value[i] == '\'' || value[i] == '\\')
            rc = buf_putc(b, '\\');
        rc = rc || buf_putc(b, value[i]);
    }
    rc = rc || buf_puts(b, "']");
    if (rc) {
        buf_truncate(b, start);
        return BUF_EFULL;
    }
    return 0;
}

/* ---- recognising one comparison ---- */

struct scan {
    const char *p, *end;
};

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
        s->p++;
}

static bool eat(struct scan *s, char c)
{
    skip_ws(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

/* A quoted string (§9.3) into out (heap), unescaped. Only \' and \\ are escapes. */
static bool quoted(struct scan *s, char **out)
{
    struct buf v;
    if (s->p >= s->end || *s->p != '\'')
        return false;
    buf_init(&v, (size_t)(s->end - s->p));
    for (s->p++; s->p < s->end && *s->p != '\''; s->p++) {
        if (!*s->p) /* a NUL cannot come from JSON text (RFC 8259 §7, jparse refuses \u0000) */
            break;
        if (*s->p == '\\') {
            if (s->p + 1 >= s->end || (s->p[1] != '\'' && s->p[1] != '\\'))
                break;
            s->p++;
        }
        buf_putc(&v, *s->p);
    }
    if (s->p >= s->end || *s->p != '\'') {
        buf_release(&v);
        return false;
    }
    s->p++;
    *out = buf_detach(&v, NULL);
    return true;
}

/* One path component: a plain name or a quoted one, copied into out (bounded). */
static bool component(struct scan *s, char *out, size_t cap)
{
    size_t k = 0;
    if (s->p < s->end && *s->p == '\'') {
        char *q = NULL;
        if (!quoted(s, &q))
            return false;
        bool ok = xstrlcpy(out, q, cap) < cap;
        free(q);
        return ok;
    }
    while (s->p < s->end && (isalnum((unsigned char)*s->p) || *s->p == '_' || *s->p == '-')) {
        if (k + 1 >= cap)
            return false;
        out[k++] = *s->p++;
    }
    out[k] = '\0';
    return k > 0;
}

/* "object-type:a.b" → the indicator kind, or IOC_INVALID. */
static enum ioc_type path_type(struct scan *s)
{
    static const struct {
        const char *object, *prop;
        enum ioc_type t;
    } simple[] = {
        {"ipv4-addr", "value", IOC_IPV4},     {"ipv6-addr", "value", IOC_IPV6},
        {"domain-name", "value", IOC_DOMAIN}, {"url", "value", IOC_URL},
        {"email-addr", "value", IOC_EMAIL},
    };
    static const struct {
        const char *name;
        enum ioc_type t;
    } hashes[] = {{"MD5", IOC_MD5},        {"SHA-1", IOC_SHA1},    {"SHA1", IOC_SHA1},
                  {"SHA-256", IOC_SHA256}, {"SHA256", IOC_SHA256}, {"SSDEEP", IOC_SSDEEP}};
    char object[64], prop[64], key[64];
    skip_ws(s);
    /* no whitespace inside an object path (STIXPattern.g4: objectPath) */
    if (!component(s, object, sizeof(object)) || s->p >= s->end || *s->p++ != ':' ||
        !component(s, prop, sizeof(prop)))
        return IOC_INVALID;
    for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
        if (!strcmp(object, simple[i].object) && !strcmp(prop, simple[i].prop))
            return s->p < s->end && *s->p == '.' ? IOC_INVALID : simple[i].t;
    if (strcmp(object, "file") || strcmp(prop, "hashes") || s->p >= s->end || *s->p != '.')
        return IOC_INVALID;
    s->p++;
    if (!component(s, key, sizeof(key)) || (s->p < s->end && *s->p == '.'))
        return IOC_INVALID;
    for (size_t i = 0; i < ARRAY_SIZE(hashes); i++)
        if (!strcasecmp(key, hashes[i].name))
            return hashes[i].t;
    return IOC_INVALID;
}

int stix_pattern_extract(const char *pattern, size_t n, struct stix_pattern_ioc *out)
{
    struct scan s = {pattern, pattern + n};
    char *value = NULL;
    out->type = IOC_INVALID;
    out->value = NULL;
    if (!eat(&s, '['))
        return -1;
    enum ioc_type t = path_type(&s);
    if (t == IOC_INVALID || !eat(&s, '='))
        return -1;
    skip_ws(&s);
    if (!quoted(&s, &value))
        return -1;
    if (!eat(&s, ']') || (skip_ws(&s), s.p != s.end) || !value[0]) {
        free(value);
        return -1;
    }
    if (t >= IOC_MD5 && t <= IOC_SHA256)
        for (char *c = value; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    out->type = t;
    out->value = value;
    return 0;
}
