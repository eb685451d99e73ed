/*
 * app_inbox.h — the receiving side of delivery (issue 5; docs/delivery.md): an organisation
 * bound to a recipient (PUT /api/v1/recipients/{id}/binding) lists the submissions routed to
 * it, fetches each (the first fetch is the delivery of an inbox submission) and posts a
 * receipt. Who may see what is decided by app_authz_received (app_authz.h).
 *
 * Layer: application. Callers: http/h_delivery.c, tests.
 */
#ifndef APP_APP_INBOX_H
#define APP_APP_INBOX_H

#include "app_call.h"
#include "app_submit.h"
#include "../outbox/outbox.h"

struct app_inbox_query {
    const char *stage_id, *status;        /* or NULL */
    const char *category, *sector;        /* the incident's category, the reporter's sector */
    bool unacknowledged;                  /* only those without a receipt yet */
    int64_t created_from, created_before; /* 0 = unbounded */
    const char *sort;                     /* newest (default), oldest, deadline; or NULL */
    const char *after;                    /* cursor: the last id seen, or NULL */
    int limit;
};

/* The electronic submissions (webhook, inbox) routed to the recipients the actor's
 * organisation receives for, in the order asked (received newest or oldest first, or the
 * deadline the reporter is held to, soonest first; issue 10 item 7), each with the reporting
 * organisation, the incident's title and categories and that deadline; an organisation bound to
 * none has an empty inbox. BAD_QUERY (the parameter named) for a status that is not a
 * submission status or an unknown sort; FORBIDDEN, UNAVAILABLE. The caller releases out on
 * APP_OK. */
enum app_problem app_inbox_list(const struct app_call *c, const struct app_inbox_query *q,
                                struct inbox_page *out, struct app_result *res);

/* One submission of the inbox rendered in the form its recipient takes (issue 10 item 7): the
 * payload as stored (JSON), or the recipient's own workbook or PDF — the same rendering the
 * reporter files (app_submit.h, app_submission_document), of what was sent to this recipient
 * after its withholding, never another authority's form. Reading it is not the inbox's
 * delivery (GET /api/v1/inbox/{id} is). BAD_QUERY (format) for a rendering the recipient does
 * not take; NOT_FOUND, FORBIDDEN, RENDERING_FAILED. On return release out. */
enum app_problem app_inbox_document(const struct app_call *c, const char *id,
                                    enum app_doc_format fmt, struct app_document *out,
                                    struct app_result *res);

/* One submission of the inbox with its payload. deliver: this read is the recipient's fetch
 * (an inbox submission becomes delivered, and the obligation met); false for a read that
 * takes nothing (HTTP HEAD). On APP_OK the caller releases s. */
enum app_problem app_inbox_get(const struct app_call *c, const char *id, bool deliver,
                               struct submission_rec *s, struct app_result *res);

/* The recipient's receipt ({"reference", "note"?}) for one of its submissions.
 * SUBMISSION_STATE when it already has one or has not reached the recipient yet; VALIDATION.
 * On APP_OK out is the submission as stored now (the caller releases it). */
enum app_problem app_inbox_receipt(const struct app_call *c, const char *id, const json_t *body,
                                   struct submission_rec *out, struct app_result *res);

/* ---- recipients and bindings (which organisation receives for a recipient) ---- */

/* One recipient of the rule set as the directory shows it to every role. */
struct app_recipient {
    struct rules_recipient_view v;
    const struct outbox_route *route;        /* its delivery route (borrowed) */
    const struct recipient_binding *binding; /* the organisation receiving for it, or NULL */
    struct org org;                          /* that organisation, when org_known */
    bool org_known;
};
struct app_recipients {
    struct app_recipient *items;
    size_t n;
    struct recipient_binding *bindings; /* heap; the items borrow them */
};
void app_recipients_release(struct app_recipients *l);

/* The recipients directory with each one's binding (ACT_RECIPIENT_LIST): who receives for a
 * recipient is shown to every organisation (issue 8.12), since it decides who reads the
 * submissions. APP_OK (release out in every case), FORBIDDEN, UNAVAILABLE. */
enum app_problem app_recipients_list(const struct app_call *c, struct app_recipients *out,
                                     struct app_result *res);

/* Binds recipient_id to the organisation body names ({"org_id"}) (ACT_RECIPIENT_BIND, the
 * operator): only a receiving organisation (kind "authority") can be bound — binding a
 * reporting company by mistake would hand it other companies' reports. NOT_FOUND (no such
 * recipient), VALIDATION (every problem), FORBIDDEN, UNAVAILABLE. */
enum app_problem app_recipient_bind(const struct app_call *c, const char *recipient_id,
                                    const json_t *body, struct app_result *res);

#endif
