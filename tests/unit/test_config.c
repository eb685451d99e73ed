/*
 * test_config.c — settings: defaults, config_set errors, the "key = value" text format, the
 * environment, command-line arguments (with --config), config_finish and config_describe.
 */
#include "config/config.h"
#include "unit.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static void assert_err_has(const struct err *e, const char *const *parts)
{
    for (; *parts; parts++)
        if (!strstr(e->msg, *parts))
            fail_msg("error \"%s\" does not mention \"%s\"", e->msg, *parts);
}

#define ERR_HAS(e, ...)                                                                            \
    do {                                                                                           \
        const char *parts_[] = {__VA_ARGS__, NULL};                                                \
        assert_err_has((e), parts_);                                                               \
    } while (0)

static void test_defaults(void **state)
{
    struct config c;
    struct err e;
    (void)state;
    config_defaults(&c);
    assert_string_equal(c.listen_addr, "127.0.0.1");
    assert_int_equal(c.port, 8080);
    assert_int_equal(c.max_connections, 1024);
    assert_int_equal(c.request_head_timeout_s, 10);
    assert_int_equal(c.max_connections_per_address, 256); /* 0 would mean no limit */
    assert_string_equal(c.data_dir, "var");
    assert_string_equal(c.db_path, "");
    assert_int_equal(c.commit_batch_max, 512);
    assert_int_equal(c.max_body_bytes, 1048576);
    assert_int_equal(c.max_json_depth, 32);
    assert_int_equal(c.max_string_chars, 20000);
    assert_int_equal(c.max_array_items, 1000);
    assert_int_equal(c.future_skew_s, 300);
    assert_int_equal(c.page_size_default, 50);
    assert_int_equal(c.page_size_max, 200);
    assert_int_equal(c.idempotency_retention_h, 168);
    assert_int_equal(c.login_throttle_free, 5);
    assert_int_equal(c.login_throttle_max_s, 60);
    assert_string_equal(c.metrics_token, "");
    assert_string_equal(c.log_level, "info");
    /* the defaults pass the cross-field checks */
    err_init(&e);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.db_path, "var/ichigen.db");
}

static void test_set(void **state)
{
    struct config c;
    struct err e;
    (void)state;
    config_defaults(&c);
    err_init(&e);
    assert_int_equal(config_set(&c, "port", "9090", "--port", &e), 0);
    assert_int_equal(c.port, 9090);
    assert_int_equal(config_set(&c, "port", "0", "--port", &e), 0); /* range ends included */
    assert_int_equal(config_set(&c, "port", "65535", "--port", &e), 0);
    assert_int_equal(config_set(&c, "port", "65536", "ICHIGEN_PORT", &e), -1);
    ERR_HAS(&e, "port", "ICHIGEN_PORT", "65536", "0..65535");
    assert_int_equal(c.port, 65535); /* unchanged on error */
    assert_int_equal(config_set(&c, "port", "-1", "file:3", &e), -1);
    ERR_HAS(&e, "port", "file:3", "outside");
    assert_int_equal(config_set(&c, "max_body_bytes", "1MB", "--max-body-bytes", &e), -1);
    ERR_HAS(&e, "max_body_bytes", "--max-body-bytes", "\"1MB\"", "whole number");
    assert_int_equal(config_set(&c, "port", "", "x", &e), -1);
    assert_int_equal(config_set(&c, "port", "80 ", "x", &e), -1);
    assert_int_equal(config_set(&c, "port", "99999999999999999999", "x", &e), -1);
    assert_int_equal(config_set(&c, "prot", "80", "--prot", &e), -1);
    ERR_HAS(&e, "--prot", "unknown setting", "\"prot\"");
    /* strings: the buffer size is the limit */
    char addr[80];
    memset(addr, '1', 63);
    addr[63] = '\0';
    assert_int_equal(config_set(&c, "listen_addr", addr, "x", &e), 0);
    assert_int_equal(strlen(c.listen_addr), 63);
    addr[63] = '1';
    addr[64] = '\0';
    assert_int_equal(config_set(&c, "listen_addr", addr, "--listen-addr", &e), -1);
    ERR_HAS(&e, "listen_addr", "--listen-addr", "longer than 63 bytes");
    /* a NULL err is allowed */
    assert_int_equal(config_set(&c, "port", "x", "x", NULL), -1);
}

static int load_text(struct config *c, const char *text, struct err *e)
{
    return config_load_text(c, text, strlen(text), "test.conf", e);
}

static void test_load_text(void **state)
{
    struct config c;
    struct err e;
    (void)state;
    config_defaults(&c);
    err_init(&e);
    assert_int_equal(load_text(&c,
                               "# a comment\n"
                               "\n"
                               "   \t\n"
                               "port = 9001\n"
                               "  listen_addr=::1  \r\n"
                               "\t# indented comment\n"
                               "metrics_token = a=b=c\n"
                               "log_level = debug",
                               &e),
                     0);
    assert_int_equal(c.port, 9001);
    assert_string_equal(c.listen_addr, "::1");
    assert_string_equal(c.metrics_token, "a=b=c"); /* only the first '=' separates */
    assert_string_equal(c.log_level, "debug");
    assert_int_equal(load_text(&c, "", &e), 0);
    /* an empty value is a value */
    assert_int_equal(load_text(&c, "metrics_token =\n", &e), 0);
    assert_string_equal(c.metrics_token, "");
}

/* Settings an earlier version had keep loading into the ones that replaced them (issue 8.13:
 * the lockout became growing delays); a value the new setting cannot take is an error that
 * names it. */
static void test_renamed_settings(void **state)
{
    struct config c;
    struct err e;
    (void)state;
    config_defaults(&c);
    err_init(&e);
    assert_int_equal(load_text(&c, "login_max_failures = 3\nlogin_lockout_s = 120\n", &e), 0);
    assert_int_equal(c.login_throttle_free, 3);
    assert_int_equal(c.login_throttle_max_s, 120);
    assert_int_equal(config_set(&c, "login_lockout_s", "86400", "old.conf:2", &e), -1);
    ERR_HAS(&e, "login_throttle_max_s", "old.conf:2", "1..3600");
    assert_int_equal(c.login_throttle_max_s, 120);
}

static void test_load_text_errors(void **state)
{
    struct config c;
    struct err e;
    char line[2100];
    (void)state;
    config_defaults(&c);
    err_init(&e);
    assert_int_equal(load_text(&c, "port = 1\n\nport 2\nport = 3\n", &e), -1);
    ERR_HAS(&e, "test.conf:3", "key = value");
    assert_int_equal(c.port, 1); /* stops at the first error */
    assert_int_equal(load_text(&c, "# x\nnot_a_setting = 1\n", &e), -1);
    ERR_HAS(&e, "test.conf:2", "unknown setting", "not_a_setting");
    assert_int_equal(load_text(&c, "port = 70000\n", &e), -1);
    ERR_HAS(&e, "port", "test.conf:1", "70000");
    assert_int_equal(load_text(&c, "= 5\n", &e), -1);
    ERR_HAS(&e, "test.conf:1");
    /* lines are limited to 2047 bytes */
    memset(line, '#', 2047);
    line[2047] = '\n';
    line[2048] = '\0';
    assert_int_equal(load_text(&c, line, &e), 0);
    line[2047] = '#';
    line[2048] = '\n';
    line[2049] = '\0';
    assert_int_equal(load_text(&c, line, &e), -1);
    ERR_HAS(&e, "test.conf:1", "too long");
    /* NUL bytes */
    static const char nul[] = "port = 1\nport = 2\0\n";
    assert_int_equal(config_load_text(&c, nul, sizeof(nul) - 1, "n.conf", &e), -1);
    ERR_HAS(&e, "n.conf:2", "NUL");
}

static void test_load_env(void **state)
{
    struct config c;
    struct err e;
    (void)state;
    config_defaults(&c);
    err_init(&e);
    char *env[] = {"PATH=/usr/bin",
                   "ICHIGEN_PORT=9100",
                   "ICHIGEN_LOG_LEVEL=warn",
                   "ICHIGEN_max_array_items=7", /* keys are case-insensitive */
                   "ICHIGEN_SOURCE_ROOT=/src",  /* not a setting: ignored */
                   "ICHIGEN_=x",
                   "ICHIGEN_DATA_DIR", /* no '=': ignored */
                   "XICHIGEN_PORT=1",
                   NULL};
    assert_int_equal(config_load_env(&c, env, &e), 0);
    assert_int_equal(c.port, 9100);
    assert_string_equal(c.log_level, "warn");
    assert_int_equal(c.max_array_items, 7);
    assert_string_equal(c.data_dir, "var");
    char *bad[] = {"ICHIGEN_MAX_BODY_BYTES=12", NULL};
    assert_int_equal(config_load_env(&c, bad, &e), -1);
    ERR_HAS(&e, "max_body_bytes", "ICHIGEN_MAX_BODY_BYTES", "12");
    assert_int_equal(config_load_env(&c, NULL, &e), 0);
}

/* A writable argv (config_load_args compacts it in place). */
struct args {
    int argc;
    char *argv[16];
    char store[16][1100];
};

static void args_set(struct args *a, const char *const *list)
{
    a->argc = 0;
    for (; *list; list++, a->argc++) {
        xstrlcpy(a->store[a->argc], *list, sizeof(a->store[0]));
        a->argv[a->argc] = a->store[a->argc];
    }
    a->argv[a->argc] = NULL;
}

static void test_load_args(void **state)
{
    struct config c;
    struct err e;
    struct args a;
    (void)state;
    config_defaults(&c);
    err_init(&e);
    args_set(&a, (const char *const[]){"ichigen", "serve", "--port=9001", "--max-body-bytes",
                                       "4096", "--unknown", "x", "--log_level=error", "-v",
                                       "--page-size-max", "500", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), 0);
    assert_int_equal(c.port, 9001);
    assert_int_equal(c.max_body_bytes, 4096);
    assert_string_equal(c.log_level, "error");
    assert_int_equal(c.page_size_max, 500);
    /* what is not a setting stays, in order, NULL-terminated */
    assert_int_equal(a.argc, 5);
    assert_string_equal(a.argv[0], "ichigen");
    assert_string_equal(a.argv[1], "serve");
    assert_string_equal(a.argv[2], "--unknown");
    assert_string_equal(a.argv[3], "x");
    assert_string_equal(a.argv[4], "-v");
    assert_null(a.argv[5]);
}

static void test_load_args_errors(void **state)
{
    struct config c;
    struct err e;
    struct args a;
    (void)state;
    config_defaults(&c);
    err_init(&e);
    args_set(&a, (const char *const[]){"ichigen", "--port", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), -1);
    ERR_HAS(&e, "--port", "missing value");
    args_set(&a, (const char *const[]){"ichigen", "--port=http", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), -1);
    ERR_HAS(&e, "port", "--port", "http");
    args_set(&a, (const char *const[]){"ichigen", "--max-json-depth", "3", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), -1);
    ERR_HAS(&e, "max_json_depth", "3", "4..1024");
    args_set(&a, (const char *const[]){"ichigen", "--config", "/nonexistent/ichigen.conf", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), -1);
    ERR_HAS(&e, "/nonexistent/ichigen.conf");
}

/* The SMTP relay's password (issue 10 item 8) is a secret only the config file or the
 * environment may set: other users of the host can read a command line. The refusal never
 * echoes the value. */
static void test_smtp_password_not_on_command_line(void **state)
{
    struct config c;
    struct err e;
    struct args a;
    (void)state;
    config_defaults(&c);
    err_init(&e);
    args_set(&a, (const char *const[]){"ichigen", "--smtp-password=hunter2-relay", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), -1);
    ERR_HAS(&e, "smtp_password", "ICHIGEN_SMTP_PASSWORD", "config file");
    assert_null(strstr(e.msg, "hunter2"));
    assert_string_equal(c.smtp_password, "");
    args_set(&a, (const char *const[]){"ichigen", "--smtp_password", "hunter2-relay", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), -1);
    assert_string_equal(c.smtp_password, "");
    char *env[] = {"ICHIGEN_SMTP_PASSWORD=from-env", NULL};
    assert_int_equal(config_load_env(&c, env, &e), 0);
    assert_string_equal(c.smtp_password, "from-env");
    const char *text = "smtp_password = from-file\nsmtp_url = smtp://relay.example.jp:587\n";
    assert_int_equal(config_load_text(&c, text, strlen(text), "f", &e), 0);
    assert_string_equal(c.smtp_password, "from-file");
    assert_string_equal(c.smtp_url, "smtp://relay.example.jp:587");
    assert_int_equal(c.smtp_starttls, 1); /* STARTTLS required unless turned off */
    struct buf d;
    buf_init(&d, BUF_UNLIMITED);
    config_describe(&d, false);
    assert_null(strstr(buf_cstr(&d), "from-file"));
    buf_release(&d);
}

static void test_config_file_precedence(void **state)
{
    struct config c;
    struct err e;
    struct args a;
    char dir[64], path[128], opt[160];
    (void)state;
    assert_int_equal(unit_tmpdir(dir, "config"), 0);
    snprintf(path, sizeof(path), "%s/ichigen.conf", dir);
    const char *text = "port = 1111\nmax_connections = 77\n";
    assert_int_equal(unit_write_file(path, text, strlen(text)), 0);
    /* command-line settings win over the file, wherever --config appears */
    config_defaults(&c);
    err_init(&e);
    args_set(&a, (const char *const[]){"ichigen", "--port=2222", "--config", path, "run", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), 0);
    assert_int_equal(c.port, 2222);
    assert_int_equal(c.max_connections, 77);
    assert_int_equal(a.argc, 2);
    assert_string_equal(a.argv[1], "run");
    config_defaults(&c);
    snprintf(opt, sizeof(opt), "--config=%s", path);
    args_set(&a, (const char *const[]){"ichigen", opt, "--port", "3333", NULL});
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), 0);
    assert_int_equal(c.port, 3333);
    assert_int_equal(c.max_connections, 77);
    assert_int_equal(a.argc, 1);
    /* errors in the file name the file and line */
    text = "port = 1\nport = nope\n";
    assert_int_equal(unit_write_file(path, text, strlen(text)), 0);
    assert_int_equal(config_load_file(&c, path, &e), -1);
    ERR_HAS(&e, path, ":2", "nope");
    unit_rmtree(dir);
}

/* config_load_files alone: reads every --config, removes those arguments, leaves the rest
 * (the CLI calls it before the environment so that ICHIGEN_* overrides files). */
static void test_load_files(void **state)
{
    struct config c;
    struct err e;
    struct args a;
    char dir[64], p1[128], p2[128], opt[160];
    (void)state;
    assert_int_equal(unit_tmpdir(dir, "config"), 0);
    snprintf(p1, sizeof(p1), "%s/a.conf", dir);
    snprintf(p2, sizeof(p2), "%s/b.conf", dir);
    const char *t1 = "port = 1\nmax_connections = 5\n", *t2 = "port = 2\n";
    assert_int_equal(unit_write_file(p1, t1, strlen(t1)), 0);
    assert_int_equal(unit_write_file(p2, t2, strlen(t2)), 0);
    config_defaults(&c);
    err_init(&e);
    snprintf(opt, sizeof(opt), "--config=%s", p2);
    args_set(&a, (const char *const[]){"ichigen", "--config", p1, "--port=9", opt, "serve", NULL});
    assert_int_equal(config_load_files(&c, &a.argc, a.argv, &e), 0);
    assert_int_equal(c.port, 2); /* files apply in order */
    assert_int_equal(c.max_connections, 5);
    assert_int_equal(a.argc, 3);
    assert_string_equal(a.argv[1], "--port=9"); /* settings are left for config_load_args */
    assert_string_equal(a.argv[2], "serve");
    assert_null(a.argv[3]);
    /* the documented precedence: files < environment < arguments */
    char *env[] = {"ICHIGEN_PORT=7", "ICHIGEN_MAX_CONNECTIONS=6", NULL};
    assert_int_equal(config_load_env(&c, env, &e), 0);
    assert_int_equal(config_load_args(&c, &a.argc, a.argv, &e), 0);
    assert_int_equal(c.port, 9);
    assert_int_equal(c.max_connections, 6);
    args_set(&a, (const char *const[]){"ichigen", "--config", NULL});
    assert_int_equal(config_load_files(&c, &a.argc, a.argv, &e), -1);
    ERR_HAS(&e, "--config");
    unit_rmtree(dir);
}

static void test_finish(void **state)
{
    struct config c;
    struct err e;
    (void)state;
    err_init(&e);
    config_defaults(&c);
    config_set(&c, "data_dir", "/srv/ichigen", "x", NULL);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.db_path, "/srv/ichigen/ichigen.db");
    /* an explicit db_path is kept */
    config_defaults(&c);
    config_set(&c, "db_path", "/tmp/x.db", "x", NULL);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.db_path, "/tmp/x.db");
    /* page sizes */
    config_defaults(&c);
    config_set(&c, "page_size_default", "300", "x", NULL);
    assert_int_equal(config_finish(&c, &e), -1);
    ERR_HAS(&e, "page_size_default", "300", "page_size_max", "200");
    config_set(&c, "page_size_max", "300", "x", NULL);
    assert_int_equal(config_finish(&c, &e), 0);
    /* log level */
    config_defaults(&c);
    config_set(&c, "log_level", "verbose", "x", NULL);
    assert_int_equal(config_finish(&c, &e), -1);
    ERR_HAS(&e, "log_level", "verbose");
    /* data_dir */
    config_defaults(&c);
    config_set(&c, "data_dir", "", "x", NULL);
    assert_int_equal(config_finish(&c, &e), -1);
    ERR_HAS(&e, "data_dir");
    char dir[CONFIG_PATH_MAX];
    memset(dir, 'd', sizeof(dir) - 1);
    dir[sizeof(dir) - 1] = '\0';
    config_defaults(&c);
    assert_int_equal(config_set(&c, "data_dir", dir, "x", &e), 0); /* fits on its own */
    assert_int_equal(config_finish(&c, &e), -1);                   /* but not with "/ichigen.db" */
    ERR_HAS(&e, "data_dir", "too long");
}

/* public_url (the base of TAXII discovery's api_roots and of e-mailed links): accepted forms,
 * trailing slashes dropped by config_finish, and each kind of bad value refused with a message
 * that names the setting and the reason. */
static void test_public_url(void **state)
{
    struct config c;
    struct err e;
    (void)state;
    static const char *const good[] = {
        "",
        "https://ichigen.example.go.jp",
        "http://127.0.0.1:8080",
        "https://[2001:db8::1]:8443",
        "https://proxy.example.jp/ichigen",
        "https://proxy.example.jp/a%20b/c-d_e.f~g",
    };
    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        err_init(&e);
        if (config_public_url_check(good[i], &e))
            fail_msg("%s refused: %s", good[i], e.msg);
    }
    static const struct {
        const char *url, *why;
    } bad[] = {
        {"ftp://ichigen.example.go.jp", "must begin with https://"},
        {"ichigen.example.go.jp", "must begin with https://"},
        {"HTTPS://ichigen.example.go.jp", "must begin with https://"},
        {"https://", "host"},
        {"https://:8443", "host"},
        {"https://ichigen..example.jp", "host"},
        {"https://-bad.example.jp", "host"},
        {"https://ichi gen.example.jp", "host"},
        {"https://user:pw@ichigen.example.jp", "user information"},
        {"https://ichigen.example.jp:0", "port"},
        {"https://ichigen.example.jp:65536", "port"},
        {"https://ichigen.example.jp:", "port"},
        {"https://ichigen.example.jp:80a", "port"},
        {"https://ichigen.example.jp/?x=1", "query"},
        {"https://ichigen.example.jp#top", "fragment"},
        {"https://ichigen.example.jp/a//b", "segment"},
        {"https://ichigen.example.jp/a/../b", "segment"},
        {"https://ichigen.example.jp/a b", "character"},
        {"https://ichigen.example.jp/%zz", "character"},
        {"https://ichigen.example.jp/日本", "character"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        err_init(&e);
        if (config_public_url_check(bad[i].url, &e) != -1)
            fail_msg("%s accepted", bad[i].url);
        ERR_HAS(&e, "public_url", bad[i].why);
    }
    /* two problems at once are both told */
    err_init(&e);
    assert_int_equal(config_public_url_check("https://u@h.example.jp/a b?q", &e), -1);
    ERR_HAS(&e, "user information", "character", "query");
    /* config_finish: trailing slashes go (links append "/taxii2/…"), a bad value stops it */
    config_defaults(&c);
    assert_string_equal(c.public_url, "");
    err_init(&e);
    assert_int_equal(config_set(&c, "public_url", "https://ichigen.example.go.jp//", "x", &e), 0);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.public_url, "https://ichigen.example.go.jp");
    config_defaults(&c);
    config_set(&c, "public_url", "https:///", "x", NULL);
    assert_int_equal(config_finish(&c, &e), -1);
    ERR_HAS(&e, "public_url", "host");
    config_defaults(&c);
    config_set(&c, "public_url", "ftp://ichigen.example.go.jp", "x", NULL);
    assert_int_equal(config_finish(&c, &e), -1);
    ERR_HAS(&e, "public_url", "ftp://ichigen.example.go.jp", "https://");
}

static void test_describe(void **state)
{
    struct buf out;
    (void)state;
    buf_init(&out, BUF_UNLIMITED);
    config_describe(&out, false);
    static const char *const names[] = {
        "listen_addr",    "port",          "max_connections",         "data_dir",      "db_path",
        "max_body_bytes", "page_size_max", "idempotency_retention_h", "metrics_token", "log_level"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        assert_non_null(strstr(buf_cstr(&out), names[i]));
    assert_non_null(strstr(buf_cstr(&out), "0..65535"));
    assert_non_null(strstr(buf_cstr(&out), "(secret"));
    buf_reset(&out);
    config_describe(&out, true);
    const char *head = "| setting | default | range | meaning |\n|---|---|---|---|\n";
    assert_memory_equal(buf_cstr(&out), head, strlen(head));
    assert_non_null(strstr(buf_cstr(&out), "| `port` | `8080` | 0..65535 |"));
    buf_release(&out);
}

/* The settings table in README.md is generated (`ichigen config --markdown`); keep it in step. */
static void test_readme_table_in_step(void **state)
{
    char path[1024];
    size_t n;
    struct buf want;
    (void)state;
    snprintf(path, sizeof(path), "%s/README.md", unit_source_root());
    char *readme = unit_read_file(path, &n);
    assert_non_null(readme);
    const char *begin = strstr(readme, "<!-- BEGIN CONFIG -->\n");
    const char *end = strstr(readme, "<!-- END CONFIG -->");
    assert_non_null(begin);
    assert_non_null(end);
    begin += strlen("<!-- BEGIN CONFIG -->\n");
    buf_init(&want, BUF_UNLIMITED);
    config_describe(&want, true);
    if ((size_t)(end - begin) != want.len || memcmp(begin, want.data, want.len))
        fail_msg("README.md's settings table is stale: regenerate it with "
                 "`ichigen config --markdown`");
    buf_release(&want);
    free(readme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_table_in_step),
        cmocka_unit_test(test_defaults),         cmocka_unit_test(test_set),
        cmocka_unit_test(test_load_text),        cmocka_unit_test(test_load_text_errors),
        cmocka_unit_test(test_load_env),         cmocka_unit_test(test_load_args),
        cmocka_unit_test(test_load_args_errors),
        cmocka_unit_test(test_smtp_password_not_on_command_line), cmocka_unit_test(test_config_file_precedence),
        cmocka_unit_test(test_load_files),       cmocka_unit_test(test_finish),
        cmocka_unit_test(test_renamed_settings),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_public_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
