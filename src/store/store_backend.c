/*
 * store_backend.c — helpers every store backend uses (store_int.h): the audit chain's next
 * entry, the record of a report version just written, an account write's member-count checks,
 * whether a token may be used, a claim's busy recipients and its order, bounded copies of
 * stored text, due states and reminder lead times as stored, which status takes a receipt,
 * what a delivery outcome makes of a notification.
 * Pure: no I/O, no backend types.
 */
#include "store_int.h"

void store_audit_chain(struct audit_rec *r, int64_t head_seq, const char *head_hash)
{
    r->seq = head_seq + 1;
    xstrlcpy(r->prev_hash, head_hash, sizeof(r->prev_hash));
    audit_seal(r);
}

void store_report_rec_from_write(const struct report_write *w, int version, int64_t created_at,
                                 struct report_rec *out)
{
    memset(out, 0, sizeof(*out));
    xstrlcpy(out->id, w->id, sizeof(out->id));
    xstrlcpy(out->org_id, w->org_id, sizeof(out->org_id));
    out->version = out->latest_version = version;
    out->created_at = created_at;
    out->updated_at = out->version_created_at = w->now_ms;
    xstrlcpy(out->author_id, w->author_id, sizeof(out->author_id));
    xstrlcpy(out->body_sha256, w->body_sha256, sizeof(out->body_sha256));
    xstrlcpy(out->phase, w->phase ? w->phase : "", sizeof(out->phase));
    xstrlcpy(out->tlp, w->tlp ? w->tlp : "", sizeof(out->tlp));
    out->drill = w->drill;
    xstrlcpy(out->categories, w->categories ? w->categories : ",", sizeof(out->categories));
    out->summary = w->summary ? xstrdup(w->summary) : NULL;
    out->change_summary = w->change_summary ? xstrdup(w->change_summary) : NULL;
    out->body = xstrndup(w->body, w->body_len);
    out->body_len = w->body_len;
}

int store_account_pre_holds(const struct user_write *w, const struct org_members *m)
{
    if (w->pre == ACCOUNT_PRE_NO_ADMIN && m->org_admins > 0)
        return STORE_CONFLICT;
    if (w->pre == ACCOUNT_PRE_NO_MEMBERS && m->members > 0)
        return STORE_CONFLICT;
    return STORE_OK;
}

int store_account_admin_left(const struct user_write *w, const struct org_members *m)
{
    return (w->admin_role == ROLE_ADMIN ? m->admins : m->org_admins) > 0 ? STORE_OK
                                                                         : STORE_CONFLICT;
}

int store_token_usable(const struct principal *p, int64_t revoked_at, bool disabled, int64_t now)
{
    if (revoked_at || disabled || (p->expires_at && p->expires_at <= now) || p->role == ROLE_NONE)
        return STORE_NOT_FOUND;
    return STORE_OK;
}

bool store_claim_busy(const struct claim_request *c, const char *recipient_id)
{
    for (size_t i = 0; i < c->nbusy; i++)
        if (!strcmp(c->busy[i], recipient_id))
            return true;
    return false;
}

void store_utf8_cut(char *out, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(out, s, len);
    out[len] = '\0';
}

int store_due_state_parse(const char *name)
{
    for (int i = 0; i <= DUE_CALENDAR_GAP; i++)
        if (name && !strcmp(rules_due_state_name((enum rules_due_state)i), name))
            return i;
    return DUE_SET;
}

void store_leads_format(const int *leads, int n, char *out, size_t size)
{
    size_t used = 0;
    int w = snprintf(out, size, "[");
    for (int i = 0; i < n && w >= 0 && (used += (size_t)w) < size; i++)
        w = snprintf(out + used, size - used, "%s%d", i ? "," : "", leads[i]);
    if (w >= 0 && (used += (size_t)w) < size)
        snprintf(out + used, size - used, "]");
}

int store_leads_parse(const char *text, int *out, int max)
{
    int n = 0;
    const char *p = text ? text : "";
    while (*p && n < max) {
        while (*p && (*p < '0' || *p > '9'))
            p++;
        if (!*p)
            break;
        out[n++] = (int)strtol(p, (char **)&p, 10);
    }
    return n;
}

char *store_emails_format(const struct reminder_settings *r)
{
    json_t *a = json_array();
    for (int i = 0; i < r->nemails && i < REMINDER_EMAILS_MAX; i++)
        json_array_append_new(a, json_string(r->emails[i]));
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    if (!text)
        BUG("e-mail addresses: out of memory");
    return text;
}

void store_emails_parse(const char *text, struct reminder_settings *r)
{
    json_t *a = text ? json_loads(text, 0, NULL) : NULL;
    r->nemails = 0;
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++) {
        const char *v = json_string_value(json_array_get(a, i));
        if (v && r->nemails < REMINDER_EMAILS_MAX && strlen(v) < REMINDER_EMAIL_LEN)
            xstrlcpy(r->emails[r->nemails++], v, REMINDER_EMAIL_LEN);
    }
    json_decref(a);
}

static int cmp_claim(const void *x, const void *y)
{
    const struct store_claim_candidate *a = x, *b = y;
    return a->at != b->at ? (a->at < b->at ? -1 : 1) : strcmp(a->id, b->id);
}

size_t store_claim_earliest(struct store_claim_candidate *c, size_t n, size_t limit)
{
    if (n)
        qsort(c, n, sizeof(*c), cmp_claim);
    return n < limit ? n : limit;
}

void store_note_outcome(const struct delivery_result *d, struct store_note_outcome *out)
{
    bool ok = d->outcome == OUTCOME_DELIVERED || d->outcome == OUTCOME_ACKNOWLEDGED;
    out->status = ok ? "delivered" : d->outcome == OUTCOME_FAILED ? "failed" : "queued";
    out->delivered_at = ok ? d->at : 0;
    out->next_attempt_at = d->outcome == OUTCOME_RETRY ? d->next_attempt_at : d->at;
    out->last_error = ok ? NULL : d->error;
}

void store_reminder_candidates_free(struct reminder_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].incident_summary);
    free(c);
}

bool store_receipt_allowed(const char *status, bool filing)
{
    if (filing)
        return !strcmp(status, "awaiting_filing");
    return !strcmp(status, "available") || !strcmp(status, "delivered");
}

bool store_request_answered_by(const struct request_rec *r, const char *recipient_id,
                               const char *obligation_id)
{
    if (r->answered_at || strcmp(r->recipient_id, recipient_id))
        return false;
    return !r->obligation_id[0] || !strcmp(r->obligation_id, obligation_id);
}
