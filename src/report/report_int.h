/*
 * report_int.h — helpers shared by the files of src/report/ only.
 */
#ifndef REPORT_REPORT_INT_H
#define REPORT_REPORT_INT_H

#include "report.h"

/* The rules that span fields; called by report_validate after the structural walk. Problems
 * are added with schema_emit_path over report_root, so they carry the same label paths. */
void report_cross_check(const json_t *doc, const struct schema_limits *lim, struct verr_list *errs);

#endif
