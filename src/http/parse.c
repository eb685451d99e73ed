/*
 * parse.c — small parsers for request headers and parameters, kept pure so they can be
 * unit-tested and fuzzed (fuzz/fuzz_http.c): Accept-Language, If-Match, pagination cursors.
 */
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

/* If-Match: "vN" (RFC 9110 §13.1.1). Returns N, 0 when absent, -1 when unusable. */
int http_parse_if_match(const char *im)
{
    int64_t v;
    char num[16];
    size_t n;
    if (!im)
        return 0;
    n = strlen(im);
    if (n < 4 || n > 12 || im[0] != '"' || im[1] != 'v' || im[n - 1] != '"')
        return -1;
    memcpy(num, im + 2, n - 3);
    num[n - 3] = '\0';
    /* only tags we issue: "v02", "v+2" or "v 2" are other entity tags (strong comparison) */
    if (num[0] < '1' || num[0] > '9' || strspn(num, "0123456789") != n - 3)
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
