/*
 * jparse.c — ichigen's own strict JSON parser (RFC 8259): jsonx_parse(), declared in jsonx.h.
 *
 * Why not json_loadb: jansson reads through a per-character stream (a function call, a UTF-8
 * check and a string-buffer append for every byte) and hashes every key twice; on the create
 * path it was a quarter of all server CPU (bench/README.md, "Own JSON parser"). This parser
 * walks the contiguous buffer once, scans strings eight bytes at a time, takes keys and
 * unescaped strings straight from the input, and checks duplicate keys of small objects by
 * comparing against the keys already seen instead of hashing.
 *
 * What it builds is exactly what json_loadb(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY) builds
 * (same types, values, key order), and it accepts exactly the texts jansson accepts but for
 * one jansson bug (NUL, below): fuzz/fuzz_jparse.c checks both claims against jansson itself.
 * In particular:
 *  - RFC 8259 §8.1: text must be UTF-8; ill-formed sequences, overlong forms, UTF-16
 *    surrogates (U+D800–U+DFFF) and code points above U+10FFFF are refused (RFC 3629 §3/§4).
 *    A byte order mark is refused (§8.1 allows ignoring it; jansson refused it, so do we).
 *  - §7: control characters must be escaped; \uXXXX escapes of UTF-16 surrogates must come
 *    in high/low pairs; \u0000 is refused (our strings are C strings at library edges).
 *  - §4: duplicate names are refused (the RFC leaves them to the implementation; a report
 *    with two "severity" members is ambiguous, so we refuse it, as before).
 *  - §6: an integer (no fraction, no exponent) must fit json_int_t (64 bits) or is an error,
 *    as in jansson; other numbers are doubles, rounded as strtod rounds in the C locale, and
 *    an overflow to infinity is an error (an underflow to zero or a subnormal is not).
 *  - Nesting deeper than max_depth is JSONX_EDEPTH at the offending bracket, found during the
 *    same pass (this replaces the separate jsonx_depth_exceeded() pre-scan; so a syntax error
 *    to the left of a bracket too many is now the error reported, where the pre-scan reported
 *    the depth).
 *  - A NUL byte is refused wherever it is; jansson 2.14 dropped one that directly followed a
 *    number or a literal ("9\0" was 9). The HTTP layer refuses NUL bytes anyway (nulguard.c).
 * Error positions: the offending byte (the start of the token that cannot be there), not the
 * byte after it as jansson reports; see jsonx_parse() in jsonx.h.
 */
#include <locale.h>
#include <math.h>
#include <pthread.h>

#include "jsonx.h"

enum jp_fail {
    JPF_NONE = 0,
    JPF_EOF,
    JPF_TRAILING,
    JPF_BOM,
    JPF_UTF8,
    JPF_CONTROL,
    JPF_ESCAPE,
    JPF_SURROGATE,
    JPF_NUL,
    JPF_VALUE,
    JPF_NUMBER,
    JPF_KEY,
    JPF_COLON,
    JPF_OBJ_SEP,
    JPF_ARR_SEP,
    JPF_DUP,
    JPF_INT_RANGE,
    JPF_REAL_RANGE,
    JPF_DEPTH,
    JPF_NOMEM,
};

/* English and Japanese reason for each failure; "%s" in en is replaced by what was found. */
static const struct {
    const char *en, *ja;
} jp_texts[] = {
    [JPF_EOF] = {"unexpected end of input", "JSONが途中で終わっています"},
    [JPF_TRAILING] = {"end of input expected after the JSON value%s",
                      "JSONの後に余分なデータがあります"},
    [JPF_BOM] = {"byte order mark (U+FEFF) at the start; send UTF-8 without it",
                 "先頭にバイトオーダーマーク（U+FEFF）があります。BOMなしのUTF-8で送ってください"},
    [JPF_UTF8] = {"invalid UTF-8%s", "UTF-8として正しくない文字があります"},
    [JPF_CONTROL] = {"control character%s in a string; write it as an escape such as \\n",
                     "文字列の中に制御文字があります。\\n などのエスケープで書いてください"},
    [JPF_ESCAPE] = {"invalid escape in a string%s", "文字列のエスケープ（\\）が正しくありません"},
    [JPF_SURROGATE] = {"invalid \\u escape: a UTF-16 surrogate without its pair",
                       "\\uエスケープのサロゲートペアが正しくありません"},
    [JPF_NUL] = {"\\u0000 is not allowed", "NUL文字（\\u0000）は使用できません"},
    [JPF_VALUE] = {"invalid token%s, expected a value",
                   "値（文字列・数値・true・false・null・{…}・[…]）が必要な位置です"},
    [JPF_NUMBER] = {"invalid number%s", "数値の書き方が正しくありません"},
    [JPF_KEY] = {"expected an object key in double quotes%s",
                 "オブジェクトのキー（\"…\"）が必要な位置です"},
    [JPF_COLON] = {"expected ':' after an object key%s", "キーの後に「:」が必要です"},
    [JPF_OBJ_SEP] = {"expected ',' or '}' after an object member%s", "「,」または「}」が必要です"},
    [JPF_ARR_SEP] = {"expected ',' or ']' after an array element%s", "「,」または「]」が必要です"},
    [JPF_DUP] = {"duplicate object key%s", "同じオブジェクト内でキーが重複しています"},
    [JPF_INT_RANGE] = {"integer too big%s (the range is -9223372036854775808 to "
                       "9223372036854775807)",
                       "数値が大きすぎます（整数は-9223372036854775808〜9223372036854775807）"},
    [JPF_REAL_RANGE] = {"real number overflow%s", "数値が大きすぎます"},
    [JPF_DEPTH] = {"nesting deeper than %d levels", "入れ子が%d階層を超えています"},
    [JPF_NOMEM] = {"out of memory while parsing", "メモリ不足のためJSONを読み込めません"},
};

/* A key of the object being parsed, kept for the duplicate check (points into the input). */
struct jp_key {
    const char *p;
    size_t n;
};

/* Objects with up to this many keys check duplicates by comparing with the keys seen so far;
 * past it (or once a key had escapes) they ask the object itself (a hash lookup). */
#define JP_LINEAR_KEYS 16

struct jp {
    const unsigned char *start, *p, *end;
    int depth, max_depth;
    enum jp_fail fail;
    const unsigned char *fail_at;
    /* decoded strings with escapes: a stack, so a key stays put while its value is parsed */
    char *scratch;
    size_t scratch_len, scratch_cap;
    /* keys of the objects along the current path, JP_LINEAR_KEYS at most per object */
    struct jp_key *keys;
    size_t nkeys, keys_cap;
    struct jp_key keys_small[128];
};

/* A parsed string: either a slice of the input or an offset into scratch. */
struct jp_str {
    const char *p; /* NULL when the string is in scratch */
    size_t off, n;
};

static json_t *jp_value(struct jp *jp);

static inline bool jp_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline void jp_skip_ws(struct jp *jp)
{
    while (jp->p < jp->end && jp_ws(*jp->p))
        jp->p++;
}

/* Records the first failure; always returns NULL so callers can `return jp_fail(...)`. */
static void *jp_fail(struct jp *jp, enum jp_fail f, const unsigned char *at)
{
    if (!jp->fail) {
        jp->fail = f;
        jp->fail_at = at;
    }
    return NULL;
}

/* Length of the well-formed UTF-8 sequence at q (2–4), or 0 (RFC 3629 §4: no overlong forms,
 * no surrogates, nothing above U+10FFFF). q[0] >= 0x80. */
static inline size_t jp_utf8(const unsigned char *q, const unsigned char *end)
{
    size_t avail = (size_t)(end - q);
    unsigned c = q[0];
    if (c < 0xc2)
        return 0; /* a continuation byte, or the overlong C0/C1 leads */
    if (c < 0xe0)
        return avail >= 2 && (q[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c < 0xf0) {
        if (avail < 3 || (q[1] & 0xc0) != 0x80 || (q[2] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xe0 && q[1] < 0xa0) || (c == 0xed && q[1] >= 0xa0))
            return 0; /* overlong, or a UTF-16 surrogate */
        return 3;
    }
    if (c < 0xf5) {
        if (avail < 4 || (q[1] & 0xc0) != 0x80 || (q[2] & 0xc0) != 0x80 || (q[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && q[1] < 0x90) || (c == 0xf4 && q[1] >= 0x90))
            return 0; /* overlong, or above U+10FFFF */
        return 4;
    }
    return 0;
}

/* Something that cannot be at q: invalid UTF-8 is reported as such, anything else as f. */
static void *jp_unexpected(struct jp *jp, enum jp_fail f, const unsigned char *q)
{
    if (q >= jp->end)
        return jp_fail(jp, JPF_EOF, q);
    if (*q >= 0x80 && !jp_utf8(q, jp->end))
        return jp_fail(jp, JPF_UTF8, q);
    return jp_fail(jp, f, q);
}

/* ---- strings ---- */

/* Does any of the 8 bytes need a closer look: '"', '\\', a control character or non-ASCII?
 * (The classic "has a zero byte" / "has a byte less than n" word tricks; exact as a whole.) */
static inline bool jp_special8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t lt20 = (x - ones * 0x20) & ~x;
    uint64_t zq = (q - ones) & ~q, zb = (b - ones) & ~b;
    return ((lt20 | zq | zb) & high) || (x & high);
}

/* Bytes a string may hold as they are: printable ASCII except '"' and '\\'. */
static inline bool jp_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void jp_scratch_put(struct jp *jp, const void *s, size_t n)
{
    if (!n)
        return; /* scratch may still be NULL, and NULL + 0 is undefined */
    if (jp->scratch_len + n > jp->scratch_cap) {
        size_t cap = jp->scratch_cap ? jp->scratch_cap : 256;
        while (cap < jp->scratch_len + n)
            cap *= 2;
        jp->scratch = xrealloc(jp->scratch, cap);
        jp->scratch_cap = cap;
    }
    memcpy(jp->scratch + jp->scratch_len, s, n);
    jp->scratch_len += n;
}

static int jp_hex4(const unsigned char *q, const unsigned char *end, unsigned *out)
{
    unsigned v = 0;
    if (end - q < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        unsigned c = q[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static void jp_put_utf8(struct jp *jp, unsigned cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xc0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xe0 | cp >> 12), u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        u[0] = (unsigned char)(0xf0 | cp >> 18), u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)), u[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    jp_scratch_put(jp, u, n);
}

/* A \u escape at q (pointing at the backslash), with its low surrogate if it is a high one
 * (RFC 8259 §7). Returns the bytes consumed, or 0 after recording the failure. */
static size_t jp_escape_u(struct jp *jp, const unsigned char *q)
{
    unsigned hi, lo;
    enum jp_fail f = JPF_NONE;
    if (jp_hex4(q + 2, jp->end, &hi))
        f = jp->end - q < 6 ? JPF_EOF : JPF_ESCAPE;
    else if (hi == 0)
        f = JPF_NUL;
    else if (hi >= 0xdc00 && hi <= 0xdfff)
        f = JPF_SURROGATE; /* a low surrogate first */
    if (f) {
        jp_fail(jp, f, q);
        return 0;
    }
    if (hi < 0xd800 || hi > 0xdbff) {
        jp_put_utf8(jp, hi);
        return 6;
    }
    if (jp->end - q < 12 || q[6] != '\\' || q[7] != 'u' || jp_hex4(q + 8, jp->end, &lo) ||
        lo < 0xdc00 || lo > 0xdfff) {
        jp_fail(jp, JPF_SURROGATE, q);
        return 0;
    }
    jp_put_utf8(jp, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
    return 12;
}

/* The rest of a string from q (inside it, after the first escape), decoded into scratch. */
static int jp_string_slow(struct jp *jp, const unsigned char *q, struct jp_str *s)
{
    static const char simple[256] = {['"'] = '"',  ['\\'] = '\\', ['/'] = '/',  ['b'] = '\b',
                                     ['f'] = '\f', ['n'] = '\n',  ['r'] = '\r', ['t'] = '\t'};
    const unsigned char *end = jp->end;
    for (;;) {
        const unsigned char *run = q;
        while (q < end && jp_plain(*q))
            q++;
        jp_scratch_put(jp, run, (size_t)(q - run));
        if (q >= end)
            return jp_fail(jp, JPF_EOF, q), -1;
        if (*q == '"')
            break;
        if (*q == '\\') {
            size_t used;
            if (q + 1 >= end)
                return jp_fail(jp, JPF_EOF, q + 1), -1;
            if (q[1] == 'u') {
                if (!(used = jp_escape_u(jp, q)))
                    return -1;
            } else if (simple[q[1]]) {
                jp_scratch_put(jp, &simple[q[1]], 1);
                used = 2;
            } else {
                return jp_fail(jp, JPF_ESCAPE, q), -1;
            }
            q += used;
        } else if (*q < 0x20) {
            return jp_fail(jp, JPF_CONTROL, q), -1;
        } else {
            size_t k = jp_utf8(q, end);
            if (!k)
                return jp_fail(jp, JPF_UTF8, q), -1;
            jp_scratch_put(jp, q, k);
            q += k;
        }
    }
    s->n = jp->scratch_len - s->off;
    jp->p = q + 1;
    return 0;
}

/* The string whose opening quote is at jp->p. Returns 0 with *s set, or -1. */
static int jp_string(struct jp *jp, struct jp_str *s)
{
    const unsigned char *start = jp->p + 1, *q = start, *end = jp->end;
    for (;;) {
        while (end - q >= 8) {
            uint64_t x;
            memcpy(&x, q, 8);
            if (jp_special8(x))
                break;
            q += 8;
        }
        while (q < end && jp_plain(*q))
            q++;
        if (q >= end)
            return jp_fail(jp, JPF_EOF, q), -1;
        if (*q == '"')
            break;
        if (*q == '\\') {
            s->p = NULL;
            s->off = jp->scratch_len;
            jp_scratch_put(jp, start, (size_t)(q - start));
            return jp_string_slow(jp, q, s);
        }
        if (*q < 0x20)
            return jp_fail(jp, JPF_CONTROL, q), -1;
        do { /* a run of non-ASCII characters (Japanese text) */
            size_t k = jp_utf8(q, end);
            if (!k)
                return jp_fail(jp, JPF_UTF8, q), -1;
            q += k;
        } while (q < end && *q >= 0x80);
    }
    s->p = (const char *)start;
    s->off = 0;
    s->n = (size_t)(q - start);
    jp->p = q + 1;
    return 0;
}

static inline const char *jp_str_ptr(const struct jp *jp, const struct jp_str *s)
{
    return s->p ? s->p : jp->scratch + s->off;
}

/* Drops a scratch string once jansson has its copy. */
static inline void jp_str_release(struct jp *jp, const struct jp_str *s)
{
    if (!s->p)
        jp->scratch_len = s->off;
}

/* ---- numbers ---- */

/* Powers of ten that are exact doubles (10^22 is the largest). */
static const double jp_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static locale_t jp_c_locale;

static void jp_c_locale_init(void)
{
    jp_c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    BUG_ON(!jp_c_locale);
}

/* strtod in the C locale on a copy of [s, s+n) (C's grammar is a superset of JSON's: the
 * whole copy is always read). *v gets the double; returns -1 when it overflows to infinity,
 * as jansson's conversion does (an underflow to zero or a subnormal is a value). */
static int jp_strtod(const unsigned char *s, size_t n, double *v)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    char small[64], *buf = n < sizeof(small) ? small : xmalloc(n + 1);
    pthread_once(&once, jp_c_locale_init);
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *v = strtod_l(buf, NULL, jp_c_locale);
    bool overflow = (*v == HUGE_VAL || *v == -HUGE_VAL) && errno == ERANGE;
    if (buf != small)
        free(buf);
    return overflow ? -1 : 0;
}

/* Digits at q, folded into *m while it fits (else *lost is set). Returns the end. */
static inline const unsigned char *jp_digits(const unsigned char *q, const unsigned char *end,
                                             uint64_t *m, bool *lost)
{
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        if (*m <= (UINT64_MAX - 9) / 10)
            *m = *m * 10 + (uint64_t)(*q - '0');
        else
            *lost = true;
    }
    return q;
}

/* A real whose significant digits are m × 10^exp10: exactly strtod's double when no digit was
 * lost, m <= 2^53 and |exp10| <= 22, since then both operands are exact doubles and one IEEE
 * multiplication or division rounds once, correctly (Clinger's fast path; x86-64 and aarch64
 * evaluate doubles in double precision). Anything else goes to strtod itself. */
static json_t *jp_real(struct jp *jp, const unsigned char *s, const unsigned char *q, bool neg,
                       uint64_t m, bool lost, long exp10)
{
    double v;
    if (!lost && m <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
        v = (double)m;
        v = exp10 < 0 ? v / jp_pow10[-exp10] : v * jp_pow10[exp10];
        v = neg ? -v : v;
    } else if (jp_strtod(s, (size_t)(q - s), &v)) {
        return jp_fail(jp, JPF_REAL_RANGE, s);
    }
    json_t *j = json_real(v);
    return j ? j : jp_fail(jp, JPF_NOMEM, s);
}

/* The exponent part at q ('e' or 'E'); *exp10 gains its value. Returns the end, or NULL. */
static const unsigned char *jp_exponent(struct jp *jp, const unsigned char *q, long *exp10)
{
    bool neg;
    long e = 0;
    q++;
    neg = q < jp->end && *q == '-';
    q += q < jp->end && (*q == '-' || *q == '+');
    const unsigned char *d = q;
    for (; q < jp->end && *q >= '0' && *q <= '9'; q++)
        e = e < 100000 ? e * 10 + (*q - '0') : e; /* that far out, strtod decides */
    if (q == d)
        return jp_unexpected(jp, JPF_NUMBER, q);
    *exp10 += neg ? -e : e;
    return q;
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? An integer (neither
 * fraction nor exponent) is a json_int_t or an error, like jansson's; the rest are reals. */
static json_t *jp_number(struct jp *jp)
{
    const unsigned char *s = jp->p, *q = s, *end = jp->end;
    bool neg = *q == '-', real = false, lost = false;
    uint64_t m = 0;
    long exp10 = 0;
    q += neg;
    if (q >= end || *q < '0' || *q > '9')
        return jp_unexpected(jp, JPF_NUMBER, q);
    if (*q == '0' && q + 1 < end && q[1] >= '0' && q[1] <= '9')
        return jp_fail(jp, JPF_NUMBER, s); /* no leading zeros */
    q = jp_digits(q, end, &m, &lost);
    if (q < end && *q == '.') {
        const unsigned char *f = q + 1;
        real = true;
        if ((q = jp_digits(f, end, &m, &lost)) == f)
            return jp_unexpected(jp, JPF_NUMBER, q);
        exp10 = -(long)(q - f); /* only used when no digit was lost */
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        real = true;
        if (!(q = jp_exponent(jp, q, &exp10)))
            return NULL;
    }
    jp->p = q;
    if (real)
        return jp_real(jp, s, q, neg, m, lost, exp10);
    if (lost || m > (uint64_t)INT64_MAX + neg)
        return jp_fail(jp, JPF_INT_RANGE, s);
    json_t *j =
        json_integer(neg ? (m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m) : (int64_t)m);
    return j ? j : jp_fail(jp, JPF_NOMEM, s);
}

/* ---- containers ---- */

static void jp_push_key(struct jp *jp, const char *p, size_t n)
{
    if (jp->nkeys == jp->keys_cap) {
        size_t cap = jp->keys_cap * 2;
        struct jp_key *k = xmalloc(cap * sizeof(*k));
        memcpy(k, jp->keys, jp->nkeys * sizeof(*k));
        if (jp->keys != jp->keys_small)
            free(jp->keys);
        jp->keys = k, jp->keys_cap = cap;
    }
    jp->keys[jp->nkeys].p = p;
    jp->keys[jp->nkeys++].n = n;
}

/* Is key k already in obj? The first JP_LINEAR_KEYS plain keys are compared directly (they
 * point into the input); later ones, and every key after one with escapes, ask obj. */
static bool jp_dup(struct jp *jp, json_t *obj, const struct jp_str *k, size_t base, bool linear)
{
    const char *kp = jp_str_ptr(jp, k);
    if (!linear)
        return json_object_getn(obj, kp, k->n) != NULL;
    for (size_t i = base; i < jp->nkeys; i++)
        if (jp->keys[i].n == k->n && !memcmp(jp->keys[i].p, kp, k->n))
            return true;
    return false;
}

/* One "key": value member; obj gets it. Returns 0 or -1. */
static int jp_member(struct jp *jp, json_t *obj, size_t base, bool *linear)
{
    struct jp_str k;
    const unsigned char *at = jp->p;
    if (jp->p >= jp->end || *jp->p != '"')
        return jp_unexpected(jp, JPF_KEY, jp->p), -1;
    if (jp_string(jp, &k))
        return -1;
    if (jp_dup(jp, obj, &k, base, *linear))
        return jp_fail(jp, JPF_DUP, at), -1;
    jp_skip_ws(jp);
    if (jp->p >= jp->end || *jp->p != ':')
        return jp_unexpected(jp, JPF_COLON, jp->p), -1;
    jp->p++;
    json_t *v = jp_value(jp);
    if (!v)
        return -1;
    /* "_new" takes v even when it fails; the key is copied */
    if (json_object_setn_new_nocheck(obj, jp_str_ptr(jp, &k), k.n, v))
        return jp_fail(jp, JPF_NOMEM, at), -1;
    if (*linear && k.p && jp->nkeys - base < JP_LINEAR_KEYS)
        jp_push_key(jp, k.p, k.n);
    else
        *linear = false;
    jp_str_release(jp, &k);
    return 0;
}

static json_t *jp_object(struct jp *jp)
{
    size_t base = jp->nkeys;
    bool linear = true;
    json_t *obj = json_object();
    if (!obj)
        return jp_fail(jp, JPF_NOMEM, jp->p);
    jp->p++;
    jp_skip_ws(jp);
    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
        return obj;
    }
    for (;;) {
        if (jp_member(jp, obj, base, &linear))
            goto fail;
        jp_skip_ws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            jp_skip_ws(jp);
        } else if (jp->p < jp->end && *jp->p == '}') {
            jp->p++;
            break;
        } else {
            jp_unexpected(jp, JPF_OBJ_SEP, jp->p);
            goto fail;
        }
    }
    jp->nkeys = base;
    return obj;
fail:
    json_decref(obj);
    return NULL;
}

static json_t *jp_array(struct jp *jp)
{
    json_t *arr = json_array();
    if (!arr)
        return jp_fail(jp, JPF_NOMEM, jp->p);
    jp->p++;
    jp_skip_ws(jp);
    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
        return arr;
    }
    for (;;) {
        json_t *v = jp_value(jp);
        if (!v || json_array_append_new(arr, v)) {
            jp_fail(jp, JPF_NOMEM, jp->p); /* no-op when jp_value already failed */
            goto fail;
        }
        jp_skip_ws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
        } else if (jp->p < jp->end && *jp->p == ']') {
            jp->p++;
            return arr;
        } else {
            jp_unexpected(jp, JPF_ARR_SEP, jp->p);
            goto fail;
        }
    }
fail:
    json_decref(arr);
    return NULL;
}

static json_t *jp_literal(struct jp *jp, const char *word, size_t n, json_t *v)
{
    if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n))
        return jp_fail(jp, JPF_VALUE, jp->p);
    jp->p += n;
    return v;
}

static json_t *jp_value(struct jp *jp)
{
    json_t *v;
    struct jp_str s;
    jp_skip_ws(jp);
    if (jp->p >= jp->end)
        return jp_fail(jp, JPF_EOF, jp->p);
    switch (*jp->p) {
    case '{':
    case '[':
        if (++jp->depth > jp->max_depth)
            return jp_fail(jp, JPF_DEPTH, jp->p);
        v = *jp->p == '{' ? jp_object(jp) : jp_array(jp);
        jp->depth--;
        return v;
    case '"':
        if (jp_string(jp, &s))
            return NULL;
        v = json_stringn_nocheck(jp_str_ptr(jp, &s), s.n);
        jp_str_release(jp, &s);
        return v ? v : jp_fail(jp, JPF_NOMEM, jp->p);
    case 't':
        return jp_literal(jp, "true", 4, json_true());
    case 'f':
        return jp_literal(jp, "false", 5, json_false());
    case 'n':
        return jp_literal(jp, "null", 4, json_null());
    default:
        if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9'))
            return jp_number(jp);
        return jp_unexpected(jp, JPF_VALUE, jp->p);
    }
}

/* ---- errors ---- */

/* " near 'tok'" for the token at q: a word of letters, digits and number characters, or one
 * (valid UTF-8) character; "" when there is nothing printable to show. */
static void jp_near(const struct jp *jp, const unsigned char *q, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    if (q >= jp->end)
        return;
    if (*q >= 0x80) {
        n = jp_utf8(q, jp->end);
    } else if (*q > 0x20 && *q < 0x7f) {
        while (q + n < jp->end && n < 20 &&
               ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= 'A' && q[n] <= 'Z') ||
                (q[n] >= '0' && q[n] <= '9') || q[n] == '.' || q[n] == '+' || q[n] == '-'))
            n++;
        n += !n;
    } else {
        snprintf(out, size, " 0x%02X", *q);
        return;
    }
    if (n)
        snprintf(out, size, " near '%.*s'", (int)n, (const char *)q);
}

static void jp_error(const struct jp *jp, struct jsonx_error *e)
{
    const unsigned char *at = jp->fail_at < jp->end ? jp->fail_at : jp->end;
    char near[48] = "";
    int line = 1, col = 1;
    for (const unsigned char *q = jp->start; q < at; q++) {
        if (*q == '\n')
            line++, col = 1;
        else if ((*q & 0xc0) != 0x80)
            col++;
    }
    e->line = line, e->column = col, e->position = (long)(at - jp->start);
    if (jp->fail == JPF_DEPTH) {
        snprintf(e->text, sizeof(e->text), jp_texts[JPF_DEPTH].en, jp->max_depth);
        snprintf(e->text_ja, sizeof(e->text_ja), jp_texts[JPF_DEPTH].ja, jp->max_depth);
        return;
    }
    if (jp->fail == JPF_DUP) {
        const unsigned char *k = at + 1, *q = k;
        while (q < jp->end && *q != '"' && *q >= 0x20 && *q != '\\' && q - k <= 40)
            q++;
        if (q < jp->end && *q == '"') /* the key as written, when short and plain */
            snprintf(near, sizeof(near), " \"%.*s\"", (int)(q - k), (const char *)k);
    } else if (jp->fail != JPF_EOF && jp->fail != JPF_NOMEM && jp->fail != JPF_BOM) {
        jp_near(jp, at, near, sizeof(near));
    }
    if (jp->fail == JPF_UTF8 && at < jp->end)
        snprintf(near, sizeof(near), " byte 0x%02X", *at);
    snprintf(e->text, sizeof(e->text), jp_texts[jp->fail].en, near);
    xstrlcpy(e->text_ja, jp_texts[jp->fail].ja, sizeof(e->text_ja));
}

int jsonx_parse(const char *p, size_t n, int max_depth, json_t **out, struct jsonx_error *e)
{
    struct jp jp = {.start = (const unsigned char *)p,
                    .p = (const unsigned char *)p,
                    .end = (const unsigned char *)p + n,
                    .max_depth = max_depth};
    json_t *v = NULL;
    jp.keys = jp.keys_small, jp.keys_cap = ARRAY_SIZE(jp.keys_small);
    *out = NULL;
    if (max_depth > JSON_PARSER_MAX_DEPTH)
        jp.max_depth = JSON_PARSER_MAX_DEPTH; /* jansson's limit, kept for the same stack bound */
    if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
        jp_fail(&jp, JPF_BOM, jp.p);
    } else if ((v = jp_value(&jp))) {
        jp_skip_ws(&jp);
        if (jp.p < jp.end)
            jp_unexpected(&jp, JPF_TRAILING, jp.p); /* RFC 8259 §2: one value per text */
    }
    free(jp.scratch);
    if (jp.keys != jp.keys_small)
        free(jp.keys);
    if (!jp.fail) {
        *out = v;
        return JSONX_OK;
    }
    json_decref(v);
    if (e)
        jp_error(&jp, e);
    return jp.fail == JPF_DEPTH ? JSONX_EDEPTH : JSONX_ESYNTAX;
}
