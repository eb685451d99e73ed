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

/* ---- stored objects against the hashes their entries recorded ----
 *
 * An intact chain proves the entries, not the objects they describe: an entry's
 * payload_sha256 pins the bytes of one stored object (a report version's body, a submission's
 * payload, an assessment's answers or scores, an organisation document's body). The store
 * reports each such object as a pin (store.h, audit_pins) — the SHA-256 of its bytes as they
 * are stored now next to the hash its entry recorded — and audit_pin_check judges it. */
struct audit_pin {
    char kind[24]; /* the entry's object_type: report, submission, assessment, asset … */
    char id[64];
    int version;   /* report versions; 0 for the others */
    char part[12]; /* which bytes: body, payload, answers, scores */
    bool present;  /* false: an entry pins this object, but it is no longer stored */
    bool required; /* every object of its kind has an entry (false: submissions made before
                      entries pinned their payloads have none) */
    char stored_sha256[HASH_SHA256_HEX];   /* of the bytes stored now; "" when not present */
    char recorded_sha256[HASH_SHA256_HEX]; /* in the pinning entry; "" when there is none */
    int64_t seq;                           /* that entry, 0 when there is none */
};

enum audit_pin_verdict {
    AUDIT_PIN_MATCH,      /* stored bytes are the recorded ones */
    AUDIT_PIN_DIFFERS,    /* stored bytes changed after the entry recorded them */
    AUDIT_PIN_MISSING,    /* the entry's object was removed */
    AUDIT_PIN_UNRECORDED, /* stored, but no entry records it (written around the service) */
    AUDIT_PIN_UNCHECKED,  /* no entry, and none was written for it when it was made */
    AUDIT_PIN_LATER,      /* its entry is newer than verified_upto: not judged this time */
};

/* Judges one pin against the chain verified up to entry verified_upto (entries after it were
 * appended while verifying, or are not proven). When the verdict is DIFFERS, MISSING or
 * UNRECORDED, writes into why (at most n bytes) one line naming the object — kind, id, version
 * for report versions — and both hashes, e.g. "report <id> version 2: SHA-256 of the stored
 * body is …, audit entry 17 recorded …"; otherwise why is "". */
enum audit_pin_verdict audit_pin_check(const struct audit_pin *p, int64_t verified_upto, char *why,
                                       size_t n);

#endif
