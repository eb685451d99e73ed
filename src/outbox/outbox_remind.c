/*
 * outbox_remind.c — the reminder policy (outbox.h; docs/delivery.md §8, issue 5 "Deadline
 * reminders"): which reminder is due for which obligation, and what reminders and alerts say
 * to the organisation's own webhook. Pure: time and ids come in as arguments; the store lists
 * the candidates and adds what this returns (store.h, reminders_scan), so a second backend
 * holds none of it in its SQL.
 */
#include "outbox.h"
#include "../core/rtime.h"

#define HOUR_MS 3600000LL

int outbox_remind_lead(const struct reminder_candidate *c, int64_t now)
{
    /* reminders are for open, mandatory deadlines of real incidents only (a voluntary channel
     * has a target, not a legal deadline; a drill must not page anyone) */
    if (c->withdrawn || c->met || !c->mandatory || c->drill || !c->due_set || !c->enabled)
        return -1;
    if (c->due_ms <= now) /* a determination is a decision to make, never an overdue report */
        return c->undetermined ? -1 : 0;
    int best = -1;
    for (int i = 0; i < c->nleads && i < REMINDER_LEADS_MAX; i++) {
        int h = c->lead_hours[i];
        if (h >= 1 && c->due_ms - h * HOUR_MS <= now && (best < 0 || h < best))
            best = h;
    }
    return best;
}

static json_t *time_json(int64_t ms)
{
    char t[40];
    rtime_format_utc(ms, t, sizeof(t));
    return json_string(t);
}

static char *dump(json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!text)
        BUG("reminder payload: out of memory");
    return text;
}

char *outbox_remind_payload(const struct reminder_candidate *c, int lead, int64_t now)
{
    return outbox_remind_payload_rule(c, lead, now, NULL);
}

char *outbox_remind_payload_rule(const struct reminder_candidate *c, int lead, int64_t now,
                                 const struct rule *rule)
{
    /* text as stored, like the SQL json_object() this replaces (no second UTF-8 check) */
    json_t *summary = c->incident_summary ? json_string_nocheck(c->incident_summary) : NULL;
    json_t *j = json_pack(
        "{s:s, s:i, s:s, s:s, s:o, s:{s:s, s:s, s:s, s:s, s:s, s:o}, s:o}", "event",
        c->undetermined ? "obligation.undetermined"
        : lead > 0      ? "obligation.due_soon"
                        : "obligation.overdue",
        "lead_hours", lead, "organization_id", c->org_id, "incident_id", c->incident_id,
        "incident_summary", summary ? summary : json_null(), "obligation", "id", c->obligation_id,
        "rule_id", c->rule_id, "stage_id", c->stage_id, "recipient_id", c->recipient_id, "kind",
        c->kind, "due_at", time_json(c->due_ms), "created_at", time_json(now));
    if (!j)
        BUG("reminder payload: not representable");
    if (!rules_in_force(rule)) { /* in words, so no reader takes a proposal for law */
        json_t *rs = rules_rule_status_json(rule);
        json_object_update(json_object_get(j, "obligation"), rs);
        json_decref(rs);
    }
    return dump(j);
}

size_t outbox_remind_plan(const struct reminder_candidate *c, size_t n, void *ctx,
                          struct notification_new **out)
{
    const struct outbox_remind_ctx *x = ctx;
    size_t k = 0;
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        int lead = outbox_remind_lead(&c[i], x->now);
        const struct rule *rule = x->rules ? rules_find(x->rules, c[i].rule_id) : NULL;
        /* a proposal's deadline that passed is not overdue (issue 11 item 4) */
        if (lead < 0 || (lead == 0 && !rules_in_force(rule)))
            continue;
        if (!*out)
            *out = xcalloc(n, sizeof(**out));
        struct notification_new *v = &(*out)[k++];
        x->new_id(v->id, x->id_arg);
        xstrlcpy(v->org_id, c[i].org_id, sizeof(v->org_id));
        xstrlcpy(v->kind, "reminder", sizeof(v->kind));
        /* a determination's reminders have their own keys: once it becomes the obligation, the
         * real reminders at the same lead times still go */
        snprintf(v->dedupe, sizeof(v->dedupe), "%s:%s:%d",
                 c[i].undetermined ? "decide" : "reminder", c[i].obligation_id, lead);
        v->payload = outbox_remind_payload_rule(&c[i], lead, x->now, rule);
        v->at = x->now;
    }
    return k;
}

void outbox_alert_note(const struct submission_rec *s, const char *last_error, int64_t now,
                       const char *id, struct notification_new *out)
{
    memset(out, 0, sizeof(*out));
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:i, s:o}, s:o}", "event", "submission.failed",
        "organization_id", s->org_id, "incident_id", s->incident_id, "submission", "id", s->id,
        "obligation_id", s->obligation_id, "rule_id", s->rule_id, "stage_id", s->stage_id,
        "recipient_id", s->recipient_id, "attempts", s->attempts, "last_error",
        last_error ? json_string_nocheck(last_error) : json_null(), "created_at", time_json(now));
    if (!j)
        BUG("alert payload: not representable");
    xstrlcpy(out->id, id, sizeof(out->id));
    xstrlcpy(out->org_id, s->org_id, sizeof(out->org_id));
    xstrlcpy(out->kind, "alert", sizeof(out->kind));
    snprintf(out->dedupe, sizeof(out->dedupe), "failed:%s", s->id);
    out->payload = dump(j);
    out->at = now;
}
