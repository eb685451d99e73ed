/* ioc.c — indicator normalisation and refanging (ioc.h). */
#include <arpa/inet.h>

#include "ioc.h"

/* ---- problems ---- */

struct ctx {
    struct verr_list *errs;
    const char *ptr;
    int n; /* problems found */
};

static void emit(struct ctx *c, const char *code, const char *en, const char *ja)
{
    c->n++;
    if (c->errs)
        verr_add(c->errs, c->ptr ? c->ptr : "", code, en, ja);
}

static bool is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static char lower(char ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_hex(char ch)
{
    return is_digit(ch) || (lower(ch) >= 'a' && lower(ch) <= 'f');
}

static bool is_alpha(char ch)
{
    return lower(ch) >= 'a' && lower(ch) <= 'z';
}

/* ---- refanging ---- */

struct fang {
    const char *from, *to;
};

static const struct fang brackets[] = {
    {"[.]", "."}, {"{.}", "."}, {"[dot]", "."}, {"{dot}", "."}, {"[://]", "://"}, {"[:]", ":"},
    {"[/]", "/"}, {"[@]", "@"}, {"{@}", "@"},   {"[at]", "@"},  {"{at}", "@"},
};
static const struct fang parens[] = {
    {"(.)", "."}, {"(dot)", "."}, {"(@)", "@"}, {"(at)", "@"}, {"(:)", ":"},
};

/* Replaces the forms of tab[] in s[from, to) (copying the rest), appending to out. Returns
 * whether anything was replaced. */
static bool unfang(const char *s, size_t from, size_t to, const struct fang *tab, size_t ntab,
                   char *out, size_t *olen)
{
    bool any = false;
    for (size_t i = from; i < to;) {
        size_t k = 0;
        if (s[i] != '[' && s[i] != '{' && s[i] != '(') { /* every form starts with one of them */
            out[(*olen)++] = s[i++];
            continue;
        }
        for (; k < ntab; k++) {
            size_t m = strlen(tab[k].from);
            if (i + m <= to && !strncasecmp(s + i, tab[k].from, m))
                break;
        }
        if (k == ntab) {
            out[(*olen)++] = s[i++];
            continue;
        }
        size_t r = strlen(tab[k].to);
        memcpy(out + *olen, tab[k].to, r);
        *olen += r;
        i += strlen(tab[k].from);
        any = true;
    }
    return any;
}

/* "hxxp", "hxxxps", "fxp" … at the start, followed by ':' or '[': the length of the defanged
 * scheme and its replacement, or 0. */
static size_t defanged_scheme(const char *s, size_t n, const char **to)
{
    size_t i = 0, x = 0;
    if (n < 4)
        return 0;
    if (lower(s[0]) == 'f' && lower(s[1]) == 'x' && lower(s[2]) == 'p') {
        i = 3;
        *to = "ftp";
    } else if (lower(s[0]) == 'h') {
        for (i = 1; i < n && lower(s[i]) == 'x'; i++)
            x++;
        if (x < 2 || x > 3 || i >= n || lower(s[i]) != 'p')
            return 0;
        i++;
        *to = "http";
    } else
        return 0;
    if (i < n && lower(s[i]) == 's') {
        i++;
        *to = !strcmp(*to, "ftp") ? "ftps" : "https";
    }
    return (i < n && (s[i] == ':' || s[i] == '[')) ? i : 0;
}

/* Where a URL's authority ends in s (the first '/', '?' or '#' after "://"), or 0 if s has no
 * "://". */
static size_t authority_end(const char *s, size_t n)
{
    const char *p = memmem(s, n, "://", 3);
    if (!p)
        return 0;
    size_t i = (size_t)(p - s) + 3;
    while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
        i++;
    return i;
}

/* Trims and refangs s into out (IOC_VALUE_MAX + 1 bytes). Returns the length. */
static size_t refang(const char *s, size_t n, char *out, bool *defanged)
{
    char tmp[IOC_VALUE_MAX + 1];
    size_t tl = 0, ol = 0, sl, end;
    const char *to = NULL;
    while (n && is_ws(*s))
        s++, n--;
    while (n && is_ws(s[n - 1]))
        n--;
    *defanged = false;
    if ((sl = defanged_scheme(s, n, &to))) {
        memcpy(tmp, to, strlen(to));
        tl = strlen(to);
        *defanged = true;
    }
    *defanged |= unfang(s, sl, n, brackets, ARRAY_SIZE(brackets), tmp, &tl);
    end = authority_end(tmp, tl);
    if (!end)
        end = tl;
    *defanged |= unfang(tmp, 0, end, parens, ARRAY_SIZE(parens), out, &ol);
    memcpy(out + ol, tmp + end, tl - end);
    ol += tl - end;
    out[ol] = '\0';
    return ol;
}

/* ---- addresses ---- */

/* A decimal prefix length without leading zeros, at most max. */
static int parse_prefix(const char *s, size_t n, unsigned max, unsigned *out)
{
    unsigned v = 0;
    if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/* A dotted quad without leading zeros (so "010" is not read as octal, RFC 6943 §3.1.1). */
static int parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0;
        size_t start = i;
        while (i < n && is_digit(s[i]) && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
            return -1;
        out[part] = (uint8_t)v;
        if (part < 3 && (i >= n || s[i++] != '.'))
            return -1;
    }
    return i == n ? 0 : -1;
}

static int parse_ipv6(const char *s, size_t n, uint8_t out[16])
{
    char tmp[64];
    if (n == 0 || n >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return inet_pton(AF_INET6, tmp, out) == 1 ? 0 : -1;
}

static size_t fmt_ipv6(const uint8_t a[16], char *out)
{
    unsigned w[8];
    int best = -1, best_len = 0;
    size_t o = 0;
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    if (!w[0] && !w[1] && !w[2] && !w[3] && !w[4] && w[5] == 0xffff) /* RFC 5952 §5 */
        return (size_t)snprintf(out, 50, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    for (int i = 0; i < 8;) { /* the longest run of zero fields, the first on a tie (§4.2.3) */
        int j = i;
        while (j < 8 && !w[j])
            j++;
        if (j - i > best_len)
            best = i, best_len = j - i;
        i = j > i ? j : i + 1;
    }
    if (best_len < 2) /* §4.2.2: "::" never stands for one field */
        best = -1;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            o += (size_t)snprintf(out + o, 50 - o, "::");
            i += best_len - 1;
            continue;
        }
        o += (size_t)snprintf(out + o, 50 - o, "%s%x", (o && out[o - 1] != ':') ? ":" : "", w[i]);
    }
    return o;
}

/* v (at most 255) in decimal at out; returns the digits written. Not snprintf: the correlation
 * index formats every IPv4 match it reports with this (bench/README.md, "Fourth pass"). */
static size_t put_small(char *out, unsigned v)
{
    size_t o = 0;
    if (v >= 100)
        out[o++] = (char)('0' + v / 100);
    if (v >= 10)
        out[o++] = (char)('0' + v / 10 % 10);
    out[o++] = (char)('0' + v % 10);
    return o;
}

size_t ioc_format_ip(enum ioc_type type, const uint8_t *addr, unsigned prefix, char *out)
{
    size_t o = 0;
    if (type == IOC_IPV4)
        for (int i = 0; i < 4; i++) {
            if (i)
                out[o++] = '.';
            o += put_small(out + o, addr[i]);
        }
    else
        o = fmt_ipv6(addr, out);
    if (prefix < (type == IOC_IPV4 ? 32u : 128u)) {
        out[o++] = '/';
        o += put_small(out + o, prefix);
    }
    out[o] = '\0';
    return o;
}

/* Whether bits after prefix are all zero; clears them in net. */
static bool host_bits_zero(const uint8_t *a, size_t bytes, unsigned prefix, uint8_t *net)
{
    bool zero = true;
    for (size_t i = 0; i < bytes; i++) {
        unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
        uint8_t mask = (uint8_t)(keep ? 0xff << (8 - keep) : 0);
        net[i] = a[i] & mask;
        zero &= net[i] == a[i];
    }
    return zero;
}

int ioc_ip_parse(enum ioc_type type, const char *s, size_t n, uint8_t addr[16], unsigned *prefix)
{
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n;
    unsigned max = type == IOC_IPV4 ? 32 : 128;
    uint8_t a[16] = {0};
    memset(addr, 0, 16);
    *prefix = max;
    if (type != IOC_IPV4 && type != IOC_IPV6)
        return -1;
    if (type == IOC_IPV4 ? parse_ipv4(s, an, a) : (memchr(s, '%', an) || parse_ipv6(s, an, a)))
        return -1;
    if (slash && parse_prefix(slash + 1, n - an - 1, max, prefix))
        return -1;
    return host_bits_zero(a, type == IOC_IPV4 ? 4 : 16, *prefix, addr) ? 0 : -1;
}

static int norm_ip(struct ctx *c, enum ioc_type type, const char *s, size_t n,
                   struct ioc_value *out)
{
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n, bytes = type == IOC_IPV4 ? 4 : 16;
    unsigned max = type == IOC_IPV4 ? 32 : 128, prefix = max;
    uint8_t a[16] = {0};
    int bad = 0;
    if (type == IOC_IPV6 && memchr(s, '%', an)) {
        emit(c, "ioc_ipv6_zone", "has a zone index (%…), which means nothing outside one host",
             "ゾーン識別子（%…）が付いています。ホストの外では意味を持ちません");
        return -1;
    }
    if (type == IOC_IPV4 ? parse_ipv4(s, an, a) : parse_ipv6(s, an, a)) {
        if (type == IOC_IPV4)
            emit(c, "ioc_ipv4",
                 "is not an IPv4 address (four decimal numbers 0–255, no leading zeros)",
                 "IPv4アドレスとして正しくありません（0～255の10進数4つ、先頭の0は不可）");
        else
            emit(c, "ioc_ipv6", "is not an IPv6 address (RFC 4291 §2.2)",
                 "IPv6アドレスとして正しくありません（RFC 4291 §2.2）");
        bad = 1;
    }
    if (slash && parse_prefix(slash + 1, n - an - 1, max, &prefix)) {
        char en[120], ja[160];
        snprintf(en, sizeof(en), "has a prefix length that is not a number from 0 to %u", max);
        snprintf(ja, sizeof(ja), "プレフィックス長が0～%uの数ではありません", max);
        emit(c, "ioc_prefix", en, ja);
        bad = 1;
    }
    if (bad)
        return -1;
    out->type = type;
    out->prefix = (uint8_t)prefix;
    if (!host_bits_zero(a, bytes, prefix, out->addr)) {
        char net[50], en[200], ja[260];
        ioc_format_ip(type, out->addr, prefix, net);
        snprintf(en, sizeof(en), "has bits set after the prefix length /%u; the block is %s",
                 prefix, net);
        snprintf(ja, sizeof(ja), "/%uより後ろのホスト部が0ではありません。ブロックは %s です",
                 prefix, net);
        emit(c, "ioc_host_bits", en, ja);
        return -1;
    }
    out->len = ioc_format_ip(type, out->addr, prefix, out->text);
    return 0;
}

/* ---- domains ---- */

static bool is_ldh(char ch)
{
    return is_alpha(ch) || is_digit(ch) || ch == '-' || ch == '_';
}

static int puny_digit(char ch)
{
    ch = lower(ch);
    return is_digit(ch) ? ch - '0' + 26 : (ch >= 'a' && ch <= 'z') ? ch - 'a' : -1;
}

static uint32_t puny_adapt(uint32_t delta, uint32_t points, bool first)
{
    uint32_t k = 0;
    delta = first ? delta / 700 : delta / 2;
    delta += delta / points;
    while (delta > ((36 - 1) * 26) / 2) {
        delta /= 36 - 1;
        k += 36;
    }
    return k + (36 * delta) / (delta + 38);
}

/* Whether s (the part of an A-label after "xn--") decodes as RFC 3492 Punycode (§6.2) to at
 * least one non-ASCII code point, without producing the output. */
static bool punycode_ok(const char *s, size_t n)
{
    const char *dash = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '-')
            dash = s + i;
    uint32_t out = dash ? (uint32_t)(dash - s) : 0, i = 0, cp = 128, bias = 72;
    size_t in = dash ? out + 1 : 0;
    if (in >= n)
        return false;
    while (in < n) {
        uint32_t old = i, w = 1;
        for (uint32_t k = 36;; k += 36) {
            int d = in < n ? puny_digit(s[in++]) : -1;
            if (d < 0 || (uint32_t)d > (UINT32_MAX - i) / w)
                return false;
            i += (uint32_t)d * w;
            uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
            if ((uint32_t)d < t)
                break;
            if (w > UINT32_MAX / (36 - t))
                return false;
            w *= 36 - t;
        }
        out++;
        bias = puny_adapt(i - old, out, old == 0);
        if (i / out > 0x10FFFF - cp)
            return false;
        cp += i / out;
        i %= out;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || out > IOC_LABEL_MAX)
            return false;
        i++;
    }
    return true;
}

enum { D_LABEL_LEN = 1, D_LABEL_SYNTAX = 2, D_NON_ASCII = 4, D_PUNY = 8 };

/* Checks one label (already lower-cased); returns D_* flags. */
static unsigned check_label(const char *l, size_t n)
{
    unsigned f = 0;
    if (n == 0 || n > IOC_LABEL_MAX)
        f |= D_LABEL_LEN;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)l[i] >= 0x80)
            f |= D_NON_ASCII;
        else if (!is_ldh(l[i]))
            f |= D_LABEL_SYNTAX;
    if (n && (l[0] == '-' || l[n - 1] == '-'))
        f |= D_LABEL_SYNTAX;
    if (!f && n > 4 && !memcmp(l, "xn--", 4) && !punycode_ok(l + 4, n - 4))
        f |= D_PUNY;
    return f;
}

static void domain_problems(struct ctx *c, unsigned f)
{
    if (f & D_NON_ASCII)
        emit(c, "ioc_idna",
             "has non-ASCII characters; write an internationalised name in its A-label form "
             "(xn--…, RFC 5891)",
             "ASCII以外の文字を含んでいます。国際化ドメイン名はAラベル（xn--…、RFC 5891）で記載"
             "してください");
    if (f & D_LABEL_LEN)
        emit(c, "ioc_label_length", "has an empty label or one longer than 63 characters",
             "空のラベル又は63文字を超えるラベルがあります");
    if (f & D_LABEL_SYNTAX)
        emit(c, "ioc_label_syntax",
             "has a label with characters other than letters, digits, '-' and '_', or one that "
             "starts or ends with '-'",
             "英数字・「-」・「_」以外の文字を含むラベル、又は「-"
             "」で始まるか終わるラベルがあります");
    if (f & D_PUNY)
        emit(c, "ioc_punycode", "has an xn-- label that is not valid Punycode (RFC 3492)",
             "xn--で始まるラベルが正しいPunycode（RFC 3492）ではありません");
}

/* Normalises a domain into out (IOC_DOMAIN_MAX + 1 bytes). Returns its length or -1. */
static int norm_domain_x(struct ctx *c, const char *s, size_t n, char *out, bool single)
{
    unsigned f = 0, labels = 0;
    size_t start = 0, last = 0;
    int before = c->n;
    if (n && s[n - 1] == '.')
        n--;
    if (n == 0 || n > IOC_DOMAIN_MAX) {
        emit(c, "ioc_domain_length", "is not a domain name of 1 to 253 characters",
             "1～253文字のドメイン名ではありません");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = lower(s[i]);
    out[n] = '\0';
    for (size_t i = 0; i <= n; i++) {
        if (i < n && out[i] != '.')
            continue;
        f |= check_label(out + start, i - start);
        labels++;
        last = start;
        start = i + 1;
    }
    domain_problems(c, f);
    if (!f && labels < 2 && !single)
        emit(
            c, "ioc_domain_single_label",
            "is a single label (a top-level domain would cover every name under it)",
            "ラベルが一つだけです（トップレベルドメインはその下の全ての名前に一致してしまいます）");
    bool numeric = true;
    for (size_t i = last; i < n; i++)
        numeric &= is_digit(out[i]);
    if (!f && (labels >= 2 || single) && numeric)
        emit(c, "ioc_domain_numeric",
             "ends in an all-numeric label, which no top-level domain is (RFC 3696 §2); is it an "
             "IP address?",
             "最後のラベルが数字のみです（そのようなトップレベルドメインはありません。RFC 3696 "
             "§2）。"
             "IPアドレスではありませんか");
    return c->n > before ? -1 : (int)n;
}

static int norm_domain(struct ctx *c, const char *s, size_t n, char *out)
{
    return norm_domain_x(c, s, n, out, false);
}

bool ioc_domain_covers(const char *ind, size_t il, const char *d, size_t dl)
{
    if (dl < il || memcmp(d + dl - il, ind, il))
        return false;
    return dl == il || d[dl - il - 1] == '.';
}

bool ioc_ip_covers(const struct ioc_value *b, const struct ioc_value *v)
{
    uint8_t net[16];
    if ((b->type != IOC_IPV4 && b->type != IOC_IPV6) || b->type != v->type || b->prefix > v->prefix)
        return false;
    host_bits_zero(v->addr, b->type == IOC_IPV4 ? 4 : 16, b->prefix, net);
    return !memcmp(net, b->addr, b->type == IOC_IPV4 ? 4 : 16);
}

/* ---- URLs ---- */

static unsigned default_port(const char *scheme, size_t n)
{
    static const struct {
        const char *s;
        unsigned port;
    } d[] = {{"http", 80}, {"https", 443}, {"ftp", 21}, {"ws", 80}, {"wss", 443}};
    for (size_t i = 0; i < ARRAY_SIZE(d); i++)
        if (strlen(d[i].s) == n && !memcmp(d[i].s, scheme, n))
            return d[i].port;
    return 0;
}

static bool scheme_ok(const char *s, size_t n)
{
    if (n == 0 || n > 32 || !is_alpha(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.')
            return false;
    return true;
}

static bool all_digits_dots(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]) && s[i] != '.')
            return false;
    return n > 0;
}

/* Normalises a URL's host into out (>= IOC_DOMAIN_MAX + 3 bytes). Returns its length or -1. */
static int norm_url_host(struct ctx *c, const char *h, size_t n, char *out)
{
    struct ctx quiet = {0};
    uint8_t a[16];
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        if (parse_ipv6(h + 1, n - 2, a))
            goto bad;
        out[0] = '[';
        size_t l = fmt_ipv6(a, out + 1);
        out[l + 1] = ']';
        return (int)l + 2;
    }
    if (all_digits_dots(h, n)) {
        if (parse_ipv4(h, n, a))
            goto bad;
        return (int)ioc_format_ip(IOC_IPV4, a, 32, out);
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)h[i] >= 0x80) /* say why: the usual cause is a U-label */
            return norm_domain(c, h, n, out);
    if (norm_domain(&quiet, h, n, out) >= 0)
        return (int)strlen(out);
bad:
    emit(c, "ioc_url_host", "has a host that is not a domain name or an IP address",
         "ホストがドメイン名又はIPアドレスではありません");
    return -1;
}

static int parse_port(const char *s, size_t n, unsigned *port)
{
    unsigned v = 0;
    if (n > 5)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (n && (v == 0 || v > 65535))
        return -1;
    *port = n ? v : 0;
    return 0;
}

/* Splits an authority into userinfo (with its '@'), host and port text. */
static void split_authority(const char *a, size_t n, size_t *ui, size_t *hs, size_t *he)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] == '@')
            at = i + 1;
    *ui = at;
    *hs = at;
    *he = n;
    if (at < n && a[at] == '[') {
        const char *rb = memchr(a + at, ']', n - at);
        *he = rb ? (size_t)(rb - a) + 1 : n;
        return;
    }
    const char *colon = memchr(a + at, ':', n - at);
    if (colon)
        *he = (size_t)(colon - a);
}

static int norm_url(struct ctx *c, const char *s, size_t n, struct ioc_value *out)
{
    const char *p = memmem(s, n, "://", 3);
    size_t sn, aend, ui, hs, he, o = 0;
    unsigned port = 0;
    char host[IOC_DOMAIN_MAX + 8];
    int hl, before = c->n;
    if (!p) {
        emit(c, "ioc_url", "is not a URL with a scheme and a host (scheme://host/…)",
             "スキームとホストのあるURL（scheme://host/…）ではありません");
        return -1;
    }
    sn = (size_t)(p - s);
    if (!scheme_ok(s, sn))
        emit(c, "ioc_url_scheme",
             "has a scheme that is not a letter followed by letters, digits, "
             "'+', '-' or '.' (RFC 3986 §3.1)",
             "スキームが英字で始まる英数字・「+」・「-」・「.」の並び（RFC 3986 "
             "§3.1）ではありません");
    aend = authority_end(s, n);
    const char *a = s + sn + 3;
    split_authority(a, aend - sn - 3, &ui, &hs, &he);
    hl = he > hs ? norm_url_host(c, a + hs, he - hs, host) : -1;
    if (he == hs)
        emit(c, "ioc_url_host", "has no host", "ホストがありません");
    if (he < aend - sn - 3 &&
        (a[he] != ':' || parse_port(a + he + 1, aend - sn - 3 - he - 1, &port)))
        emit(c, "ioc_url_port", "has a port that is not a number from 1 to 65535",
             "ポートが1～65535の数ではありません");
    if (c->n > before)
        return -1;
    for (size_t i = 0; i < sn; i++)
        out->text[o++] = lower(s[i]);
    memcpy(out->text + o, "://", 3);
    o += 3;
    memcpy(out->text + o, a, ui);
    o += ui;
    memcpy(out->text + o, host, (size_t)hl);
    o += (size_t)hl;
    if (port && port != default_port(out->text, sn))
        o += (size_t)snprintf(out->text + o, 8, ":%u", port);
    if (aend == n && default_port(out->text, sn) && out->text[0] == 'h')
        out->text[o++] = '/'; /* RFC 3986 §6.2.3: "http://a" and "http://a/" are the same */
    memcpy(out->text + o, s + aend, n - aend);
    o += n - aend;
    out->len = o;
    out->type = IOC_URL;
    return 0;
}

int ioc_url_host(const struct ioc_value *u, struct ioc_value *host)
{
    size_t aend, ui, hs, he;
    const char *p;
    if (u->type != IOC_URL || !(p = memmem(u->text, u->len, "://", 3)))
        return -1;
    aend = authority_end(u->text, u->len);
    const char *a = p + 3;
    split_authority(a, aend - (size_t)(a - u->text), &ui, &hs, &he);
    if (he > hs && a[hs] == '[')
        return ioc_normalise(IOC_IPV6, a + hs + 1, he - hs - 2, host, NULL, NULL);
    if (all_digits_dots(a + hs, he - hs))
        return ioc_normalise(IOC_IPV4, a + hs, he - hs, host, NULL, NULL);
    return ioc_normalise(IOC_DOMAIN, a + hs, he - hs, host, NULL, NULL);
}

/* ---- e-mail addresses, hashes, ssdeep ---- */

static int norm_email(struct ctx *c, const char *s, size_t n, struct ioc_value *out)
{
    const char *at = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '@')
            at = s + i;
    if (!at || at == s || at == s + n - 1) {
        emit(c, "ioc_email", "is not an e-mail address (local-part@domain)",
             "メールアドレス（ローカル部@ドメイン）ではありません");
        return -1;
    }
    size_t ln = (size_t)(at - s);
    int before = c->n, dl;
    char dom[IOC_DOMAIN_MAX + 1];
    if (ln > IOC_LOCAL_MAX || n > IOC_EMAIL_MAX)
        emit(
            c, "ioc_email_local",
            "has a local part longer than 64 bytes or is longer than 254 bytes (RFC 5321 §4.5.3.1)",
            "ローカル部が64バイトを超えるか、全体が254バイトを超えています（RFC 5321 §4.5.3.1）");
    dl = norm_domain(c, at + 1, n - ln - 1, dom);
    if (c->n > before || dl < 0)
        return -1;
    memcpy(out->text, s, ln + 1);
    memcpy(out->text + ln + 1, dom, (size_t)dl);
    out->len = ln + 1 + (size_t)dl;
    out->type = IOC_EMAIL;
    return 0;
}

static int norm_hash(struct ctx *c, enum ioc_type t, const char *s, size_t n, struct ioc_value *out)
{
    size_t want = t == IOC_MD5 ? 32 : t == IOC_SHA1 ? 40 : 64;
    bool hex = true;
    for (size_t i = 0; i < n; i++)
        hex &= is_hex(s[i]);
    if (!hex)
        emit(c, "ioc_hash_hex", "has characters other than hexadecimal digits",
             "16進数以外の文字を含んでいます");
    if (n != want) {
        char en[120], ja[160];
        snprintf(en, sizeof(en), "has %zu characters; a %s is %zu hexadecimal digits", n,
                 ioc_type_name(t), want);
        snprintf(ja, sizeof(ja), "%zu文字です。%sは16進数%zu桁です", n, ioc_type_name(t), want);
        emit(c, "ioc_hash_length", en, ja);
    }
    if (!hex || n != want)
        return -1;
    for (size_t i = 0; i < n; i++)
        out->text[i] = lower(s[i]);
    out->len = n;
    out->type = t;
    return 0;
}

static bool is_b64(char ch)
{
    return is_alpha(ch) || is_digit(ch) || ch == '+' || ch == '/';
}

/* ssdeep's "blocksize:hash:hash" (its SPAMSUM_LENGTH is 64; the second hash is half). */
static bool ssdeep_ok(const char *s, size_t n)
{
    uint64_t bs = 0;
    size_t i = 0, h1, h2;
    while (i < n && is_digit(s[i]) && i < 10)
        bs = bs * 10 + (uint64_t)(s[i++] - '0');
    if (i == 0 || i >= n || s[i++] != ':' || bs < 3 || bs % 3 || ((bs / 3) & (bs / 3 - 1)))
        return false;
    for (h1 = 0; i < n && is_b64(s[i]); i++)
        h1++;
    if (i >= n || s[i++] != ':' || h1 > 64)
        return false;
    for (h2 = 0; i < n && is_b64(s[i]); i++)
        h2++;
    return i == n && h2 <= 32;
}

/* ---- the entry points ---- */

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_hex(s[i]))
            return false;
    return true;
}

static enum ioc_type detect_clean(const char *s, size_t n)
{
    bool ip6 = true, ip4 = n > 0 && is_digit(s[0]);
    if (n == 0)
        return IOC_INVALID;
    if ((n == 32 || n == 40 || n == 64) && all_hex(s, n))
        return n == 32 ? IOC_MD5 : n == 40 ? IOC_SHA1 : IOC_SHA256;
    if (ssdeep_ok(s, n))
        return IOC_SSDEEP;
    if (memmem(s, n, "://", 3))
        return IOC_URL;
    if (memchr(s, '@', n))
        return IOC_EMAIL;
    for (size_t i = 0; i < n; i++) {
        ip6 &= is_hex(s[i]) || s[i] == ':' || s[i] == '.' || s[i] == '/' || s[i] == '%';
        ip4 &= is_digit(s[i]) || s[i] == '.' || s[i] == '/';
    }
    if (ip6 && memchr(s, ':', n))
        return IOC_IPV6;
    return ip4 ? IOC_IPV4 : IOC_DOMAIN;
}

enum ioc_type ioc_detect(const char *s, size_t n)
{
    char buf[IOC_VALUE_MAX + 1];
    bool d;
    if (n > IOC_VALUE_MAX)
        return IOC_INVALID;
    return detect_clean(buf, refang(s, n, buf, &d));
}

/* Control characters, white space inside the value, DEL. */
static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

static int dispatch(struct ctx *c, enum ioc_type t, const char *s, size_t n, struct ioc_value *out)
{
    switch (t) {
    case IOC_IPV4:
    case IOC_IPV6:
        return norm_ip(c, t, s, n, out);
    case IOC_DOMAIN: {
        int l = norm_domain(c, s, n, out->text);
        if (l < 0)
            return -1;
        out->len = (size_t)l;
        return 0;
    }
    case IOC_URL:
        return norm_url(c, s, n, out);
    case IOC_EMAIL:
        return norm_email(c, s, n, out);
    case IOC_MD5:
    case IOC_SHA1:
    case IOC_SHA256:
        return norm_hash(c, t, s, n, out);
    case IOC_SSDEEP:
        if (!ssdeep_ok(s, n)) {
            emit(c, "ioc_ssdeep",
                 "is not an ssdeep hash (blocksize:hash:hash, blocksize 3×2ⁿ, base64 hashes of "
                 "at most 64 and 32 characters)",
                 "ssdeepハッシュ（ブロックサイズ:ハッシュ:ハッシュ）として正しくありません");
            return -1;
        }
        memcpy(out->text, s, n);
        out->len = n;
        return 0;
    default:
        break;
    }
    emit(c, "ioc_type", "has an indicator type ichigen does not normalise",
         "正規化できない種類の指標です");
    return -1;
}

int ioc_normalise(enum ioc_type type, const char *s, size_t n, struct ioc_value *out,
                  struct verr_list *errs, const char *pointer)
{
    struct ctx c = {.errs = errs, .ptr = pointer};
    char buf[IOC_VALUE_MAX + 1];
    size_t bn;
    memset(out, 0, offsetof(struct ioc_value, text));
    out->text[0] = '\0';
    if (n > IOC_VALUE_MAX) {
        emit(&c, "ioc_too_long", "is longer than 2048 bytes", "2048バイトを超えています");
        return -1;
    }
    bn = refang(s, n, buf, &out->defanged);
    if (bn == 0) {
        emit(&c, "ioc_empty", "is empty", "空です");
        return -1;
    }
    if (has_control(buf, bn)) {
        emit(&c, "ioc_control", "contains white space or control characters",
             "空白文字又は制御文字を含んでいます");
        return -1;
    }
    if (type == IOC_ANY && (type = detect_clean(buf, bn)) == IOC_INVALID) {
        emit(&c, "ioc_type_unknown", "is not recognisable as any kind of indicator",
             "どの種類の指標とも判別できません");
        return -1;
    }
    out->type = type;
    if (dispatch(&c, type, buf, bn, out) || c.n) {
        out->len = 0;
        out->text[0] = '\0';
        return -1;
    }
    out->type = type;
    out->text[out->len] = '\0';
    return 0;
}

int ioc_normalise_suffix(const char *s, size_t n, struct ioc_value *out, struct verr_list *errs,
                         const char *pointer)
{
    struct ctx c = {.errs = errs, .ptr = pointer};
    char buf[IOC_VALUE_MAX + 1];
    size_t bn;
    int l;
    memset(out, 0, offsetof(struct ioc_value, text));
    out->text[0] = '\0';
    if (n > IOC_VALUE_MAX) {
        emit(&c, "ioc_too_long", "is longer than 2048 bytes", "2048バイトを超えています");
        return -1;
    }
    bn = refang(s, n, buf, &out->defanged);
    if (bn == 0 || has_control(buf, bn)) {
        emit(&c, bn ? "ioc_control" : "ioc_empty",
             bn ? "contains white space or control characters" : "is empty",
             bn ? "空白文字又は制御文字を含んでいます" : "空です");
        return -1;
    }
    if ((l = norm_domain_x(&c, buf, bn, out->text, true)) < 0)
        return -1;
    out->type = IOC_DOMAIN;
    out->len = (size_t)l;
    return 0;
}
