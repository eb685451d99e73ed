/*
 * itest_store_trace.c — the store_trace setting on the real server: with it on, a clean
 * shutdown logs one store.trace line per store operation that was called, with its count and
 * latency and without any argument (the token a request carried never appears); with it off,
 * none.
 */
#include "itest.h"

#include <signal.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The store.trace lines of the server's log, by operation: a JSON object op → line. New
 * reference. */
static json_t *trace_lines(const struct itest_server *srv, char **log_out)
{
    json_t *by_op = json_object();
    char *log = itest_read_file(srv->log, NULL);
    assert_non_null(log);
    for (char *line = log, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        json_t *j = json_loadb(line, (size_t)(nl - line), 0, NULL);
        const char *ev = j ? json_string_value(json_object_get(j, "event")) : NULL;
        if (ev && !strcmp(ev, "store.trace"))
            json_object_set(by_op, json_string_value(json_object_get(j, "op")), j);
        json_decref(j);
    }
    *log_out = log;
    return by_op;
}

static void test_trace_on(void **state)
{
    static const char *const settings[] = {"--store-trace=1", NULL};
    struct itest_fixture f;
    struct itest_resp r;
    char *log = NULL;
    UNUSED(state);
    assert_int_equal(itest_fixture_setup(&f, settings), 0);
    assert_int_equal(itest_get(&f.srv, NULL, "/readyz", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(itest_get(&f.srv, f.rep_a.token, "/api/v1/reports", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(itest_server_finish(&f.srv), 0);

    json_t *ops = trace_lines(&f.srv, &log);
    /* the calls the two requests made, and the store's close at shutdown */
    static const char *const called[] = {"ready", "token_lookup", "report_list", "close"};
    for (size_t i = 0; i < ARRAY_SIZE(called); i++) {
        json_t *line = json_object_get(ops, called[i]);
        if (!line)
            fail_msg("no store.trace line for %s", called[i]);
        assert_true(json_integer_value(json_object_get(line, "calls")) >= 1);
        assert_int_equal(json_integer_value(json_object_get(line, "unavailable")), 0);
        assert_true(json_is_number(json_object_get(line, "p99_ms")));
        assert_true(json_is_number(json_object_get(line, "mean_ms")));
    }
    assert_int_equal(json_integer_value(json_object_get(json_object_get(ops, "close"), "calls")),
                     1);
    /* operations nobody called have no line */
    assert_null(json_object_get(ops, "assessment_submit"));
    /* never an argument: the token the request carried is nowhere in the log */
    assert_null(strstr(log, f.rep_a.token));
    json_decref(ops);
    free(log);
    itest_fixture_teardown(&f);
}

static void test_trace_off(void **state)
{
    struct itest_server srv;
    struct itest_resp r;
    char *log = NULL;
    UNUSED(state);
    assert_int_equal(itest_server_init(&srv, NULL), 0);
    assert_int_equal(itest_server_start(&srv), 0);
    assert_int_equal(itest_get(&srv, NULL, "/readyz", &r), 200);
    itest_resp_release(&r);
    assert_int_equal(itest_server_finish(&srv), 0);
    json_t *ops = trace_lines(&srv, &log);
    assert_int_equal(json_object_size(ops), 0);
    json_decref(ops);
    free(log);
    itest_server_release(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_on),
        cmocka_unit_test(test_trace_off),
    };
    itest_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    itest_global_cleanup();
    return rc;
}
