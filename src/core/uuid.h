/*
 * uuid.h — UUIDv7 identifiers (RFC 9562 §5.7): 48-bit Unix milliseconds, then randomness, so ids
 * sort by creation time (useful for cursors and B-tree locality) and STIX can use them as-is.
 */
#ifndef CORE_UUID_H
#define CORE_UUID_H

#include "core.h"

#define UUID_STR_LEN 37 /* 36 characters + NUL */

/* Pure: builds a v7 UUID string from a timestamp and 10 random bytes. */
void uuid_v7_format(int64_t unix_ms, const unsigned char rnd[10], char out[UUID_STR_LEN]);

/* Edge: current time + OS randomness. Strictly increasing within this process (a 12-bit
 * counter for ids in the same millisecond, RFC 9562 §6.2 method 1). Thread-safe. */
void uuid_v7_new(char out[UUID_STR_LEN]);

/* True if s is a canonical lower-case hyphenated UUID (any version). */
bool uuid_valid(const char *s, size_t n);

#endif
