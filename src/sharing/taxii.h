/*
 * taxii.h — the protocol pieces of an OASIS TAXII 2.1 server (Committee Specification 01,
 * 27 January 2020; the OASIS Standard of June 2021 has the same text): query parameters,
 * filtering and pagination over object metadata, media-type negotiation, the JSON resources,
 * and the parsing of an envelope a client POSTs.
 *
 * What it is not: a store or an HTTP layer. Nothing here reads a clock, a socket or a database;
 * the caller (the server's TAXII routes) hands in the object metadata of one collection, the
 * reader's visibility rule (the TLP read policy, as a callback) and "now", and writes what
 * these functions build. Whoever serves TAXII may call it; the fuzz target fuzz_taxii_query
 * and bench_taxii drive it directly.
 *
 * Section numbers are those of TAXII 2.1 CS01: §1.6.8 media types, §3.4 query parameters
 * (§3.4.1 filtering, §3.4.2 match), §3.6 pagination, §3.7 error message, §4 discovery, API root,
 * status, §5 collections, manifest, objects, object, versions.
 */
#ifndef SHARING_TAXII_H
#define SHARING_TAXII_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/verr.h"

/* §1.6.8: the one media type of TAXII 2.1 resources, and that of the STIX objects inside. */
#define TAXII_MEDIA_TYPE "application/taxii+json;version=2.1"
#define TAXII_STIX_MEDIA_TYPE "application/stix+json;version=2.1"

/* Limits on a query string (ours; the spec sets none). Exceeding one is a 400 naming it. */
#define TAXII_QUERY_MAX_LEN 16384     /* bytes of the raw query string */
#define TAXII_QUERY_MAX_VALUES 100    /* values of one match[...] parameter, repeats included */
#define TAXII_QUERY_MAX_VALUE_LEN 300 /* one value: a STIX id is at most 250 + 2 + 36 */
#define TAXII_QUERY_MAX_IGNORED 8     /* names of ignored parameters kept for the log */
#define TAXII_CURSOR_MAX 512          /* characters of a `next` cursor we issue or accept */
#define TAXII_TS_LEN 32               /* room for "YYYY-MM-DDThh:mm:ss.sssZ" and a NUL */

/* The endpoints that take query parameters, with the parameters §5 allows on each:
 *   OBJECTS  (§5.4 Get Objects)        added_after limit next match[id|type|version|spec_version]
 *   MANIFEST (§5.3 Get Object Manifests) the same
 *   OBJECT   (§5.6 Get an Object)      added_after limit next match[version|spec_version]
 *   VERSIONS (§5.8 Get Object Versions) added_after limit next match[spec_version]
 *   DELETE   (§5.7 Delete an Object)   match[version|spec_version]
 * A parameter that an endpoint does not take is treated like an unknown one (ignored). */
enum taxii_endpoint {
    TAXII_EP_OBJECTS = 0,
    TAXII_EP_MANIFEST,
    TAXII_EP_OBJECT,
    TAXII_EP_VERSIONS,
    TAXII_EP_DELETE,
};

/* match[version] keywords (§3.4.2), as bits: several may be given, and timestamps besides. */
enum {
    TAXII_VER_LAST = 1,
    TAXII_VER_FIRST = 2,
    TAXII_VER_ALL = 4,
};

/* A parsed query. Lists are sorted and without duplicates (for binary search). */
struct taxii_query {
    enum taxii_endpoint ep;
    bool has_added_after;
    int64_t added_after_ms;
    uint32_t limit; /* 0: not given */
    char *next;     /* the raw cursor, NULL if not given; checked by taxii_page_select */
    char **ids;
    size_t n_ids;
    char **types;
    size_t n_types;
    unsigned version_flags; /* TAXII_VER_*; the endpoint's default when no match[version] */
    int64_t *versions;      /* exact versions (modified timestamps, ms) */
    size_t n_versions;
    uint8_t *spec_versions; /* "2.1" is 21; empty: every spec version */
    size_t n_spec_versions;
    /* Parameters ignored under §3.4.1 (unknown, or not taken by this endpoint). */
    char ignored[TAXII_QUERY_MAX_IGNORED][48];
    size_t n_ignored; /* may exceed TAXII_QUERY_MAX_IGNORED; only the first are kept */
    unsigned seen;    /* internal: single-valued parameters already given */
};

void taxii_query_init(struct taxii_query *q, enum taxii_endpoint ep);
void taxii_query_release(struct taxii_query *q);

/*
 * Adds one decoded parameter (as libmicrohttpd hands them over). Values of match[...] are
 * comma-separated lists (§3.4.2) and a repeated match parameter adds to its list (an OR, as
 * within one list); added_after, limit and next may appear once. Unknown parameters, and known
 * ones this endpoint does not take, are ignored: §3.4.1 lets a server support a subset of the
 * filters and has it ignore the others (it defines no error for them, and clients such as
 * taxii2-client add parameters of their own), so refusing them would break interoperation.
 * Their names are recorded in q->ignored for the log.
 * An invalid value adds a problem to errs (pointer "?name", code "bad_query", en + ja naming
 * the value's defect) and returns -1; the caller keeps going to gather every problem, then
 * answers 400 with taxii_error_json(). Returns 0 otherwise.
 *   added_after     a STIX timestamp: RFC 3339 in UTC with "Z" (STIX 2.1 §3.2), ms precision
 *                   kept (finer digits are cut, so a match is never lost);
 *   limit           a positive integer; above the server's maximum it is lowered, not refused
 *                   (§3.4.1 lets the server answer with fewer objects than asked);
 *   match[id]       STIX identifiers "type--uuid";
 *   match[type]     STIX type names (3–250 of a-z 0-9 -);
 *   match[version]  "last", "first", "all" or STIX timestamps;
 *   match[spec_version] "2.0", "2.1" (digit.digit).
 */
int taxii_query_add(struct taxii_query *q, const char *key, const char *value,
                    struct verr_list *errs);

/* Splits a raw query string ("a=b&c=d", without the '?'), percent-decodes names and values
 * (application/x-www-form-urlencoded: '+' is a space) and adds each pair as taxii_query_add
 * does. A string longer than TAXII_QUERY_MAX_LEN, a malformed %-escape or a decoded NUL is a
 * problem too. Returns 0, or -1 when errs received at least one problem. */
int taxii_query_parse(struct taxii_query *q, const char *qs, size_t n, struct verr_list *errs);

/* One stored object version of a collection, as the store hands it over. The array given to
 * taxii_page_select is sorted by (date_added, id, version) ascending with no two equal keys;
 * §3.3 orders TAXII results by date_added, and the id and version break ties so that a
 * cursor names one position exactly. */
struct taxii_meta {
    const char *id;        /* "indicator--8e2e2d2b-…": the type is the part before "--" */
    int64_t date_added_ms; /* when this version entered the collection */
    int64_t version_ms;    /* `modified`, else `created`, else date_added (§3.4.2) */
    uint8_t spec_version;  /* 21 for "2.1", 20 for "2.0" */
    uint8_t flags;         /* TAXII_META_FIRST / TAXII_META_LAST, see taxii_meta_mark_versions */
    const void *ref;       /* the caller's handle (row, serialized object) */
};

enum {
    TAXII_META_FIRST = 1, /* the earliest version of its id in the collection */
    TAXII_META_LAST = 2,  /* the latest version of its id */
};

/* Total order of taxii_meta by (date_added, id, version): <0, 0, >0. */
int taxii_meta_cmp(const struct taxii_meta *a, const struct taxii_meta *b);

/* Sets TAXII_META_FIRST / TAXII_META_LAST on every element of v (any order) by comparing the
 * versions of each id: O(n log n) time, O(n) temporary memory. A store that keeps the flags up
 * to date as versions arrive (clear LAST on the previous latest) need not call it per page;
 * keeping them precomputed is what makes "last" and "first" O(1) per object. */
void taxii_meta_mark_versions(struct taxii_meta *v, size_t n);

/* Whether m satisfies the match[...] filters of q (not added_after, not pagination). Used by
 * taxii_page_select and by the DELETE endpoint, which has no pagination. */
bool taxii_query_matches(const struct taxii_query *q, const struct taxii_meta *m);

/* The reader's read rule (the TLP policy), applied before anything is counted, so that a page,
 * `more` and the headers never reveal an object the reader may not see. */
typedef bool (*taxii_visible_fn)(const struct taxii_meta *m, void *ctx);

struct taxii_page_params {
    uint32_t limit_default; /* when the query has no limit (e.g. 100) */
    uint32_t limit_max;     /* the server's maximum page (e.g. 1000) */
    /* Entries examined per page at most (0: no bound). With a bound, a selective filter over a
     * large collection returns a short (even empty) page with more = true and a cursor past
     * what was examined, instead of scanning the whole collection in one request. */
    size_t scan_max;
    const char *scope; /* binds cursors to one place, e.g. "<api root>/<collection>/objects" */
    const unsigned char *key; /* 32 bytes keying the cursor tag, or NULL for an unkeyed checksum */
    taxii_visible_fn visible; /* NULL: everything is visible */
    void *visible_ctx;
};

struct taxii_page {
    const struct taxii_meta **items; /* borrowed pointers into the input array */
    size_t n;
    bool more;                           /* §3.6: more matching objects after this page */
    char next[TAXII_CURSOR_MAX + 1];     /* "" unless more */
    char date_added_first[TAXII_TS_LEN]; /* X-TAXII-Date-Added-First; "" for an empty page */
    char date_added_last[TAXII_TS_LEN];  /* X-TAXII-Date-Added-Last */
    size_t scanned;                      /* entries examined (for metrics and tests) */
};

void taxii_page_init(struct taxii_page *p);
void taxii_page_release(struct taxii_page *p);

/*
 * Selects one page of v[0..n) (sorted as taxii_meta says) for query q. The start is found by
 * binary search (after the cursor's position, else after added_after); entries from there are
 * examined in order until the page is full and one more visible match is seen (which sets
 * `more`). Cost: O(log n + k) comparisons, where k is the page size plus the entries skipped
 * by filters or visibility (bounded by scan_max). medallion's memory backend re-filters the
 * whole collection per page, O(n²) over a full read.
 * The `next` cursor encodes the position (date_added, id, version) of the last entry examined
 * and a 128-bit tag over the scope, the query's filters and that position (BLAKE2b, keyed when
 * pp->key is set). A cursor is therefore stable while objects are added (new ones sort after
 * the position or are skipped consistently), and one used with other filters, another
 * collection or altered bytes is refused. Forging a cursor would gain nothing added_after does
 * not already give: the page is computed from visible entries after the position, whatever it
 * is.
 * Returns 0, or -1 with a problem in errs (a bad `next`: 400).
 */
int taxii_page_select(const struct taxii_meta *v, size_t n, const struct taxii_query *q,
                      const struct taxii_page_params *pp, struct taxii_page *out,
                      struct verr_list *errs);

/* Formats ms as a TAXII timestamp "YYYY-MM-DDThh:mm:ss.sssZ" into out[TAXII_TS_LEN]. */
void taxii_timestamp(int64_t ms, char out[TAXII_TS_LEN]);

/* ---- media types (§1.6.8) ---- */

/* Whether an Accept header admits TAXII 2.1: application/taxii+json with version=2.1 or no
 * version (the latest), application/\*, *\/\* (RFC 9110 §12.5.1), with q-values (q=0 refuses);
 * NULL or empty (no header) admits anything. False means 406 Not Acceptable. */
bool taxii_accept_ok(const char *accept);

/* Whether a request's Content-Type is application/taxii+json;version=2.1 (or without version;
 * a charset other than utf-8 is refused). False means 415 Unsupported Media Type. */
bool taxii_content_type_ok(const char *content_type);

/* ---- resources (new references; NULL strings are omitted) ---- */

/* §4.1 discovery. roots are URLs of API roots; default_root may be NULL. */
json_t *taxii_discovery_json(const char *title, const char *description, const char *contact,
                             const char *default_root, const char *const *roots, size_t n_roots);
/* §4.2 API root: versions is [TAXII_MEDIA_TYPE]. */
json_t *taxii_api_root_json(const char *title, const char *description, size_t max_content_length);

struct taxii_collection {
    const char *id; /* a UUID */
    const char *title;
    const char *description;  /* may be NULL */
    const char *alias;        /* may be NULL */
    bool can_read, can_write; /* for the requesting reader */
};
/* §5.2 one collection; §5.1 the list ({} when empty, the property being optional). */
json_t *taxii_collection_json(const struct taxii_collection *c);
json_t *taxii_collections_json(const struct taxii_collection *c, size_t n);

/* §5.3 manifest of a page: {"more", "next"?, "objects": [{id, date_added, version,
 * media_type}]}; "objects" is omitted when the page is empty. */
json_t *taxii_manifest_json(const struct taxii_page *p);
/* §5.8 versions of a page: {"more", "next"?, "versions": [timestamp, …]}. */
json_t *taxii_versions_json(const struct taxii_page *p);

/* The serialized STIX object of an entry's ref: sets *p and *n (borrowed), or returns -1 when
 * it is gone (the entry is then left out). */
typedef int (*taxii_raw_fn)(const void *ref, const char **p, size_t *n, void *ctx);
/* §3.6/§5.4 envelope {"more", "next"?, "objects": [...]} written straight into b from the
 * stored bytes of each object (no re-parsing). Returns 0 or BUF_EFULL. */
int taxii_envelope_write(struct buf *b, const struct taxii_page *p, taxii_raw_fn raw, void *ctx);

/* §3.7 error message: {"title", "description", "error_code", "http_status" (a string, as the
 * spec types it), "details": {"title_ja", "description_ja", "errors": [{pointer, code, en,
 * ja}]}}. TAXII clients read title/description (English); the Japanese text and the per-field
 * problems ride in `details`, the resource's open dictionary. errs may be NULL. */
json_t *taxii_error_json(int http_status, const char *error_code, const char *title_en,
                         const char *title_ja, const char *description_en,
                         const char *description_ja, const struct verr_list *errs);

/* ---- POST an envelope (§5.5 Add Objects) and the status resource (§4.3) ---- */

struct taxii_status_detail {
    char *id;
    char *version; /* a timestamp, or NULL */
    char *message; /* "English / 日本語", or NULL */
};

struct taxii_status {
    char id[40];        /* the status resource's UUID (the caller's) */
    int64_t request_ms; /* when the request arrived */
    size_t total;       /* objects in the envelope */
    struct taxii_status_detail *successes, *failures, *pendings;
    size_t n_successes, n_failures, n_pendings;
    size_t cap_s, cap_f, cap_p;
};

void taxii_status_init(struct taxii_status *st, const char *id, int64_t request_ms);
void taxii_status_release(struct taxii_status *st);
/* {id, status: "complete" | "pending" (any pending), request_timestamp, total_count,
 * success_count, successes, failure_count, failures, pending_count, pendings}. */
json_t *taxii_status_json(const struct taxii_status *st);

enum taxii_verdict {
    TAXII_OBJ_SUCCESS = 0,
    TAXII_OBJ_FAILURE,
    TAXII_OBJ_PENDING,
};

/* The caller's check and store of one object that passed the envelope's own checks. obj is
 * borrowed; id and version (NULL for unversioned objects) are its identity. A verdict other
 * than success may come with reasons (written into en and ja, each of size 256). */
typedef enum taxii_verdict (*taxii_object_fn)(json_t *obj, size_t index, const char *id,
                                              const char *version, void *ctx, char *en, char *ja);

struct taxii_post_limits {
    size_t max_bytes;   /* the API root's max_content_length: 413 above it */
    size_t max_objects; /* objects per envelope: 413 above it */
    int max_depth;      /* JSON nesting */
};

enum taxii_post_result {
    TAXII_POST_OK = 0,
    TAXII_POST_TOO_LARGE = -1, /* 413 */
    TAXII_POST_INVALID = -2,   /* 400: not an envelope; errs says why */
};

/*
 * Parses an envelope ({"objects": [...]}; "more"/"next" are ignored on input) and records in st
 * one status entry per object: objects that are not JSON objects, lack a valid "type"/"id"
 * (type--UUID, the id's prefix equal to the type), carry a "modified"/"created" that is not a
 * STIX timestamp, or a "spec_version" other than 2.0/2.1, fail here with a reason; the others go
 * to fn (which may be NULL: then they succeed). Returns TAXII_POST_OK (answer 202 with the
 * status), or TAXII_POST_TOO_LARGE / TAXII_POST_INVALID with problems in errs and st untouched
 * beyond its total.
 */
int taxii_envelope_post(const char *body, size_t n, const struct taxii_post_limits *lim,
                        taxii_object_fn fn, void *ctx, struct taxii_status *st,
                        struct verr_list *errs);

#endif
