/*
 * report_gen.c — valid unified reports from fuzzer bytes (report_gen.h).
 *
 * The walk follows the field table, so a field added to the format is generated without a
 * change here (only a new *format* or a new cross-field rule needs one). Times ascend in table
 * order from 45 days before "now", which satisfies every time-order rule of report_cross.c at
 * once (each names an earlier field of the table as the earlier time).
 */
#include <time.h>

#include "../src/core/buf.h"
#include "../src/core/jsonx.h"
#include "../src/core/rtime.h"
#include "../src/core/verr.h"
#include "../src/report/report.h"
#include "../src/schema/schema.h"
#include "report_gen.h"

#define GEN_ARRAY_CAP 48       /* items of an array "at its limit" (renderings stay quick) */
#define GEN_CHAR_BUDGET 120000 /* characters of "at the limit" strings in one report */
#define GEN_START_BEFORE_MS (45LL * 86400000)

struct gen {
    const uint8_t *p;
    size_t n, i;
    int64_t now, t; /* t: the last time handed out */
    int64_t budget; /* characters left for strings at their limit */
    const char *const *rcp;
    size_t nrcp;
};

static unsigned byte_of(struct gen *g)
{
    return g->i < g->n ? g->p[g->i++] : 0;
}

/* A choice in [0, k): one byte, two when k exceeds 256. */
static unsigned pick(struct gen *g, unsigned k)
{
    unsigned v = byte_of(g);
    if (k <= 1)
        return 0;
    if (k > 256)
        v = v << 8 | byte_of(g);
    return v % k;
}

/* ---- strings ---- */

/* Pieces a string is made of, by kind. None is a C0/C1 control character or DEL (the format
 * refuses those); several are Unicode format characters (bidi overrides, zero-width joiner,
 * BOM, soft hyphen), which the format accepts and renderers must survive. */
static const char *const ascii[] = {"a",  "Z", "0", " ", "-", "_", ".", "&", "<", ">", "\"", "'",
                                    "\\", "%", "{", "}", "#", "$", "~", "|", "@", "/", "=",  "+"};
static const char *const cjk[] = {
    "漏",     "えい", "個人情報", "報告", "株式会社", "ランサムウェア",
    "ｶﾀｶﾅ",   "髙﨑", "𠮷野家",   "〜",   "ー",       "・",
    "（株）", "①",    "㈱",       "々",   "〇",       "\u3000",
    "ヴ",     "鬱",   "﨑",       "𩸽",   "〒",       "№"};
static const char *const emoji[] = {"😀",
                                    "🔐",
                                    "👩\u200d💻",
                                    "👨\u200d👩\u200d👧\u200d👦",
                                    "🇯🇵",
                                    "👍🏽",
                                    "❤\ufe0f",
                                    "🏳\ufe0f\u200d🌈",
                                    "#\ufe0f\u20e3",
                                    "🧑🏿\u200d🚒",
                                    "🫠",
                                    "🏴\U000E0067\U000E0062\U000E0065\U000E006E"
                                    "\U000E0067\U000E007F"};
static const char *const odd[] = {"e\u0301",
                                  "a\u0308\u0308\u0308\u0308",
                                  "\u202eabc\u202c",
                                  "\u200b",
                                  "\u200d",
                                  "\ufeff",
                                  "עברית",
                                  "العربية",
                                  "한국어",
                                  "ไทย",
                                  "देवनागरी",
                                  "𝐀𝐁𝐂",
                                  "\ue000",
                                  "\ufffd",
                                  "ǅ",
                                  "İ",
                                  "ﬁ",
                                  "\u00ad",
                                  "\u2028",
                                  "\u2029",
                                  "ཀྵ",
                                  "\u0e47",
                                  "Ⅻ",
                                  "\U0010fffd",
                                  "\u061c",
                                  "\u2066x\u2069",
                                  "ﷺ",
                                  "\U0001F3FB"};
static const char *const newlines[] = {"\n", "\r\n", "\t", "\n\n"};

struct pieces {
    const char *const *v;
    size_t n;
};
static const struct pieces kinds[] = {{ascii, ARRAY_SIZE(ascii)},
                                      {cjk, ARRAY_SIZE(cjk)},
                                      {emoji, ARRAY_SIZE(emoji)},
                                      {odd, ARRAY_SIZE(odd)}};

/* Cuts what b holds from byte `from` on to at most max code points (a cut may fall inside a
 * grapheme cluster: still valid text). */
static void cut_chars(struct buf *b, size_t from, int64_t max)
{
    int64_t chars = 0;
    for (size_t i = from; i < b->len; i++) {
        if (((unsigned char)b->data[i] & 0xC0) == 0x80)
            continue;
        if (chars++ == max) {
            buf_truncate(b, i);
            return;
        }
    }
}

/* Cuts b to at most max bytes without splitting a character (formats that count bytes). */
static void cut_bytes(struct buf *b, size_t max)
{
    if (b->len <= max)
        return;
    while (max > 0 && ((unsigned char)b->data[max] & 0xC0) == 0x80)
        max--;
    buf_truncate(b, max);
}

/* Free text of 1..max characters: mode picks the kind of characters and whether to fill the
 * field to its limit (while the report's budget lasts). */
static void gen_text(struct gen *g, int64_t max, bool multiline, struct buf *out)
{
    unsigned mode = pick(g, 8);
    const struct pieces *k = &kinds[mode >> 1];
    bool full = (mode & 1) && g->budget >= max;
    int64_t want = full ? max : 1 + (int64_t)pick(g, (unsigned)MIN(max, 24));
    int64_t chars = 0;
    size_t start = out->len;
    if (full)
        g->budget -= max;
    while (chars < want) {
        const char *s =
            (multiline && pick(g, 16) == 0) ? newlines[pick(g, 4)] : k->v[pick(g, (unsigned)k->n)];
        buf_puts(out, s);
        chars += (int64_t)jsonx_utf8_len(s, strlen(s));
    }
    cut_chars(out, start, want);
}

/* ---- formats ---- */

static const char *const countries[] = {"JP", "US", "DE", "FR", "GB", "KR", "TW", "SG",
                                        "AU", "NL", "IE", "CN", "IN", "BR", "AE", "NZ"};
static const char *const currencies[] = {"JPY", "USD", "EUR", "GBP", "CNY", "KRW", "XAU"};
static const char *const assets[] = {"JPY", "USD", "EUR", "BTC", "XMR", "ETH", "USDT", "LTC"};
static const char *const zones[] = {"Asia/Tokyo",          "UTC",
                                    "America/New_York",    "Asia/Kathmandu",
                                    "Pacific/Chatham",     "Etc/GMT+12",
                                    "Australia/Lord_Howe", "Europe/Dublin",
                                    "No/Such_Zone",        "America/Argentina/ComodRivadavia"};

static void digits(struct gen *g, int n, struct buf *out)
{
    for (int i = 0; i < n; i++)
        buf_putc(out, (char)('0' + pick(g, 10)));
}

static void corporate_number(struct gen *g, struct buf *out)
{
    char d[14];
    int sum = 0;
    for (int i = 1; i <= 12; i++)
        d[i] = (char)('0' + pick(g, 10));
    for (int k = 1; k <= 12; k++) /* 国税庁: weights 1, 2 from the right */
        sum += (d[13 - k] - '0') * (k % 2 ? 1 : 2);
    d[0] = (char)('0' + (9 - sum % 9));
    buf_append(out, d, 13);
}

static void lei(struct gen *g, struct buf *out)
{
    static const char an[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char s[21];
    unsigned rem = 0;
    for (int i = 0; i < 18; i++)
        s[i] = an[pick(g, 36)];
    for (int i = 0; i < 18; i++) /* ISO 7064 MOD 97-10 over the 18 characters and "00" */
        rem = s[i] <= '9' ? (rem * 10 + (unsigned)(s[i] - '0')) % 97
                          : (rem * 100 + (unsigned)(s[i] - 'A' + 10)) % 97;
    rem = (rem * 100) % 97;
    unsigned check = 98 - rem;
    s[18] = (char)('0' + check / 10), s[19] = (char)('0' + check % 10), s[20] = '\0';
    buf_puts(out, s);
}

/* A domain name of at most len bytes (len >= 12), labels of at most 63 bytes, sometimes
 * internationalised (the indicator format takes UTF-8 labels as they are written). */
static void domain(struct gen *g, size_t len, struct buf *out)
{
    static const char *const tld[] = {".jp", ".example", ".co.jp", ".xn--wgv71a"};
    const char *end = tld[pick(g, 4)];
    size_t start = out->len, label = 0, room = len - strlen(end);
    buf_puts(out, pick(g, 4) ? "example" : "例え");
    label = out->len - start;
    while (out->len - start + 2 <= room && pick(g, 8)) {
        bool dot = label >= 50;
        buf_putc(out, dot ? '.' : 'a');
        label = dot ? 0 : label + 1;
    }
    if (out->data[out->len - 1] == '.')
        buf_putc(out, 'b');
    buf_puts(out, end);
}

static void email(struct gen *g, int64_t max, struct buf *out)
{
    bool full = pick(g, 4) == 0;
    size_t start = out->len;
    if (pick(g, 3) == 0)
        buf_puts(out, "山田.太郎");
    else
        buf_puts(out, "csirt+ir");
    while (full && out->len - start < 64)
        buf_putc(out, 'x');
    buf_putc(out, '@');
    domain(g, full ? (size_t)max - (out->len - start) : 24, out); /* max: 254 bytes in all */
}

static void phone(struct gen *g, struct buf *out)
{
    static const char *const forms[] = {"+81-3-", "03-", "+1 (202) ", "0120 ", "+44 20 "};
    buf_puts(out, forms[pick(g, ARRAY_SIZE(forms))]);
    digits(g, 4, out);
    buf_putc(out, '-');
    digits(g, 4 + (int)pick(g, 6), out);
}

static void url(struct gen *g, int64_t max, struct buf *out)
{
    size_t start = out->len;
    buf_puts(out, pick(g, 5) ? "https://" : "http://");
    domain(g, 12, out);
    buf_putc(out, '/');
    gen_text(g, MAX(1, max - (int64_t)(out->len - start) - 4), false, out);
    /* the format refuses spaces in URLs: make them %20 instead of breaking it */
    for (size_t i = start; i < out->len; i++)
        if ((unsigned char)out->data[i] <= ' ')
            out->data[i] = '_';
    cut_chars(out, start, max);
}

static void ident(struct gen *g, size_t k, struct buf *out)
{
    if (g->nrcp && pick(g, 4))
        buf_puts(out, g->rcp[(pick(g, 256) + k) % g->nrcp]);
    else
        buf_appendf(out, "r%zu.x-%u", k, pick(g, 100));
}

static void cve(struct gen *g, size_t k, struct buf *out)
{
    buf_appendf(out, "CVE-20%02u-%04zu", 10 + pick(g, 17), 1000 + k * 7 + pick(g, 7));
    if (pick(g, 8) == 0)
        digits(g, 14, out); /* up to the 30-character limit */
}

/* A value of format f; k is the item's index, which keeps items of a unique array apart. */
static void gen_format(struct gen *g, const struct rf_field *f, size_t k, struct buf *out)
{
    int64_t max = schema_field_max(f);
    switch (f->format) {
    case RFMT_EMAIL:
        email(g, max, out);
        break;
    case RFMT_PHONE:
        phone(g, out);
        break;
    case RFMT_URL:
        url(g, max, out);
        break;
    case RFMT_CORPORATE_NUMBER:
        corporate_number(g, out);
        break;
    case RFMT_LEI:
        lei(g, out);
        break;
    case RFMT_COUNTRY:
        buf_puts(out, countries[(pick(g, 16) + k) % ARRAY_SIZE(countries)]);
        break;
    case RFMT_CURRENCY:
        buf_puts(out, currencies[pick(g, ARRAY_SIZE(currencies))]);
        break;
    case RFMT_ASSET:
        buf_puts(out, assets[pick(g, ARRAY_SIZE(assets))]);
        break;
    case RFMT_CVE:
        cve(g, k, out);
        break;
    case RFMT_ATTACK_ID:
        buf_appendf(out, "T%04zu", 1000 + k * 3 + pick(g, 3));
        if (pick(g, 2))
            buf_appendf(out, ".%03u", pick(g, 1000));
        break;
    case RFMT_PREFECTURE:
        buf_appendf(out, "JP-%02u", 1 + pick(g, 47));
        break;
    case RFMT_IDENT:
        ident(g, k, out);
        break;
    case RFMT_TZ:
        buf_puts(out, zones[pick(g, ARRAY_SIZE(zones))]);
        break;
    case RFMT_FILE_EXT: /* at most 64 bytes, no spaces or slashes */
        buf_putc(out, '.');
        gen_text(g, max - 1, false, out);
        for (size_t i = 0; i < out->len; i++)
            if ((unsigned char)out->data[i] <= ' ' || out->data[i] == '/' || out->data[i] == '\\')
                out->data[i] = 'x';
        cut_bytes(out, 64);
        break;
    case RFMT_SECURITIES_CODE:
        digits(g, 3, out), buf_putc(out, pick(g, 2) ? 'A' : '0');
        break;
    case RFMT_NONE:
        gen_text(g, max, f->type == RF_TEXT, out);
        break;
    }
}

/* ---- times and numbers ---- */

/* An RFC 3339 time with one of the offsets people really use (and the extreme ones). */
static json_t *gen_time(struct gen *g, const struct rf_field *f)
{
    static const int offsets[] = {0, 540, -300, 345, 840, -720, 330, 0, -210, 525};
    int64_t t;
    if (f->flags & RF_FUTURE) {
        t = g->t + (int64_t)pick(g, 2000) * 3600000;
    } else {
        g->t =
            MIN(g->t + (int64_t)pick(g, 120) * 60000 + (int64_t)pick(g, 60) * 1000, g->now - 60000);
        t = g->t;
    }
    unsigned oi = pick(g, ARRAY_SIZE(offsets));
    int off = offsets[oi];
    time_t secs = (time_t)((t + off * 60000LL) / 1000);
    struct tm tm;
    char s[96], frac[16] = "", zone[16];
    gmtime_r(&secs, &tm);
    if (pick(g, 3) == 0)
        snprintf(frac, sizeof(frac), ".%03d", (int)(t % 1000));
    if (oi == 0)
        snprintf(zone, sizeof(zone), "Z");
    else
        snprintf(zone, sizeof(zone), "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60,
                 abs(off) % 60);
    snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d%s%s", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, zone);
    return json_string(s);
}

static json_t *gen_number(struct gen *g, const struct rf_field *f)
{
    double lo = (double)f->min, hi = f->max ? (double)f->max : 1e12;
    switch (pick(g, 5)) {
    case 0:
        return f->type == RF_INTEGER ? json_integer(f->min) : json_real(lo);
    case 1:
        return f->type == RF_INTEGER ? json_integer(f->max ? f->max : f->min) : json_real(hi);
    case 2:
        if (f->type == RF_NUMBER)
            return json_real(lo + (hi - lo) * pick(g, 1000) / 999.0);
        /* fall through */
    default:
        return json_integer(f->min +
                            (int64_t)pick(g, 65536) % (f->max ? f->max - f->min + 1 : 65536));
    }
}

/* ---- the walk ---- */

static json_t *gen_field(struct gen *g, const struct rf_field *f, size_t k);

static json_t *gen_object(struct gen *g, const struct rf_field *f)
{
    json_t *o = json_object();
    for (const struct rf_field *m = f->fields; m->name; m++) {
        if (!(m->flags & RF_REQUIRED) && !(byte_of(g) & 1))
            continue;
        json_object_set_new(o, m->name, gen_field(g, m, 0));
    }
    return o;
}

static size_t enum_count(const struct rf_enum *v)
{
    size_t n = 0;
    while (v[n].value)
        n++;
    return n;
}

static bool contains(const json_t *a, const json_t *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) if (json_equal(x, v)) return true;
    return false;
}

/* An array of min..max items: none or few usually, sometimes as many as the limit allows. Items
 * of a unique array of enumerations are consecutive values; other duplicates are dropped. */
static json_t *gen_array(struct gen *g, const struct rf_field *f)
{
    const struct rf_field *it = f->fields;
    int64_t max = MIN(schema_field_max(f), GEN_ARRAY_CAP);
    bool distinct_enum = it->type == RF_ENUM && (f->flags & RF_UNIQUE);
    size_t nvals = it->type == RF_ENUM ? enum_count(it->values) : 0;
    if (distinct_enum)
        max = MIN(max, (int64_t)nvals);
    unsigned mode = pick(g, 4);
    int64_t want = mode == 3 ? max : MIN(max, (int64_t)mode + (int64_t)pick(g, 2));
    want = MAX(want, f->min);
    json_t *a = json_array();
    size_t start = pick(g, 64);
    for (int64_t k = 0; k < want; k++) {
        json_t *v = distinct_enum ? json_string(it->values[(start + (size_t)k) % nvals].value)
                                  : gen_field(g, it, (size_t)k);
        if ((f->flags & RF_UNIQUE) && contains(a, v))
            json_decref(v);
        else
            json_array_append_new(a, v);
    }
    return a;
}

static json_t *gen_string(struct gen *g, const struct rf_field *f, size_t k)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    gen_format(g, f, k, &b);
    json_t *v = json_stringn(b.data ? b.data : "x", b.data ? b.len : 1);
    buf_release(&b);
    return v;
}

static json_t *gen_field(struct gen *g, const struct rf_field *f, size_t k)
{
    switch (f->type) {
    case RF_OBJECT:
        return gen_object(g, f);
    case RF_ARRAY:
        return gen_array(g, f);
    case RF_BOOL:
        return json_boolean(byte_of(g) & 1);
    case RF_TRI:
    case RF_ENUM:
        return json_string(f->values[pick(g, (unsigned)enum_count(f->values))].value);
    case RF_TIME:
        return gen_time(g, f);
    case RF_DATE: {
        char d[16];
        rtime_format_utc(g->t, d, sizeof(d)); /* "YYYY-MM-DD" is its first ten characters */
        return json_stringn(d, 10);
    }
    case RF_INTEGER:
    case RF_NUMBER:
        return gen_number(g, f);
    case RF_STRING:
    case RF_TEXT:
        return gen_string(g, f, k);
    case RF_MAP: /* not in the report format */
        break;
    }
    return json_null();
}

/* ---- what the field table cannot say: indicator values and the cross-field rules ---- */

static void text_without(struct gen *g, struct buf *out, char bad, size_t max_bytes)
{
    gen_text(g, (int64_t)max_bytes, false, out);
    for (size_t i = 0; i < out->len; i++)
        if (out->data[i] == bad)
            out->data[i] = '_';
    cut_bytes(out, max_bytes);
}

static void indicator_value(struct gen *g, const char *type, struct buf *out)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    size_t hexlen = !strcmp(type, "md5") ? 32 : !strcmp(type, "sha1") ? 40 : 64;
    if (!strcmp(type, "ipv4"))
        buf_appendf(out, "%u.%u.%u.%u", pick(g, 256), pick(g, 256), pick(g, 256), pick(g, 256));
    else if (!strcmp(type, "ipv6"))
        buf_puts(out, pick(g, 2) ? "2001:db8::1" : "fe80::1ff:fe23:4567:890a");
    else if (!strcmp(type, "domain"))
        domain(g, 8 + pick(g, 200), out);
    else if (!strcmp(type, "url"))
        url(g, 2048, out);
    else if (!strcmp(type, "email"))
        email(g, 254, out);
    else if (!strcmp(type, "asn"))
        buf_appendf(out, pick(g, 2) ? "AS%u" : "%u", pick(g, 65536));
    else if (!strcmp(type, "crypto_wallet"))
        for (int i = 0; i < 20 + (int)pick(g, 100); i++)
            buf_putc(out, hex[pick(g, 16)]);
    else if (!strcmp(type, "md5") || !strcmp(type, "sha1") || !strcmp(type, "sha256"))
        for (size_t i = 0; i < hexlen; i++)
            buf_putc(out, hex[pick(g, 22)]);
    else /* file_name (at most 255 bytes, no '/'), user_agent: text */
        text_without(g, out, '/', 255);
}

static void fix_indicators(struct gen *g, json_t *doc)
{
    size_t i;
    json_t *ind;
    json_array_foreach(jsonx_ptr_get(doc, "/threat/indicators"), i, ind)
    {
        struct buf b;
        buf_init(&b, BUF_UNLIMITED);
        indicator_value(g, json_string_value(json_object_get(ind, "type")), &b);
        json_object_set_new(ind, "value", json_stringn(buf_cstr(&b), b.len));
        buf_release(&b);
    }
}

static bool is(json_t *doc, const char *ptr, const char *v)
{
    const char *s = json_string_value(jsonx_ptr_get(doc, ptr));
    return s && !strcmp(s, v);
}

static void set(json_t *doc, const char *obj_ptr, const char *key, json_t *v)
{
    json_t *o = jsonx_ptr_get(doc, obj_ptr);
    if (json_is_object(o))
        json_object_set_new(o, key, v);
    else
        json_decref(v);
}

/* The rules of report_cross.c, satisfied by adding or changing as little as possible. */
static void fix_cross(struct gen *g, json_t *doc)
{
    json_t *ent = json_object_get(doc, "entity");
    if (!json_object_get(ent, "name_ja") && !json_object_get(ent, "name_en"))
        json_object_set_new(ent, "name_ja", json_string("株式会社テスト"));
    size_t i;
    json_t *ct;
    json_array_foreach(json_object_get(doc, "contacts"), i,
                       ct) if (!json_object_get(ct, "email") && !json_object_get(ct, "phone"))
        json_object_set_new(ct, "phone", json_string("03-0000-0000"));
    json_t *pd = json_object_get(doc, "personal_data");
    if (is(doc, "/personal_data/involved", "no"))
        json_object_del(pd, "individuals_count"), json_object_del(pd, "data_items");
    if (jsonx_ptr_get(doc, "/ransom/payment"))
        set(doc, "/ransom", "paid", json_string("yes"));
    if ((is(doc, "/ransom/paid", "yes") || jsonx_ptr_get(doc, "/ransom/demand")) &&
        is(doc, "/ransom/demanded", "no"))
        set(doc, "/ransom", "demanded", json_string("yes"));
    json_t *other = json_string("other");
    bool has_other = contains(jsonx_ptr_get(doc, "/classification/categories"), other);
    json_decref(other);
    if (has_other && !jsonx_ptr_get(doc, "/classification/category_other"))
        set(doc, "/classification", "category_other", json_string("その他"));
    json_t *fin = jsonx_ptr_get(doc, "/impact/financial");
    if (json_object_size(fin) && !json_object_get(fin, "currency") &&
        !jsonx_ptr_get(doc, "/entity/reporting_currency"))
        json_object_set_new(fin, "currency", json_string(currencies[pick(g, 7)]));
    if (jsonx_ptr_get(doc, "/ransom/demand/amount"))
        set(doc, "/ransom/demand", "asset", json_string(assets[pick(g, 8)]));
    if (jsonx_ptr_get(doc, "/ransom/payment/amount"))
        set(doc, "/ransom/payment", "asset", json_string(assets[pick(g, 8)]));
}

/* The schema path of a pointer into a report: array indices become "-". */
static void schema_path(const char *ptr, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = ptr; *p && o + 2 < n;) {
        size_t len = strcspn(p + 1, "/");
        bool index = len && strspn(p + 1, "0123456789") >= len;
        o += (size_t)snprintf(out + o, n - o, "/%.*s", index ? 1 : (int)len, index ? "-" : p + 1);
        p += 1 + len;
    }
    out[MIN(o, n - 1)] = '\0';
}

/* Removes the node at ptr, or its nearest ancestor that may be absent (an optional member, or
 * an item of an array above its minimum). False when only required fields remain above it. */
static bool drop_at(json_t *doc, char *ptr)
{
    char *slash;
    while ((slash = strrchr(ptr, '/'))) {
        char sp[512], psp[512];
        schema_path(ptr, sp, sizeof(sp));
        *slash = '\0';
        schema_path(ptr, psp, sizeof(psp));
        json_t *parent = *ptr ? jsonx_ptr_get(doc, ptr) : doc;
        const struct rf_field *f = report_field_lookup(sp), *pf = report_field_lookup(psp);
        if (json_is_object(parent) && f && !(f->flags & RF_REQUIRED)) {
            json_object_del(parent, slash + 1);
            return true;
        }
        if (json_is_array(parent) && pf && (int64_t)json_array_size(parent) > pf->min) {
            json_array_remove(parent, (size_t)strtoul(slash + 1, NULL, 10));
            return true;
        }
    }
    return false;
}

/* Drops what each problem names; false when something cannot be dropped. */
static bool drop_named(json_t *doc, const struct verr_list *errs)
{
    for (size_t i = 0; i < errs->n; i++) {
        char p[512];
        snprintf(p, sizeof(p), "%s", errs->v[i].pointer);
        if (!drop_at(doc, p))
            return false;
    }
    return true;
}

json_t *report_gen(const uint8_t *data, size_t size, int64_t now_ms, const char *const *recipients,
                   size_t n)
{
    struct gen g = {.p = data,
                    .n = size,
                    .now = now_ms,
                    .t = now_ms - GEN_START_BEFORE_MS,
                    .budget = GEN_CHAR_BUDGET,
                    .rcp = recipients,
                    .nrcp = n};
    struct schema_limits lim;
    json_t *doc = gen_object(&g, &report_root);
    fix_indicators(&g, doc);
    fix_cross(&g, doc);
    schema_limits_default(&lim);
    for (int round = 0; round < 3; round++) {
        struct verr_list errs;
        verr_list_init(&errs, 64);
        size_t bad = report_validate(doc, &lim, now_ms, &errs);
        if (getenv("REPORT_GEN_DEBUG")) /* generator work: what still needed repairing */
            for (size_t i = 0; i < errs.n; i++) {
                char *v = json_dumps(jsonx_ptr_get(doc, errs.v[i].pointer), JSON_ENCODE_ANY);
                fprintf(stderr, "report_gen round %d: %s %s %s: %.300s\n", round, errs.v[i].pointer,
                        errs.v[i].code, errs.v[i].en, v ? v : "(absent)");
                free(v);
            }
        bool dropped = bad && drop_named(doc, &errs);
        verr_list_release(&errs);
        if (!bad)
            return doc;
        if (!dropped)
            break;
    }
    json_decref(doc);
    return NULL;
}
