/*
 * app_audit.h — reading the audit log as a use case (the platform operator's GET
 * /api/v1/audit): one page of entries from a sequence number on. Verification of the chain
 * and of pinned bytes is the operator's CLI (`ichigen audit verify`), which reads the store
 * directly because it runs without a signed-in principal.
 *
 * Layer: application (docs/architecture.md). Callers: http/h_ops.c, tests.
 */
#ifndef APP_APP_AUDIT_H
#define APP_APP_AUDIT_H

#include "app.h"
#include "app_problem.h"
#include "../auth/auth.h"

/* Up to limit entries from from_seq on (both ≥ 1), oldest first, each handed to cb (which
 * returns non-zero to stop); *next_seq is the sequence number of the entry after the page, or
 * 0 when the page reached the end. Only a role the permission matrix allows to read the audit
 * log (ACT_AUDIT_READ) may: FORBIDDEN otherwise; UNAVAILABLE when the store fails. */
enum app_problem app_audit_page(struct app *app, const struct principal *who, int64_t from_seq,
                                int limit, int (*cb)(const struct audit_rec *a, void *arg),
                                void *arg, int64_t *next_seq, struct app_result *res);

#endif
