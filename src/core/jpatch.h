/*
 * jpatch.h — JSON Patch (RFC 6902): computing the difference between two documents, and
 * applying a patch. Pure; used by the report version diff endpoint and its tests.
 *
 * The diff is correct (applying it to `from` yields `to`) and deterministic (object members
 * in byte order of their keys), not necessarily minimal: for arrays it keeps the common prefix
 * and suffix and pairs up the middle.
 */
#ifndef CORE_JPATCH_H
#define CORE_JPATCH_H

#include <jansson.h>

#include "core.h"

/* Returns a new reference to a JSON array of operations (add, remove, replace). */
json_t *jpatch_diff(const json_t *from, const json_t *to);

/* Applies patch (an array of operations: add, remove, replace, move, copy, test) to a deep copy
 * of doc. Returns a new reference, or NULL with a message in err (if given) when an operation is
 * malformed, a path does not exist, or a test fails (RFC 6902 §5: the whole patch fails). */
json_t *jpatch_apply(const json_t *doc, const json_t *patch, char *err, size_t errsz);

#endif
