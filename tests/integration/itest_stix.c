/*
 * itest_stix.c — `ichigen stix` as an operator meets it (issue 13 item 4): `validate` prints the
 * objects per type and exits 0 for a good bundle, names every problem with its JSON Pointer and
 * exits 1 for a bad one (in Japanese with --lang ja), prints the same as JSON with --json,
 * exits 3 for a file it cannot read; `sample` prints a bundle `validate` accepts; wrong
 * arguments are a usage error (exit 2). Runs the real binary ($ICHIGEN_BIN) in a temporary
 * directory that it leaves empty. (--help for every form is itest_cli's test_help_everywhere.)
 */
#include "itest.h"

#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static char home[256];

static int run(char **out, const char *const *argv)
{
    return itest_run(NULL, NULL, out, argv);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* sample → validate: the exporter's bundle is one the importer accepts, as text and as JSON. */
static void test_sample_validates(void **state)
{
    char *bundle = NULL, *out = NULL;
    UNUSED(state);
    assert_int_equal(run(&bundle, (const char *const[]){"stix", "sample", NULL}), 0);
    write_text("sample.json", bundle);
    assert_int_equal(run(&out, (const char *const[]){"stix", "validate", "sample.json", NULL}), 0);
    assert_non_null(strstr(out, "sample.json: valid"));
    assert_non_null(strstr(out, "indicator"));
    free(out);
    assert_int_equal(
        run(&out, (const char *const[]){"stix", "validate", "sample.json", "--json", NULL}), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "valid")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "types"), "indicator")),
                     9);
    assert_int_equal(json_array_size(json_object_get(j, "indicators")), 9);
    assert_int_equal(json_array_size(json_object_get(j, "problems")), 0);
    json_decref(j);
    free(out);
    free(bundle);
    assert_int_equal(unlink("sample.json"), 0);
}

static const char bad[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--dcf8154d-27b3-4856-94eb-29fbda777116\",\"objects\":["
    "{\"type\":\"malware\",\"spec_version\":\"2.1\","
    "\"id\":\"malware--2691e588-f437-5bac-a4a5-f8830ccf6d26\","
    "\"created\":\"2026-01-02T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\"},"
    "{\"type\":\"tool\",\"spec_version\":\"2.0\","
    "\"id\":\"tool--2691e588-f437-5bac-a4a5-f8830ccf6d26\","
    "\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\"}]}";

/* Every problem, each with its pointer and code, in the language asked for; exit 1. */
static void test_validate_problems(void **state)
{
    char *out = NULL;
    UNUSED(state);
    write_text("bad.json", bad);
    assert_int_equal(run(&out, (const char *const[]){"stix", "validate", "bad.json", NULL}), 1);
    assert_non_null(strstr(out, "bad.json: /objects/0/modified [stix.modified_before_created]"));
    assert_non_null(strstr(out, "bad.json: /objects/1/spec_version [stix.spec_version]"));
    assert_null(strstr(out, ": valid"));
    free(out);
    assert_int_equal(
        run(&out, (const char *const[]){"stix", "validate", "--lang", "ja", "bad.json", NULL}), 1);
    assert_non_null(strstr(out, "modified が created より前です"));
    free(out);
    assert_int_equal(
        run(&out, (const char *const[]){"stix", "validate", "bad.json", "--json", NULL}), 1);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_true(json_is_false(json_object_get(j, "valid")));
    json_t *p = json_object_get(j, "problems");
    assert_int_equal(json_array_size(p), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(p, 1), "pointer")),
                        "/objects/1/spec_version");
    json_decref(j);
    free(out);
    write_text("bad.json", "{\"type\": \"bundle\",");
    assert_int_equal(run(&out, (const char *const[]){"stix", "validate", "bad.json", NULL}), 1);
    assert_non_null(strstr(out, "[stix.not_json] line 1"));
    free(out);
    assert_int_equal(unlink("bad.json"), 0);
}

static void test_arguments(void **state)
{
    static const char *const usage[][5] = {
        {"stix", NULL},
        {"stix", "nonsense", NULL},
        {"stix", "validate", NULL},
        {"stix", "validate", "a.json", "b.json", NULL},
        {"stix", "sample", "extra", NULL},
        {"stix", "sample", "--json", NULL},
    };
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(usage); i++)
        if (run(NULL, usage[i]) != 2)
            fail_msg("`ichigen stix %s` is not a usage error", usage[i][1] ? usage[i][1] : "");
    assert_int_equal(run(NULL, (const char *const[]){"stix", "validate", "missing.json", NULL}), 3);
    /* settings are accepted as by every command (cli.h), unknown ones refused */
    assert_int_equal(run(NULL, (const char *const[]){"stix", "validate", "missing.json",
                                                     "--log-level=warn", NULL}),
                     3);
    assert_int_equal(run(NULL, (const char *const[]){"stix", "validate", "missing.json",
                                                     "--no-such-setting=1", NULL}),
                     2);
}

static int setup(void **state)
{
    UNUSED(state);
    snprintf(home, sizeof(home), "%s/ichigen-stix-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(home) || chdir(home))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    if (chdir("/"))
        return -1;
    return rmdir(home); /* fails, and so fails the run, if anything was left in it */
}

int main(void)
{
    itest_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_validates),
        cmocka_unit_test(test_validate_problems),
        cmocka_unit_test(test_arguments),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    itest_global_cleanup();
    return rc;
}
