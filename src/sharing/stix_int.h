/*
 * stix_int.h — helpers shared by the stix_*.c files only (not part of stix.h's contract).
 */
#ifndef SHARING_STIX_INT_H
#define SHARING_STIX_INT_H

#include "stix.h"

#define STIX_TEXT_MAX 65536 /* bytes of one exported text (name, description) */

/* Adds a problem to errs (all strings copied; code static). */
void stix_bad(struct verr_list *errs, const char *ptr, const char *code, const char *en,
              const char *ja);
/* Checks the common fields (key, created <= modified, TLP, created_by); false on a problem. */
bool stix_check_meta(const struct stix_meta *m, struct verr_list *errs);
/* A problem (and false) when s is required and empty, or longer than STIX_TEXT_MAX. */
bool stix_check_text(struct verr_list *errs, const char *ptr, const char *s, bool required);
/* Whether ref is "type--UUID" with a UUID the OASIS schemas accept (versions 1–5, RFC 4122
 * variant); type NULL accepts any type name before the "--". */
bool stix_ref_ok(const char *ref, const char *type);
/* Whether v is a normalised value of indicator kind t (CIDR blocks allowed for IP). */
bool stix_ioc_value_ok(enum ioc_type t, const char *v);
/* A new object with type, spec_version, id (from key, or m->key when key is NULL),
 * created_by_ref, created, modified and object_marking_refs. m must have been checked. */
json_t *stix_common(const char *type, const struct stix_meta *m, const char *key);
void stix_set_time(json_t *o, const char *name, int64_t ms);
/* Sets name to s when s is neither NULL nor empty. */
void stix_set_text(json_t *o, const char *name, const char *s);

#endif
