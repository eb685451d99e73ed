/*
 * share_policy.h — THE read rule of everything ichigen shares (issue 13): may this reader see
 * this object? Every read path — the API (by id, by version, lists and their counts), feeds,
 * exports, TAXII, e-mail — asks share_can_read and nothing else, so that the rule has one
 * meaning everywhere.
 *
 * The rule is FIRST's Traffic Light Protocol 2.0 (https://www.first.org/tlp/, "TLP 2.0
 * definitions"), applied to the platform's readers:
 *   TLP:CLEAR         "Recipients can spread this to the world": anyone, anonymous readers
 *                     included (public feeds, the public TAXII collection).
 *   TLP:GREEN         "limited disclosure, recipients can spread this within their community":
 *                     the community is the platform, so every signed-in member; never
 *                     anonymous.
 *   TLP:AMBER         "limited disclosure, recipients can only spread this on a need-to-know
 *                     basis within their organization and its clients": the owning
 *                     organisation and the organisations of the object's audience. "And its
 *                     clients" is onward sharing outside the platform; the label carries it in
 *                     exports, the platform itself shows nobody else.
 *   TLP:AMBER+STRICT  "restricts sharing to the organization only": the same organisations,
 *                     and the label forbids onward sharing beyond them.
 *   TLP:RED           "For the eyes and ears of individual recipients only, no further
 *                     disclosure": the author and the individually named recipient users.
 * An object may also require a security clearance (levels are data: clearance.h); then the
 * reader must ALSO hold one of at least that rank (an expired one counts as none), whatever the
 * TLP — except the author, who wrote it.
 *
 * The audience of an AMBER object: every explicitly named organisation, plus every
 * organisation that matches ALL the attribute dimensions the object names (sectors, kinds of
 * organisation, prefectures; a dimension left empty does not narrow) when it names at least
 * one — "energy operators in JP-13" is {sectors: [energy], prefectures: [JP-13]} — plus, when
 * clearance_holders is set and a clearance is required, every user holding that clearance.
 *
 * Roles give no reading right: the platform administrator, an authority analyst or an
 * organisation administrator reads exactly what the rule above gives their user and
 * organisation (issue 13: "the platform admin gets no extra reading right").
 * A caller that finds share_can_read false answers exactly as for an object that does not
 * exist (404 with the same body; lists and counts computed after filtering).
 *
 * Pure: no I/O, no allocation; the caller fills both structs from what it read (the reader's
 * organisation and current clearance rank, the object's latest version).
 * Who calls it: src/app/ (advisories, and every later sharing read path), tests.
 */
#ifndef SHARING_SHARE_POLICY_H
#define SHARING_SHARE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "sharing.h"
#include "../auth/auth.h"

/* Who reads. Strings are borrowed; NULL or "" where unknown. */
struct share_reader {
    bool anonymous;             /* no credentials: only user_id etc. are ignored */
    const char *user_id;        /* the signed-in user */
    const char *org_id;         /* the user's organisation */
    enum role role;             /* recorded for the audit trail; it grants nothing here */
    const char *org_sector;     /* the organisation's critical-infrastructure sector, or "none" */
    const char *org_kind;       /* account kind ("company", "authority" …) */
    const char *org_prefecture; /* "JP-13" or "" */
    int clearance_rank;         /* the rank of the user's unexpired clearance; 0 = none */
};

/* A list of borrowed strings. */
struct share_list {
    const char *const *v;
    size_t n;
};

/* What is read, and who it is for. Strings are borrowed. */
struct share_audience {
    enum tlp tlp;
    const char *owner_org;                             /* the originating organisation */
    const char *author_user;                           /* the user who wrote it */
    struct share_list sectors, org_kinds, prefectures; /* attribute targeting (AND across) */
    struct share_list orgs;                            /* explicitly named organisations */
    struct share_list users;                           /* RED: the named recipient users */
    bool clearance_holders; /* holders of the required clearance are in the audience */
    int required_rank;      /* clearance rank required; 0 = none */
};

/* Whether r may read an object with audience a under the rule above. An invalid TLP reads as
 * nobody's (false): a label that cannot be understood is not shared. */
bool share_can_read(const struct share_reader *r, const struct share_audience *a);

/* Whether the organisation described by r's org fields (user-independent) is in a's audience
 * by organisation: named, or matching the attribute targeting. For notifications (which
 * organisations to tell) and for share_can_read's AMBER branch. */
bool share_org_targeted(const struct share_reader *r, const struct share_audience *a);

#endif
