/*
 * report_gen.h — arbitrary *valid* unified reports from a fuzzer's bytes (issue 8 item 1).
 *
 * What it is: a generator that walks the report field table (src/report/report_fields.c) and,
 * reading one choice at a time from the input, leaves every optional field sometimes absent,
 * sometimes at its length or count limit, and fills strings with plain ASCII, Japanese, emoji
 * sequences or odd-but-legal Unicode (combining marks, right-to-left text, bidi and zero-width
 * format characters, supplementary-plane ideographs, fullwidth/halfwidth forms, private use).
 * Formats (法人番号 and LEI with their check digits, e-mail, URL, CVE, ATT&CK …), time order,
 * indicator values by type and the cross-field rules are honoured by construction, so nearly
 * every input gives a report that report_validate accepts; the rest are repaired by dropping
 * the optional fields the validator names, and given up on (NULL) if that does not suffice.
 * An exhausted input reads as zeros, which means "absent" for every optional field: the
 * shortest inputs give the sparsest reports.
 *
 * What it is not: a validator, or a source of *invalid* reports (fuzz_report does those).
 * Who calls it: fuzz targets only (fuzz_render). Deterministic: same bytes, same report.
 */
#ifndef FUZZ_REPORT_GEN_H
#define FUZZ_REPORT_GEN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A valid report (new reference) built from data, or NULL when the generator could not make a
 * valid one. now_ms bounds the times (all earlier, except those the format lets lie ahead).
 * recipients (may be NULL, n = 0) are real recipient ids, used in /confidentiality/consent so
 * that the per-recipient projection has something to act on.
 */
json_t *report_gen(const uint8_t *data, size_t size, int64_t now_ms, const char *const *recipients,
                   size_t n);

#endif
