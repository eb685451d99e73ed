/*
 * store_notify.c — backend-neutral parts of the notification contract (store.h,
 * store_notify.h): freeing what a reminder policy returns, and the events a store write
 * announces to organisations — who is told, what it says, whether it goes to the webhook.
 */
#include "store_notify.h"
#include "../core/rtime.h"

void notification_new_free(struct notification_new *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].payload);
    free(v);
}

void store_notification_id(char id[40])
{
    unsigned char r[16];
    hash_random(r, sizeof(r));
    for (size_t i = 0; i < sizeof(r); i++)
        snprintf(id + 2 * i, 3, "%02x", r[i]);
}

void store_org_event_note(const char *org_id, const char *kind, const char *payload, bool webhook,
                          int64_t now, const char *id, struct notification_new *out)
{
    memset(out, 0, sizeof(*out));
    xstrlcpy(out->id, id, sizeof(out->id));
    xstrlcpy(out->org_id, org_id, sizeof(out->org_id));
    xstrlcpy(out->kind, kind, sizeof(out->kind));
    snprintf(out->dedupe, sizeof(out->dedupe), "%s:%s", kind, id);
    out->payload = xstrdup(payload);
    out->at = now;
    out->listed_only = !webhook;
}

static bool listed(const char **v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], id))
            return true;
    return false;
}

size_t store_binding_told(const char *const *submitters, size_t n, const char *current,
                          const char *previous, const char ***told)
{
    const char **v = xcalloc(n + 2, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (submitters[i] && submitters[i][0] && !listed(v, k, submitters[i]))
            v[k++] = submitters[i];
    if (!listed(v, k, current))
        v[k++] = current;
    if (previous && previous[0] && !listed(v, k, previous))
        v[k++] = previous;
    *told = v;
    return k;
}

void store_binding_note(const char *org_id, bool webhook, const char *recipient_id,
                        const struct org *previous, const struct org *current, int64_t now,
                        const char *id, struct notification_new *out)
{
    json_t *j = account_binding_event_json(org_id, recipient_id, previous, current, now);
    memset(out, 0, sizeof(*out));
    if (!j)
        BUG("binding event: not representable");
    xstrlcpy(out->id, id, sizeof(out->id));
    xstrlcpy(out->org_id, org_id, sizeof(out->org_id));
    xstrlcpy(out->kind, "binding", sizeof(out->kind));
    snprintf(out->dedupe, sizeof(out->dedupe), "binding:%s:%lld:%s", recipient_id, (long long)now,
             org_id);
    out->payload = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!out->payload)
        BUG("binding event: out of memory");
    out->at = now;
    out->listed_only = !webhook;
}

bool store_arrival_wanted(const char *channel, bool drill)
{
    return !drill && (!strcmp(channel, "webhook") || !strcmp(channel, "inbox"));
}

void store_arrival_note(const char *org_id, const struct submit_write *w,
                        const struct submission_new *n, struct notification_new *out)
{
    char at[40], item[64];
    rtime_format_utc(w->now_ms, at, sizeof(at));
    snprintf(item, sizeof(item), "/api/v1/inbox/%s", n->id);
    json_t *j =
        json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}}", "event",
                  "submission.arrived", "organization_id", org_id, "submission", "id", n->id,
                  "incident_id", w->incident_id, "rule_id", n->rule_id, "stage_id", n->stage_id,
                  "recipient_id", n->recipient_id, "report_version", w->version, "channel",
                  n->channel, "payload_sha256", n->payload_sha256, "received_at", at, "href", item);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (!text)
        BUG("arrival event: not representable");
    store_org_event_note(org_id, "arrival", text, true, w->now_ms, n->id, out);
    free(text);
}

const char *store_note_channels(const struct notification_new *n, const struct store_note_facts *f,
                                bool *mail)
{
    /* listed_only is the caller's word that the webhook is off (account events of an
     * organisation without an enabled webhook); the e-mail follows the settings alone, so an
     * organisation that chose e-mail only still hears of every event */
    *mail = f->enabled && f->emails;
    return !n->listed_only && f->enabled && f->endpoint ? "queued" : "not_sent";
}
