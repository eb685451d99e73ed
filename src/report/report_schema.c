/*
 * report_schema.c — the report format's JSON Schema (draft 2020-12) and Markdown field
 * reference: the engine's generators (schema/schema_gen.c) over report_root, plus the
 * document-level parts. `ichigen report schema` and `ichigen report fields` print them; tests
 * compare them with the committed files.
 *
 * A few checks live only in the validator (check digits, country/currency code lists,
 * indicator values by type, time order, cross-field consistency); the description says so.
 */
#include "report_int.h"

json_t *report_schema(void)
{
    json_t *s = schema_json(&report_root);
    json_object_set_new(s, "$schema", json_string("https://json-schema.org/draft/2020-12/schema"));
    json_object_set_new(s, "$id", json_string("urn:ichigen:report-format:" REPORT_FORMAT_VERSION));
    /* an annotation keyword (JSON Schema 2020-12 §6.5 allows them): the compatible revision */
    json_object_set_new(s, "x-ichigen-revision", json_string(REPORT_FORMAT_REVISION));
    json_object_set_new(
        s, "title",
        json_string("ichigen unified incident report, format version " REPORT_FORMAT_VERSION));
    json_object_set_new(
        s, "description",
        json_string("Generated from src/report/report_fields.c by `ichigen report schema`; do "
                    "not edit. Beyond this schema the service's validator also checks: "
                    "corporate-number and LEI check digits; ISO 3166-1 country and ISO 4217 "
                    "currency code lists; indicator values by type (defanged values refused); "
                    "every time has an explicit UTC offset (-00:00 refused), is not before "
                    "1990-01-01 and not in the future beyond a clock-skew allowance (deadlines "
                    "excepted); the order of related times; that entity has name_ja or name_en "
                    "and each contact an e-mail or telephone; consistency of yes/no answers with "
                    "details given; a currency for every amount (docs/report-format.md)."));
    return s;
}

void report_fields_markdown(struct buf *out)
{
    schema_markdown(&report_root, out);
}
