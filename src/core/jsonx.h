/*
 * jsonx.h — jansson helpers: bounded parsing with precise error positions, canonical output,
 * and JSON Pointer (RFC 6901) building.
 *
 * Ownership follows jansson: a function documented "new reference" returns a json_t the caller
 * must json_decref; "borrowed" means the caller must not.
 */
#ifndef CORE_JSONX_H
#define CORE_JSONX_H

#include <jansson.h>

#include "core.h"
#include "buf.h"

enum jsonx_err {
    JSONX_OK = 0,
    JSONX_ESYNTAX = -1,   /* malformed JSON; line/column/position say where */
    JSONX_EDEPTH = -2,    /* nesting deeper than allowed; position is the opening bracket */
    JSONX_ENOTOBJ = -3,   /* valid JSON but the top level is not an object */
};

struct jsonx_error {
    int line;          /* 1-based */
    int column;        /* 1-based, in characters (UTF-8 sequences count once) */
    long position;     /* 0-based byte offset */
    char text[160];    /* the reason in English, naming what was found where it helps */
    char text_ja[160]; /* the same reason in Japanese */
};

/* Checks bracket nesting without building anything. Returns 0, or the byte offset + 1 of the
 * first bracket that exceeds max_depth. Strings (with escapes) are skipped correctly.
 * jsonx_parse() checks the depth in its own pass; this is for text handed to jansson as is. */
size_t jsonx_depth_exceeded(const char *p, size_t n, int max_depth);

/* Parses one JSON text (RFC 8259 §2: any value, surrounded by optional whitespace) from
 * p[0..n), which need not be NUL-terminated, with our own parser (jparse.c). It accepts exactly
 * what json_loadb(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY) accepts and builds the same values
 * (fuzz/fuzz_jparse.c checks both against jansson), except that it refuses a NUL byte after a
 * number or a literal, which jansson 2.14 silently drops ("9\0" is not JSON):
 *  - UTF-8 only (RFC 8259 §8.1, RFC 3629: no overlong forms, no surrogates, ≤ U+10FFFF); a byte
 *    order mark is refused; \u escapes of surrogates must pair up; \u0000 is refused;
 *  - duplicate keys in one object are refused (§4 leaves them undefined; we refuse ambiguity);
 *  - an integer must fit json_int_t, else it is an error; other numbers become the double that
 *    strtod gives in the C locale, and one that overflows to infinity is an error;
 *  - containers nested deeper than max_depth (clamped to JSON_PARSER_MAX_DEPTH) are refused
 *    with JSONX_EDEPTH, positioned at the first bracket too many.
 * Returns JSONX_OK with *out a new reference, or JSONX_ESYNTAX / JSONX_EDEPTH with *out NULL
 * and e (if not NULL) filled. The error position is the offending byte (the start of the token
 * that cannot be there, the first byte of an invalid UTF-8 sequence, the opening quote of a
 * duplicate key, the backslash of a bad escape, the start of an out-of-range number, or n at
 * a premature end). A text with several faults reports the first one met from the left. */
int jsonx_parse(const char *p, size_t n, int max_depth, json_t **out, struct jsonx_error *e);

/* Parses a JSON object from p[0..n) with jsonx_parse(). JSONX_ENOTOBJ (at line 1, column 1)
 * when the text is valid but its top level is not an object. On success *out is a new
 * reference. On error *out is NULL and e (if given) says where. */
int jsonx_load_object(const char *p, size_t n, int max_depth, json_t **out, struct jsonx_error *e);

/* Appends the canonical form of j (compact, keys sorted by byte value, UTF-8 as is, strings
 * escaped as jansson escapes them, reals in the shortest of 15, 16 or 17 significant digits that
 * reads back as the same double) to b. The bytes are those jansson's compact, sorted dump gives
 * with JSON_REAL_PRECISION(15) whenever 15 digits suffice.
 * Returns 0 or BUF_EFULL (b unchanged). The same value always yields the same bytes. */
int jsonx_dump_canonical(const json_t *j, struct buf *b);

/* Number of Unicode code points in valid UTF-8 (jansson has validated it). */
size_t jsonx_utf8_len(const char *s, size_t n);

/* Appends "/" + the RFC 6901-escaped token to a pointer buffer. */
int jsonx_ptr_push(struct buf *ptr, const char *token, size_t n);
int jsonx_ptr_push_index(struct buf *ptr, size_t index);

/* Decodes one reference token at p (up to the next '/' or the end) into a new heap string;
 * *used receives its length in p. Returns NULL on an invalid escape. */
char *jsonx_ptr_token(const char *p, size_t *used);

/* Finds where the value at `pointer` starts in the JSON text p[0..n) (which must be valid
 * JSON). Returns 0 and sets *line and *column (1-based, columns in characters), or -1 when the
 * pointer does not exist. Used to give file:line:column in errors about data files, since
 * jansson keeps no positions. O(n) per call: for error paths, not hot paths. */
int jsonx_locate(const char *p, size_t n, const char *pointer, int *line, int *column);

/* Resolves an RFC 6901 pointer in doc. Returns a borrowed reference or NULL. */
json_t *jsonx_ptr_get(json_t *doc, const char *ptr);

#endif
