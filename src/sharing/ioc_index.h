/*
 * ioc_index.h — the in-memory correlation index (issue 13 item 3): canonical indicator →
 * the sorted list of its postings (64-bit ids chosen by the caller: an object reference such
 * as "indicator row 123 of report 45"), with the matching rules of ioc.h:
 *   - hashes, URLs, e-mail addresses, ssdeep: exact;
 *   - domains: a query for a.b.evil.example finds the indicators a.b.evil.example (exact),
 *     b.evil.example and evil.example (covering), never notevil.example (a single-label
 *     suffix such as "test" only if one was stored: warninglists do, indicators cannot);
 *   - addresses and blocks: a query address or block finds every stored block containing it
 *     (covering, /0 included) and itself (exact); a query block also finds every stored
 *     address or block inside it (inside).
 * There is no cap on matches (MISP stops correlating at 100): a query visits every match
 * through a callback, or only counts them, so a caller never has to materialise a list.
 *
 * What it is not: the store (the index is rebuilt from it at start-up with ioc_index_build and
 * kept current with ioc_index_add / ioc_index_remove as reports are filed and amended), nor
 * the privacy rule about what a match may reveal (the caller's, docs/sharing.md §1 and §3).
 *
 * Design (docs/sharing.md §3, "The index"): the fixed-size kinds — MD5, SHA-1, SHA-256 (a
 * table each) and addresses (a table per prefix length: 33 for IPv4, 129 for IPv6) — keep their
 * binary key, posting count and first posting in the slot itself, so a lookup decides and counts
 * a match from one memory read; the text kinds share one table of entry numbers, the entries
 * (24 bytes, the first posting inline) in an arena with their text right after them. A query
 * probes only the prefix lengths and domain depths that hold at least one indicator, and
 * prefetches all its probes before reading any.
 *
 * Concurrency: one writer and any number of readers. Every function takes the index's
 * reader-writer lock (writers preferred, so a stream of HTTP readers cannot starve the
 * writer); queries hold the read lock for their duration, including the callback, which
 * therefore must not call ioc_index_add/remove/build on the same index.
 */
#ifndef SHARING_IOC_INDEX_H
#define SHARING_IOC_INDEX_H

#include "../core/core.h"
#include "ioc.h"

enum ioc_index_result {
    IOC_INDEX_OK = 0,
    IOC_INDEX_EXISTS = 1,   /* add: the pair was already there (nothing changed) */
    IOC_INDEX_NOTFOUND = 2, /* remove: the pair was not there */
    IOC_INDEX_EINVAL = -1,  /* the value is not canonical text of its type */
    /* the text kinds' entries with their text would pass 32 GiB (entry numbers are 32-bit
     * offsets in 8-byte units): some 400 million domains, URLs, e-mail addresses, ssdeep */
    IOC_INDEX_EFULL = -2,
};

/* A value of a type, parsed once for the index: for addresses and hashes the binary form, for
 * the rest the text (borrowed: it must outlive the key). */
struct ioc_key {
    enum ioc_type type;
    uint8_t prefix;   /* addresses: prefix length */
    uint8_t labels;   /* domains: number of labels */
    uint32_t len;     /* bytes of the key */
    const char *text; /* text kinds: the canonical text */
    uint8_t bin[32];  /* addresses: 4 or 16 bytes; hashes: 16, 20 or 32 bytes */
};

/* Parses canonical text of a type (as ioc_normalise writes it; hex digits of hashes in either
 * case) into k. Returns 0, or IOC_INDEX_EINVAL (an address with host bits set, a hash of the
 * wrong length, an empty or over-long value, an unknown type). Text kinds are not re-checked:
 * a value that is not canonical is indexed as it is and matches only itself. */
int ioc_key_parse(struct ioc_key *k, enum ioc_type type, const char *value, size_t len);
/* The same from a normalised value (v must outlive k). */
int ioc_key_from_value(struct ioc_key *k, const struct ioc_value *v);

struct ioc_index;

/* A new, empty index. seed randomises its hash function (pass random bits in the service, a
 * constant in tests and benchmarks). Never NULL. */
struct ioc_index *ioc_index_new(uint64_t seed);
void ioc_index_free(struct ioc_index *ix);

/* One indicator occurrence, for ioc_index_build. */
struct ioc_index_item {
    enum ioc_type type;
    const char *value; /* canonical text */
    size_t len;
    uint64_t posting;
};

/* Adds n items under one write lock, sizing the tables once (start-up rebuild from the store).
 * Items that fail ioc_key_parse are skipped and counted in *rejected (may be NULL). Returns
 * IOC_INDEX_OK or IOC_INDEX_EFULL (the items before the one that did not fit are in). */
int ioc_index_build(struct ioc_index *ix, const struct ioc_index_item *items, size_t n,
                    size_t *rejected);

/* Adds the pair (indicator, posting). Returns IOC_INDEX_OK, IOC_INDEX_EXISTS, EINVAL or EFULL. */
int ioc_index_add(struct ioc_index *ix, enum ioc_type type, const char *value, size_t len,
                  uint64_t posting);
int ioc_index_add_key(struct ioc_index *ix, const struct ioc_key *k, uint64_t posting);
/* Removes the pair; the indicator goes when its last posting does. Returns IOC_INDEX_OK,
 * IOC_INDEX_NOTFOUND or IOC_INDEX_EINVAL. */
int ioc_index_remove(struct ioc_index *ix, enum ioc_type type, const char *value, size_t len,
                     uint64_t posting);
int ioc_index_remove_key(struct ioc_index *ix, const struct ioc_key *k, uint64_t posting);

enum ioc_match_kind {
    IOC_MATCH_EXACT = 0, /* the stored indicator is the query */
    IOC_MATCH_COVERS,    /* it covers the query: a parent domain, a block containing it */
    IOC_MATCH_INSIDE,    /* it lies inside the query block */
};

/* One matching indicator, valid only during the callback. */
struct ioc_match {
    enum ioc_type type;
    enum ioc_match_kind kind;
    const char *text; /* its canonical text (NUL-terminated) */
    size_t len;
    const uint64_t *postings; /* ascending, no duplicates */
    size_t npostings;
};

/* Called once per matching indicator; a non-zero return stops the query. */
typedef int (*ioc_match_fn)(const struct ioc_match *m, void *arg);

struct ioc_count {
    uint64_t indicators; /* matching indicators */
    uint64_t postings;   /* the sum of their postings (the same posting may be counted under
                            two indicators, e.g. a domain and its parent) */
};

/*
 * Finds every indicator matching k (rules above), calling fn for each (fn may be NULL: only
 * count). The order: exact, then covering (most specific first), then inside. count (may be
 * NULL) receives the totals of what was visited. Returns the number of matching indicators
 * visited, or IOC_INDEX_EINVAL.
 */
int64_t ioc_index_query_key(const struct ioc_index *ix, const struct ioc_key *k, ioc_match_fn fn,
                            void *arg, struct ioc_count *count);
/*
 * Counts the matches of each of n keys into counts[i] (what ioc_index_query_key with no callback
 * gives): ioc_index_query_many without a callback. Returns the sum of the indicators counted.
 */
int64_t ioc_index_count_many(const struct ioc_index *ix, const struct ioc_key *keys, size_t n,
                             struct ioc_count *counts);
/* Called once per matching indicator of query q (an index into the keys given); a non-zero
 * return stops that query only. */
typedef int (*ioc_many_fn)(size_t q, const struct ioc_match *m, void *arg);
/*
 * Answers n queries as ioc_index_query_key would answer each (the same matches in the same
 * order, query after query), under one read lock, pipelined so that the memory reads of about a
 * dozen queries are in flight at once: the way to ask for a filed report's indicators, or for
 * every report's at start-up. fn may be NULL (only count); counts (may be NULL) receives each
 * query's totals. A key ioc_key_parse would refuse matches nothing. Returns the sum of the
 * matching indicators visited.
 */
int64_t ioc_index_query_many(const struct ioc_index *ix, const struct ioc_key *keys, size_t n,
                             ioc_many_fn fn, void *arg, struct ioc_count *counts);
/* The same for canonical text (parsed with ioc_key_parse). */
int64_t ioc_index_query(const struct ioc_index *ix, enum ioc_type type, const char *value,
                        size_t len, ioc_match_fn fn, void *arg, struct ioc_count *count);

struct ioc_index_stats {
    uint64_t indicators;          /* distinct indicators */
    uint64_t postings;            /* (indicator, posting) pairs */
    uint64_t by_type[IOC__COUNT]; /* indicators per type */
    uint64_t bytes;               /* memory the index holds (tables, entries, keys, lists) */
    uint64_t garbage_bytes;       /* key bytes of removed indicators (freed by a rebuild) */
};
void ioc_index_stats(const struct ioc_index *ix, struct ioc_index_stats *st);

#endif
