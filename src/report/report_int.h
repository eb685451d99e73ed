/*
 * report_int.h — helpers shared by the files of src/report/ only.
 */
#ifndef REPORT_REPORT_INT_H
#define REPORT_REPORT_INT_H

#include "report.h"

/* Default limits for fields whose table entry gives max = 0. */
#define RF_DEFAULT_STRING_MAX 200
#define RF_DEFAULT_TEXT_MAX 20000

enum fmt_result { FMT_OK = 0, FMT_BAD = 1, FMT_CHECK_DIGIT = 2, FMT_DEFANGED = 3 };

/* Checks s (n bytes, valid UTF-8) against a format. */
enum fmt_result report_format_check(enum rf_format f, const char *s, size_t n);

/* Checks an indicator value against its type ("ipv4", "sha256" …). */
enum fmt_result report_indicator_check(const char *type, const char *s, size_t n);

/* The human names of formats and indicator types, for messages. */
const char *report_format_name(enum rf_format f, bool ja);

/* A regex that the generated JSON Schema uses for a format ("" if none is expressible). */
const char *report_format_pattern(enum rf_format f);

/* Effective maximum length / item count of a field. */
int64_t report_field_max(const struct rf_field *f);

#endif

/* Appends the label path of a JSON Pointer into the report ("Time anchors › Time of
 * detection", "連絡先 › 2件目 › 氏名") to out. Unknown tokens are shown as they are. */
void report_label_path(const char *pointer, bool ja, struct buf *out);

/* Adds a problem at pointer with the label path prefixed to both messages. */
void report_emit(struct verr_list *errs, const char *pointer, const char *code, const char *en,
                 const char *ja);

/* The rules that span fields; called by report_validate after the structural walk. */
void report_cross_check(const json_t *doc, const struct report_limits *lim,
                        struct verr_list *errs);
