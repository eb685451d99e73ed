/*
 * outbox_mail.c — notifications by e-mail (outbox.h; docs/delivery.md §8 "E-mail", issue 10 item
 * 8): which addresses are acceptable, and the exact message a notification becomes. Pure: the
 * worker (outbox_worker.c) hands the bytes to libcurl's SMTP as they are composed here.
 *
 * Why the message is built like this:
 *  - one text/plain part, Japanese first, then English (issue 10: both languages in one
 *    message), UTF-8 in base64 (RFC 2045 §6.8) so that no line is too long and no byte of an
 *    incident's own text can end the header or the DATA phase;
 *  - the Subject as RFC 2047 "B" encoded-words (§4.1), each at most 75 characters (§2) and
 *    never splitting a UTF-8 character (§5(3)), folded between words (RFC 5322 §2.2.3);
 *  - Date is the notification's creation time and Message-ID is derived from the
 *    notification id (RFC 5322 §3.6.4): a retry after a crash sends the same bytes, the same
 *    Message-ID, so a receiver can drop the duplicate of an at-least-once delivery;
 *  - Auto-Submitted: auto-generated (RFC 3834 §5) so that responders do not answer it.
 */
#include "outbox.h"
#include "../core/rtime.h"

/* ---- addresses ---- */

/* atext of RFC 5322 §3.2.3, the characters of a dot-atom's atoms */
static bool atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int bad(struct err *e, const char *why)
{
    return err_set(e, -1, "%s", why);
}

/* local-part: a dot-atom (RFC 5322 §3.4.1; quoted strings and comments are not accepted) */
static int local_check(const char *p, size_t n, struct err *e)
{
    if (n == 0 || n > OUTBOX_MAIL_LOCAL_MAX)
        return bad(e, "the part before @ must be 1 to 64 characters (RFC 5321 §4.5.3.1.1)");
    if (p[0] == '.' || p[n - 1] == '.')
        return bad(e, "the part before @ must not begin or end with a dot");
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '.' && p[i + 1] == '.')
            return bad(e, "the part before @ must not have two dots in a row");
        if (p[i] != '.' && !atext((unsigned char)p[i]))
            return bad(e, "the part before @ has a character an address may not have (letters, "
                          "digits and !#$%&'*+-/=?^_`{|}~ are allowed)");
    }
    return 0;
}

/* domain: host names of letters, digits and hyphens, two labels at least (RFC 5321 §4.1.2
 * Domain, RFC 1035 §2.3.1); address literals and single-label names are not accepted */
static int domain_check(const char *p, size_t n, struct err *e)
{
    size_t labels = 0, start = 0;
    if (n == 0 || n > 253)
        return bad(e, "the domain after @ must be 1 to 253 characters");
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != '.') {
            unsigned char c = (unsigned char)p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-'))
                return bad(e, "the domain after @ may have only letters, digits, hyphens and "
                              "dots");
            continue;
        }
        size_t len = i - start;
        if (len == 0 || len > 63)
            return bad(e, "each label of the domain must be 1 to 63 characters");
        if (p[start] == '-' || p[i - 1] == '-')
            return bad(e, "a label of the domain must not begin or end with a hyphen");
        labels++;
        start = i + 1;
    }
    if (labels < 2)
        return bad(e, "the domain must have at least two labels (example.jp)");
    return 0;
}

int outbox_mail_addr_check(const char *addr, size_t len, struct err *e)
{
    const char *at;
    if (len == 0)
        return bad(e, "must not be empty");
    if (len > OUTBOX_MAIL_ADDR_MAX)
        return bad(e, "must be at most 254 characters (RFC 5321 §4.5.3.1.3)");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)addr[i] <= 0x20 || (unsigned char)addr[i] >= 0x7f)
            return bad(e, "must not contain spaces, line breaks, control or non-ASCII "
                          "characters");
    at = memchr(addr, '@', len);
    if (!at || memchr(at + 1, '@', len - (size_t)(at - addr) - 1))
        return bad(e, "must be one address of the form name@example.jp");
    if (local_check(addr, (size_t)(at - addr), e))
        return -1;
    return domain_check(at + 1, len - (size_t)(at - addr) - 1, e);
}

/* ---- encodings ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends the base64 of p[0..n) (RFC 4648 §4, padded). */
static void put_b64(struct buf *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
                     i + 2 < n ? b64[v & 63] : '='};
        buf_append(out, q, 4);
    }
}

/* A body in base64 lines of 76 characters (RFC 2045 §6.8), each ended by CRLF. */
static void put_b64_body(struct buf *out, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 57) { /* 57 bytes make 76 characters */
        put_b64(out, (const unsigned char *)p + i, n - i < 57 ? n - i : 57);
        buf_puts(out, "\r\n");
    }
}

/* Length of the UTF-8 sequence starting with c (1 for bytes that start none). */
static size_t utf8_len(unsigned char c)
{
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/*
 * Appends text as RFC 2047 "B" encoded-words of at most 42 bytes (56 base64 characters, so a
 * word is 68 characters: within §2's 75, and "Subject: " and a word stay within RFC 5322
 * §2.1.1's 78), cut only between UTF-8 characters, separated by a fold (CRLF and a space:
 * white space between encoded-words is not displayed, §6.2).
 */
static void put_words(struct buf *out, const char *text)
{
    size_t n = strlen(text), i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && end + utf8_len((unsigned char)text[end]) - i <= 42)
            end += utf8_len((unsigned char)text[end]);
        if (end == i) /* a truncated sequence at the end */
            end = n;
        if (end > n)
            end = n;
        buf_puts(out, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        put_b64(out, (const unsigned char *)text + i, end - i);
        buf_puts(out, "?=");
        i = end;
    }
}

/* ---- what a notification says ---- */

/* One line of a message: a label and where its value is in the event (a/b: member names).
 * page: the line is a link; with the setting public_url it is public_url + page + the value at
 * a/page_id (the web UI's page of the object, where the reader signs in), else the value at a/b
 * (the event's relative link) as it is. */
struct line {
    const char *ja, *en;
    const char *a, *b;
    const char *page, *page_id;
};

static const struct line obligation_lines[] = {
    {"インシデント", "Incident", "incident_summary", NULL},
    {"インシデントID", "Incident id", "incident_id", NULL},
    {"規則", "Rule", "obligation", "rule_id"},
    {"段階", "Stage", "obligation", "stage_id"},
    {"提出先", "Recipient", "obligation", "recipient_id"},
    {"期限 (UTC)", "Due (UTC)", "obligation", "due_at"},
    {"義務ID", "Obligation id", "obligation", "id"},
    {0}};
static const struct line failed_lines[] = {
    {"インシデントID", "Incident id", "incident_id", NULL},
    {"提出ID", "Submission id", "submission", "id"},
    {"規則", "Rule", "submission", "rule_id"},
    {"段階", "Stage", "submission", "stage_id"},
    {"提出先", "Recipient", "submission", "recipient_id"},
    {"試行回数", "Attempts", "submission", "attempts"},
    {"最後のエラー", "Last error", "submission", "last_error"},
    {0}};
static const struct line account_lines[] = {
    {"利用者", "User", "user", "username"}, {"役割", "Role", "user", "role"}, {0}};
/* An advisory's event carries only what its label lets leave the platform (advisory_event,
 * sharing/advisory.h): the title only for TLP:CLEAR and TLP:GREEN; otherwise the reader signs
 * in at the link. */
static const struct line advisory_lines[] = {
    {"表題", "Title", "advisory", "title_text"},
    {"TLP", "TLP", "advisory", "tlp"},
    {"注意喚起ID", "Advisory id", "advisory", "id"},
    {"版", "Version", "advisory", "version"},
    {"参照先", "Link", "advisory", "link", "/advisories/", "id"},
    {0}};
static const struct line generic_lines[] = {{0}};

/* What a kind of event says: subject and first sentence in each language ("%s" in the
 * obligation texts is the lead time in hours; in the generic texts the event's name). */
struct says {
    const char *event; /* exact, or a prefix ending in '.' */
    const char *subj_ja, *subj_en, *lead_ja, *lead_en;
    const struct line *lines;
};

static const struct says texts[] = {
    {"obligation.due_soon", "報告期限まで%s時間", "Report due in %s hours",
     "報告期限が近づいています（期限の%s時間前のお知らせです）。",
     "A reporting deadline is near (this reminder comes %s hours before it).", obligation_lines},
    {"obligation.undetermined", "報告が必要か判断してください（期限の%s時間前）",
     "Decide whether a report is due (%s hours before its deadline)",
     "まだ「不明」と回答している事実によって、この報告が必要かどうかが決まります。事実を確認して"
     "「はい」又は「いいえ」に改めてください。「はい」なら下記の期限までに報告が必要です。",
     "Whether this report is due depends on facts still answered \"unknown\". Settle them and "
     "answer yes or no: with yes, the report is due by the deadline below.",
     obligation_lines},
    {"obligation.overdue", "報告期限を過ぎています", "Report overdue",
     "報告期限を過ぎました。まだ提出されていません。",
     "A reporting deadline has passed and the report has not been submitted.", obligation_lines},
    {"submission.failed", "提出を配信できませんでした", "Submission could not be delivered",
     "提出先に配信できず、再試行を終了しました。提出先への別の手段での提出を検討してください。",
     "A submission could not be delivered and is no longer retried; consider filing it with "
     "the recipient by other means.",
     failed_lines},
    {"account.", "アカウントの変更（%s）", "Account change (%s)",
     "組織のアカウントが変更されました（%s）。", "An account of your organisation changed (%s).",
     account_lines},
    {"advisory.matches_reports", "注意喚起が貴組織の報告と同じ痕跡情報を挙げています",
     "An advisory names indicators from your organisation's reports",
     "当局の注意喚起が、貴組織が報告した痕跡情報（IPアドレス、ドメイン等）を挙げています。"
     "対応の参考として、サインインして内容をご確認ください。",
     "An authority's advisory names indicators (addresses, domains …) your organisation reported; "
     "sign in to read it and see what it recommends.",
     advisory_lines},
    {"advisory.", "注意喚起が届いています", "An advisory is waiting for you",
     "あなたの組織宛ての注意喚起が公表又は改訂されました。内容はサインインしてご確認ください。",
     "An advisory addressed to your organisation was published or amended; sign in to read it.",
     advisory_lines},
    {"", "ichigen からのお知らせ（%s）", "Notification from ichigen (%s)",
     "ichigen からのお知らせです（%s）。詳細は下記のイベントをご覧ください。",
     "A notification from ichigen (%s); the event below has the details.", generic_lines},
};

static const struct says *says_of(const char *event)
{
    for (size_t i = 0; i < ARRAY_SIZE(texts) - 1; i++) {
        size_t n = strlen(texts[i].event);
        if (texts[i].event[n - 1] == '.' ? !strncmp(event, texts[i].event, n)
                                         : !strcmp(event, texts[i].event))
            return &texts[i];
    }
    return &texts[ARRAY_SIZE(texts) - 1];
}

/* The value at a/b of the event as text (heap), or NULL when it is absent. */
static char *value_text(const json_t *ev, const struct line *l, bool ja)
{
    const json_t *v = json_object_get(ev, l->a);
    if (l->b)
        v = json_object_get(v, l->b);
    if (!v)
        return NULL;
    if (json_is_null(v))
        return xstrdup(ja ? "（なし）" : "(none)");
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

/* Copies s without control characters (a subject is one line), at most n - 1 bytes. */
static void one_line(char *out, size_t n, const char *s)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++)
        if ((unsigned char)*s >= 0x20 && *s != 0x7f)
            out[k++] = *s;
    out[k] = '\0';
}

/* The "%s" of a kind's texts: the lead hours, or the event's name. */
static void arg_of(const json_t *ev, const char *event, char *out, size_t n)
{
    const json_t *lead = json_object_get(ev, "lead_hours");
    if (json_is_integer(lead))
        snprintf(out, n, "%lld", (long long)json_integer_value(lead));
    else
        one_line(out, n, event);
}

static void put_lines(struct buf *t, const json_t *ev, const struct line *lines, bool ja,
                      const char *public_url)
{
    for (const struct line *l = lines; l->ja; l++) {
        const char *id =
            l->page ? json_string_value(json_object_get(json_object_get(ev, l->a), l->page_id))
                    : NULL;
        char *v = value_text(ev, l, ja);
        if (id && public_url && public_url[0]) /* an absolute link a mail reader can follow */
            buf_appendf(t, "%s%s%s%s%s\n", ja ? l->ja : l->en, ja ? "：" : ": ", public_url,
                        l->page, id);
        else if (v)
            buf_appendf(t, "%s%s%s\n", ja ? l->ja : l->en, ja ? "：" : ": ", v);
        free(v);
    }
}

/* The words of an obligation whose rule is not in force ("in_force": false in the event,
 * outbox_remind_payload_rule), or NULL: a reminder of a proposal must not read as law's
 * (issue 11 item 4). */
static const char *not_in_force(const json_t *ev, bool ja)
{
    const json_t *o = json_object_get(ev, "obligation");
    if (!json_is_false(json_object_get(o, "in_force")))
        return NULL;
    const char *s = json_string_value(
        json_object_get(json_object_get(o, "rule_status_text"), ja ? "ja" : "en"));
    return s ? s : ja ? "案（未施行）" : "proposed rule, not in force";
}

/* The message text (UTF-8, LF line ends): Japanese, English, then the event itself. */
static void put_text(struct buf *t, const struct outbox_mail_in *m, const json_t *ev,
                     const struct says *w, const char *arg)
{
    buf_puts(t, "（日本語）\n");
    if (not_in_force(ev, true))
        buf_appendf(
            t, "【%s】この期限は施行されていない規則によるもので、法令上の期限ではありません。\n",
            not_in_force(ev, true));
    buf_appendf(t, w->lead_ja, arg);
    buf_puts(t, "\n\n");
    put_lines(t, ev, w->lines, true, m->public_url);
    buf_puts(t, "\n----------------------------------------\n(English)\n");
    if (not_in_force(ev, false))
        buf_appendf(t,
                    "[%s] This deadline comes from a rule that is not in force; it is not a "
                    "legal deadline.\n",
                    not_in_force(ev, false));
    buf_appendf(t, w->lead_en, arg);
    buf_puts(t, "\n\n");
    put_lines(t, ev, w->lines, false, m->public_url);
    buf_puts(t, "\n----------------------------------------\n");
    buf_appendf(t, "通知ID / Notification id: %s\n", m->notification_id);
    buf_puts(t, "イベント / Event (JSON):\n");
    char *pretty = ev ? json_dumps(ev, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    buf_puts(t, pretty ? pretty : "(none)");
    buf_puts(t, "\n\n-- \nichigen: この通知は自動送信です。 / This notification was sent "
                "automatically.\n");
    free(pretty);
}

/* The body in base64 with CRLF lines (the text's own LF become CRLF first, RFC 2046 §4.1.1). */
static void put_body(struct buf *out, const char *text, size_t n)
{
    struct buf crlf;
    buf_init(&crlf, BUF_UNLIMITED);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            buf_append(&crlf, "\r", 1);
        buf_append(&crlf, text + i, 1);
    }
    put_b64_body(out, buf_cstr(&crlf), crlf.len);
    buf_release(&crlf);
}

/* "Sun, 06 Dec 2026 09:00:00 +0000" (RFC 5322 §3.3). */
static void put_date(struct buf *out, int64_t ms)
{
    static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400, sec = s - days * 86400;
    int64_t y;
    unsigned m, d;
    rtime_civil_from_days(days, &y, &m, &d);
    buf_appendf(out, "Date: %s, %02u %s %04lld %02lld:%02lld:%02lld +0000\r\n",
                wd[((days % 7) + 7) % 7], d, mon[m - 1], (long long)y, (long long)(sec / 3600),
                (long long)(sec / 60 % 60), (long long)(sec % 60));
}

static void put_headers(struct buf *out, const struct outbox_mail_in *m, const char *subject)
{
    const char *domain = strchr(m->from_addr, '@');
    char name[256];
    put_date(out, m->created_ms);
    buf_puts(out, "From: ");
    one_line(name, sizeof(name), m->from_name ? m->from_name : "");
    if (name[0]) {
        put_words(out, name);
        buf_puts(out, "\r\n "); /* folded: the name and the address on lines of their own */
    }
    buf_appendf(out, "<%s>\r\nTo: ", m->from_addr);
    for (size_t i = 0; i < m->nto; i++)
        buf_appendf(out, "%s<%s>", i ? ",\r\n " : "", m->to[i]);
    buf_puts(out, "\r\nSubject: ");
    put_words(out, subject);
    buf_appendf(out, "\r\nMessage-ID: <%s.notification@%s>\r\n", m->notification_id,
                domain ? domain + 1 : "ichigen.invalid");
    buf_puts(out, "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "Auto-Submitted: auto-generated\r\n");
    buf_appendf(out, "Ichigen-Notification-Id: %s\r\n\r\n", m->notification_id);
}

int outbox_mail_compose(const struct outbox_mail_in *m, struct buf *out)
{
    json_t *ev = m->payload ? json_loads(m->payload, 0, NULL) : NULL;
    const char *event = json_string_value(json_object_get(ev, "event"));
    char arg[64], subj_ja[256], subj_en[256], subject[600];
    struct buf text, msg;
    if (!event || !event[0])
        event = m->kind && m->kind[0] ? m->kind : "notification";
    const struct says *w = says_of(event);
    arg_of(ev, event, arg, sizeof(arg));
    snprintf(subj_ja, sizeof(subj_ja), w->subj_ja, arg);
    snprintf(subj_en, sizeof(subj_en), w->subj_en, arg);
    if (not_in_force(ev, true)) /* the subject says it too: many read only that */
        snprintf(subject, sizeof(subject), "[ichigen] 【%s】%s / [%s] %s", not_in_force(ev, true),
                 subj_ja, not_in_force(ev, false), subj_en);
    else
        snprintf(subject, sizeof(subject), "[ichigen] %s / %s", subj_ja, subj_en);
    one_line(subject, sizeof(subject), subject);
    buf_init(&text, BUF_UNLIMITED);
    buf_init(&msg, BUF_UNLIMITED);
    put_text(&text, m, ev, w, arg);
    put_headers(&msg, m, subject);
    put_body(&msg, buf_cstr(&text), text.len);
    int r = buf_append(out, buf_cstr(&msg), msg.len);
    buf_release(&msg);
    buf_release(&text);
    json_decref(ev);
    return r;
}

/* ---- the relay's settings ---- */

int outbox_smtp_check(const struct outbox_smtp *m, struct err *e)
{
    const char *u = m->url, *host;
    if (!u[0])
        return 0;
    if (!strncmp(u, "smtp://", 7))
        host = u + 7;
    else if (!strncmp(u, "smtps://", 8))
        host = u + 8;
    else
        return err_set(e, -1, "smtp_url: must begin with smtp:// or smtps://");
    size_t hl = strcspn(host, "/?#");
    if (hl == 0 || host[0] == ':')
        return err_set(e, -1, "smtp_url: must name a host");
    if (memchr(host, '@', hl))
        return err_set(e, -1,
                       "smtp_url: must not carry a user or password (use smtp_user and "
                       "smtp_password)");
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return err_set(e, -1, "smtp_url: must not contain spaces or control characters");
    struct err ae;
    err_init(&ae);
    if (outbox_mail_addr_check(m->from_addr, strlen(m->from_addr), &ae))
        return err_set(e, -1, "smtp_from: %s", ae.msg);
    for (const char *p = m->from_name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return err_set(e, -1, "smtp_from_name: must not contain control characters");
    if (m->password[0] && !m->user[0])
        return err_set(e, -1, "smtp_password: is set without smtp_user");
    return 0;
}
