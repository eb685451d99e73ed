/*
 * schema_gen.c — generates, from a field table, its JSON Schema (draft 2020-12) and its
 * Markdown field reference. The owner of a table adds the document-level parts ($schema, $id,
 * title, description); `ichigen report schema` / `report fields` print the report format's, and
 * tests compare them with the committed files.
 *
 * The schema describes structure, types, enumerations, lengths and counts exactly; checks that
 * only the validator makes (check digits, code lists, hooks, cross-field rules) are for the
 * owner's description to name.
 */
#include "schema.h"

static const char *const type_names[] = {
    [RF_OBJECT] = "object",   [RF_ARRAY] = "array",   [RF_STRING] = "string", [RF_TEXT] = "string",
    [RF_INTEGER] = "integer", [RF_NUMBER] = "number", [RF_BOOL] = "boolean",  [RF_TRI] = "string",
    [RF_ENUM] = "string",     [RF_TIME] = "string",   [RF_DATE] = "string",   [RF_MAP] = "object",
};

static json_t *schema_of(const struct rf_field *f);

static json_t *enum_schema(const struct rf_field *f, json_t *s)
{
    json_t *vals = json_array(), *ja = json_object(), *en = json_object();
    for (const struct rf_enum *e = f->values; e->value; e++) {
        json_array_append_new(vals, json_string(e->value));
        json_object_set_new(ja, e->value, json_string(e->ja));
        json_object_set_new(en, e->value, json_string(e->en));
    }
    json_object_set_new(s, "enum", vals);
    json_object_set_new(s, "x-labels-ja", ja);
    json_object_set_new(s, "x-labels-en", en);
    return s;
}

static void string_schema(const struct rf_field *f, json_t *s)
{
    if (f->type == RF_TIME) {
        json_object_set_new(s, "format", json_string("date-time"));
        json_object_set_new(s, "pattern",
                            json_string("^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
                                        "(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"));
        return;
    }
    if (f->type == RF_DATE) {
        json_object_set_new(s, "format", json_string("date"));
        return;
    }
    json_object_set_new(s, "minLength", json_integer(1));
    json_object_set_new(s, "maxLength", json_integer(schema_field_max(f)));
    if (f->flags & RF_OPAQUE)
        json_object_set_new(s, "writeOnly", json_true()); /* a secret: never shown back */
    if (f->format == RFMT_EMAIL)
        json_object_set_new(s, "format", json_string("email"));
    else if (f->format == RFMT_URL)
        json_object_set_new(s, "format", json_string("uri"));
    const char *pat = schema_format_pattern(f->format);
    if (pat[0])
        json_object_set_new(s, "pattern", json_string(pat));
    if (f->format != RFMT_NONE) {
        json_object_set_new(s, "x-format", json_string(schema_format_name(f->format, false)));
        json_object_set_new(s, "x-format-ja", json_string(schema_format_name(f->format, true)));
    }
    if (f->type == RF_TEXT)
        json_object_set_new(s, "x-multiline", json_true());
}

/* Properties in the table's order as x-order: a JSON object has none (and the server sorts keys
 * for canonical output), but a form generated from the schema should ask in the order the
 * table — and the authorities' forms — give (名称（日本語） before 名称（英語）). */
static void object_schema(const struct rf_field *f, json_t *s)
{
    json_t *props = json_object(), *req = json_array(), *order = json_array();
    for (const struct rf_field *m = f->fields; m->name; m++) {
        json_array_append_new(order, json_string(m->name));
        json_object_set_new(props, m->name, schema_of(m));
        if (m->flags & RF_REQUIRED)
            json_array_append_new(req, json_string(m->name));
    }
    json_object_set_new(s, "properties", props);
    json_object_set_new(s, "x-order", order);
    if (json_array_size(req))
        json_object_set_new(s, "required", req);
    else
        json_decref(req);
    json_object_set_new(s, "additionalProperties", json_false());
}

static json_t *schema_of(const struct rf_field *f)
{
    json_t *s = json_object();
    json_object_set_new(s, "title", json_string(f->en));
    json_object_set_new(s, "x-title-ja", json_string(f->ja));
    if (f->regimes && f->regimes[0])
        json_object_set_new(s, "x-regimes", json_string(f->regimes));
    json_object_set_new(s, "type", json_string(type_names[f->type]));
    switch (f->type) {
    case RF_OBJECT:
        object_schema(f, s);
        break;
    case RF_ARRAY:
        json_object_set_new(s, "items", schema_of(f->fields));
        if (f->min)
            json_object_set_new(s, "minItems", json_integer(f->min));
        json_object_set_new(s, "maxItems", json_integer(schema_field_max(f)));
        if (f->flags & RF_UNIQUE)
            json_object_set_new(s, "uniqueItems", json_true());
        break;
    case RF_MAP:
        json_object_set_new(s, "additionalProperties", schema_of(f->fields));
        if (f->min)
            json_object_set_new(s, "minProperties", json_integer(f->min));
        json_object_set_new(s, "maxProperties", json_integer(schema_field_max(f)));
        break;
    case RF_INTEGER:
    case RF_NUMBER:
        json_object_set_new(s, "minimum", json_integer(f->min));
        if (f->max)
            json_object_set_new(s, "maximum", json_integer(f->max));
        break;
    case RF_BOOL:
        break;
    case RF_ENUM:
    case RF_TRI:
        enum_schema(f, s);
        break;
    default:
        string_schema(f, s);
    }
    return s;
}

json_t *schema_json(const struct rf_field *root)
{
    return schema_of(root);
}

/* ---- Markdown field reference ---- */

static void md_limits(const struct rf_field *f, struct buf *out)
{
    switch (f->type) {
    case RF_STRING:
    case RF_TEXT:
        buf_appendf(out, "≤ %lld chars", (long long)schema_field_max(f));
        if (f->format)
            buf_appendf(out, "; %s", schema_format_name(f->format, false));
        break;
    case RF_ARRAY:
        buf_appendf(out, "%lld–%lld items%s", (long long)f->min, (long long)schema_field_max(f),
                    f->flags & RF_UNIQUE ? ", distinct" : "");
        break;
    case RF_MAP:
        buf_appendf(out, "%lld–%lld members", (long long)f->min, (long long)schema_field_max(f));
        break;
    case RF_INTEGER:
    case RF_NUMBER:
        buf_appendf(out, "%lld–%lld", (long long)f->min, (long long)f->max);
        break;
    case RF_TIME:
        buf_puts(out, "RFC 3339 with offset");
        break;
    case RF_ENUM:
    case RF_TRI:
        for (const struct rf_enum *e = f->values; e->value; e++)
            buf_appendf(out, "%s`%s`", e == f->values ? "" : ", ", e->value);
        break;
    default:
        break;
    }
}

static const char *md_type(const struct rf_field *f)
{
    switch (f->type) {
    case RF_TEXT:
        return "text";
    case RF_TRI:
        return "yes/no/unknown";
    case RF_ENUM:
        return "enum";
    case RF_TIME:
        return "date-time";
    case RF_DATE:
        return "date";
    default:
        return type_names[f->type];
    }
}

static void md_walk(const struct rf_field *f, struct buf *path, struct buf *out)
{
    size_t base = path->len;
    for (const struct rf_field *m = f->fields; m->name; m++) {
        buf_appendf(path, "/%s", m->name);
        buf_appendf(out, "| `%s` | %s | %s | ", buf_cstr(path), md_type(m),
                    m->flags & RF_REQUIRED ? "**core**" : "");
        md_limits(m, out);
        buf_appendf(out, " | %s | %s | %s |\n", m->ja, m->en, m->regimes ? m->regimes : "");
        const struct rf_field *inner = m;
        if (m->type == RF_ARRAY || m->type == RF_MAP) {
            buf_puts(path, m->type == RF_ARRAY ? "/-" : "/*");
            inner = m->fields;
            if (inner->type != RF_OBJECT) {
                buf_appendf(out, "| `%s` | %s | | ", buf_cstr(path), md_type(inner));
                md_limits(inner, out);
                buf_puts(out, " | | | |\n");
            }
        }
        if (inner->type == RF_OBJECT)
            md_walk(inner, path, out);
        buf_truncate(path, base);
    }
}

void schema_markdown(const struct rf_field *root, struct buf *out)
{
    struct buf path;
    buf_init(&path, 4096);
    buf_puts(&path, "");
    buf_puts(out, "| pointer | type | stage | values / limits | 項目名 | field | regimes |\n"
                  "|---|---|---|---|---|---|---|\n");
    md_walk(root, &path, out);
    buf_release(&path);
}
