#include "audit.h"

/* The hashed text is every field as "<length>:<bytes>\n" in a fixed order, so no choice of
 * field contents can move text from one field into its neighbour without changing the hash. */
static void put(struct hash_sha256_ctx *c, const char *s)
{
    char len[24];
    int n = snprintf(len, sizeof(len), "%zu:", strlen(s));
    hash_sha256_update(c, len, (size_t)n);
    hash_sha256_update(c, s, strlen(s));
    hash_sha256_update(c, "\n", 1);
}

static void compute(const struct audit_rec *r, char out[HASH_SHA256_HEX])
{
    char seq[24], at[24];
    struct hash_sha256_ctx c;
    snprintf(seq, sizeof(seq), "%lld", (long long)r->seq);
    snprintf(at, sizeof(at), "%lld", (long long)r->at);
    const char *fields[] = {seq,       at,       r->actor,          r->action,   r->object_type,
                            r->object_id, r->detail, r->payload_sha256, r->prev_hash};
    hash_sha256_begin(&c);
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        put(&c, fields[i]);
    hash_sha256_final_hex(&c, out);
}

void audit_seal(struct audit_rec *r)
{
    compute(r, r->hash);
}

void audit_verifier_init(struct audit_verifier *v)
{
    v->expected_seq = 1;
    xstrlcpy(v->prev_hash, AUDIT_GENESIS, sizeof(v->prev_hash));
    v->checked = 0;
    v->first_bad_seq = 0;
    v->reason[0] = '\0';
}

static int broken(struct audit_verifier *v, int64_t seq, const char *why)
{
    v->first_bad_seq = seq;
    xstrlcpy(v->reason, why, sizeof(v->reason));
    return -1;
}

int audit_verifier_feed(struct audit_verifier *v, const struct audit_rec *r)
{
    char h[HASH_SHA256_HEX];
    if (v->first_bad_seq)
        return -1;
    if (r->seq != v->expected_seq)
        return broken(v, v->expected_seq, r->seq > v->expected_seq
                                              ? "entry missing (sequence gap)"
                                              : "entry out of order or duplicated");
    if (strcmp(r->prev_hash, v->prev_hash))
        return broken(v, r->seq, "prev_hash does not match the previous entry's hash");
    compute(r, h);
    if (strcmp(h, r->hash))
        return broken(v, r->seq, "entry contents do not match its hash (altered)");
    xstrlcpy(v->prev_hash, r->hash, sizeof(v->prev_hash));
    v->expected_seq++;
    v->checked++;
    return 0;
}

/* ---- stored objects against their entries ---- */

/* "report <id> version 2" or "asset <id>". */
static void name_of(const struct audit_pin *p, char *out, size_t n)
{
    if (p->version > 0)
        snprintf(out, n, "%s %s version %d", p->kind, p->id, p->version);
    else
        snprintf(out, n, "%s %s", p->kind, p->id);
}

enum audit_pin_verdict audit_pin_check(const struct audit_pin *p, int64_t verified_upto, char *why,
                                       size_t n)
{
    char name[128];
    why[0] = '\0';
    if (p->seq > verified_upto)
        return AUDIT_PIN_LATER;
    name_of(p, name, sizeof(name));
    if (!p->present) {
        snprintf(why, n,
                 "%s: audit entry %lld recorded its %s (SHA-256 %s), but it is no longer stored",
                 name, (long long)p->seq, p->part, p->recorded_sha256);
        return AUDIT_PIN_MISSING;
    }
    if (!p->recorded_sha256[0]) {
        if (!p->required)
            return AUDIT_PIN_UNCHECKED;
        snprintf(why, n, "%s: stored, but no audit entry records its %s (SHA-256 %s)", name,
                 p->part, p->stored_sha256);
        return AUDIT_PIN_UNRECORDED;
    }
    if (strcmp(p->stored_sha256, p->recorded_sha256)) {
        snprintf(why, n, "%s: SHA-256 of the stored %s is %s, audit entry %lld recorded %s", name,
                 p->part, p->stored_sha256, (long long)p->seq, p->recorded_sha256);
        return AUDIT_PIN_DIFFERS;
    }
    return AUDIT_PIN_MATCH;
}
