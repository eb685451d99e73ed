/*
 * h_govern.h — shared by the governance handlers (h_docs.c, h_assess.c, h_risk.c,
 * h_rating.c): organisation documents, request checks, and the lookups the rating report
 * and simulations share. Internal to src/http/.
 */
#ifndef HTTP_H_GOVERN_H
#define HTTP_H_GOVERN_H

#include "http_int.h"
#include "h_app.h"
#include "../app/app_govern.h"

/* A kind of organisation document served under path: its store kind (app_doc_kind) and the
 * JSON key of its content. */
struct doc_kind {
    const char *kind;
    const char *path;
    const char *body_key;
};

/* {"id", "version", "created_at", "updated_at", "created_by", body_key: content} */
json_t *http_doc_json(const struct orgdoc_rec *d, const char *body_key);

/* Reads document id of kind that the caller may use for action a; answers 403/404/503 and
 * returns false if not. The caller releases d. */
bool http_doc_fetch(struct req *r, const char *kind, enum auth_action a, const char *id,
                    struct orgdoc_rec *d);

/* Lists the caller's organisation's documents of kind (?limit, ?cursor). */
void http_doc_list(struct req *r, const char *kind, const char *body_key, bool with_body);

/* Reads an assessment the caller may use for action act (answers otherwise). */
bool http_assessment_fetch(struct req *r, enum auth_action act, const char *id,
                           struct assessment_rec *a);
#endif
