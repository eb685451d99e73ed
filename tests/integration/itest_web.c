/*
 * itest_web.c — the web UI's files and the headers of every answer (issue 12): / and any path
 * of the page's own routing get index.html (no-cache); /assets/<name> the file by its type,
 * cached for a year, gzip when accepted and a .gz is there; an unknown asset 404; without an
 * index.html the page is a 503 that says how to build it. Every answer — page, asset, API,
 * problem — carries the Content-Security-Policy and its companions. No request path reads
 * anything outside the table read at start-up: "..", encoded dots, encoded slashes, NUL, very
 * long paths and a symlink placed in web_dir all fail to reach a file next to it.
 */
#include "itest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#define INDEX_HTML "<!doctype html><title>ichigen</title><div id=app></div>\n"
#define APP_JS "console.log('app');\n"
#define APP_JS_GZ "\x1f\x8b pretend-gzip of app.js"
#define SECRET "TOP-SECRET-NEXT-TO-WEB-DIR"

static struct itest_server S;     /* web_dir with a built UI */
static struct itest_server Empty; /* web_dir without index.html */
static char web_setting[480], empty_setting[480];

static int write_file(const char *dir, const char *name, const char *data, size_t n)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, n, f);
    return fclose(f) || w != n ? -1 : 0;
}

#define WRITE(dir, name, lit) write_file(dir, name, lit, sizeof(lit) - 1)

/* S.dir/web: index.html, assets/app-1a2b3c.js (+ .gz), assets/site-9f8e.css, favicon.ico,
 * and assets/leak.js, a symlink to S.dir/secret.txt, which must never be served. */
static int make_web_dir(const char *root, char *setting, size_t n)
{
    char web[300], assets[320], link[340], target[320];
    snprintf(web, sizeof(web), "%s/web", root);
    snprintf(assets, sizeof(assets), "%s/assets", web);
    snprintf(link, sizeof(link), "%s/leak.js", assets);
    snprintf(target, sizeof(target), "%s/secret.txt", root);
    if (mkdir(web, 0700) || mkdir(assets, 0700) || WRITE(root, "secret.txt", SECRET) ||
        WRITE(web, "index.html", INDEX_HTML) || WRITE(assets, "app-1a2b3c.js", APP_JS) ||
        WRITE(assets, "app-1a2b3c.js.gz", APP_JS_GZ) || WRITE(assets, "site-9f8e.css", "body{}") ||
        WRITE(web, "favicon.ico", "ICO") || symlink(target, link))
        return -1;
    snprintf(setting, n, "--web-dir=%s", web);
    return 0;
}

static int setup(void **state)
{
    static const char *settings[] = {web_setting, NULL};
    static const char *empty_settings[] = {empty_setting, NULL};
    (void)state;
    if (itest_server_init(&S, settings) || make_web_dir(S.dir, web_setting, sizeof(web_setting)))
        return -1;
    if (itest_server_init(&Empty, empty_settings))
        return -1;
    snprintf(empty_setting, sizeof(empty_setting), "--web-dir=%s/nothing-here", Empty.dir);
    return itest_server_start(&S) || itest_server_start(&Empty);
}

static int teardown(void **state)
{
    (void)state;
    itest_server_release(&S);
    itest_server_release(&Empty);
    return 0;
}

static long get(const struct itest_server *s, const char *path, const char *accept_encoding,
                struct itest_resp *r)
{
    char ae[100];
    snprintf(ae, sizeof(ae), "Accept-Encoding: %s", accept_encoding ? accept_encoding : "");
    itest_http(s, &(struct itest_req){.path = path, .path_as_is = true, .headers = {ae}}, r);
    return r->status;
}

static void assert_header(const struct itest_resp *r, const char *name, const char *want)
{
    char v[600];
    if (!itest_header(r, name, v, sizeof(v)))
        fail_msg("no %s header", name);
    assert_string_equal(v, want);
}

static void assert_no_header(const struct itest_resp *r, const char *name)
{
    char v[600];
    if (itest_header(r, name, v, sizeof(v)))
        fail_msg("unexpected %s: %s", name, v);
}

/* The headers of every answer (issue 12): the page, assets, the API and its problems. */
static void assert_security_headers(const struct itest_resp *r)
{
    assert_header(r, "Content-Security-Policy",
                  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                  "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                  "form-action 'self'; frame-ancestors 'none'");
    assert_header(r, "X-Content-Type-Options", "nosniff");
    assert_header(r, "Referrer-Policy", "same-origin");
    assert_header(r, "X-Frame-Options", "DENY");
}

static void assert_index(const struct itest_resp *r)
{
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, INDEX_HTML);
    assert_string_equal(r->content_type, "text/html; charset=utf-8");
    assert_header(r, "Cache-Control", "no-cache");
    assert_security_headers(r);
}

static void test_page_and_history_routes(void **state)
{
    static const char *const paths[] = {"/", "/reports/new", "/inbox/0190aaaa-bbbb", "/index.html",
                                        "/ja/some/deep/route?x=1"};
    struct itest_resp r;
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        get(&S, paths[i], NULL, &r);
        assert_index(&r);
        itest_resp_release(&r);
    }
    /* HEAD: the same answer without the body */
    itest_http(&S, &(struct itest_req){.method = "HEAD", .path = "/reports/new"}, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    assert_string_equal(r.content_type, "text/html; charset=utf-8");
    itest_resp_release(&r);
}

static void test_assets(void **state)
{
    struct itest_resp r;
    (void)state;
    assert_int_equal(get(&S, "/assets/app-1a2b3c.js", NULL, &r), 200);
    assert_string_equal(r.body, APP_JS);
    assert_string_equal(r.content_type, "text/javascript; charset=utf-8");
    assert_header(&r, "Cache-Control", "public, max-age=31536000, immutable");
    assert_header(&r, "Vary", "Accept-Encoding");
    assert_no_header(&r, "Content-Encoding");
    assert_security_headers(&r);
    itest_resp_release(&r);

    /* gzip accepted and the .gz is there: those bytes, marked */
    assert_int_equal(get(&S, "/assets/app-1a2b3c.js", "br, gzip;q=0.8", &r), 200);
    assert_int_equal(r.len, sizeof(APP_JS_GZ) - 1);
    assert_memory_equal(r.body, APP_JS_GZ, r.len);
    assert_string_equal(r.content_type, "text/javascript; charset=utf-8");
    assert_header(&r, "Content-Encoding", "gzip");
    assert_header(&r, "Vary", "Accept-Encoding");
    itest_resp_release(&r);

    /* gzip refused with q=0: the plain file */
    assert_int_equal(get(&S, "/assets/app-1a2b3c.js", "gzip;q=0, *", &r), 200);
    assert_string_equal(r.body, APP_JS);
    assert_no_header(&r, "Content-Encoding");
    itest_resp_release(&r);

    /* no .gz: the plain file, and nothing varies */
    assert_int_equal(get(&S, "/assets/site-9f8e.css", "gzip", &r), 200);
    assert_string_equal(r.body, "body{}");
    assert_string_equal(r.content_type, "text/css; charset=utf-8");
    assert_no_header(&r, "Content-Encoding");
    assert_no_header(&r, "Vary");
    itest_resp_release(&r);

    /* a file at the top: its type, revalidated (its name carries no hash) */
    assert_int_equal(get(&S, "/favicon.ico", NULL, &r), 200);
    assert_string_equal(r.content_type, "image/x-icon");
    assert_header(&r, "Cache-Control", "no-cache");
    itest_resp_release(&r);

    /* an unknown asset is a 404 problem, never the page */
    assert_int_equal(get(&S, "/assets/app-000000.js", NULL, &r), 404);
    assert_string_equal(itest_problem_code(&r), "not_found");
    assert_security_headers(&r);
    itest_resp_release(&r);
}

/* The API keeps its own answers: its 404 is a problem, not the page; headers everywhere. */
static void test_api_untouched(void **state)
{
    static const char *const paths[] = {"/api/v1/nothing", "/api",       "/api/",
                                        "/healthz/x",      "/metrics/x", "/readyz/"};
    struct itest_resp r;
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        assert_int_equal(get(&S, paths[i], NULL, &r), 404);
        assert_string_equal(itest_problem_code(&r), "not_found");
        assert_security_headers(&r);
        itest_resp_release(&r);
    }
    assert_int_equal(get(&S, "/healthz", NULL, &r), 200);
    assert_security_headers(&r);
    assert_header(&r, "Cache-Control", "no-store");
    itest_resp_release(&r);
    assert_int_equal(get(&S, "/api/v1/me", NULL, &r), 401);
    assert_security_headers(&r);
    itest_resp_release(&r);
    /* another method on a page path: the API's 404, not the page */
    assert_int_equal(itest_post(&S, NULL, "/reports/new", "{}", &r), 404);
    assert_security_headers(&r);
    itest_resp_release(&r);
}

/* Nothing outside the table: each answer is the page, a 404, or a refusal of the path (400,
 * 414) — never the file next to web_dir, nor the symlink's target. */
static void test_no_escape(void **state)
{
    static const char *const paths[] = {
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/assets/../index.html",
        "/%2e%2e/secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/assets/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/assets%2fapp-1a2b3c.js",
        "/assets/app-1a2b3c.js%00",
        "/assets/app-1a2b3c.js%00.png",
        "/assets/leak.js",
        "/assets//app-1a2b3c.js",
        "/assets/./app-1a2b3c.js",
        "//etc/passwd",
        "/assets/app-1a2b3c.js/",
        "/web/index.html",
        "/secret.txt",
        "/.%2e/secret.txt",
        "/assets/..%5c..%5csecret.txt",
    };
    struct itest_resp r;
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        get(&S, paths[i], NULL, &r);
        if (r.status == 200 && r.body && strcmp(r.body, INDEX_HTML))
            fail_msg("%s: 200 with something else than the page", paths[i]);
        if (r.status != 200 && r.status != 404 && r.status != 400)
            fail_msg("%s: status %ld", paths[i], r.status);
        assert_null(r.body ? strstr(r.body, SECRET) : NULL);
        assert_security_headers(&r);
        itest_resp_release(&r);
    }
    /* a very long path: the page, or 414 — nothing else */
    char *longp = xmalloc(9000);
    longp[0] = '/';
    for (size_t i = 1; i < 8990; i += 3)
        memcpy(longp + i, "../", 3);
    longp[8990] = '\0';
    get(&S, longp, NULL, &r);
    assert_true(r.status == 414 || (r.status == 200 && !strcmp(r.body, INDEX_HTML)));
    itest_resp_release(&r);
    longp[4000] = '\0';
    get(&S, longp, NULL, &r);
    assert_true(r.status == 200 && !strcmp(r.body, INDEX_HTML));
    itest_resp_release(&r);
    free(longp);
}

/* web_dir without index.html: the page is a 503 saying how to build it; the API works. */
static void test_not_built(void **state)
{
    struct itest_resp r;
    (void)state;
    assert_int_equal(get(&Empty, "/", NULL, &r), 503);
    assert_string_equal(r.content_type, "text/html; charset=utf-8");
    assert_non_null(strstr(r.body, "make run"));
    assert_non_null(strstr(r.body, "Web UI がビルドされていません"));
    assert_non_null(strstr(r.body, "The web UI is not built"));
    assert_security_headers(&r);
    itest_resp_release(&r);
    assert_int_equal(get(&Empty, "/reports/new", NULL, &r), 503);
    itest_resp_release(&r);
    assert_int_equal(get(&Empty, "/assets/app-1a2b3c.js", NULL, &r), 404);
    itest_resp_release(&r);
    assert_int_equal(get(&Empty, "/healthz", NULL, &r), 200);
    itest_resp_release(&r);
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_int_equal(itest_server_finish(&S), 0);
    assert_int_equal(itest_server_finish(&Empty), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_and_history_routes),
        cmocka_unit_test(test_assets),
        cmocka_unit_test(test_api_untouched),
        cmocka_unit_test(test_no_escape),
        cmocka_unit_test(test_not_built),
        cmocka_unit_test(test_clean_shutdown),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
