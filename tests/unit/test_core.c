/*
 * test_core.c — unit tests of src/core/: buf, enc, rtime, uuid, jsonx, verr, histo, hash and
 * the small helpers in alloc.c.
 */
#include "core/buf.h"
#include "core/enc.h"
#include "core/hash.h"
#include "core/histo.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/rtime.h"
#include "core/uuid.h"
#include "core/verr.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* ---- buf ---- */

static void test_buf_limit_and_efull(void **state)
{
    struct buf b;
    (void)state;
    buf_init(&b, 8);
    assert_string_equal(buf_cstr(&b), ""); /* never NULL, even before the first append */
    assert_int_equal(buf_puts(&b, "abcdefgh"), BUF_OK);
    assert_int_equal(b.len, 8);
    /* every way of going past the maximum fails and leaves the content as it was */
    assert_int_equal(buf_putc(&b, 'x'), BUF_EFULL);
    assert_int_equal(buf_append(&b, "xy", 2), BUF_EFULL);
    assert_int_equal(buf_puts(&b, "z"), BUF_EFULL);
    assert_int_equal(buf_appendf(&b, "%d", 1), BUF_EFULL);
    assert_int_equal(b.len, 8);
    assert_string_equal(buf_cstr(&b), "abcdefgh");
    assert_int_equal(buf_append(&b, "", 0), BUF_OK); /* an empty append always fits */
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_cstr(&b), "");
    assert_non_null(b.data); /* reset keeps the allocation */
    buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.max, 8);
}

static void test_buf_appendf_long(void **state)
{
    struct buf b;
    char big[600];
    (void)state;
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    /* longer than appendf's 256-byte stack buffer: the second formatting path */
    buf_init(&b, 1000);
    assert_int_equal(buf_appendf(&b, "<%s>", big), BUF_OK);
    assert_int_equal(b.len, 601);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[600], '>');
    assert_int_equal(b.data[601], '\0');
    assert_int_equal(buf_appendf(&b, "%s", big), BUF_EFULL);
    assert_int_equal(b.len, 601);
    assert_int_equal(b.data[601], '\0');
    buf_release(&b);
}

static void test_buf_detach(void **state)
{
    struct buf b;
    size_t n = 99;
    (void)state;
    buf_init(&b, 100);
    char *p = buf_detach(&b, &n); /* detaching an untouched buffer gives "" */
    assert_string_equal(p, "");
    assert_int_equal(n, 0);
    free(p);
    buf_puts(&b, "hello");
    p = buf_detach(&b, &n);
    assert_string_equal(p, "hello");
    assert_int_equal(n, 5);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    free(p);
}

static void test_buf_json_str(void **state)
{
    static const struct {
        const char *in;
        size_t n;
        const char *out;
    } cases[] = {
        {"", 0, "\"\""},
        {"plain", 5, "\"plain\""},
        {"a\"b\\c", 5, "\"a\\\"b\\\\c\""},
        {"\n\r\t", 3, "\"\\n\\r\\t\""},
        {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
        {"nul\0x", 5, "\"nul\\u0000x\""},
        {"\x7f/", 2, "\"\x7f/\""},   /* DEL and '/' need no escape */
        {"日本語", 9, "\"日本語\""}, /* UTF-8 passes through */
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct buf b;
        buf_init(&b, 100);
        assert_int_equal(buf_json_str(&b, cases[i].in, cases[i].n), BUF_OK);
        assert_string_equal(buf_cstr(&b), cases[i].out);
        buf_release(&b);
    }
}

/* Every byte 1..127 survives a round trip through jansson's parser. */
static void test_buf_json_str_roundtrip(void **state)
{
    char all[127];
    struct buf b;
    json_error_t je;
    (void)state;
    for (int i = 0; i < 127; i++)
        all[i] = (char)(i + 1);
    buf_init(&b, 4096);
    assert_int_equal(buf_json_str(&b, all, sizeof(all)), BUF_OK);
    json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY, &je);
    assert_non_null(j);
    assert_int_equal(json_string_length(j), sizeof(all));
    assert_memory_equal(json_string_value(j), all, sizeof(all));
    json_decref(j);
    buf_release(&b);
}

static void test_buf_json_str_efull(void **state)
{
    struct buf b;
    (void)state;
    buf_init(&b, 10);
    buf_puts(&b, "ab");
    /* "\"x\\n\"" would need 5 more bytes after the 2 present, 7 in all: fits */
    assert_int_equal(buf_json_str(&b, "x\n", 2), BUF_OK);
    assert_string_equal(buf_cstr(&b), "ab\"x\\n\"");
    /* does not fit: the buffer is unchanged (buf.h: BUF_EFULL leaves it as it was) */
    assert_int_equal(buf_json_str(&b, "\x01", 1), BUF_EFULL);
    assert_string_equal(buf_cstr(&b), "ab\"x\\n\"");
    assert_int_equal(b.len, 7);
    buf_release(&b);
}

/* ---- enc ---- */

static void test_enc_hex(void **state)
{
    unsigned char in[256], back[256];
    char hex[513];
    (void)state;
    for (int i = 0; i < 256; i++)
        in[i] = (unsigned char)i;
    enc_hex(in, sizeof(in), hex);
    assert_int_equal(strlen(hex), 512);
    assert_memory_equal(hex, "000102", 6);
    assert_string_equal(hex + 506, "fdfeff");
    assert_int_equal(enc_unhex(hex, 512, back, 256), 0);
    assert_memory_equal(in, back, 256);
    /* upper case is accepted on input */
    assert_int_equal(enc_unhex("ABcd", 4, back, 2), 0);
    assert_int_equal(back[0], 0xab);
    assert_int_equal(back[1], 0xcd);
    assert_int_equal(enc_unhex("0g", 2, back, 1), -1);
    assert_int_equal(enc_unhex("abc", 3, back, 1), -1); /* wrong length either way */
    assert_int_equal(enc_unhex("ab", 2, back, 2), -1);
    assert_int_equal(enc_unhex(" a", 2, back, 1), -1);
    enc_hex(in, 0, hex);
    assert_string_equal(hex, "");
}

static void test_enc_b64url_vectors(void **state)
{
    /* RFC 4648 §10 test vectors, without padding */
    static const char *const enc[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    const char *plain = "foobar";
    char out[16];
    unsigned char back[16];
    (void)state;
    for (size_t n = 0; n <= 6; n++) {
        assert_int_equal(enc_b64url_len(n), strlen(enc[n]));
        enc_b64url((const unsigned char *)plain, n, out);
        assert_string_equal(out, enc[n]);
        assert_int_equal(enc_unb64url(enc[n], strlen(enc[n]), back, sizeof(back)), (long)n);
        assert_memory_equal(back, plain, n);
    }
    /* the URL-safe alphabet: 0xfb 0xff → "-_8" (standard base64 would give "+/8") */
    enc_b64url((const unsigned char *)"\xfb\xff", 2, out);
    assert_string_equal(out, "-_8");
}

static void test_enc_b64url_roundtrip(void **state)
{
    uint64_t seed = 42;
    unsigned char in[70], back[70];
    char out[100];
    (void)state;
    for (size_t n = 0; n < sizeof(in); n++) {
        for (size_t i = 0; i < n; i++)
            in[i] = (unsigned char)unit_rand(&seed);
        enc_b64url(in, n, out);
        assert_int_equal(strlen(out), enc_b64url_len(n));
        assert_int_equal(enc_unb64url(out, strlen(out), back, sizeof(back)), (long)n);
        assert_memory_equal(in, back, n);
    }
}

static void test_enc_b64url_rejects(void **state)
{
    unsigned char out[16];
    (void)state;
    assert_int_equal(enc_unb64url("Zm9v+", 5, out, sizeof(out)), -1); /* length % 4 == 1 */
    assert_int_equal(enc_unb64url("Zm+v", 4, out, sizeof(out)), -1);  /* standard alphabet */
    assert_int_equal(enc_unb64url("Zm/v", 4, out, sizeof(out)), -1);
    assert_int_equal(enc_unb64url("Zg==", 4, out, sizeof(out)), -1); /* padding */
    assert_int_equal(enc_unb64url("Zm 9", 4, out, sizeof(out)), -1);
    assert_int_equal(enc_unb64url("Z", 1, out, sizeof(out)), -1);
    /* non-canonical trailing bits: "Zg" is 'f', "Zh" would leave a 1 bit over */
    assert_int_equal(enc_unb64url("Zg", 2, out, sizeof(out)), 1);
    assert_int_equal(enc_unb64url("Zh", 2, out, sizeof(out)), -1);
    assert_int_equal(enc_unb64url("Zm8", 3, out, sizeof(out)), 2);
    assert_int_equal(enc_unb64url("Zm9", 3, out, sizeof(out)), -1);
    /* output too small */
    assert_int_equal(enc_unb64url("Zm9vYmFy", 8, out, 5), -1);
    assert_int_equal(enc_unb64url("Zm9vYmFy", 8, out, 6), 6);
    assert_int_equal(enc_unb64url("", 0, out, 0), 0);
}

/* ---- rtime ---- */

static int64_t utc(const char *s)
{
    struct rtime_parsed t;
    int r = rtime_parse_rfc3339(s, strlen(s), &t);
    if (r)
        fail_msg("%s: expected a valid time, got %d", s, r);
    return t.ms;
}

static int parse_rc(const char *s)
{
    struct rtime_parsed t;
    return rtime_parse_rfc3339(s, strlen(s), &t);
}

static void test_rtime_parse_valid(void **state)
{
    struct rtime_parsed t;
    const char *s = "2026-04-01T09:30:00+09:00";
    (void)state;
    assert_int_equal(rtime_parse_rfc3339(s, strlen(s), &t), RTIME_OK);
    assert_int_equal(t.offset_min, 540);
    /* 2026-04-01T00:30:00Z: 20544 days after the epoch */
    assert_int_equal(t.ms, (20544LL * 86400 + 1800) * 1000);
    assert_int_equal(utc("2026-04-01T00:30:00Z"), t.ms);
    assert_int_equal(utc("2026-04-01t00:30:00z"), t.ms); /* RFC 3339 §5.6 NOTE: t and z */
    assert_int_equal(utc("2026-04-01T00:30:00+00:00"), t.ms);
    assert_int_equal(utc("2026-03-31T19:30:00-05:00"), t.ms);
    assert_int_equal(utc("2026-04-01T05:15:00+04:45"), t.ms);
    assert_int_equal(utc("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(utc("1969-12-31T23:59:59.999Z"), -1);
    s = "2026-04-01T09:30:00-09:30";
    assert_int_equal(rtime_parse_rfc3339(s, strlen(s), &t), RTIME_OK);
    assert_int_equal(t.offset_min, -570);
}

static void test_rtime_parse_fractions(void **state)
{
    int64_t base = utc("2026-04-01T00:00:00Z");
    (void)state;
    assert_int_equal(utc("2026-04-01T00:00:00.5Z"), base + 500);
    assert_int_equal(utc("2026-04-01T00:00:00.05Z"), base + 50);
    assert_int_equal(utc("2026-04-01T00:00:00.123Z"), base + 123);
    assert_int_equal(utc("2026-04-01T00:00:00.123456789+09:00"), base + 123 - 9 * 3600000);
    assert_int_equal(utc("2026-04-01T00:00:00.999999Z"), base + 999); /* truncated, not rounded */
    assert_int_equal(parse_rc("2026-04-01T00:00:00.Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T00:00:00.1234567890Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T00:00:00,5Z"), RTIME_ESYNTAX);
}

static void test_rtime_parse_offsets(void **state)
{
    (void)state;
    /* RFC 3339 §4.3: -00:00 means "offset unknown"; such a time cannot be placed */
    assert_int_equal(parse_rc("2026-04-01T09:30:00-00:00"), RTIME_ENOOFFSET);
    assert_int_equal(parse_rc("2026-04-01T09:30:00"), RTIME_ENOOFFSET);
    assert_int_equal(parse_rc("2026-04-01T09:30:00.250"), RTIME_ENOOFFSET);
    assert_int_equal(parse_rc("2026-04-01T09:30:00+0900"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T09:30:00+09"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T09:30:00 +09:00"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T09:30:00JST"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T09:30:00+24:00"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-04-01T09:30:00+09:60"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-04-01T09:30:00+23:59"), RTIME_OK);
}

static void test_rtime_parse_ranges(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("2026-04-31T00:00:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-04-30T00:00:00Z"), RTIME_OK);
    assert_int_equal(parse_rc("2028-02-29T00:00:00Z"), RTIME_OK);
    assert_int_equal(parse_rc("2027-02-29T00:00:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2000-02-29T00:00:00Z"), RTIME_OK);     /* divisible by 400 */
    assert_int_equal(parse_rc("2100-02-29T00:00:00Z"), RTIME_ERANGE); /* by 100, not 400 */
    assert_int_equal(parse_rc("2026-13-01T00:00:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-00-01T00:00:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-01-00T00:00:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-01-32T00:00:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-01-01T24:00:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-01-01T23:60:00Z"), RTIME_ERANGE);
    assert_int_equal(parse_rc("2026-01-01T23:59:61Z"), RTIME_ERANGE);
    /* a leap second (RFC 3339 §5.7) is accepted and lands on the next second */
    assert_int_equal(utc("2016-12-31T23:59:60Z"), utc("2017-01-01T00:00:00Z"));
}

static void test_rtime_parse_syntax(void **state)
{
    struct rtime_parsed t;
    const char *s = "2026-04-01T09:30:00Zgarbage";
    (void)state;
    assert_int_equal(parse_rc(""), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-4-01T09:30:00Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("26-04-01T09:30:00Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026/04/01T09:30:00Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01 09:30:00Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T9:30:00Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T09:30Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc(" 2026-04-01T09:30:00Z"), RTIME_ESYNTAX);
    assert_int_equal(parse_rc("2026-04-01T09:30:00Z "), RTIME_ESYNTAX);
    assert_int_equal(parse_rc(s), RTIME_ESYNTAX);
    /* only n bytes are read: the valid prefix parses */
    assert_int_equal(rtime_parse_rfc3339(s, 20, &t), RTIME_OK);
    assert_int_equal(t.ms, utc("2026-04-01T09:30:00Z"));
}

static void test_rtime_parse_date(void **state)
{
    int64_t ms;
    (void)state;
    assert_int_equal(rtime_parse_date("2026-04-01", 10, &ms), RTIME_OK);
    assert_int_equal(ms, utc("2026-04-01T00:00:00Z"));
    assert_int_equal(rtime_parse_date("2028-02-29", 10, &ms), RTIME_OK);
    assert_int_equal(rtime_parse_date("2027-02-29", 10, &ms), RTIME_ERANGE);
    assert_int_equal(rtime_parse_date("2026-04-01T00:00:00Z", 20, &ms), RTIME_ESYNTAX);
    assert_int_equal(rtime_parse_date("2026-4-1", 8, &ms), RTIME_ESYNTAX);
}

static void test_rtime_civil_roundtrip(void **state)
{
    int64_t y, py;
    unsigned m, d, pm, pd;
    (void)state;
    assert_int_equal(rtime_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(rtime_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(rtime_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(rtime_days_from_civil(0, 3, 1), -719468);
    /* every day over ±2,700 years: round trip, and each day follows the previous one */
    rtime_civil_from_days(-1000001, &py, &pm, &pd);
    for (int64_t z = -1000000; z <= 1000000; z++) {
        rtime_civil_from_days(z, &y, &m, &d);
        if (rtime_days_from_civil(y, m, d) != z)
            fail_msg("day %lld did not round-trip", (long long)z);
        bool next_day = y == py && m == pm && d == pd + 1;
        bool next_month =
            y == py && m == pm + 1 && d == 1 && (int)pd == rtime_days_in_month(py, pm);
        bool next_year = y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31;
        if (!next_day && !next_month && !next_year)
            fail_msg("day %lld (%lld-%u-%u) does not follow %lld-%u-%u", (long long)z, (long long)y,
                     m, d, (long long)py, pm, pd);
        py = y, pm = m, pd = d;
    }
}

static void test_rtime_days_in_month(void **state)
{
    (void)state;
    assert_int_equal(rtime_days_in_month(2026, 1), 31);
    assert_int_equal(rtime_days_in_month(2026, 2), 28);
    assert_int_equal(rtime_days_in_month(2028, 2), 29);
    assert_int_equal(rtime_days_in_month(1900, 2), 28);
    assert_int_equal(rtime_days_in_month(2000, 2), 29);
    assert_int_equal(rtime_days_in_month(2026, 4), 30);
    assert_int_equal(rtime_days_in_month(2026, 0), 0);
    assert_int_equal(rtime_days_in_month(2026, 13), 0);
}

static void test_rtime_format_utc(void **state)
{
    static const struct {
        int64_t ms;
        const char *s;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {1, "1970-01-01T00:00:00.001Z"},
        {-1, "1969-12-31T23:59:59.999Z"},
        {-1000, "1969-12-31T23:59:59.000Z"},
        {-1001, "1969-12-31T23:59:58.999Z"},
        {-86400000, "1969-12-31T00:00:00.000Z"},
        {-86400001, "1969-12-30T23:59:59.999Z"},
        {951782400000, "2000-02-29T00:00:00.000Z"},
        {1795305600123, "2026-11-22T00:00:00.123Z"},
        {253402300799999, "9999-12-31T23:59:59.999Z"},
    };
    char out[40];
    uint64_t seed = 7;
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_int_equal(rtime_format_utc(cases[i].ms, out, sizeof(out)), 0);
        assert_string_equal(out, cases[i].s);
    }
    /* parse(format(ms)) == ms between 0001 and 9999 */
    for (int i = 0; i < 20000; i++) {
        int64_t ms = (int64_t)(unit_rand(&seed) % 315537897600000ULL) - 62135596800000LL;
        rtime_format_utc(ms, out, sizeof(out));
        assert_int_equal(utc(out), ms);
    }
}

/* ---- uuid ---- */

static void test_uuid_format(void **state)
{
    unsigned char ones[10], zeros[10] = {0};
    char out[UUID_STR_LEN];
    (void)state;
    memset(ones, 0xff, sizeof(ones));
    uuid_v7_format(0x0123456789abLL, ones, out);
    assert_string_equal(out, "01234567-89ab-7fff-bfff-ffffffffffff");
    uuid_v7_format(0x0123456789abLL, zeros, out);
    assert_string_equal(out, "01234567-89ab-7000-8000-000000000000");
    uuid_v7_format(1795305600000LL, zeros, out); /* 2026-11-22: 48-bit big-endian ms */
    assert_string_equal(out, "01a2008d-7400-7000-8000-000000000000");
    assert_true(uuid_valid(out, strlen(out)));
}

static void test_uuid_new_monotonic(void **state)
{
    char prev[UUID_STR_LEN], cur[UUID_STR_LEN];
    (void)state;
    uuid_v7_new(prev);
    for (int i = 0; i < 100000; i++) {
        uuid_v7_new(cur);
        if (strcmp(prev, cur) >= 0)
            fail_msg("uuid %d not increasing: %s then %s", i, prev, cur);
        if (cur[14] != '7' || !strchr("89ab", cur[19]) || !uuid_valid(cur, 36))
            fail_msg("not a v7 uuid: %s", cur);
        memcpy(prev, cur, sizeof(cur));
    }
    /* the timestamp field is close to the clock (the counter may run a little ahead) */
    char hex[13];
    memcpy(hex, cur, 8);
    memcpy(hex + 8, cur + 9, 4);
    hex[12] = '\0';
    int64_t ms = (int64_t)strtoll(hex, NULL, 16), now = rtime_now_ms();
    assert_true(ms > now - 60000 && ms < now + 60000);
}

static void test_uuid_valid(void **state)
{
    static const char *const bad[] = {
        "019ab0b0-cc00-7000-8000-00000000000",   /* 35 */
        "019ab0b0-cc00-7000-8000-0000000000000", /* 37 */
        "019AB0B0-CC00-7000-8000-000000000000",  /* upper case */
        "019ab0b0cc00-7000-8000-0000000000000",  /* hyphen misplaced */
        "019ab0b0-cc00-7000-8000-00000000000g",  "019ab0b0-cc00-7000-8000_000000000000", "",
    };
    (void)state;
    assert_true(uuid_valid("00000000-0000-0000-0000-000000000000", 36));
    assert_true(uuid_valid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", 36)); /* any version */
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        assert_false(uuid_valid(bad[i], strlen(bad[i])));
}

/* ---- jsonx ---- */

static void test_jsonx_depth(void **state)
{
    const char *s;
    (void)state;
    assert_int_equal(jsonx_depth_exceeded("[[[]]]", 6, 3), 0);
    assert_int_equal(jsonx_depth_exceeded("[[[]]]", 6, 2), 3);
    assert_int_equal(jsonx_depth_exceeded("{\"a\":{\"b\":[1]}}", 15, 2), 11);
    /* brackets inside strings do not count, including after escaped quotes */
    s = "{\"a\":\"[[[[{{{{\"}";
    assert_int_equal(jsonx_depth_exceeded(s, strlen(s), 1), 0);
    s = "{\"a\":\"\\\"[[[[\"}";
    assert_int_equal(jsonx_depth_exceeded(s, strlen(s), 1), 0);
    /* an escaped backslash ends before the quote: the string closes and [[ counts */
    s = "{\"a\":\"\\\\\",\"b\":[[1]]}";
    assert_int_equal(jsonx_depth_exceeded(s, strlen(s), 2), (size_t)(strchr(s, '[') - s) + 2);
    /* sibling containers do not add up */
    s = "{\"a\":[1],\"b\":[2],\"c\":{}}";
    assert_int_equal(jsonx_depth_exceeded(s, strlen(s), 2), 0);
}

static void test_jsonx_load_depth_position(void **state)
{
    const char *s = "{\n  \"a\": [[1]]}";
    json_t *j = (json_t *)1;
    struct jsonx_error e;
    (void)state;
    assert_int_equal(jsonx_load_object(s, strlen(s), 2, &j, &e), JSONX_EDEPTH);
    assert_null(j);
    assert_non_null(strstr(e.text_ja, "2"));
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 9);
    assert_int_equal(e.position, 10);
    assert_non_null(strstr(e.text, "2"));
    assert_int_equal(jsonx_load_object(s, strlen(s), 3, &j, &e), JSONX_OK);
    json_decref(j);
    /* columns count characters, not bytes */
    s = "{\"日本\": [[1]]}";
    assert_int_equal(jsonx_load_object(s, strlen(s), 2, &j, &e), JSONX_EDEPTH);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 9);
}

static void test_jsonx_load_errors(void **state)
{
    json_t *j;
    struct jsonx_error e;
    const char *s;
    (void)state;
    s = "{\"a\":1,\"a\":2}";
    assert_int_equal(jsonx_load_object(s, strlen(s), 32, &j, &e), JSONX_ESYNTAX);
    assert_null(j);
    assert_non_null(strstr(e.text, "duplicate"));
    assert_non_null(strstr(e.text_ja, "重複")); /* every error also has a Japanese reason */
    s = "{\"o\":{\"k\":1,\"k\":1}}";            /* nested duplicates too */
    assert_int_equal(jsonx_load_object(s, strlen(s), 32, &j, &e), JSONX_ESYNTAX);
    s = "{\n  \"a\": 1,\n  \"b\": tru\n}";
    assert_int_equal(jsonx_load_object(s, strlen(s), 32, &j, &e), JSONX_ESYNTAX);
    assert_int_equal(e.line, 3);
    assert_true(e.column >= 8 && e.column <= 11);
    assert_true(e.position >= 17 && e.position <= 22);
    s = "{\"a\": 1";
    assert_int_equal(jsonx_load_object(s, strlen(s), 32, &j, &e), JSONX_ESYNTAX);
    assert_int_equal(e.line, 1);
    assert_int_equal(jsonx_load_object("", 0, 32, &j, &e), JSONX_ESYNTAX);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column >= 1, true);
    /* valid JSON whose top level is not an object */
    static const char *const notobj[] = {"[1,2]", "[]", "\"x\"", "42", "null", "true"};
    for (size_t i = 0; i < ARRAY_SIZE(notobj); i++) {
        int r = jsonx_load_object(notobj[i], strlen(notobj[i]), 32, &j, &e);
        if (r != JSONX_ENOTOBJ)
            fail_msg("%s: expected JSONX_ENOTOBJ, got %d", notobj[i], r);
        assert_null(j);
        assert_true(e.text[0] && e.text_ja[0]);
    }
    /* NULL error out-parameter is allowed */
    assert_int_equal(jsonx_load_object("[", 1, 32, &j, NULL), JSONX_ESYNTAX);
    assert_int_equal(jsonx_load_object("{\"a\":[[[]]]}", 12, 2, &j, NULL), JSONX_EDEPTH);
}

static char *canon(const json_t *j)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    assert_int_equal(jsonx_dump_canonical(j, &b), 0);
    return buf_detach(&b, NULL);
}

/* Reals come back as the same double in the fewest digits (issue 8: 5005005005.005005 lost
 * its last digits on the way to a recipient); everything else is byte for byte what jansson's
 * compact sorted dump with 15-digit reals gives, so stored canonical bytes keep their hashes. */
static void test_jsonx_canonical_reals(void **state)
{
    static const double reals[] = {5005005005.005005,
                                   0.1,
                                   1.57,
                                   2.0,
                                   1e15,
                                   1e-7,
                                   -0.0,
                                   123456789012345.67,
                                   1.0 / 3.0,
                                   6.02214076e23,
                                   1e300,
                                   4.9e-324,
                                   1234567.8912345678};
    static const char *const spelled[] = {"5005005005.005005",
                                          "0.1",
                                          "1.57",
                                          "2.0",
                                          "1e15",
                                          "1e-7",
                                          "-0.0",
                                          "123456789012345.67",
                                          "0.3333333333333333",
                                          "6.02214076e23",
                                          "1e300",
                                          "4.94065645841247e-324",
                                          "1234567.8912345679"};
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(reals); i++) {
        json_t *r = json_real(reals[i]);
        char *c = canon(r);
        assert_string_equal(c, spelled[i]);
        assert_true(strtod(c, NULL) == reals[i]);
        free(c);
        json_decref(r);
    }
    /* the same bytes as jansson wherever 15 digits suffice: controls, escapes, Unicode */
    const char *doc = "{\"z\": [1, -2, 0.5, 1e20, true, false, null], \"s\": \"a\\\"b\\\\c/d"
                      "\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f é 😀\", \"\\u0002k\": {}, \"e\": []}";
    json_t *j;
    assert_int_equal(jsonx_load_object(doc, strlen(doc), 32, &j, NULL), 0);
    char *ours = canon(j);
    char *theirs =
        json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    assert_string_equal(ours, theirs);
    free(ours);
    free(theirs);
    json_decref(j);
}

static void test_jsonx_canonical(void **state)
{
    const char *a = "{\"b\": 1, \"a\": {\"d\": [1, 2.5, \"x\"], \"c\": null}, \"日\": \"本\","
                    " \"e\": \"\\u00e9\\n\"}";
    const char *b = "{\"e\":\"é\\n\",\"日\":\"本\",\"a\":{\"c\":null,\"d\":[1,2.5,\"x\"]},\"b\":1}";
    json_t *ja, *jb;
    (void)state;
    assert_int_equal(jsonx_load_object(a, strlen(a), 32, &ja, NULL), 0);
    assert_int_equal(jsonx_load_object(b, strlen(b), 32, &jb, NULL), 0);
    char *ca = canon(ja), *cb = canon(jb);
    /* keys sorted by bytes, compact, UTF-8 as is, independent of the input's key order */
    assert_string_equal(ca, "{\"a\":{\"c\":null,\"d\":[1,2.5,\"x\"]},\"b\":1,\"e\":\"é\\n\","
                            "\"日\":\"本\"}");
    assert_string_equal(ca, cb);
    /* stable: re-parsing the canonical form gives the same bytes */
    json_t *jc;
    assert_int_equal(jsonx_load_object(ca, strlen(ca), 32, &jc, NULL), 0);
    char *cc = canon(jc);
    assert_string_equal(ca, cc);
    /* a full buffer is an error, not a truncation */
    struct buf small;
    buf_init(&small, 10);
    assert_int_equal(jsonx_dump_canonical(ja, &small), BUF_EFULL);
    buf_release(&small);
    free(ca);
    free(cb);
    free(cc);
    json_decref(ja);
    json_decref(jb);
    json_decref(jc);
}

static void test_jsonx_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(jsonx_utf8_len("", 0), 0);
    assert_int_equal(jsonx_utf8_len("abc", 3), 3);
    assert_int_equal(jsonx_utf8_len("日本語", 9), 3);
    assert_int_equal(jsonx_utf8_len("é😀a", 7), 3);
}

static void test_jsonx_ptr_push(void **state)
{
    struct buf p;
    (void)state;
    buf_init(&p, 100);
    assert_int_equal(jsonx_ptr_push(&p, "a", 1), 0);
    assert_int_equal(jsonx_ptr_push(&p, "b/c", 3), 0);
    assert_int_equal(jsonx_ptr_push(&p, "~1", 2), 0);
    assert_int_equal(jsonx_ptr_push_index(&p, 12), 0);
    assert_int_equal(jsonx_ptr_push(&p, "", 0), 0);
    assert_string_equal(buf_cstr(&p), "/a/b~1c/~01/12/");
    buf_release(&p);
    buf_init(&p, 4);
    assert_int_equal(jsonx_ptr_push(&p, "~~~", 3), BUF_EFULL);
    buf_release(&p);
}

static void test_jsonx_ptr_get(void **state)
{
    /* RFC 6901 §5's example document */
    const char *doc_s = "{\"foo\": [\"bar\", \"baz\"], \"\": 0, \"a/b\": 1, \"c%d\": 2,"
                        " \"e^f\": 3, \"g|h\": 4, \"i\\\\j\": 5, \"k\\\"l\": 6, \" \": 7,"
                        " \"m~n\": 8}";
    static const struct {
        const char *ptr;
        int value; /* -1: the "foo" array, -2: "bar", -3: "baz" */
    } ok[] = {{"/foo", -1}, {"/foo/0", -2}, {"/foo/1", -3}, {"/", 0},
              {"/a~1b", 1}, {"/c%d", 2},    {"/e^f", 3},    {"/g|h", 4},
              {"/i\\j", 5}, {"/k\"l", 6},   {"/ ", 7},      {"/m~0n", 8}};
    static const char *const missing[] = {"/foo/2",  "/foo/-",   "/foo/01", "/foo/+1", "/foo/ 1",
                                          "/foo/-1", "/foo/0x",  "/bar",    "foo",     "/m~2n",
                                          "/m~",     "/foo/0/x", "/a/b",    "//"};
    json_t *doc;
    (void)state;
    assert_int_equal(jsonx_load_object(doc_s, strlen(doc_s), 32, &doc, NULL), 0);
    assert_ptr_equal(jsonx_ptr_get(doc, ""), doc);
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        json_t *v = jsonx_ptr_get(doc, ok[i].ptr);
        if (!v)
            fail_msg("%s: not found", ok[i].ptr);
        if (ok[i].value == -1)
            assert_true(json_is_array(v));
        else if (ok[i].value < -1)
            assert_string_equal(json_string_value(v), ok[i].value == -2 ? "bar" : "baz");
        else
            assert_int_equal(json_integer_value(v), ok[i].value);
    }
    for (size_t i = 0; i < ARRAY_SIZE(missing); i++)
        if (jsonx_ptr_get(doc, missing[i]))
            fail_msg("%s: resolved, but should not", missing[i]);
    json_decref(doc);
}

/* ---- verr ---- */

static void test_verr(void **state)
{
    struct verr_list l;
    char ptr[16] = "/a";
    (void)state;
    verr_list_init(&l, 2);
    assert_false(verr_any(&l));
    verr_add(&l, ptr, "required", "en1", "ja1");
    ptr[1] = 'z'; /* the pointer was copied */
    verr_add(&l, "/b", "type", "en2", "ja2");
    assert_int_equal(l.n, 2);
    assert_int_equal(l.dropped, 0);
    verr_add(&l, "/c", "enum", "en3", "ja3");
    verr_add(&l, "/d", "enum", "en4", "ja4");
    assert_int_equal(l.n, 2);
    assert_int_equal(l.dropped, 2);
    assert_true(verr_any(&l));
    assert_string_equal(l.v[0].pointer, "/a");
    assert_string_equal(l.v[0].code, "required");
    assert_string_equal(l.v[1].en, "en2");
    assert_string_equal(l.v[1].ja, "ja2");
    verr_list_release(&l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.dropped, 0);
    assert_int_equal(l.max, 2); /* release re-initialises with the same maximum */
    assert_false(verr_any(&l));
    /* max 0: everything is only counted */
    verr_list_init(&l, 0);
    verr_add(&l, "", "type", "x", "y");
    assert_int_equal(l.n, 0);
    assert_int_equal(l.dropped, 1);
    assert_true(verr_any(&l));
    verr_list_release(&l);
}

/* ---- histo ---- */

static void test_histo_buckets(void **state)
{
    struct histo h;
    (void)state;
    histo_init(&h);
    histo_observe_ns(&h, 0);           /* 0 s → le=0.0005 */
    histo_observe_ns(&h, 500000);      /* exactly 0.0005 s: still the first bucket (le) */
    histo_observe_ns(&h, 500001);      /* just above → le=0.001 */
    histo_observe_ns(&h, -5);          /* clamped to 0 */
    histo_observe_ns(&h, 3000000);     /* 3 ms → le=0.005 */
    histo_observe_ns(&h, 10000000000); /* 10 s → le=10 */
    histo_observe_ns(&h, 10000000001); /* above the last bound → +Inf */
    assert_int_equal(atomic_load(&h.bucket[0]), 3);
    assert_int_equal(atomic_load(&h.bucket[1]), 1);
    assert_int_equal(atomic_load(&h.bucket[2]), 0);
    assert_int_equal(atomic_load(&h.bucket[3]), 1);
    assert_int_equal(atomic_load(&h.bucket[13]), 1);
    assert_int_equal(atomic_load(&h.bucket[14]), 1);
    assert_int_equal(atomic_load(&h.count), 7);
    assert_int_equal(atomic_load(&h.sum_ns),
                     0 + 500000 + 500001 + 0 + 3000000 + 10000000000ULL + 10000000001ULL);
}

static void test_histo_quantile(void **state)
{
    struct histo h;
    (void)state;
    histo_init(&h);
    assert_true(histo_quantile_s(&h, 0.5) == 0.0); /* empty */
    for (int i = 0; i < 90; i++)
        histo_observe_ns(&h, 800000); /* 0.8 ms → le=0.001 */
    for (int i = 0; i < 10; i++)
        histo_observe_ns(&h, 2000000000); /* 2 s → le=2.5 */
    assert_true(histo_quantile_s(&h, 0.0) == 0.001);
    assert_true(histo_quantile_s(&h, 0.5) == 0.001);
    assert_true(histo_quantile_s(&h, 0.9) == 0.001);
    assert_true(histo_quantile_s(&h, 0.95) == 2.5);
    assert_true(histo_quantile_s(&h, 1.0) == 2.5);
    histo_init(&h);
    histo_observe_ns(&h, 60000000000LL); /* only +Inf: twice the largest finite bound */
    assert_true(histo_quantile_s(&h, 0.5) == 20.0);
}

static void test_histo_render(void **state)
{
    struct histo h;
    struct buf b;
    (void)state;
    histo_init(&h);
    histo_observe_ns(&h, 800000);
    histo_observe_ns(&h, 2000000000);
    buf_init(&b, 1 << 16);
    assert_int_equal(histo_render(&h, "x_seconds", "route=\"/r\"", &b), 0);
    const char *s = buf_cstr(&b);
    assert_non_null(strstr(s, "x_seconds_bucket{route=\"/r\",le=\"0.0005\"} 0\n"));
    assert_non_null(strstr(s, "x_seconds_bucket{route=\"/r\",le=\"0.001\"} 1\n"));
    assert_non_null(strstr(s, "x_seconds_bucket{route=\"/r\",le=\"1\"} 1\n"));
    assert_non_null(strstr(s, "x_seconds_bucket{route=\"/r\",le=\"2.5\"} 2\n"));
    assert_non_null(strstr(s, "x_seconds_bucket{route=\"/r\",le=\"+Inf\"} 2\n"));
    assert_non_null(strstr(s, "x_seconds_sum{route=\"/r\"} 2.000800000\n"));
    assert_non_null(strstr(s, "x_seconds_count{route=\"/r\"} 2\n"));
    buf_reset(&b);
    assert_int_equal(histo_render(&h, "y", "", &b), 0);
    assert_non_null(strstr(buf_cstr(&b), "y_bucket{le=\"+Inf\"} 2\n"));
    assert_non_null(strstr(buf_cstr(&b), "y_count 2\n"));
    buf_release(&b);
    buf_init(&b, 50);
    assert_int_equal(histo_render(&h, "y", "", &b), BUF_EFULL);
    buf_release(&b);
}

/* ---- hash and alloc helpers ---- */

static void test_hash(void **state)
{
    char hex[HASH_SHA256_HEX], hex2[HASH_SHA256_HEX];
    struct hash_sha256_ctx c;
    (void)state;
    /* FIPS 180-2 appendix B.1 */
    hash_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hash_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hash_sha256_begin(&c);
    hash_sha256_update(&c, "a", 1);
    hash_sha256_update(&c, "", 0);
    hash_sha256_update(&c, "bc", 2);
    hash_sha256_final_hex(&c, hex2);
    hash_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, hex2);
    /* the one-shot (libcrypto) and streaming (libsodium) implementations agree at every length
     * around the 64-byte block and its padding boundary, and on a large body */
    static unsigned char big[70000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (unsigned char)(i * 131 + (i >> 8));
    for (size_t n = 0; n <= 130; n++) {
        hash_sha256_begin(&c);
        hash_sha256_update(&c, big, n);
        hash_sha256_final_hex(&c, hex2);
        hash_sha256_hex(big, n, hex);
        assert_string_equal(hex, hex2);
    }
    hash_sha256_begin(&c);
    hash_sha256_update(&c, big, 12345);
    hash_sha256_update(&c, big + 12345, sizeof(big) - 12345);
    hash_sha256_final_hex(&c, hex2);
    hash_sha256_hex(big, sizeof(big), hex);
    assert_string_equal(hex, hex2);
    assert_true(hash_ct_equal("abcd", "abcd", 4));
    assert_false(hash_ct_equal("abcd", "abce", 4));
    unsigned char r1[32], r2[32];
    hash_random(r1, sizeof(r1));
    hash_random(r2, sizeof(r2));
    assert_memory_not_equal(r1, r2, sizeof(r1));
}

static void test_alloc_helpers(void **state)
{
    char small[4];
    int64_t v;
    (void)state;
    assert_int_equal(xstrlcpy(small, "abcdef", sizeof(small)), 6);
    assert_string_equal(small, "abc");
    assert_int_equal(xstrlcpy(small, "ab", sizeof(small)), 2);
    assert_string_equal(small, "ab");
    char *d = xstrndup("abcdef", 3);
    assert_string_equal(d, "abc");
    free(d);
    assert_int_equal(parse_int64("42", 0, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_int64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(parse_int64("101", 0, 100, &v), -1);
    assert_int_equal(parse_int64("-1", 0, 100, &v), -1);
    assert_int_equal(parse_int64("12a", 0, 100, &v), -1);
    assert_int_equal(parse_int64("", 0, 100, &v), -1);
    assert_int_equal(parse_int64(NULL, 0, 100, &v), -1);
    assert_int_equal(parse_int64("99999999999999999999", INT64_MIN, INT64_MAX, &v), -1);
}

/* log_limit_due: the first line at once, then one per period, counting what it held back. */
static void test_log_limit(void **state)
{
    UNUSED(state);
    struct log_limit l = LOG_LIMIT_INIT(1000);
    long long quiet = -1;
    assert_true(log_limit_due(&l, 5, &quiet)); /* the first, whatever the clock says */
    assert_int_equal(quiet, 0);
    for (int i = 0; i < 7; i++)
        assert_false(log_limit_due(&l, 6 + i * 100, &quiet));
    assert_false(log_limit_due(&l, 1004, &quiet)); /* still inside the period */
    assert_true(log_limit_due(&l, 1005, &quiet));
    assert_int_equal(quiet, 8);
    assert_true(log_limit_due(&l, 900000, &quiet)); /* a quiet spell: at once again */
    assert_int_equal(quiet, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_limit_and_efull),
        cmocka_unit_test(test_log_limit),
        cmocka_unit_test(test_buf_appendf_long),
        cmocka_unit_test(test_buf_detach),
        cmocka_unit_test(test_buf_json_str),
        cmocka_unit_test(test_buf_json_str_roundtrip),
        cmocka_unit_test(test_buf_json_str_efull),
        cmocka_unit_test(test_enc_hex),
        cmocka_unit_test(test_enc_b64url_vectors),
        cmocka_unit_test(test_enc_b64url_roundtrip),
        cmocka_unit_test(test_enc_b64url_rejects),
        cmocka_unit_test(test_rtime_parse_valid),
        cmocka_unit_test(test_rtime_parse_fractions),
        cmocka_unit_test(test_rtime_parse_offsets),
        cmocka_unit_test(test_rtime_parse_ranges),
        cmocka_unit_test(test_rtime_parse_syntax),
        cmocka_unit_test(test_rtime_parse_date),
        cmocka_unit_test(test_rtime_civil_roundtrip),
        cmocka_unit_test(test_rtime_days_in_month),
        cmocka_unit_test(test_rtime_format_utc),
        cmocka_unit_test(test_uuid_format),
        cmocka_unit_test(test_uuid_new_monotonic),
        cmocka_unit_test(test_uuid_valid),
        cmocka_unit_test(test_jsonx_depth),
        cmocka_unit_test(test_jsonx_load_depth_position),
        cmocka_unit_test(test_jsonx_load_errors),
        cmocka_unit_test(test_jsonx_canonical),
        cmocka_unit_test(test_jsonx_canonical_reals),
        cmocka_unit_test(test_jsonx_utf8_len),
        cmocka_unit_test(test_jsonx_ptr_push),
        cmocka_unit_test(test_jsonx_ptr_get),
        cmocka_unit_test(test_verr),
        cmocka_unit_test(test_histo_buckets),
        cmocka_unit_test(test_histo_quantile),
        cmocka_unit_test(test_histo_render),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_alloc_helpers),
    };
    if (hash_global_init())
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
