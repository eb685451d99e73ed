/*
 * fuzz_mail.c — notifications by e-mail (src/outbox/outbox_mail.c, issue 10 item 8): the
 * address check (outbox_mail_addr_check) on arbitrary bytes, and the message composed from an
 * arbitrary event (the input as the payload, its first line also as the kind and From name).
 * Invariants: an accepted address is 1..254 printable ASCII characters without spaces, with
 * exactly one '@'; a composed message has a header block of CRLF lines of at most 998
 * characters (RFC 5322 §2.1.1) in which no line starts a header the input named (no
 * injection), ends its header with an empty line, and its body is base64 only.
 */
#include "../src/outbox/outbox.h"
#include "fuzz.h"

static void check_address(const char *p, size_t n)
{
    struct err e;
    err_init(&e);
    if (outbox_mail_addr_check(p, n, &e)) {
        BUG_ON(!e.msg[0]);
        return;
    }
    size_t at = 0;
    BUG_ON(n == 0 || n > OUTBOX_MAIL_ADDR_MAX);
    for (size_t i = 0; i < n; i++) {
        BUG_ON((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f);
        at += p[i] == '@';
    }
    BUG_ON(at != 1);
}

static void check_message(const char *msg, size_t len)
{
    static const char *const known[] = {"Date:",
                                        "From:",
                                        "To:",
                                        "Subject:",
                                        "Message-ID:",
                                        "MIME-Version:",
                                        "Content-Type:",
                                        "Content-Transfer-Encoding:",
                                        "Auto-Submitted:",
                                        "Ichigen-Notification-Id:",
                                        NULL};
    const char *end = strstr(msg, "\r\n\r\n");
    BUG_ON(!end);
    for (const char *l = msg; l <= end;) {
        const char *nl = strstr(l, "\r\n");
        BUG_ON(!nl || nl - l > 998);
        bool ok = *l == ' '; /* a folded continuation */
        for (const char *const *k = known; *k && !ok; k++)
            ok = !strncmp(l, *k, strlen(*k));
        BUG_ON(!ok);
        l = nl + 2;
    }
    for (const char *p = end + 4; p < msg + len; p++)
        BUG_ON(
            !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n", *p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const to[] = {"soc@example.jp"};
    char first[128];
    struct buf out;
    if (size > 64 * 1024)
        return 0;
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    check_address(text, size);
    size_t fl = strcspn(text, "\n");
    if (fl >= sizeof(first))
        fl = sizeof(first) - 1;
    memcpy(first, text, fl);
    first[fl] = '\0';
    check_address(first, strlen(first));
    struct outbox_mail_in m = {"0123456789abcdef0123456789abcdef",
                               first,
                               text,
                               FUZZ_NOW_MS,
                               "ichigen@example.jp",
                               first,
                               to,
                               1};
    buf_init(&out, OUTBOX_MAIL_MAX);
    if (outbox_mail_compose(&m, &out) == 0)
        check_message(buf_cstr(&out), out.len);
    buf_release(&out);
    free(text);
    return 0;
}
