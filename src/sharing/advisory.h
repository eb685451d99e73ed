/*
 * advisory.h — the advisory format (issue 13 item 1): a warning an authority writes for the
 * organisations it concerns, as a JSON object whose every field is its own member (docs/
 * sharing.md §2 lists them), validated gather-all (JSON Pointer, stable code, Japanese and
 * English message) with a limit on every string and array; and the audience an advisory names,
 * read back into the read rule's terms (share_policy.h).
 *
 * Scales (stated here and in docs/sharing.md §2, so that writer and reader mean the same):
 *  - urgency: how soon a recipient should act — immediate (within hours), high (within 24
 *    hours), medium (within a week), low (in the ordinary course);
 *  - importance: how much is at stake if nothing is done — critical (national-scale or
 *    life-and-limb effects), high (a sector or many organisations seriously harmed), medium
 *    (individual organisations harmed), low (minor or unlikely harm);
 *  - actor.attribution_confidence: the analytic confidence of the attribution in the three
 *    levels of ODNI ICD 203 (low, moderate, high), or "none" when no attribution is made.
 *
 * What it is not: storage, authorisation or the full indicator normaliser (sharing/ioc.h, being
 * built in parallel): advisory_indicator_ok is the one place that checks an indicator's syntax,
 * so it can be swapped for that normaliser.
 * Pure: no I/O. Who calls it: app/ (app_advisory.c), fuzz/fuzz_advisory.c, tests.
 */
#ifndef SHARING_ADVISORY_H
#define SHARING_ADVISORY_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/verr.h"
#include "clearance.h"
#include "share_policy.h"

#define ADVISORY_TITLE_MAX 800  /* bytes of UTF-8 of a title in one language (~200 kanji) */
#define ADVISORY_TEXT_MAX 16000 /* bytes of any other text in one language (~4000 kanji) */
#define ADVISORY_LIST_MAX 64    /* entries of a targeting or affected list */
#define ADVISORY_INDICATORS_MAX 500
#define ADVISORY_TECHNIQUES_MAX 100
#define ADVISORY_SOURCES_MAX 50
#define ADVISORY_BODY_MAX (512 * 1024) /* bytes of the whole advisory as stored */

/* Validates doc as an advisory body (amend: "change_summary" is allowed too), adding every
 * problem to errs; levels names the clearance levels "required_clearance" may name. Returns 0
 * when there is none, -1 otherwise. */
int advisory_validate(const json_t *doc, const struct clearance_catalog *levels, bool amend,
                      struct verr_list *errs);

/* The one syntax check of an indicator (type: an ioc_type_name; value as given): true when
 * it is usable. To be replaced by the normaliser of sharing/ioc.h. */
bool advisory_indicator_ok(const char *type, const char *value);

/* The validity period of an advisory body (its "valid_from" and "valid_until", RFC 3339): *from
 * and *until in ms since the epoch, 0 for an end that is open (absent, null or unreadable: a
 * stored body was validated, so the last cannot happen). */
void advisory_validity(const json_t *doc, int64_t *from, int64_t *until);

/* Whether an advisory valid over [from, until) (0: open end) is in force at now_ms. An advisory
 * whose period has not begun is not in force yet; one whose period ended has expired, which
 * withdrawal (a separate, recorded act) is not. */
bool advisory_in_force(int64_t from, int64_t until, int64_t now_ms);
/* Whether its period ended before now_ms (until set and passed). */
bool advisory_expired(int64_t until, int64_t now_ms);

/* The audience of an advisory as the read rule takes it: the document (stored as JSON text:
 * {"sectors", "org_kinds", "prefectures", "organizations", "users", "clearance_holders"})
 * and the borrowed lists share_audience points into. */
struct advisory_audience {
    json_t *doc; /* owned */
    const char *sectors[ADVISORY_LIST_MAX], *org_kinds[ADVISORY_LIST_MAX],
        *prefectures[ADVISORY_LIST_MAX], *orgs[ADVISORY_LIST_MAX], *users[ADVISORY_LIST_MAX];
    size_t nsectors, norg_kinds, nprefectures, norgs, nusers;
    bool clearance_holders;
};

/* Reads an audience from its JSON text (an unreadable one is empty: it targets nobody). */
void advisory_audience_load(struct advisory_audience *a, const char *json_text);
void advisory_audience_release(struct advisory_audience *a);

/* Fills out's targeting from a (borrowed: a must outlive out); the caller sets tlp, owner,
 * author and required_rank. */
void advisory_audience_apply(const struct advisory_audience *a, struct share_audience *out);

/* The event an organisation's channels (its notification webhook and e-mail) are told when an
 * advisory it is in the audience of is published or amended: event "advisory.published" or
 * "advisory.amended", and "advisory": {id, version, tlp, link}. Those channels are outside the
 * platform and reach whoever reads the organisation's mailbox or system, not named readers, so
 * the content goes there only when its label lets it go anywhere in the community: for
 * TLP:CLEAR and TLP:GREEN without a required clearance the title is added ("title": {ja, en}
 * and "title_text", both languages on one line); otherwise the event only says that an
 * advisory is waiting and where (a reader signs in to read it). title is the advisory's
 * {"ja","en"} (borrowed). New reference. */
json_t *advisory_event(const char *event, const char *id, int version, enum tlp t,
                       bool clearance_required, const json_t *title);

#endif
