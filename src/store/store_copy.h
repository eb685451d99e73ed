/*
 * store_copy.h — copying everything one store holds into another (issue 14 item 3: migrating a
 * SQLite deployment to PostgreSQL, `ichigen store copy SRC DST`), whatever their backends.
 *
 * What it is: the policy around the backends' copy_* operations (store.h): which stores may be
 * copied (the same schema version, the same tables and columns, an empty destination), which
 * tables the migrations themselves fill (their rows are replaced, not refused), and the proof
 * that the destination holds what the source held (each table's row count and a SHA-256 of its
 * rows, read back from the destination after the commit). What it is not: the audit chain's
 * verification (cli_audit.c, run on both sides by `ichigen store copy`) nor the SQL.
 * Who calls it: the CLI (cli_store.c) and the conformance suite.
 */
#ifndef STORE_STORE_COPY_H
#define STORE_STORE_COPY_H

#include "store.h"

/* One table's content: how many rows and the SHA-256 of them all in the scan's canonical order
 * (each value with its kind and length, so no two different tables hash alike). */
struct store_copy_table {
    char name[STORE_NAME_MAX];
    int64_t rows;
    char sha256[HASH_SHA256_HEX];
};
struct store_copy_report {
    struct store_copy_table *tables;
    size_t n;
};
void store_copy_report_release(struct store_copy_report *r);

/* Whether the migrations fill `table` with rows of their own (the server keys, made once with
 * the schema): a destination's such rows are replaced by the source's — the source's keys are
 * what its sealed two-factor secrets and throttle states were made with. */
bool store_copy_seeded(const char *table);

/* Every table of s with its row count and digest, in one snapshot (copy_scan: refused with
 * STORE_CONFLICT while another process uses s). STORE_OK, else e says why. */
int store_copy_digest(struct store *s, struct store_copy_report *out, struct err *e);

/* Copies every row of src into dst in one transaction of dst and reads dst back: STORE_OK with
 * *out the tables copied (rows, digest), or with e saying why nothing was copied —
 * STORE_CONFLICT: the schema versions differ, dst is not empty, or another process uses src;
 * STORE_INVALID: the two schemas do not have the same tables and columns (every difference
 * named); STORE_UNAVAILABLE: a backend failed. A destination that reads back other than the
 * source gives STORE_CONFLICT naming the tables (the copy is committed then: see e). */
int store_copy(struct store *src, struct store *dst, struct store_copy_report *out, struct err *e);

#endif
