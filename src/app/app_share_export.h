/*
 * app_share_export.h — advisories out as STIX 2.1 and MISP, and MISP events in as STIX
 * indicators of a TAXII collection (issue 13 items 4 and 6).
 *
 * Exports read through the same door as GET /api/v1/advisories/{id}: app_advisory_get asks the
 * read rule, so an advisory the caller may not read is NOT_FOUND here too, and what is exported
 * is the advisory as that reader sees it (app_advisory_view: other organisations' source
 * incidents are never named). The TLP label travels with the export: STIX object_marking_refs
 * with the TLP 2.0 marking definitions, a MISP tlp: tag.
 * An import into a TAXII collection is a TAXII write (app_taxii.h): the same writers, the same
 * refusal of anything more restrictive than the collection, the same status resource.
 *
 * Layer: application. Callers: http/ (h_advisories.c, h_taxii.c), tests.
 */
#ifndef APP_APP_SHARE_EXPORT_H
#define APP_APP_SHARE_EXPORT_H

#include <jansson.h>

#include "app_call.h"

/* Advisory id (version: 0 for the latest) as a STIX 2.1 bundle: a report, its indicators with
 * STIX patterns, ATT&CK attack-patterns, vulnerabilities, the actor, and the TLP marking. */
enum app_problem app_advisory_stix(const struct app_call *c, const char *id, int version,
                                   json_t **bundle, struct app_result *res);

/* Advisory id as a MISP event (MISP core format, its label as a tlp: tag). */
enum app_problem app_advisory_misp(const struct app_call *c, const char *id, int version,
                                   json_t **event, struct app_result *res);

/* The caller's organisation's report id (version 0: the latest) as a de-identified STIX 2.1
 * bundle, for the reporting organisation to pass on: an `incident` named by its categories and
 * the organisation's sector only (no free text, no names, no times finer than the report's own
 * markings), its indicators with STIX patterns, a `report` over them, and the report's TLP
 * label (confidentiality.tlp; AMBER when it has none) as object_marking_refs. The reporting
 * organisation's `identity` only when identify is true: its own consent, given for this export.
 * Reporters of the organisation (NOT_FOUND otherwise, as GET /api/v1/reports/{id}). */
enum app_problem app_report_stix(const struct app_call *c, const char *id, int version,
                                 bool identify, json_t **bundle, struct app_result *res);

/* The indicators of MISP event body become STIX indicators of TAXII collection key, each with
 * the label MISP gave it (tag, or distribution: docs/sharing.md §6); *status is the TAXII
 * status resource with, besides, "misp": {event, imported, unsupported {type: count},
 * deleted}. VALIDATION (not a MISP event: every problem), and the problems of a TAXII POST. */
enum app_problem app_taxii_misp_import(const struct app_call *c, const char *key,
                                       const char *body, size_t n, json_t **status,
                                       struct app_result *res);

#endif
