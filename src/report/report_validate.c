/*
 * report_validate.c — a report is valid when the engine's walk over the field table
 * (src/schema/) finds nothing and the rules that span fields (report_cross.c) find nothing.
 * Every problem is reported; nothing stops at the first.
 */
#include "report_int.h"

/* Members not in the table are named against the format's version, so a client on another
 * version learns why. */
static const struct rf_msg unknown_member = {
    "unknown_field", "is not a field of report format version 1", "報告様式第1版にない項目です"};

size_t report_validate(const json_t *doc, const struct schema_limits *lim, int64_t now_ms,
                       struct verr_list *errs)
{
    struct schema_run run = {
        .root = &report_root, .lim = lim, .now_ms = now_ms, .unknown = &unknown_member};
    size_t before = errs->n + errs->dropped;
    schema_run(&run, doc, errs);
    if (json_is_object(doc))
        report_cross_check(doc, lim, errs);
    return errs->n + errs->dropped - before;
}
