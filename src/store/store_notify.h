/*
 * store_notify.h — what an organisation is told from inside a store write (store.h): the
 * events a write queues for the organisation's notifications and reminder webhook, decided
 * here once so that no backend holds it in its SQL (docs/architecture.md, "where policy
 * lives"). Reminders and alerts are decided above the store (outbox_remind.c); these are the
 * events that must be written in the same transaction as the change they announce.
 *
 * Who calls it: store backends (src/store/<backend>/), in their write transactions.
 */
#ifndef STORE_STORE_NOTIFY_H
#define STORE_STORE_NOTIFY_H

#include "store.h"

/* A new notification id: 32 random lowercase hex digits. */
void store_notification_id(char id[40]);

/* An event for organisation org_id (kind "account" …): dedupe key "<kind>:<id>", due at now,
 * sent to the organisation's reminder webhook when it has an enabled one (webhook), else only
 * listed (status not_sent). out->payload is a heap copy of payload. */
void store_org_event_note(const char *org_id, const char *kind, const char *payload, bool webhook,
                          int64_t now, const char *id, struct notification_new *out);

/* Who is told that recipient_id's receiving organisation changed from previous ("" or NULL:
 * none) to current: every organisation that submitted to the recipient (the new receiver can
 * now read what they sent), the new receiver and the previous one, each once. Returns how
 * many ids were written to *told (heap array of borrowed strings; the caller frees it). */
size_t store_binding_told(const char *const *submitters, size_t n, const char *current,
                          const char *previous, const char ***told);

/* The notification org_id is given about that change: kind "binding", dedupe key
 * "binding:<recipient>:<now>:<org>", the body account_binding_event_json, sent to the
 * organisation's enabled webhook (webhook) or only listed. out->payload is heap. */
void store_binding_note(const char *org_id, bool webhook, const char *recipient_id,
                        const struct org *previous, const struct org *current, int64_t now,
                        const char *id, struct notification_new *out);

/* Issue 10, item 7: an authority's system subscribes to new arrivals with its organisation's
 * webhook (PUT /api/v1/inbox/subscription). Whether a submission arrives at all: electronic
 * channels (webhook, inbox) of real incidents — documents are the reporter's to file and drills
 * never arrive (the inbox's own rule, app_authz_received). */
bool store_arrival_wanted(const char *channel, bool drill);

/* The event org_id (bound to n's recipient, with an enabled webhook) is sent about n, written
 * by submit w: kind "arrival", dedupe key "arrival:<submission id>" (one event per submission
 * however often a write is retried: at-least-once delivery, deduplicated), due at once. The
 * body names the submission, never carries its payload: fetching it is the inbox's delivery.
 * out->payload is heap. */
void store_arrival_note(const char *org_id, const struct submit_write *w,
                        const struct submission_new *n, struct notification_new *out);

/* What an organisation's reminder settings are, as a notification is added: facts the
 * backend reads in the adding transaction (no settings: all false). */
struct store_note_facts {
    bool enabled;  /* settings exist and are enabled */
    bool endpoint; /* with a webhook endpoint */
    bool emails;   /* with at least one e-mail address */
};

/* Where a notification goes (issue 10 item 8): the webhook channel's status — "queued" when
 * the note is not listed_only and the settings are enabled with an endpoint, else "not_sent"
 * (listed only) — and whether it is also mailed (*mail: enabled settings with addresses, for
 * every kind, so kinds added later are mailed too). Each channel is delivered on its own. */
const char *store_note_channels(const struct notification_new *n, const struct store_note_facts *f,
                                bool *mail);

#endif
