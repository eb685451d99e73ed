/*
 * test_ics.c — iCalendar writing (src/ics/, RFC 5545): folding at 75 octets on UTF-8
 * boundaries (§3.1), TEXT escaping (§3.3.11), the VTIMEZONE computed from the tz database
 * (§3.6.5) for a zone without and with daylight saving time, and an event's local DTSTART.
 */
#include "unit.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/tz.h"
#include "ics/ics.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Every line of text ends with CRLF and is at most 75 octets; a continuation starts with a
 * space; no line starts inside a UTF-8 character. */
static void lines_ok(const char *text)
{
    const char *p = text;
    while (*p) {
        const char *e = strstr(p, "\r\n");
        assert_non_null(e);
        assert_true(e - p <= ICS_LINE_OCTETS);
        assert_false(((unsigned char)p[0] & 0xc0) == 0x80);
        assert_null(memchr(p, '\n', (size_t)(e - p)));
        p = e + 2;
    }
}

/* text with the folds undone (§3.1: CRLF followed by one space is removed). Heap. */
static char *unfold(const char *text)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    for (const char *p = text; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
            p += 2;
            continue;
        }
        buf_putc(&b, *p);
    }
    return buf_detach(&b, NULL);
}

static void test_fold_and_escape(void **state)
{
    struct buf b, v;
    UNUSED(state);
    buf_init(&b, BUF_UNLIMITED);
    buf_init(&v, BUF_UNLIMITED);
    ics_text(&v, "個人情報保護委員会への確報; 期限, 注意\\ 2行目\nです\x01", false);
    assert_string_equal(buf_cstr(&v),
                        "個人情報保護委員会への確報\\; 期限\\, 注意\\\\ 2行目\\nです");
    /* long enough to fold several times, with 3-octet characters across every boundary */
    for (int i = 0; i < 5; i++)
        buf_puts(&v, "あいうえおかきくけこ");
    ics_line(&b, "SUMMARY", buf_cstr(&v));
    lines_ok(buf_cstr(&b));
    char *u = unfold(buf_cstr(&b));
    assert_true(strlen(u) > 150);
    assert_int_equal(strncmp(u, "SUMMARY:", 8), 0);
    assert_int_equal(memcmp(u + 8, v.data, v.len), 0);
    free(u);
    buf_reset(&v);
    ics_text(&v, "a,b", true); /* a list keeps its separators */
    assert_string_equal(buf_cstr(&v), "a,b");
    buf_release(&b);
    buf_release(&v);
}

static struct tz *load(const char *name)
{
    struct err e;
    err_init(&e);
    struct tz *z = tz_load(name, &e);
    if (!z)
        fail_msg("tz_load %s: %s", name, e.msg);
    return z;
}

/* 2026-11-22T00:00:00Z and 2027-02-01T00:00:00Z. */
#define T_2026_11_22 1795305600000LL
#define T_2027_02_01 1801440000000LL

static void test_tokyo(void **state)
{
    struct buf b;
    UNUSED(state);
    struct tz *z = load("Asia/Tokyo");
    buf_init(&b, BUF_UNLIMITED);
    ics_begin(&b, "ichigen 報告期限 — 株式会社テスト", z, T_2026_11_22, T_2027_02_01);
    struct ics_event e = {.uid = "019ab0b0-cc00-7000-8000-000000000001@ichigen",
                          .start_ms = T_2026_11_22 + 8 * 3600000LL, /* 17:00 JST */
                          .stamp_ms = T_2026_11_22,
                          .summary = "【期限】個人情報保護委員会 速報 — 配送管理サーバの暗号化",
                          .description = "報告先: 個人情報保護委員会\nRecipient: PPC",
                          .categories = "ichigen,義務 obligation",
                          .alarm_minutes = 1440};
    ics_event(&b, z, &e);
    ics_end(&b);
    lines_ok(buf_cstr(&b));
    char *u = unfold(buf_cstr(&b));
    assert_non_null(strstr(u, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_non_null(strstr(u, "METHOD:PUBLISH\r\n"));
    assert_non_null(strstr(u, "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\n"));
    /* no change in range: one observance, +0900 to +0900 */
    assert_non_null(strstr(u, "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n"));
    assert_null(strstr(u, "DAYLIGHT"));
    assert_non_null(strstr(u, "DTSTART;TZID=Asia/Tokyo:20261122T170000\r\n"));
    assert_non_null(strstr(u, "DTSTAMP:20261122T000000Z\r\n"));
    assert_non_null(strstr(u, "UID:019ab0b0-cc00-7000-8000-000000000001@ichigen\r\n"));
    assert_non_null(strstr(u, "DESCRIPTION:報告先: 個人情報保護委員会\\nRecipient: PPC\r\n"));
    assert_non_null(strstr(u, "CATEGORIES:ichigen,義務 obligation\r\n"));
    assert_non_null(strstr(u, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1440M\r\n"));
    assert_null(strstr(u, "DTEND")); /* a deadline is an instant */
    size_t n = strlen(u);
    assert_string_equal(u + n - strlen("END:VCALENDAR\r\n"), "END:VCALENDAR\r\n");
    free(u);
    buf_release(&b);
    tz_free(z);
}

/* Brussels: the 2026 changes (last Sunday of March and of October at 01:00 UTC) appear as
 * observances at the local time of the change, in the offset before it. */
static void test_brussels(void **state)
{
    struct buf b;
    UNUSED(state);
    struct tz *z = load("Europe/Brussels");
    buf_init(&b, BUF_UNLIMITED);
    ics_begin(&b, "x", z, T_2026_11_22, T_2027_02_01);
    ics_end(&b);
    lines_ok(buf_cstr(&b));
    const char *t = buf_cstr(&b);
    assert_non_null(strstr(t, "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\n"
                              "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"));
    assert_non_null(strstr(t, "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\n"
                              "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"));
    assert_non_null(strstr(t, "DTSTART:20270328T020000\r\n")); /* a year either side */
    assert_non_null(strstr(t, "DTSTART:20271031T030000\r\n"));
    /* an event in winter is written at its local time */
    buf_reset(&b);
    struct ics_event e = {.uid = "u",
                          .start_ms = T_2026_11_22,
                          .stamp_ms = T_2026_11_22,
                          .summary = "s",
                          .description = "d",
                          .categories = ""};
    ics_event(&b, z, &e);
    assert_non_null(strstr(buf_cstr(&b), "DTSTART;TZID=Europe/Brussels:20261122T010000\r\n"));
    assert_null(strstr(buf_cstr(&b), "CATEGORIES"));
    assert_null(strstr(buf_cstr(&b), "VALARM"));
    buf_release(&b);
    tz_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_and_escape),
        cmocka_unit_test(test_tokyo),
        cmocka_unit_test(test_brussels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
