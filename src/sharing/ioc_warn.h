/*
 * ioc_warn.h — warninglists: operator-managed lists of benign values (private and
 * documentation address ranges, reserved domain names, public DNS resolvers …) that an
 * indicator may equal or fall under by mistake, after MISP's warninglists. A match is a hint
 * shown with the indicator ("this is on the list X") and a reason not to correlate it; it
 * never deletes anything.
 *
 * A list is a JSON data file (one file per list in data/sharing/warninglists/, docs/sharing.md §3):
 *   {"format": "ichigen-warninglist/1", "id": "documentation-addresses",
 *    "name": {"ja": …, "en": …}, "description": {"ja": …, "en": …},
 *    "type": "cidr" | "hostname" | "string", "version": "2026-12-06",
 *    "sources": ["https://www.rfc-editor.org/rfc/rfc5737"], "values": ["192.0.2.0/24", …]}
 * Types: "cidr" — IPv4/IPv6 blocks or addresses, matching every address and block inside;
 * "hostname" — domain suffixes (a single label such as "test" allowed), matching the name and
 * every name under it; "string" — exact canonical values of any indicator type (the type of
 * each value is detected, ioc_detect). Values are normalised like indicators (ioc.h), so a
 * list may be written defanged or in any case.
 *
 * Who may call it: the server at start-up (ioc_warnlists_load_dir), the CLI, tests. Pure except
 * for ioc_warnlists_load_dir, which reads files through core/datafile. A loaded set is
 * immutable and safe to read from any number of threads.
 */
#ifndef SHARING_IOC_WARN_H
#define SHARING_IOC_WARN_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/diag.h"
#include "../core/verr.h"
#include "ioc.h"

#define IOC_WARN_FORMAT "ichigen-warninglist/1"
#define IOC_WARN_MAX_VALUES 100000 /* values per list */
#define IOC_WARN_MAX_LISTS 256     /* lists per set (files per directory) */

enum ioc_warn_type { IOC_WARN_CIDR = 0, IOC_WARN_HOSTNAME, IOC_WARN_STRING };

struct ioc_warnlist {
    char *id;
    char *name_ja, *name_en;
    char *description_ja, *description_en;
    char *version; /* may be NULL */
    enum ioc_warn_type type;
    size_t nvalues;
};

struct ioc_warnlists;

struct ioc_warnlists *ioc_warnlists_new(void);
void ioc_warnlists_free(struct ioc_warnlists *w);

/*
 * Validates doc as a warninglist and adds it to w. Every problem goes to errs (JSON Pointers
 * into doc; codes of the schema engine, plus the value codes of ioc_normalise at /values/N,
 * "duplicate_value", "duplicate_id" for an id already in w, "too_many_lists"). Returns 0, or
 * -1 with w unchanged.
 */
int ioc_warnlists_add_json(struct ioc_warnlists *w, const json_t *doc, struct verr_list *errs);

/* Loads every *.json file of dir (sorted by name) into w, reporting problems with file, line
 * and column in d. A file with any problem is not loaded; the others are. Returns the number
 * of lists loaded, or -1 if dir cannot be read or any file was refused. */
int ioc_warnlists_load_dir(struct ioc_warnlists *w, const char *dir, struct diag_list *d);

size_t ioc_warnlists_count(const struct ioc_warnlists *w);
const struct ioc_warnlist *ioc_warnlists_get(const struct ioc_warnlists *w, size_t i);

/*
 * The lists v (a normalised indicator) is on: a "string" list holding v exactly, a "cidr" list
 * with a block containing the address or block v, a "hostname" list with a suffix covering the
 * domain v. For a URL its host is checked too (a URL on a private address is benign wherever
 * its path leads); an e-mail address is checked only exactly (a message from a free-mail
 * provider's domain is not benign). Returns how many lists match and stores the first max of
 * them, in the order they were added, in hits (which may be NULL when max is 0).
 */
size_t ioc_warnlists_match(const struct ioc_warnlists *w, const struct ioc_value *v,
                           const struct ioc_warnlist **hits, size_t max);

#endif
