/*
 * store_types.c — what the store's result types need whatever the backend (store.h): the
 * *_release functions that free what a read filled in, and the names of the result codes.
 * A backend fills these structs with heap strings from xmalloc/xstrdup (core/core.h) so that
 * one set of release functions frees them all.
 */
#include "store.h"

const char *store_result_name(int r)
{
    switch (r) {
    case STORE_REPLAYED:
        return "replayed";
    case STORE_OK:
        return "ok";
    case STORE_NOT_FOUND:
        return "not_found";
    case STORE_CONFLICT:
        return "conflict";
    case STORE_IDEM_MISMATCH:
        return "idempotency_mismatch";
    case STORE_EXISTS:
        return "exists";
    case STORE_INVALID:
        return "invalid_reference";
    default:
        return "unavailable";
    }
}

void report_rec_release(struct report_rec *r)
{
    free(r->summary);
    free(r->change_summary);
    free(r->body);
    free(r->withdrawn_reason);
    r->summary = r->change_summary = r->body = r->withdrawn_reason = NULL;
}

void report_list_release(struct report_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        report_rec_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
    l->more = false;
}

void obligation_list_release(struct obligation_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].explanation);
        free(l->items[i].withdrawn_reason);
        free(l->items[i].events);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void draft_rec_release(struct draft_rec *d)
{
    free(d->body);
    d->body = NULL;
}

void advisory_rec_release(struct advisory_rec *a)
{
    free(a->audience);
    free(a->title);
    free(a->body);
    free(a->withdrawn_reason);
    a->audience = a->title = a->body = a->withdrawn_reason = NULL;
}

void advisory_list_release(struct advisory_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        advisory_rec_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void assessment_rec_release(struct assessment_rec *a)
{
    free(a->answers);
    free(a->scores);
    a->answers = a->scores = NULL;
}

void assessment_list_release(struct assessment_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        assessment_rec_release(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void peer_rows_release(struct peer_rows *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].scores);
    free(p->items);
    memset(p, 0, sizeof(*p));
}

void orgdoc_rec_release(struct orgdoc_rec *d)
{
    free(d->body);
    d->body = NULL;
}

void orgdoc_list_release(struct orgdoc_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        orgdoc_rec_release(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void submission_rec_release(struct submission_rec *r)
{
    free(r->payload);
    free(r->withheld);
    free(r->last_error);
    free(r->receipt);
    r->payload = r->withheld = r->last_error = r->receipt = NULL;
}

void submission_list_release(struct submission_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        submission_rec_release(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void submission_events_release(struct submission_events *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->items[i].detail);
    free(e->items);
    memset(e, 0, sizeof(*e));
}

void notification_list_release(struct notification_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].payload);
        free(l->items[i].last_error);
        free(l->items[i].mail_last_error);
        free(l->items[i].emails);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void open_obligations_release(struct open_obligations *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].summary);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void inbox_page_release(struct inbox_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        submission_rec_release(&p->items[i].s);
        free(p->items[i].title);
    }
    free(p->items);
    memset(p, 0, sizeof(*p));
}

void request_rec_release(struct request_rec *r)
{
    free(r->message);
    free(r->fields);
    r->message = r->fields = NULL;
}

void request_list_release(struct request_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        request_rec_release(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void taxii_collection_rec_release(struct taxii_collection_rec *c)
{
    free(c->audience);
    free(c->writers);
    c->audience = c->writers = NULL;
}

void taxii_obj_page_release(struct taxii_obj_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].body);
    free(p->items);
    memset(p, 0, sizeof(*p));
}
