/*
 * audit.h — the hash chain of the append-only audit log (pure).
 *
 * Every mutation the service performs appends one entry in the same database transaction as
 * the mutation itself. Each entry's hash covers its own fields and the previous entry's hash,
 * so changing, removing or reordering any entry breaks the chain from that point on;
 * `ichigen audit verify` recomputes it and names the first entry that does not match.
 * What it is not: storage (store/ persists entries) or access control.
 */
#ifndef AUDIT_AUDIT_H
#define AUDIT_AUDIT_H

#include "../core/core.h"
#include "../core/hash.h"

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_rec {
    int64_t seq; /* 1, 2, 3 … without gaps */
    int64_t at;  /* ms since epoch, UTC */
    char actor[80];       /* user id, or "cli:<name>" / "system" */
    char action[48];      /* e.g. "report.create" */
    char object_type[24]; /* "report", "organization", "user", "token" */
    char object_id[64];
    char detail[128];     /* short, non-secret facts such as "version=2" */
    char payload_sha256[HASH_SHA256_HEX]; /* hash of the stored payload, or "" */
    char prev_hash[HASH_SHA256_HEX];
    char hash[HASH_SHA256_HEX];
};

/* Computes r->hash from the other fields (including prev_hash). */
void audit_seal(struct audit_rec *r);

/* Streaming verifier: feed entries in seq order. */
struct audit_verifier {
    int64_t expected_seq;
    char prev_hash[HASH_SHA256_HEX];
    int64_t checked;
    int64_t first_bad_seq; /* 0 while all is well */
    char reason[160];
};

void audit_verifier_init(struct audit_verifier *v);
/* Returns 0 while the chain holds, -1 at (and after) the first broken entry. */
int audit_verifier_feed(struct audit_verifier *v, const struct audit_rec *r);

#endif
