/*
 * test_schema.c — the validation engine (src/schema/) on a small table of its own: what every
 * table-validated input relies on beyond the report format's tests (tests/unit/test_report.c):
 * a field's own code and text for invalid values, check hooks (called on values of the right
 * type, told whether the walk found problems, reporting at the value, a member or an item),
 * uniqueness with a code of the input's own, a base pointer, generic and owner-given texts for
 * unknown members, lookups and label paths, and the generators over any table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>

#include "core/jsonx.h"
#include "schema/schema.h"
#include "unit.h"

#include <cmocka.h>

static int hook_calls;
static bool hook_saw_ok;

static const struct rf_msg odd_msg = {"odd", "must be odd", "奇数にしてください"};
static const struct rf_msg level_msg = {"range", "must be a level from 1 to 5",
                                        "1〜5 の段階で指定してください"};
static const struct rf_msg twice_msg = {"duplicate", "repeats a tag", "タグが重複しています"};

static void check_odd(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    hook_calls++;
    hook_saw_ok = schema_walk_ok(w);
    if (hook_saw_ok && json_integer_value(v) % 2 == 0)
        schema_walk_emit(w, odd_msg.code, odd_msg.en, odd_msg.ja);
}

static void check_tags(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    schema_walk_unique(w, v, &twice_msg);
}

/* from <= to, on the object: reported at its member "to" */
static void check_span(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (schema_walk_ok(w) && json_integer_value(json_object_get(v, "from")) >
                                 json_integer_value(json_object_get(v, "to")))
        schema_walk_emit_member(w, "to", "order", "is before from", "from より前です");
}

static void check_items(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (json_array_size(v) > 1)
        schema_walk_emit_item(w, 1, "level", "second", "second item", "2件目");
}

static const struct rf_field tag = {.type = RF_STRING, .max = 8, .ja = "タグ", .en = "tag"};
static const struct rf_field span_fields[] = {
    {.name = "from", .type = RF_INTEGER, .flags = RF_REQUIRED, .ja = "開始", .en = "from"},
    {.name = "to", .type = RF_INTEGER, .flags = RF_REQUIRED, .ja = "終了", .en = "to"},
    {0}};
static const struct rf_field item_fields[] = {{.name = "level",
                                               .type = RF_INTEGER,
                                               .min = 1,
                                               .max = 5,
                                               .ja = "段階",
                                               .en = "level",
                                               .invalid = &level_msg},
                                              {0}};
static const struct rf_field item = {
    .type = RF_OBJECT, .fields = item_fields, .ja = "項目", .en = "item"};
static const struct rf_field test_fields[] = {{.name = "n",
                                               .type = RF_INTEGER,
                                               .flags = RF_REQUIRED,
                                               .max = 100,
                                               .ja = "数",
                                               .en = "number",
                                               .check = check_odd},
                                              {.name = "tags",
                                               .type = RF_ARRAY,
                                               .fields = &tag,
                                               .ja = "タグ",
                                               .en = "tags",
                                               .check = check_tags},
                                              {.name = "span",
                                               .type = RF_OBJECT,
                                               .fields = span_fields,
                                               .ja = "期間",
                                               .en = "span",
                                               .check = check_span},
                                              {.name = "items",
                                               .type = RF_ARRAY,
                                               .fields = &item,
                                               .max = 3,
                                               .ja = "項目一覧",
                                               .en = "items",
                                               .check = check_items},
                                              {0}};
static const struct rf_field limit_fields[] = {
    {.name = "max", .type = RF_INTEGER, .flags = RF_REQUIRED, .max = 9, .ja = "上限", .en = "max"},
    {.name = "key", .type = RF_STRING, .flags = RF_OPAQUE, .max = 40, .ja = "鍵", .en = "key"},
    {0}};
static const struct rf_field limit = {
    .type = RF_OBJECT, .fields = limit_fields, .ja = "制限", .en = "limit"};
static const struct rf_field map_fields[] = {{.name = "limits",
                                              .type = RF_MAP,
                                              .fields = &limit,
                                              .max = 2,
                                              .ja = "制限一覧",
                                              .en = "limits"},
                                             {0}};
static const struct rf_field map_root = {
    .type = RF_OBJECT, .fields = map_fields, .ja = "地図", .en = "map"};

static const struct rf_field test_root = {
    .type = RF_OBJECT, .fields = test_fields, .ja = "試験", .en = "test"};

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    assert_non_null(j);
    return j;
}

static const struct verr *find(const struct verr_list *l, const char *ptr, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].pointer, ptr) && !strcmp(l->v[i].code, code))
            return &l->v[i];
    return NULL;
}

static size_t run(const char *text, const struct schema_run *r, struct verr_list *errs)
{
    json_t *doc = parse(text);
    size_t n;
    struct schema_run def = {.root = &test_root};
    verr_list_init(errs, 50);
    n = schema_run(r ? r : &def, doc, errs);
    json_decref(doc);
    return n;
}

static void test_valid(void **state)
{
    struct verr_list errs;
    (void)state;
    hook_calls = 0;
    assert_int_equal(run("{\"n\": 3, \"tags\": [\"a\", \"b\"], \"span\": {\"from\": 1, \"to\": 2},"
                         " \"items\": [{\"level\": 2}]}",
                         NULL, &errs),
                     0);
    assert_int_equal(hook_calls, 1);
    assert_true(hook_saw_ok);
    verr_list_release(&errs);
}

/* A field's own code and text replace the engine's for a value out of range. */
static void test_invalid_message(void **state)
{
    struct verr_list errs;
    const struct verr *e;
    (void)state;
    assert_int_equal(run("{\"n\": 1, \"items\": [{\"level\": 9}]}", NULL, &errs), 1);
    assert_non_null(e = find(&errs, "/items/0/level", "range"));
    assert_string_equal(e->en, "items › #1 › level: must be a level from 1 to 5");
    assert_string_equal(e->ja, "項目一覧 › 1件目 › 段階: 1〜5 の段階で指定してください");
    verr_list_release(&errs);
    /* without one, the engine's own */
    assert_int_equal(run("{\"n\": 101}", NULL, &errs), 1);
    assert_non_null(e = find(&errs, "/n", "above_maximum"));
    assert_string_equal(e->en, "number: must be at most 100");
    verr_list_release(&errs);
}

/* Hooks run on values of the right type only, know whether the walk found a problem there,
 * and report at the value, a member or an item with the label path. */
static void test_hooks(void **state)
{
    struct verr_list errs;
    const struct verr *e;
    (void)state;
    hook_calls = 0;
    assert_int_equal(run("{\"n\": 4}", NULL, &errs), 1);
    assert_int_equal(hook_calls, 1);
    assert_non_null(e = find(&errs, "/n", "odd"));
    assert_string_equal(e->en, "number: must be odd");
    assert_string_equal(e->ja, "数: 奇数にしてください");
    verr_list_release(&errs);

    hook_calls = 0;
    assert_int_equal(run("{\"n\": \"4\"}", NULL, &errs), 1); /* type: no hook */
    assert_int_equal(hook_calls, 0);
    assert_non_null(find(&errs, "/n", "type"));
    verr_list_release(&errs);

    hook_calls = 0;
    assert_int_equal(run("{\"n\": 200}", NULL, &errs), 1); /* out of range: hook told so */
    assert_int_equal(hook_calls, 1);
    assert_false(hook_saw_ok);
    verr_list_release(&errs);

    assert_int_equal(run("{\"n\": 1, \"span\": {\"from\": 3, \"to\": 2}}", NULL, &errs), 1);
    assert_non_null(e = find(&errs, "/span/to", "order"));
    assert_string_equal(e->en, "span › to: is before from");
    verr_list_release(&errs);

    /* a problem below the object: its hook is told, and stays silent */
    assert_int_equal(run("{\"n\": 1, \"span\": {\"from\": 3, \"to\": \"2\"}}", NULL, &errs), 1);
    assert_non_null(find(&errs, "/span/to", "type"));
    verr_list_release(&errs);

    assert_int_equal(run("{\"n\": 1, \"items\": [{}, {}]}", NULL, &errs), 1);
    assert_non_null(e = find(&errs, "/items/1/level", "second"));
    assert_string_equal(e->en, "items › #2 › level: second item");
    verr_list_release(&errs);
}

static void test_unique_with_own_code(void **state)
{
    struct verr_list errs;
    const struct verr *e;
    (void)state;
    assert_int_equal(run("{\"n\": 1, \"tags\": [\"a\", \"b\", \"a\", \"b\"]}", NULL, &errs), 2);
    assert_non_null(e = find(&errs, "/tags/2", "duplicate"));
    assert_string_equal(e->en, "tags › #3: repeats a tag");
    assert_non_null(find(&errs, "/tags/3", "duplicate"));
    verr_list_release(&errs);
}

static void test_base_and_unknown(void **state)
{
    static const struct rf_msg unknown = {"unknown_field", "is not in test format 1",
                                          "試験形式第1版にない項目です"};
    struct schema_run r = {.root = &test_root, .base = "/docs/0", .unknown = &unknown};
    struct verr_list errs;
    const struct verr *e;
    (void)state;
    assert_int_equal(run("{\"n\": 1, \"a/b\": true}", &r, &errs), 1);
    assert_non_null(e = find(&errs, "/docs/0/a~1b", "unknown_field"));
    assert_string_equal(e->en, "a/b: is not in test format 1");
    verr_list_release(&errs);
    assert_int_equal(run("{\"x\": 1}", NULL, &errs), 2);
    assert_non_null(e = find(&errs, "/x", "unknown_field"));
    assert_string_equal(e->en, "x: is not a recognised field");
    assert_non_null(find(&errs, "/n", "required"));
    verr_list_release(&errs);
    assert_int_equal(run("[1]", &r, &errs), 1);
    assert_non_null(find(&errs, "/docs/0", "type"));
    verr_list_release(&errs);
}

static void test_navigation(void **state)
{
    struct buf b;
    struct verr_list errs;
    (void)state;
    assert_ptr_equal(schema_lookup(&test_root, "/items/-/level"), &item_fields[0]);
    assert_ptr_equal(schema_lookup(&test_root, "/span/to"), &span_fields[1]);
    assert_null(schema_lookup(&test_root, "/span/later"));
    assert_null(schema_lookup(&test_root, "/n/x"));
    buf_init(&b, 1024);
    schema_label_path(&test_root, "/items/2/level", true, &b);
    assert_string_equal(buf_cstr(&b), "項目一覧 › 3件目 › 段階");
    buf_release(&b);
    verr_list_init(&errs, 5);
    schema_emit_path(&test_root, &errs, "/span/from", "late", "is late", "遅い");
    assert_string_equal(errs.v[0].en, "span › from: is late");
    verr_list_release(&errs);
}

/* The generators work on any table: the JSON Schema and the Markdown reference. */
static void test_generators(void **state)
{
    json_t *s = schema_json(&test_root);
    struct buf md;
    (void)state;
    assert_string_equal(json_string_value(jsonx_ptr_get(s, "/properties/n/type")), "integer");
    assert_int_equal(json_integer_value(jsonx_ptr_get(s, "/properties/n/maximum")), 100);
    assert_int_equal(json_integer_value(jsonx_ptr_get(s, "/properties/items/maxItems")), 3);
    assert_string_equal(json_string_value(jsonx_ptr_get(s, "/required/0")), "n");
    assert_true(json_is_false(jsonx_ptr_get(s, "/additionalProperties")));
    json_decref(s);
    buf_init(&md, 65536);
    schema_markdown(&test_root, &md);
    assert_non_null(strstr(buf_cstr(&md), "| `/items/-/level` | integer |"));
    buf_release(&md);
}

/* A map: members named by data, each checked against the item and shown by its name; a bounded
 * count; an opaque string takes any characters; lookups, labels and the schema know maps. */
static void test_map_and_opaque(void **state)
{
    struct schema_run r = {.root = &map_root};
    struct verr_list errs;
    const struct verr *e;
    struct buf b;
    json_t *s;
    (void)state;
    assert_int_equal(
        run("{\"limits\": {\"a/b\": {\"max\": 1, \"key\": \"\\u0001\\t\"}}}", &r, &errs), 0);
    verr_list_release(&errs);
    assert_int_equal(run("{\"limits\": {\"cpu\": {\"max\": 10}, \"io\": {\"x\": 1}}}", &r, &errs),
                     3);
    assert_non_null(e = find(&errs, "/limits/cpu/max", "above_maximum"));
    assert_string_equal(e->en, "limits › cpu › max: must be at most 9");
    assert_non_null(find(&errs, "/limits/io/max", "required"));
    assert_non_null(find(&errs, "/limits/io/x", "unknown_field"));
    verr_list_release(&errs);
    assert_int_equal(run("{\"limits\": {\"a\": {\"max\": 1}, \"b\": {\"max\": 1},"
                         " \"c\": {\"max\": 1}}}",
                         &r, &errs),
                     1);
    assert_non_null(find(&errs, "/limits", "too_many_items"));
    verr_list_release(&errs);
    assert_int_equal(run("{\"limits\": [1]}", &r, &errs), 1);
    assert_non_null(find(&errs, "/limits", "type"));
    verr_list_release(&errs);

    assert_ptr_equal(schema_lookup(&map_root, "/limits/anything/max"), &limit_fields[0]);
    buf_init(&b, 1024);
    schema_label_path(&map_root, "/limits/cpu/max", false, &b);
    assert_string_equal(buf_cstr(&b), "limits › cpu › max");
    buf_release(&b);
    s = schema_json(&map_root);
    assert_string_equal(json_string_value(jsonx_ptr_get(s, "/properties/limits/type")), "object");
    assert_int_equal(json_integer_value(jsonx_ptr_get(s, "/properties/limits/maxProperties")), 2);
    assert_string_equal(json_string_value(jsonx_ptr_get(
                            s, "/properties/limits/additionalProperties/properties/max/type")),
                        "integer");
    assert_true(json_is_true(
        jsonx_ptr_get(s, "/properties/limits/additionalProperties/properties/key/writeOnly")));
    json_decref(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid_message),
        cmocka_unit_test(test_hooks),
        cmocka_unit_test(test_unique_with_own_code),
        cmocka_unit_test(test_base_and_unknown),
        cmocka_unit_test(test_navigation),
        cmocka_unit_test(test_generators),
        cmocka_unit_test(test_map_and_opaque),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
