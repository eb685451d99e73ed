/*
 * itest_mail.c — notifications by e-mail against a real SMTP server (issue 10 item 8;
 * docs/delivery.md §8, "E-mail").
 *
 * The server is tests/integration/smtp_server.py on Debian's python3-aiosmtpd: STARTTLS with
 * a self-signed certificate made here with openssl (ichigen trusts it through smtp_ca_file),
 * AUTH required over TLS, each accepted message written to a directory with its decoded
 * Subject, body and Message-ID as Python's e-mail parser reads them. ichigen gets the relay's
 * password from a config file (it is refused on the command line) and must never log it.
 *
 * Deadlines are moved in the database while the server is stopped, and the reminder scan runs
 * when the worker starts, so each restart is one "moment" of the timeline; every wait is a
 * bounded poll for a file or a state.
 */
#include "itest.h"
#include "core/rtime.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 120000 /* deadline of every polling loop: generous for sanitizer builds */
#define RELAY_USER "ichigen-relay"
#define RELAY_PASSWORD "relay-pw-Zq81-never-logged"
#define HOUR 3600000LL

static struct itest_fixture F;
static char tmp[256], outdir[300], certf[300], keyf[300], conf[300], url[64], ca[320];
static char ob_a[40]; /* the obligation of A whose deadline the tests move */
static char inc_a[40];
static pid_t smtp_pid;
static const char *settings[ITEST_MAX_SETTINGS + 1];

/* ---- the SMTP server ---- */

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int start_smtp(void)
{
    char script[512], portf[320];
    const char *root = getenv("ICHIGEN_SOURCE_ROOT");
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    snprintf(script, sizeof(script), "%s/tests/integration/smtp_server.py", root ? root : ".");
    snprintf(portf, sizeof(portf), "%s/port", tmp);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execlp(py, py, "-W", "ignore", script, "--out", outdir, "--port-file", portf, "--cert",
               certf, "--key", keyf, "--user", RELAY_USER, "--password", RELAY_PASSWORD,
               (char *)NULL);
        _exit(127);
    }
    smtp_pid = pid;
    int64_t deadline = rtime_now_ms() + WAIT_MS;
    while (rtime_now_ms() < deadline) {
        char *t = itest_read_file(portf, NULL);
        int port = t ? (int)strtol(t, NULL, 10) : 0;
        free(t);
        if (port > 0) {
            snprintf(url, sizeof(url), "--smtp-url=smtp://127.0.0.1:%d", port);
            return 0;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            fprintf(stderr, "# smtp_server.py exited (python3-aiosmtpd missing?)\n");
            smtp_pid = 0;
            return -1;
        }
        itest_sleep_ms(50);
    }
    return -1;
}

static void stop_smtp(void)
{
    if (smtp_pid > 0) {
        kill(smtp_pid, SIGTERM);
        waitpid(smtp_pid, NULL, 0);
        smtp_pid = 0;
    }
}

/* A message the server accepted, as its .json says. */
struct got {
    char *subject, *body, *message_id, *content_type, *cte;
    bool tls, auth;
    size_t nrcpt;
};

static void got_release(struct got *g)
{
    free(g->subject);
    free(g->body);
    free(g->message_id);
    free(g->content_type);
    free(g->cte);
    memset(g, 0, sizeof(*g));
}

static char *dup_str(json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));
    return xstrdup(v ? v : "");
}

/* Every message received so far whose body contains needle and whose subject contains
 * subject_part (NULL: any); up to max into out. Returns how many matched. */
static size_t received(const char *needle, const char *subject_part, struct got *out, size_t max)
{
    DIR *d = opendir(outdir);
    struct dirent *e;
    size_t n = 0;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".json"))
            continue;
        char path[600];
        snprintf(path, sizeof(path), "%s/%s", outdir, e->d_name);
        json_t *j = json_load_file(path, 0, NULL);
        const char *body = json_string_value(json_object_get(j, "body"));
        const char *subj = json_string_value(json_object_get(j, "subject"));
        if (body && subj && strstr(body, needle) && (!subject_part || strstr(subj, subject_part))) {
            if (n < max) {
                struct got *g = &out[n];
                g->subject = dup_str(j, "subject");
                g->body = dup_str(j, "body");
                g->message_id = dup_str(j, "message_id");
                g->content_type = dup_str(j, "content_type");
                g->cte = dup_str(j, "cte");
                g->tls = json_is_true(json_object_get(j, "tls"));
                g->auth = json_is_true(json_object_get(j, "auth"));
                g->nrcpt = json_array_size(json_object_get(j, "rcpt_tos"));
            }
            n++;
        }
        json_decref(j);
    }
    if (d)
        closedir(d);
    return n;
}

/* Waits until a message matching (needle, subject_part) has arrived; fills *g with the first. */
static void wait_received(const char *needle, const char *subject_part, struct got *g)
{
    int64_t deadline = rtime_now_ms() + WAIT_MS;
    while (received(needle, subject_part, g, 1) == 0) {
        if (rtime_now_ms() > deadline)
            fail_msg("no e-mail with \"%s\" in its subject arrived", subject_part);
        itest_sleep_ms(50);
    }
}

/* ---- the database, while the server is stopped ---- */

/* Runs text with $1 = arg and, where it names it, $2 = num; a SELECT's first value goes to ob_a
 * (once). */
static void sql(const char *text, const char *arg, int64_t num)
{
    char n[24];
    snprintf(n, sizeof(n), "%lld", (long long)num);
    const char *const params[] = {arg, n};
    json_t *rows = itest_sql(&F.srv, text, params, strstr(text, "$2") ? 2 : 1, NULL);
    assert_non_null(rows);
    const char *first = json_string_value(json_array_get(json_array_get(rows, 0), 0));
    if (first && !ob_a[0])
        xstrlcpy(ob_a, first, sizeof(ob_a));
    json_decref(rows);
}

/* Moves A's chosen deadline to now + hours (the others far out of every lead time) and
 * restarts, so the worker's first scan sees it. */
static void due_in(int64_t hours)
{
    assert_int_equal(itest_server_stop(&F.srv, SIGTERM), 0);
    sql("UPDATE obligations SET due_at = $2 WHERE incident_id = $1", inc_a,
        rtime_now_ms() + 100000 * HOUR);
    sql("UPDATE obligations SET due_at = $2 WHERE id = $1", ob_a, rtime_now_ms() + hours * HOUR);
    assert_int_equal(itest_server_start(&F.srv), 0);
}

/* ---- the API ---- */

static long put_reminders(const struct itest_user *u, const char *org, const char *body,
                          struct itest_resp *r)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/reminders", org);
    itest_http(&F.srv,
               &(struct itest_req){.method = "PUT", .path = path, .token = u->token, .body = body},
               r);
    return r->status;
}

/* The e-mail channel of org's notification whose event names obligation ob with lead hours
 * (-1: overdue), as the notifications list shows it (new reference), or NULL. */
static json_t *note_mail(const struct itest_user *u, const char *org, const char *ob, int lead)
{
    char path[160];
    struct itest_resp r;
    json_t *found = NULL, *it;
    size_t i;
    snprintf(path, sizeof(path), "/api/v1/organizations/%s/notifications?limit=200", org);
    assert_int_equal(itest_get(&F.srv, u->token, path, &r), 200);
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        const char *o = itest_jstr(it, "/event/obligation/id");
        json_int_t l = itest_jint(it, "/event/lead_hours");
        if (!found && o && !strcmp(o, ob) && (lead < 0 ? l == 0 : l == lead))
            found = json_incref(it);
    }
    itest_resp_release(&r);
    return found;
}

/* Waits until that notification's e-mail is delivered; returns the notification. */
static json_t *wait_mail_delivered(const char *ob, int lead)
{
    int64_t deadline = rtime_now_ms() + WAIT_MS;
    for (;;) {
        json_t *n = note_mail(&F.rep_a, F.org_a, ob, lead);
        const char *st = n ? itest_jstr(n, "/email/status") : NULL;
        if (st && !strcmp(st, "delivered"))
            return n;
        json_decref(n);
        if (rtime_now_ms() > deadline)
            fail_msg("the e-mail of the %d h reminder was not delivered", lead);
        itest_sleep_ms(50);
    }
}

/* ---- setup ---- */

static int setup(void **state)
{
    char cmd[1200], text[200];
    UNUSED(state);
    itest_global_init();
    snprintf(tmp, sizeof(tmp), "/tmp/itest-mail-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(outdir, sizeof(outdir), "%s/out", tmp);
    snprintf(certf, sizeof(certf), "%s/cert.pem", tmp);
    snprintf(keyf, sizeof(keyf), "%s/key.pem", tmp);
    snprintf(conf, sizeof(conf), "%s/ichigen.conf", tmp);
    /* a self-signed certificate for 127.0.0.1, made now (never committed) */
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 2 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             keyf, certf);
    if (system(cmd) != 0 || start_smtp())
        return -1;
    /* the relay's password only in a config file: never on the command line */
    snprintf(text, sizeof(text), "smtp_password = %s\n", RELAY_PASSWORD);
    if (write_text(conf, text))
        return -1;
    static char conf_arg[320];
    snprintf(conf_arg, sizeof(conf_arg), "--config=%s", conf);
    snprintf(ca, sizeof(ca), "--smtp-ca-file=%s", certf);
    size_t k = 0;
    settings[k++] = conf_arg;
    settings[k++] = url;
    settings[k++] = ca;
    settings[k++] = "--smtp-user=" RELAY_USER;
    settings[k++] = "--smtp-from=ichigen@notify.example.jp";
    settings[k++] = "--smtp-from-name=ichigen 通知";
    settings[k++] = "--delivery-backoff-base-ms=50";
    settings[k++] = "--delivery-backoff-max-s=1";
    settings[k++] = "--delivery-poll-ms=50";
    settings[k++] = "--delivery-lease-s=3";
    settings[k++] = "--delivery-allow-http-loopback=1";
    settings[k] = NULL;
    if (itest_fixture_setup(&F, settings))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    int rc = itest_server_finish(&F.srv);
    stop_smtp();
    itest_fixture_teardown(&F);
    if (!getenv("ITEST_KEEP")) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
        if (system(cmd) != 0)
            rc = -1;
    }
    itest_global_cleanup();
    return rc;
}

/* ---- tests ---- */

/* The settings: addresses validated with every problem named; the webhook optional once
 * addresses are given; only the organisation's reporters may set them. */
static void test_settings(void **state)
{
    struct itest_resp r;
    UNUSED(state);
    assert_int_equal(put_reminders(&F.rep_a, F.org_a,
                                   "{\"email\":[\"ok@example.jp\",\"no-at\",\"a@b\","
                                   "\"x@example.jp\\r\\nBcc: evil@example.jp\"],"
                                   "\"lead_hours\":[72,24,4]}",
                                   &r),
                     422);
    assert_null(strstr(r.body, "\"/email/0\""));
    assert_non_null(strstr(r.body, "\"/email/1\""));
    assert_non_null(strstr(r.body, "\"/email/2\""));
    assert_non_null(strstr(r.body, "\"/email/3\"")); /* CR LF: no header injection */
    itest_resp_release(&r);
    /* neither a webhook nor addresses: the endpoint is required, as before */
    assert_int_equal(put_reminders(&F.rep_a, F.org_a, "{\"lead_hours\":[24]}", &r), 422);
    assert_non_null(strstr(r.body, "\"/endpoint\""));
    assert_string_equal(itest_problem_code(&r), "validation");
    itest_resp_release(&r);
    assert_int_equal(put_reminders(&F.rep_b, F.org_a,
                                   "{\"email\":[\"a@example.jp\"],"
                                   "\"lead_hours\":[24]}",
                                   &r),
                     404);
    itest_resp_release(&r);
    assert_int_equal(put_reminders(&F.authority, F.org_a,
                                   "{\"email\":[\"a@example.jp\"],"
                                   "\"lead_hours\":[24]}",
                                   &r),
                     403);
    itest_resp_release(&r);
    /* e-mail only, three lead times; off until test_lead_times has placed its deadlines */
    assert_int_equal(put_reminders(&F.rep_a, F.org_a,
                                   "{\"email\":[\"soc@a.example.jp\",\"ciso@a.example.jp\"],"
                                   "\"lead_hours\":[4,72,24],\"enabled\":false}",
                                   &r),
                     200);
    assert_true(json_is_null(json_object_get(r.json, "endpoint")));
    assert_string_equal(itest_jstr(r.json, "/email/1"), "ciso@a.example.jp");
    assert_int_equal(itest_jint(r.json, "/lead_hours/0"), 72);
    assert_int_equal(itest_jint(r.json, "/lead_hours/2"), 4);
    itest_resp_release(&r);
}

/* One incident of A and of B; A's chosen obligation gets its reminders at 72, 24 and 4 hours
 * and the overdue notice, each e-mailed once, in Japanese and English, through STARTTLS and
 * AUTH; B (a webhook, no addresses) gets none by e-mail. The 24 h one is refused once by the
 * relay (451) and arrives on the retry with the same Message-ID. */
static void test_lead_times(void **state)
{
    struct itest_resp r;
    char body[300];
    UNUSED(state);
    json_t *doc = itest_report_doc("メール通知の試験 / e-mail test");
    char *text = itest_dump(doc);
    assert_int_equal(itest_post(&F.srv, F.rep_a.token, "/api/v1/reports", text, &r), 201);
    xstrlcpy(inc_a, itest_jstr(r.json, "/id"), sizeof(inc_a));
    itest_resp_release(&r);
    char inc_b[40];
    assert_int_equal(itest_post(&F.srv, F.rep_b.token, "/api/v1/reports", text, &r), 201);
    xstrlcpy(inc_b, itest_jstr(r.json, "/id"), sizeof(inc_b));
    itest_resp_release(&r);
    free(text);
    json_decref(doc);
    snprintf(body, sizeof(body),
             "{\"endpoint\":\"http://127.0.0.1:9/none\",\"secret\":\"%s\",\"lead_hours\":[72]}",
             "reminder-webhook-secret-0123456789abcdef-B");
    assert_int_equal(put_reminders(&F.rep_b, F.org_b, body, &r), 200);
    itest_resp_release(&r);

    /* the obligation: a mandatory one with a deadline */
    assert_int_equal(itest_server_stop(&F.srv, SIGTERM), 0);
    sql("SELECT id FROM obligations WHERE incident_id = $1 AND mandatory = 1 AND "
        "state = 'active' AND due_state = 'set' ORDER BY id LIMIT 1",
        inc_a, 0);
    assert_true(ob_a[0] != '\0');
    sql("UPDATE obligations SET due_at = $2 WHERE incident_id = $1", inc_b,
        rtime_now_ms() + 48 * HOUR);
    sql("UPDATE obligations SET due_at = $2 WHERE incident_id = $1", inc_a,
        rtime_now_ms() + 100000 * HOUR);
    assert_int_equal(itest_server_start(&F.srv), 0);
    assert_int_equal(put_reminders(&F.rep_a, F.org_a,
                                   "{\"email\":[\"soc@a.example.jp\",\"ciso@a.example.jp\"],"
                                   "\"lead_hours\":[4,72,24]}",
                                   &r),
                     200);
    itest_resp_release(&r);

    /* 72 h before */
    struct got g[4];
    due_in(48);
    wait_received(ob_a, "Report due in 72 hours", &g[0]);
    assert_non_null(strstr(g[0].subject, "報告期限まで72時間"));
    assert_true(strstr(g[0].subject, "報告期限") < strstr(g[0].subject, "Report due"));
    assert_true(strstr(g[0].body, "報告期限が近づいています") <
                strstr(g[0].body, "A reporting deadline is near"));
    assert_non_null(strstr(g[0].content_type, "text/plain"));
    assert_true(strstr(g[0].content_type, "utf-8") || strstr(g[0].content_type, "UTF-8"));
    assert_string_equal(g[0].cte, "base64");
    assert_true(g[0].tls);  /* STARTTLS */
    assert_true(g[0].auth); /* AUTH with the password from the config file */
    assert_int_equal(g[0].nrcpt, 2);
    json_t *n72 = wait_mail_delivered(ob_a, 72);
    char want[80];
    snprintf(want, sizeof(want), "<%s.notification@notify.example.jp>", itest_jstr(n72, "/id"));
    assert_string_equal(g[0].message_id, want);
    assert_string_equal(itest_jstr(n72, "/status"), "not_sent"); /* no webhook: listed only */
    json_decref(n72);

    /* B: its notification lists no e-mail channel, and no e-mail mentions its incident */
    int64_t deadline = rtime_now_ms() + WAIT_MS;
    bool listed = false;
    while (!listed) {
        char path[160];
        snprintf(path, sizeof(path), "/api/v1/organizations/%s/notifications", F.org_b);
        assert_int_equal(itest_get(&F.srv, F.rep_b.token, path, &r), 200);
        json_t *it = json_array_get(json_object_get(r.json, "items"), 0);
        if (it) {
            listed = true;
            assert_true(json_is_null(json_object_get(it, "email")));
        }
        itest_resp_release(&r);
        if (!listed && rtime_now_ms() > deadline)
            fail_msg("B's reminder was not listed");
        if (!listed)
            itest_sleep_ms(50);
    }
    assert_int_equal(received(inc_b, NULL, g + 1, 1), 0);

    /* 24 h before, refused once by the relay: retried, the same Message-ID arrives */
    char ctl[320], refused[320];
    snprintf(ctl, sizeof(ctl), "%s/refuse", tmp);
    snprintf(refused, sizeof(refused), "%s/refused.log", tmp);
    assert_int_equal(write_text(ctl, "1"), 0);
    due_in(10);
    wait_received(ob_a, "Report due in 24 hours", &g[1]);
    char *log = itest_read_file(refused, NULL);
    assert_non_null(log);
    assert_non_null(strstr(log, g[1].message_id)); /* the refused one was this one */
    free(log);
    json_t *n24 = wait_mail_delivered(ob_a, 24);
    assert_int_equal(itest_jint(n24, "/email/attempts"), 2);
    assert_true(json_is_null(json_object_get(json_object_get(n24, "email"), "last_error")));
    json_decref(n24);

    /* 4 h before, then overdue */
    due_in(2);
    wait_received(ob_a, "Report due in 4 hours", &g[2]);
    due_in(-1);
    wait_received(ob_a, "Report overdue", &g[3]);
    assert_non_null(strstr(g[3].subject, "報告期限を過ぎています"));

    /* each once: four distinct Message-IDs, and nothing else about this obligation */
    for (int i = 0; i < 4; i++)
        for (int k = i + 1; k < 4; k++)
            assert_string_not_equal(g[i].message_id, g[k].message_id);
    struct got all[8];
    size_t n = received(ob_a, NULL, all, 8);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n && i < 8; i++)
        got_release(&all[i]);
    for (int i = 0; i < 4; i++)
        got_release(&g[i]);
}

/* ichigen is killed while the relay holds the DATA of an e-mail; after the restart the
 * e-mail is sent again (the claim's lease ran out) and arrives, with the Message-ID of the
 * attempt that was cut. */
static void test_crash_mid_send(void **state)
{
    struct itest_resp r;
    char hang[320], holding[320];
    UNUSED(state);
    snprintf(hang, sizeof(hang), "%s/hang", tmp);
    snprintf(holding, sizeof(holding), "%s/holding", tmp);
    assert_int_equal(write_text(hang, "1"), 0);
    /* a new event: an account change of A (any kind is mailed) */
    struct itest_user u;
    assert_int_equal(itest_add_user(&F.srv, F.org_a, "mail-crash-user", "reporter", &u), 0);
    int64_t deadline = rtime_now_ms() + WAIT_MS;
    char *held = NULL;
    while (!(held = itest_read_file(holding, NULL))) {
        if (rtime_now_ms() > deadline)
            fail_msg("the relay never held an e-mail");
        itest_sleep_ms(50);
    }
    assert_int_equal(itest_server_stop(&F.srv, SIGKILL), 128 + SIGKILL);
    assert_int_equal(unlink(hang), 0); /* the relay answers 451 to the cut attempt */
    assert_int_equal(itest_server_start(&F.srv), 0);
    struct got g;
    char mid[200];
    xstrlcpy(mid, held, sizeof(mid));
    mid[strcspn(mid, "\r\n")] = '\0';
    free(held);
    deadline = rtime_now_ms() + WAIT_MS;
    for (;;) {
        struct got all[16];
        size_t n = received("mail-crash-user", NULL, all, 16);
        bool same = false;
        for (size_t i = 0; i < n && i < 16; i++) {
            same |= !strcmp(all[i].message_id, mid);
            got_release(&all[i]);
        }
        if (same)
            break;
        if (rtime_now_ms() > deadline)
            fail_msg("the e-mail cut by the crash (%s) never arrived", mid);
        itest_sleep_ms(50);
    }
    assert_int_equal(received("mail-crash-user", "Account change", &g, 1), 1);
    assert_non_null(strstr(g.subject, "アカウントの変更"));
    got_release(&g);
    UNUSED(r);
}

/* The relay's password appears in no log, and the command line does not take it. */
static void test_password_never_logged(void **state)
{
    UNUSED(state);
    static const char *const argv[] = {"config", "--smtp-password=" RELAY_PASSWORD, NULL};
    char *out = NULL;
    assert_int_not_equal(itest_run(&F.srv, NULL, &out, argv), 0);
    assert_true(!out || !strstr(out, RELAY_PASSWORD));
    free(out);
    char *log = itest_read_file(F.srv.cli_log, NULL);
    assert_non_null(log);
    assert_non_null(strstr(log, "not accepted on the command line"));
    assert_null(strstr(log, RELAY_PASSWORD));
    free(log);
    log = itest_read_file(F.srv.log, NULL);
    assert_non_null(log);
    assert_null(strstr(log, RELAY_PASSWORD));
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_lead_times),
        cmocka_unit_test(test_crash_mid_send),
        cmocka_unit_test(test_password_never_logged),
    };
    return cmocka_run_group_tests_name("mail", tests, setup, teardown);
}
