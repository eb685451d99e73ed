/*
 * misp.h — MISP exchange (issue 13 item 6): an advisory's indicators as a MISP event in the MISP
 * core format, and a MISP event's attributes back as indicators with a TLP 2.0 label.
 *
 * The format is the one MISP's REST API and feeds use, described by the Internet-Draft
 * draft-dulaunoy-misp-core-format ("MISP core format", §2.2 event, §2.3 attribute, §2.4 object,
 * §2.6 tag) and by MISP's own attribute type table (types, their categories).
 * What it is not: a MISP client, or the policy of who may export what: the caller decides the
 * advisory may leave (the TLP read rule) and gives "now". Pure: no I/O, no clock.
 *
 * TLP. The TLP taxonomy's tags (tlp:clear, tlp:green, tlp:amber, tlp:amber+strict, tlp:red; the
 * TLP 1.0 tlp:white is read as well) carry the label both ways. MISP's
 * own `distribution` (who a MISP instance may pass the event to) is not a TLP label; on import,
 * when no tlp tag is present, it is mapped to the most restrictive TLP label whose audience stays
 * inside the distribution's audience — docs/sharing.md §6 has the table and the reasons.
 */
#ifndef SHARING_MISP_H
#define SHARING_MISP_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/verr.h"
#include "sharing.h"

/* Event.threat_level_id (draft §2.2.1.9). */
enum misp_threat_level {
    MISP_THREAT_HIGH = 1,
    MISP_THREAT_MEDIUM = 2,
    MISP_THREAT_LOW = 3,
    MISP_THREAT_UNDEFINED = 4,
};

/* Event.analysis (draft §2.2.1.13). */
enum misp_analysis {
    MISP_ANALYSIS_INITIAL = 0,
    MISP_ANALYSIS_ONGOING = 1,
    MISP_ANALYSIS_COMPLETED = 2,
};

/* distribution of an event, object or attribute (draft §2.2.1.7, §2.3.1.7). */
enum misp_distribution {
    MISP_DIST_ORGANISATION = 0,  /* your organisation only */
    MISP_DIST_COMMUNITY = 1,     /* this community only (the instance's organisations) */
    MISP_DIST_CONNECTED = 2,     /* connected communities (one hop to synchronised instances) */
    MISP_DIST_ALL = 3,           /* all communities (propagates freely between instances) */
    MISP_DIST_SHARING_GROUP = 4, /* the sharing group named by sharing_group_id */
    MISP_DIST_INHERIT = 5,       /* attributes and objects only: the parent's */
};

/* The TLP label an event/attribute distribution implies (docs/sharing.md §6):
 * 0 → AMBER+STRICT, 1 → AMBER, 2 → GREEN, 3 → GREEN, 4 → AMBER+STRICT; TLP_INVALID otherwise
 * (5 has no meaning of its own). */
enum tlp misp_tlp_for_distribution(int distribution);
/* The distribution an export uses for a TLP label: CLEAR → 3, GREEN → 1, AMBER, AMBER+STRICT and
 * RED → 0 (the receiving instance must not pass it beyond the receiving organisation; the tlp tag
 * says the rest). */
enum misp_distribution misp_distribution_for_tlp(enum tlp t);
/* The label of a TLP taxonomy tag ("tlp:amber+strict", any case; TLP 1.0's "tlp:white" is
 * CLEAR), or TLP_INVALID for any other tag — including the taxonomy's "tlp:unclear" and
 * "tlp:ex:chr" (Chatham House Rule), which name no audience: the distribution then decides. */
enum tlp misp_tlp_from_tag(const char *name);
/* "tlp:clear" … "tlp:red" (the TLP 2.0 taxonomy names). */
const char *misp_tlp_tag(enum tlp t);

/* One indicator to export. role is the report format's threat.indicators[].role
 * ("attack_source", "c2", "delivery", "exfiltration", "malware", "phishing_site", "sender",
 * "other") or NULL; it chooses between ip-src and ip-dst, email-src and email-dst. */
struct misp_ioc {
    enum ioc_type type;
    const char *value;
    const char *role;
    bool to_ids;
    const char *comment; /* may be NULL */
};

/* The MISP attribute type and category for an indicator (docs/sharing.md §6 table). */
const char *misp_attr_type(enum ioc_type t, const char *role);
const char *misp_attr_category(enum ioc_type t, const char *role);

/* An advisory-like event to export. */
struct misp_event_in {
    const char *uuid;     /* the advisory's UUID: the event's */
    const char *info;     /* the title */
    int64_t date_ms;      /* the event date (the day in UTC is used) */
    int64_t timestamp_ms; /* last change: Event.timestamp and each attribute's */
    enum misp_threat_level threat_level;
    enum misp_analysis analysis;
    enum tlp tlp;
    const char *org_name;    /* Orgc.name, may be NULL */
    const char *org_uuid;    /* Orgc.uuid, may be NULL */
    const char *const *tags; /* extra tag names (e.g. "misp-galaxy:…"), may be NULL */
    size_t n_tags;
    const struct misp_ioc *iocs;
    size_t n_iocs;
};

#define MISP_EXPORT_MAX_IOCS 100000
#define MISP_VALUE_MAX 2048

/*
 * Builds {"Event": {uuid, info, date, threat_level_id, analysis, distribution, published: false,
 * timestamp, Orgc?, Tag: [{name: tlp:…}, …], Attribute: [{uuid, type, category, value, to_ids,
 * distribution: "5", comment?, timestamp}]}}, numbers written as strings as MISP writes them.
 * Attribute UUIDs are derived from the event UUID, the type and the value (RFC 9562 §5.8
 * version 8, SHA-256 based), so a re-export updates the same attributes in MISP instead of
 * duplicating them. Invalid input (a missing uuid or info, an invalid TLP or indicator type, an
 * empty or overlong value) adds problems to errs (pointers into the input: "/uuid",
 * "/iocs/3/value") and returns -1 with *out NULL; otherwise 0 and *out is a new reference.
 */
int misp_export(const struct misp_event_in *in, json_t **out, struct verr_list *errs);

/* ---- import ---- */

struct misp_import_limits {
    size_t max_bytes;      /* the document */
    size_t max_attributes; /* attributes read, including those in objects */
    int max_depth;         /* JSON nesting */
};

struct misp_indicator {
    enum ioc_type type;
    char *value;
    char *misp_type; /* the attribute type it came from, e.g. "ip-dst|port" */
    char *uuid;      /* the attribute's, or NULL */
    char *comment;   /* or NULL */
    bool to_ids;
    enum tlp tlp;  /* the effective label: see misp_import */
    char *pointer; /* JSON Pointer of the attribute, e.g. "/Event/Object/0/Attribute/2" */
};

struct misp_unsupported {
    char *type; /* an attribute type we do not import */
    size_t count;
};

struct misp_import {
    char *uuid; /* the event's, or NULL */
    char *info;
    enum tlp tlp; /* the event's label */
    struct misp_indicator *v;
    size_t n, cap;
    struct misp_unsupported *unsupported; /* one entry per type, in order of appearance */
    size_t n_unsupported_types;
    size_t n_unsupported; /* attributes of those types */
    size_t deleted;       /* attributes marked deleted, skipped */
};

void misp_import_init(struct misp_import *r);
void misp_import_release(struct misp_import *r);

/*
 * Reads a MISP event document ({"Event": {...}}) into indicators.
 * Attributes of the supported types become indicators: ip-src, ip-dst (and their "|port"
 * forms), domain, hostname, domain|ip (both halves), url, uri, link, email, email-src, email-dst,
 * email-reply-to, md5, sha1, sha256, ssdeep, filename|md5, filename|sha1, filename|sha256 (the
 * hash); those under Event.Object[].Attribute[] too. Other types are counted per type in
 * r->unsupported, not refused. Values are checked for their type's basic shape (an address, a
 * hex digest of the right length, no control characters, at most MISP_VALUE_MAX bytes); full
 * normalisation is the indicators module's.
 * TLP: a level's tlp tags (Tag[] or EventTag[].Tag) win over its distribution; without a tag the
 * distribution is mapped (misp_tlp_for_distribution; 5 inherits the parent's; absent: the
 * parent's, or AMBER+STRICT at the event). An attribute's label is the most restrictive of the
 * event's, its object's and its own.
 * Every problem (not JSON, no Event, a field of the wrong kind, an invalid value or
 * distribution, a limit passed) is added to errs with its JSON Pointer, a stable code and en/ja
 * text; returns 0 when there is none, else -1 (r then holds what was read, for diagnostics).
 */
int misp_import(const char *body, size_t n, const struct misp_import_limits *lim,
                struct misp_import *r, struct verr_list *errs);

#endif
