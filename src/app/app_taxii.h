/*
 * app_taxii.h — the TAXII 2.1 server's use cases (issue 13 item 5; OASIS TAXII 2.1 CS01): the
 * API root's collections, their objects, manifests and versions, adding objects by envelope,
 * deleting, status resources, and the management of collections (ichigen's own JSON API, since
 * TAXII defines no way to create a collection).
 *
 * Who reads a collection: the sharing policy (sharing/share_policy.h), asked once per request
 * with the collection's TLP label and audience — every object in a collection is at most as
 * restrictive as the collection (an object marked more restrictively is refused when added),
 * so the collection's answer holds for each object in it. Anonymous readers (no credentials)
 * reach TLP:CLEAR collections only. A collection the reader may not read is NOT_FOUND, exactly
 * as one that does not exist; one it may read but not write answers FORBIDDEN to a POST.
 * Who writes: signed-in users (any role but the platform administrator) of the owning
 * organisation or of an organisation the collection lists as a writer. Who deletes: users of
 * the owning organisation that may write.
 *
 * Layer: application. Callers: http/ (h_taxii.c), tests.
 */
#ifndef APP_APP_TAXII_H
#define APP_APP_TAXII_H

#include <jansson.h>

#include "app_call.h"
#include "../core/buf.h"
#include "../sharing/taxii.h"
#include "../store/store.h"

#define APP_TAXII_ROOT "ichigen"          /* the one API root: /taxii2/ichigen/ */
#define APP_TAXII_PAGE_DEFAULT 100        /* objects per page when the client names no limit */
#define APP_TAXII_PAGE_MAX 1000           /* the most a client may ask for */
#define APP_TAXII_MAX_OBJECTS 10000       /* objects in one envelope */
/* Bytes of objects in one page at most (one object is at most 1 MiB): a page of 1000 large
 * objects would otherwise be built in memory whole; a shorter page says `more` (§3.6). */
#define APP_TAXII_PAGE_MAX_BYTES (4u << 20)
#define APP_TAXII_MAX_COLLECTIONS 1000    /* collections listed (all of them, today) */

/* What a GET of objects, an object, a manifest or versions answers: the JSON body and the
 * X-TAXII-Date-Added-First/Last values ("" when the page is empty). */
struct app_taxii_page {
    struct buf body;
    char date_first[TAXII_TS_LEN];
    char date_last[TAXII_TS_LEN];
};
void app_taxii_page_release(struct app_taxii_page *p);

/* The query parameters of a request, as decoded name/value pairs. */
struct app_taxii_args {
    const char *const *names;
    const char *const *values;
    size_t n;
};

/* c->who is NULL for an anonymous request in all of these. */

/* §4.1 discovery. Its api_roots and default are absolute URLs (clients follow them as they
 * are), built on the setting public_url ("https://ichigen.example.go.jp" gives
 * "https://ichigen.example.go.jp/taxii2/ichigen/"); without it, for local use, on "http://"
 * and host, the request's Host header (NULL: "localhost"), which http/head.c has already
 * checked to be a host with an optional port. */
enum app_problem app_taxii_discovery(const struct app_call *c, const char *host, json_t **out,
                                     struct app_result *res);
/* §4.2 the API root. */
enum app_problem app_taxii_api_root(const struct app_call *c, json_t **out,
                                    struct app_result *res);
/* §5.1 the collections the reader may read, with can_read/can_write for it. */
enum app_problem app_taxii_collections(const struct app_call *c, json_t **out,
                                       struct app_result *res);
/* §5.2 one collection, by id or alias. NOT_FOUND when missing or not readable. */
enum app_problem app_taxii_collection(const struct app_call *c, const char *key, json_t **out,
                                      struct app_result *res);
/* §5.3 manifest, §5.4 objects, §5.6 one object, §5.8 its versions (ep says which; object_id for
 * the last two). BAD_QUERY with every bad parameter; NOT_FOUND also for an object with no
 * version the filters select (§5.6, §5.8). */
enum app_problem app_taxii_get(const struct app_call *c, const char *key, const char *object_id,
                               enum taxii_endpoint ep, const struct app_taxii_args *args,
                               struct app_taxii_page *out, struct app_result *res);
/* §5.5 adds an envelope's objects; *status is the status resource (§4.3), also stored for
 * GET status. PAYLOAD_TOO_LARGE, BAD_QUERY-like VALIDATION for a body that is no envelope,
 * FORBIDDEN (readable, not writable), NOT_FOUND. */
enum app_problem app_taxii_post(const struct app_call *c, const char *key, const char *body,
                                size_t n, json_t **status, struct app_result *res);
/* §5.7 deletes the versions of object_id that match[version]/match[spec_version] select. */
enum app_problem app_taxii_delete(const struct app_call *c, const char *key,
                                  const char *object_id, const struct app_taxii_args *args,
                                  struct app_result *res);
/* §4.3 a status resource of the caller's organisation (JSON text, *body freed by the caller). */
enum app_problem app_taxii_status(const struct app_call *c, const char *id, char **body,
                                  struct app_result *res);

/* ichigen's management of collections: creates (id NULL) or replaces collection id of the
 * caller's organisation from {"title", "description"?, "alias"?, "tlp", "audience"?,
 * "writers"?} (docs/sharing.md §5). Authority users only. *out is the collection as stored
 * (JSON, the same shape GET returns). VALIDATION with every problem — among them a tlp lower
 * than the most restrictive marking of the objects the collection holds (/tlp, below_contents:
 * the read rule is asked per collection, so a lower label would hand those objects to readers
 * their label excludes) and a clearance level the server's catalogue does not have (none when
 * no catalogue is loaded) —, CONFLICT_UNIQUE (alias taken), NOT_FOUND (another organisation's or
 * no such collection). */
enum app_problem app_taxii_collection_put(const struct app_call *c, const char *id,
                                          const json_t *in, json_t **out,
                                          struct app_result *res);

#endif
