/*
 * parse.c — small parsers for request headers and parameters, kept pure so they can be
 * unit-tested and fuzzed (fuzz/fuzz_http.c): Accept-Language, If-Match, pagination cursors.
 */
#include <ctype.h>

#include "http_int.h"
#include "../core/enc.h"
#include "../core/uuid.h"

/* Accept-Language: picks ja when Japanese has a higher q-value than English (RFC 9110
 * §12.5.4); English otherwise. */
bool http_lang_prefers_ja(const char *al)
{
    double qja = -1, qen = -1;
    const char *p = al;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *tag = p;
        size_t taglen = strcspn(p, ";,");
        double q = 1.0;
        p += taglen;
        if (*p == ';') {
            const char *qs = strstr(p, "q=");
            const char *next = strchr(p, ',');
            if (qs && (!next || qs < next))
                q = strtod(qs + 2, NULL);
            p = next ? next : p + strlen(p);
        }
        if (taglen >= 2 && !strncasecmp(tag, "ja", 2) && q > qja)
            qja = q;
        else if (((taglen >= 2 && !strncasecmp(tag, "en", 2)) || (taglen == 1 && *tag == '*')) &&
                 q > qen)
            qen = q;
    }
    return qja > 0 && qja > qen;
}

/* If-Match: "vN" (RFC 9110 §13.1.1). Returns N, 0 when absent, -1 when unusable.
 * The quotes may be missing: `v1` is taken as `"v1"`. Strictly an entity tag is quoted
 * (RFC 9110 §8.8.3), but shells strip the quotes of `-H 'If-Match: "v1"'` written as
 * `-H "If-Match: "v1""`, and every tag this service issues is "v<N>", so the bare form can mean
 * nothing else; refusing it answered 412 "the latest version is 1", which read as a
 * contradiction. */
int http_parse_if_match(const char *im)
{
    int64_t v;
    char num[16];
    size_t n;
    if (!im)
        return 0;
    n = strlen(im);
    if (n >= 3 && im[0] == '"' && im[n - 1] == '"') { /* inside the quotes */
        im++;
        n -= 2;
    }
    if (n < 2 || n > 8 || im[0] != 'v')
        return -1;
    memcpy(num, im + 1, --n);
    num[n] = '\0';
    /* only tags we issue: "v02", "v+2" or "v 2" are other entity tags (strong comparison) */
    if (num[0] < '1' || num[0] > '9' || strspn(num, "0123456789") != n)
        return -1;
    return parse_int64(num, 1, 1000000, &v) ? -1 : (int)v;
}

/* Walks a comma-separated entity-tag list (RFC 9110 §8.8.3), calling back with each tag's
 * version (http_parse_if_match of the tag alone) and whether it was weak. Returns false on '*'. */
static bool each_tag(const char *h, int current, bool allow_weak, bool *hit)
{
    const char *p = h;
    *hit = false;
    while (*p) {
        char tag[32];
        size_t n;
        while (*p == ' ' || *p == ',')
            p++;
        n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (n == 1 && *p == '*')
            return false;
        bool weak = n > 2 && !strncmp(p, "W/", 2);
        if (n && n < sizeof(tag)) {
            memcpy(tag, p, n);
            tag[n] = '\0';
            if ((!weak || allow_weak) && http_parse_if_match(weak ? tag + 2 : tag) == current)
                *hit = true;
        }
        p += strcspn(p, ",");
    }
    return true;
}

enum http_ifm http_if_match(const char *h, int current)
{
    bool hit;
    if (!h)
        return IFM_ABSENT;
    if (!each_tag(h, current, false, &hit)) /* strong comparison: weak tags never match */
        return IFM_STAR;
    return hit ? IFM_MATCH : IFM_NO_MATCH;
}

bool http_if_none_match_hits(const char *h, int current)
{
    bool hit;
    if (!h)
        return false;
    if (!each_tag(h, current, true, &hit)) /* weak comparison (RFC 9110 §13.1.2) */
        return true;
    return hit;
}

int http_cursor_parse(const char *c, char out[UUID_STR_LEN])
{
    unsigned char raw[UUID_STR_LEN];
    long n = enc_unb64url(c, strlen(c), raw, sizeof(raw) - 1);
    out[0] = '\0';
    if (n != 36 || !uuid_valid((const char *)raw, 36))
        return -1;
    memcpy(out, raw, 36);
    out[36] = '\0';
    return 0;
}

/* ---- the request head (RFC 9110, RFC 9112) ---- */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 9110 §5.6.2: tchar. */
static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

enum http_target http_target_check(const char *t, size_t n)
{
    bool in_query = false;
    if (n == 0)
        return HTTP_TARGET_EMPTY;
    if (n > HTTP_MAX_TARGET_BYTES)
        return HTTP_TARGET_TOO_LONG;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        /* visible ASCII only (RFC 3986 §2; RFC 9112 §3.2); '#' starts a fragment, which a
         * request-target never carries (RFC 9112 §3.2) */
        if (c <= ' ' || c >= 0x7f || c == '#')
            return HTTP_TARGET_BAD_CHAR;
        if (c == '?')
            in_query = true;
        if (c != '%')
            continue;
        if (i + 2 >= n || !is_hex(t[i + 1]) || !is_hex(t[i + 2]))
            return HTTP_TARGET_BAD_ESCAPE;
        /* %00 decodes to a NUL that would end the decoded path or value early:
         * "/reports/<id>%00junk" would be read as "/reports/<id>" */
        if (t[i + 1] == '0' && t[i + 2] == '0')
            return HTTP_TARGET_NUL;
        /* an encoded '/' in the path would become a segment separator once decoded and reach
         * another route than the one the client named */
        if (!in_query && t[i + 1] == '2' && (t[i + 2] == 'f' || t[i + 2] == 'F'))
            return HTTP_TARGET_SLASH;
        i += 2;
    }
    return HTTP_TARGET_OK;
}

/* Skips optional whitespace (RFC 9110 §5.6.3). */
static size_t ows(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* A token, or when quoted_ok also a quoted-string (RFC 9110 §5.6.2, §5.6.4), at s[i]; copies
 * its value (unquoted, lower-case) into out. Returns the index after it, or 0 when malformed or
 * too long for out. */
static size_t token_at(const char *s, size_t i, size_t n, bool quoted_ok, char *out,
                       size_t outsz)
{
    size_t k = 0;
    bool quoted = quoted_ok && i < n && s[i] == '"';
    for (i += quoted; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (quoted && c == '"')
            break;
        if (quoted && c == '\\' && i + 1 < n)
            c = (unsigned char)s[++i];
        else if (!quoted && !is_tchar(c))
            break;
        if (k + 1 >= outsz)
            return 0;
        out[k++] = (char)tolower(c);
    }
    out[k] = '\0';
    if (quoted)
        return i < n ? i + 1 : 0; /* past the closing quote; 0 when there is none */
    return k ? i : 0;
}

enum http_ctype http_content_type_json(const char *ct)
{
    static const char json[] = "application/json";
    size_t n = ct ? strlen(ct) : 0, i = sizeof(json) - 1;
    enum http_ctype res = HTTP_CTYPE_JSON;
    if (n < i || strncasecmp(ct, json, i) || (n > i && is_tchar((unsigned char)ct[i])))
        return HTTP_CTYPE_OTHER;
    /* parameters = *( OWS ";" OWS [ parameter ] ) (RFC 9110 §5.6.6) */
    for (i = ows(ct, i, n); i < n; i = ows(ct, i, n)) {
        char name[16], value[32];
        if (ct[i] != ';')
            return HTTP_CTYPE_OTHER;
        i = ows(ct, i + 1, n);
        if (i == n || ct[i] == ';')
            continue; /* an empty parameter */
        if (!(i = token_at(ct, i, n, false, name, sizeof(name))) || i >= n || ct[i] != '=' ||
            !(i = token_at(ct, i + 1, n, true, value, sizeof(value))))
            return HTTP_CTYPE_OTHER;
        /* application/json has no parameters (RFC 8259 §11); charset is tolerated, but JSON
         * exchanged between systems is UTF-8 (RFC 8259 §8.1), so any other charset is refused
         * rather than read as UTF-8 */
        if (strcmp(name, "charset"))
            return HTTP_CTYPE_OTHER;
        if (strcmp(value, "utf-8"))
            res = HTTP_CTYPE_CHARSET;
    }
    return res;
}

enum http_bearer http_bearer_parse(const char *h, const char **tok, size_t *toklen)
{
    size_t n, i = 0, start;
    *tok = NULL;
    *toklen = 0;
    if (!h)
        return HTTP_BEARER_ABSENT;
    n = strlen(h);
    while (i < n && is_tchar((unsigned char)h[i]))
        i++;
    if (i == 0 || (i < n && h[i] != ' '))
        return HTTP_BEARER_MALFORMED;
    if (i != 6 || strncasecmp(h, "Bearer", 6))
        return HTTP_BEARER_OTHER_SCHEME;
    while (i < n && h[i] == ' ')
        i++;
    /* b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" (RFC 6750 §2.1) */
    start = i;
    while (i < n && (isalnum((unsigned char)h[i]) || strchr("-._~+/", h[i])))
        i++;
    if (i == start)
        return HTTP_BEARER_MALFORMED;
    while (i < n && h[i] == '=')
        i++;
    *tok = h + start;
    *toklen = i - start;
    /* trailing whitespace is not part of a field value (RFC 9110 §5.5); anything else is */
    if (ows(h, i, n) != n) {
        *tok = NULL;
        *toklen = 0;
        return HTTP_BEARER_MALFORMED;
    }
    return HTTP_BEARER_OK;
}

bool http_field_name_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)s[i]))
            return false;
    return true;
}

bool http_field_value_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < ' ' && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/* RFC 3986 §2.3 unreserved and §2.2 sub-delims. */
static bool is_host_char(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("-._~!$&'()*+,;=", c));
}

bool http_host_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n && s[0] == '[') { /* IP-literal (RFC 3986 §3.2.2): its characters, not its form */
        for (i = 1; i < n && s[i] != ']'; i++)
            if (!is_host_char(s[i]) && s[i] != ':' && s[i] != '%') /* '%': RFC 6874 zones */
                return false;
        if (i++ == n)
            return false;
    } else { /* reg-name or IPv4address */
        for (; i < n && s[i] != ':'; i++)
            if (!is_host_char(s[i]) && s[i] != '%')
                return false;
    }
    if (i < n && s[i++] != ':')
        return false;
    for (; i < n; i++) /* port = *DIGIT (RFC 3986 §3.2.3) */
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}
