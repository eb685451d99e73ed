/*
 * assess_int.h — helpers shared by the files of src/assess/ only.
 */
#ifndef ASSESS_ASSESS_INT_H
#define ASSESS_ASSESS_INT_H

#include "assess.h"
#include "../core/buf.h"
#include "../schema/schema.h"

/* The structure of a framework file as a field table, checked with the validation
 * engine of src/schema/ (assess_tables.c). */
extern const struct rf_field assess_framework_root;

/* Adds a problem whose messages quote s (at most 80 bytes, cut at a character boundary so the
 * message stays valid UTF-8): en_fmt and ja_fmt each contain exactly one "%.*s". */
void assess_emit_quoted(struct verr_list *errs, const char *pointer, const char *code,
                        const char *en_fmt, const char *ja_fmt, const char *s);

/* Rounds to two decimals (scores, completeness) or one (percentiles). */
double assess_round2(double x);
double assess_round1(double x);

/* Number of a score document's member, or NAN when it is absent or null. */
double assess_num(const json_t *o, const char *key);

#endif
