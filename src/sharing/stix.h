/*
 * stix.h — STIX 2.1 (OASIS Standard, 10 June 2021) export and import, as pure functions over
 * plain C structs and jansson values (issue 13 item 4).
 *
 * What it is: builders that turn what ichigen shares (indicators, sightings, de-identified
 * incident summaries, advisories) into STIX 2.1 objects and bundles, the STIX patterns of
 * indicators (STIX 2.1 §9, Patterning), the TLP 2.0 marking definitions, and an importer that
 * checks a bundle's common properties and pulls out what ichigen can use (indicators from
 * simple patterns, TLP, ATT&CK technique ids).
 * What it is not: storage, HTTP or TAXII. No clock, no randomness, no I/O: every time and every
 * key comes from the caller, so the same input always gives the same bytes.
 * Who calls it: the CLI (`ichigen stix`), and the store/TAXII/advisory layers above.
 *
 * Identifiers (STIX 2.1 §2.9): "type--UUID". The OASIS JSON schemas accept UUID versions 1–5
 * only (RFC 4122), so a stored UUIDv7 cannot be used as is. Every exported id is therefore a
 * UUIDv5 (RFC 9562 §5.5) of ichigen's namespace and "type:key", where key is the caller's
 * stable id of the record (e.g. its stored UUIDv7): exporting the same record twice gives the
 * same id, a new version differs only in `modified` (§3.6, versioning).
 * Timestamps (§3.2): "YYYY-MM-DDThh:mm:ss.sssZ", milliseconds always present.
 * Every exported object carries `object_marking_refs` with its TLP 2.0 marking definition
 * (the ids OASIS published, sharing.h), and a bundle carries those definitions.
 *
 * Ownership (jansson): every json_t * a function returns is a new reference; arguments are
 * borrowed.
 */
#ifndef SHARING_STIX_H
#define SHARING_STIX_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/verr.h"
#include "sharing.h"

#define STIX_ID_LEN 96 /* "marking-definition--" + UUID + NUL fits; so does every type here */

/* The TLP 2.0 extension definition (OASIS cti-stix-common-objects,
 * extension-definition-specifications/tlp-2.0) that the standard marking objects declare. */
#define STIX_TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

/* ---- ids and timestamps (stix_export.c) ---- */

/* Writes "type--UUIDv5(ichigen namespace, "type:key")" into out. Returns 0, or -1 when type is
 * not a STIX type name (§2.8: a–z, 0–9, '-', 3–250 characters) or key is empty. */
int stix_id(const char *type, const char *key, char out[STIX_ID_LEN]);
/* Formats ms (Unix milliseconds, UTC) as a STIX timestamp with milliseconds and Z (§3.2). */
void stix_timestamp(int64_t ms, char out[32]);

/* ---- patterns (stix_pattern.c) ---- */

/* Appends the STIX pattern of one indicator to b, e.g. "[ipv4-addr:value = '198.51.100.0/24']"
 * or "[file:hashes.'SHA-256' = '…']" (§9.3: string constants in single quotes, ' and \ escaped
 * with a backslash). value must already be normalised (lower-case hashes and domains, IP
 * addresses in canonical form). Returns 0, -1 for an invalid type, BUF_EFULL when b is full. */
int stix_pattern_build(struct buf *b, enum ioc_type type, const char *value, size_t n);

/* One indicator recognised in a pattern: exactly one comparison "[object:path = 'constant']"
 * (whitespace anywhere allowed, the forms stix_pattern_build writes, plus ipv6-addr and
 * file:hashes.'SHA1'/'MD5' spelled with or without quotes). */
struct stix_pattern_ioc {
    enum ioc_type type;
    char *value; /* heap, unescaped */
};
/* Returns 0 with *out filled (free out->value), or -1 when the pattern is anything else
 * (several comparisons, other operators, qualifiers, other objects): "not extracted". */
int stix_pattern_extract(const char *pattern, size_t n, struct stix_pattern_ioc *out);

/* ---- export (stix_export.c) ---- */

/* What every exported object needs from the caller. */
struct stix_meta {
    const char *key;        /* the record's stable id; the STIX id is derived from it */
    int64_t created_ms;     /* first version */
    int64_t modified_ms;    /* this version; >= created_ms */
    enum tlp tlp;           /* becomes object_marking_refs */
    const char *created_by; /* a STIX identity id, or NULL (then the object names no source) */
};

struct stix_indicator_in {
    struct stix_meta m;
    enum ioc_type type;
    const char *value;       /* normalised */
    const char *name;        /* NULL: "<type> <value>" */
    const char *description; /* NULL: none */
    int64_t valid_from_ms;   /* required (§4.7: valid_from) */
    int64_t valid_until_ms;  /* 0: open-ended; else > valid_from_ms */
    int confidence;          /* 0–100, or -1 for none */
};

struct stix_sighting_in {
    struct stix_meta m;
    const char *sighting_of;             /* the STIX id of what was seen (an indicator) */
    long count;                          /* 0–999,999,999 (§5.2), or -1 for none */
    int64_t first_seen_ms, last_seen_ms; /* 0: none; last >= first */
    const char *const *where_sighted;    /* STIX identity ids (only with the sighter's consent) */
    size_t n_where;
    bool false_positive; /* exported as the custom property x_ichigen_false_positive (§11.1) */
};

/* A de-identified incident summary: the caller has removed everything naming the reporter. */
struct stix_incident_in {
    struct stix_meta m;
    const char *name;        /* e.g. "ランサムウェア被害 (製造業)" */
    const char *description; /* NULL: none */
    const char *lang;        /* RFC 5646 tag of name/description ("ja", "en"), NULL: none */
    const char *category;    /* ichigen's incident category, x_ichigen_category, NULL: none */
    const char *sector;      /* critical-infrastructure sector, x_ichigen_sector, NULL: none */
};

struct stix_report_in {
    struct stix_meta m;
    const char *name;
    const char *description;
    const char *lang;
    int64_t published_ms;
    const char *const *object_refs; /* STIX ids, at least one (§4.14) */
    size_t n_refs;
};

struct stix_identity_in {
    struct stix_meta m;
    const char *name;
    const char *identity_class; /* identity-class-ov: "organization", "individual" …; NULL: org */
    const char *const *sectors; /* industry-sector-ov values, may be empty */
    size_t n_sectors;
    const char *contact; /* contact_information, NULL: none */
};

/* The actor an advisory attributes the activity to (§4.6 intrusion-set: a set of activity
 * grouped by common properties; §4.16 threat-actor: the people behind it). */
enum stix_actor_kind { STIX_ACTOR_THREAT_ACTOR = 0, STIX_ACTOR_INTRUSION_SET };

/* The exportable fields of an advisory (issue 13 item 1), filled by the advisory code from its
 * record. An advisory is a published, finished analysis, so it becomes a `report` (§4.14) with
 * report_types ["threat-report"]; a `grouping` (§4.5) is for context still being analysed and a
 * `note` (§4.11) annotates someone else's objects, neither of which an advisory is. */
struct stix_advisory {
    struct stix_meta m;
    const char *title_ja, *title_en;             /* at least one */
    const char *description_ja, *description_en; /* may be NULL */
    int64_t published_ms;
    const char *actor; /* NULL: not attributed */
    enum stix_actor_kind actor_kind;
    int actor_confidence; /* attribution confidence 0–100 (§3.5 confidence), -1 unknown */
    const char *const *techniques; /* ATT&CK ids "T0831", "T1566.001" */
    size_t n_techniques;
    const char *const *cves; /* "CVE-2024-3400" */
    size_t n_cves;
    const struct stix_indicator_in *indicators;
    size_t n_indicators;
};

/* Each builder validates its input and returns the STIX object (new reference), or NULL with
 * every problem added to errs (pointer = the C field name as "/value", code, en, ja). */
json_t *stix_indicator(const struct stix_indicator_in *in, struct verr_list *errs);
json_t *stix_sighting(const struct stix_sighting_in *in, struct verr_list *errs);
json_t *stix_incident(const struct stix_incident_in *in, struct verr_list *errs);
json_t *stix_report(const struct stix_report_in *in, struct verr_list *errs);
/* An identity names an organisation: only with its consent (the report format's
 * confidentiality.consent). consent false: NULL and the problem "stix.consent_missing". */
json_t *stix_identity(const struct stix_identity_in *in, bool consent, struct verr_list *errs);
/* The standard TLP 2.0 marking-definition object of t (byte-for-byte the OASIS examples:
 * created 2022-10-01T00:00:00.000Z, the TLP 2.0 extension), or NULL for an invalid t. */
json_t *stix_tlp_marking(enum tlp t);

/* A bundle (§8) of objects (borrowed; each is added by reference), with the TLP marking
 * definitions its objects refer to appended once each. key makes the bundle id. */
json_t *stix_bundle(const char *key, json_t *objects);

/* An advisory as a bundle: the report, its language-content translation (§7.1) when both
 * languages are given, one attack-pattern per technique (external_references source_name
 * "mitre-attack", the name MITRE's STIX data uses for Enterprise, ICS and Mobile), one
 * vulnerability per CVE (source_name "cve"), the indicators, the actor with its confidence,
 * and relationships (indicator indicates actor, actor uses attack-pattern, actor targets
 * vulnerability), plus the markings. NULL with every problem in errs. */
json_t *stix_advisory_bundle(const struct stix_advisory *a, struct verr_list *errs);

/* ---- import (stix_import.c) ---- */

struct stix_limits {
    size_t max_bytes;   /* the whole bundle */
    size_t max_objects; /* entries of objects[] */
    size_t max_string;  /* bytes of any one string */
    int max_depth;      /* JSON nesting */
    size_t max_errors;  /* problems kept (then counted) */
};
/* 64 MiB, 200,000 objects, 1 MiB strings, depth 32, 200 problems. */
extern const struct stix_limits stix_default_limits;

struct stix_type_count {
    char *type;
    size_t n;
};

struct stix_import_ioc {
    enum ioc_type type;
    char *value;
    char indicator_id[STIX_ID_LEN];
    enum tlp tlp; /* TLP_INVALID when the indicator carries no TLP marking */
};

struct stix_import {
    struct stix_limits lim;
    size_t objects;
    struct stix_type_count *types; /* in order of first appearance */
    size_t n_types;
    struct stix_import_ioc *iocs;
    size_t n_iocs;
    size_t patterns_not_extracted; /* indicators whose pattern is not one simple comparison */
    char **techniques; /* ATT&CK ids from attack-pattern external_references, each once */
    size_t n_techniques;
    size_t tlp[TLP__COUNT]; /* objects marked with each TLP (TLP 1.0 ids mapped, see below) */
    size_t unmarked;        /* objects with no TLP marking */
    struct verr_list errs;  /* every problem: JSON Pointer, code, en, ja */
};

void stix_import_init(struct stix_import *r, const struct stix_limits *lim);
void stix_import_release(struct stix_import *r);

/* Parses and checks a STIX 2.1 bundle from p[0..n) and fills r. Every object must have a type
 * (§2.8 type name), an id "type--UUID" whose prefix is the type, spec_version "2.1" (SDOs,
 * SROs, marking definitions; §3.1), created and modified as STIX timestamps ("Z") where the
 * object has them, modified >= created (§3.2). Problems name the JSON Pointer
 * ("/objects/12/modified") and are gathered, not stopped at; an oversized, malformed or too
 * deeply nested text is one problem at "" (with line and column in the message).
 * TLP: TLP 2.0 marking ids (sharing.h), and the TLP 1.0 ids of STIX 2.1 §7.2.1.4 mapped white →
 * CLEAR, green → GREEN, amber → AMBER, red → RED (TLP 2.0 §"TLP:CLEAR" replaces WHITE; AMBER
 * keeps its meaning, AMBER+STRICT did not exist). Returns 0 when the bundle has no problem, 1
 * when it has (r still holds the counts of what could be read), -1 when limits were invalid. */
int stix_import_bundle(const char *p, size_t n, struct stix_import *r);

/* The TLP of a marking-definition id: TLP 2.0 or (mapped) TLP 1.0; TLP_INVALID otherwise. */
enum tlp stix_tlp_of_marking(const char *id);

#endif
