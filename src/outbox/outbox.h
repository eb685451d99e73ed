/*
 * outbox.h — delivery of submissions to recipients (issue 5; docs/delivery.md).
 *
 * What it is, in two halves:
 *  - pure functions (outbox_plan.c, outbox_payload.c, outbox_sign.c, outbox_net.c,
 *    outbox_config.c, outbox_remind.c): which obligations a "submit" sends and why the others
 *    are not sent; which reminder is due for which obligation and what reminders and alerts
 *    say (the store only lists candidates and adds what it is given);
 *    what each recipient is given (its sections, minus what the reporter withheld); the exact
 *    payload bytes; the webhook signature; the retry schedule; which addresses and URLs a
 *    webhook may reach (SSRF); the operator's delivery file; a receiver's receipt;
 *  - the delivery worker (outbox_worker.c): a background thread that claims due submissions
 *    from the store, POSTs them with libcurl (many at once, per-recipient limits and
 *    timeouts), and records the outcomes.
 * What it is not: HTTP handlers (http/), storage (store/) or the rules (rules/).
 * Who calls it: http/ (submit, reminders), cli/ (serve starts the worker), tests, fuzz/, bench/.
 */
#ifndef OUTBOX_OUTBOX_H
#define OUTBOX_OUTBOX_H

#include <jansson.h>
#include <sys/socket.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/hash.h"
#include "../core/uuid.h"
#include "../core/verr.h"
#include "../rules/rules.h"
#include "../store/store.h"

#define OUTBOX_FORMAT "ichigen-submission/1"
#define OUTBOX_SECRET_MIN 32 /* bytes of a webhook secret */
#define OUTBOX_SECRET_MAX 256
#define OUTBOX_SIG_MAX 96        /* "t=<unix seconds>,v1=<64 hex>" */
#define OUTBOX_RECEIPT_MAX 65536 /* bytes of a receiver's answer that are read */

/* ---- planning a submit (pure) ---- */

/* One obligation of the incident as the ledger holds it (obligations_list). */
enum outbox_skip {
    SKIP_NONE = 0,
    SKIP_WITHDRAWN,      /* no longer applicable */
    SKIP_ALREADY,        /* it has a live submission, or is met */
    SKIP_PREVIOUS_STAGE, /* the rule's earlier stage has not been submitted */
    SKIP_MISSING_FIELDS, /* the version lacks the stage's required fields */
    SKIP_UNKNOWN_RULE,   /* the rule or stage left the rule set */
    SKIP_NOT_SELECTED,   /* the caller asked for other obligations */
    SKIP_LATER_STAGE,    /* the earlier stage goes now; without a choice one stage per chain */
    SKIP_ON_REQUEST,     /* a stage on request, not named by the caller */
    SKIP_NO_CHANGES,     /* an update whose recipient would receive nothing new */
};
/* The stable reason code ("missing_fields" …) of the API's not_submitted. */
const char *outbox_skip_name(enum outbox_skip s);
/* What the reason means for the reporter, in Japanese (ja) or English; static text. */
const char *outbox_skip_text(enum outbox_skip s, bool ja);

struct outbox_plan_item {
    const struct obligation_rec *ob; /* borrowed */
    enum outbox_skip skip;
    const char **missing; /* SKIP_MISSING_FIELDS: required pointers absent (heap array of
                             borrowed strings) */
    size_t nmissing;
    bool update; /* goes as an update (続報) of its stage, already sent (outbox_plan_updates) */
};

struct outbox_plan {
    struct outbox_plan_item *items;
    size_t n;
    size_t nsend; /* items with SKIP_NONE */
};
void outbox_plan_release(struct outbox_plan *p);

/*
 * Decides, for each obligation of an incident, whether submitting `report` sends it. The
 * obligations of one rule for its recipient form a chain, in the rule's stage order. An
 * obligation goes when it is active (not withdrawn), neither met nor with a live submission,
 * its stage is still in the rule set, every required field of the stage is present in the
 * report and not in a section the report withholds from that recipient (a withheld field is
 * one the recipient does not get, so it counts as missing), and the stage it waits for
 * (rules_stage_after) is submitted, withdrawn, never applied, or goes in the same plan. Then:
 *  - `only` (NULL: no choice) names the obligations the reporter chose: the others are
 *    SKIP_NOT_SELECTED; several stages of one chain may be named and go together;
 *  - with no choice, a chain sends only its earliest stage not yet sent (later ones are
 *    SKIP_LATER_STAGE or SKIP_PREVIOUS_STAGE), and a stage on request never goes
 *    (SKIP_ON_REQUEST): a later stage never goes merely because its fields are present.
 * Pure; obligations are borrowed.
 */
void outbox_plan_make(const struct ruleset *rs, const struct obligation_rec *obs, size_t n,
                      const json_t *report, const char *const *only, size_t nonly,
                      struct outbox_plan *out);

/*
 * Updates (続報, issue 10 item 2): each obligation of p named in `updates` whose stage has been
 * sent (met, or with a live submission) goes again, as an update of that stage (update true,
 * skip SKIP_NONE), whatever its state in the ledger — a stage that no longer applies may need
 * an update saying so. Obligations not yet sent are left as they are (the caller refuses to
 * name them). Call after outbox_plan_make; updates never hold a chain back, since the stage
 * they update has gone. Pure.
 */
void outbox_plan_updates(struct outbox_plan *p, const char *const *updates, size_t n);

/* ---- what a recipient is given (pure) ---- */

/* The sections (RULES_SECTION_BIT of report_section_values) the report withholds from
 * recipient_id under /confidentiality/consent/withhold. */
unsigned outbox_withheld(const json_t *report, const char *recipient_id);

/*
 * The recipient's view of a report: the envelope, each section in `sections`
 * (RULES_SECTION_BIT of report_section_values) that the report does not withhold from
 * recipient_id (/confidentiality/consent/withhold), and the confidentiality block as it
 * concerns recipient_id: the TLP, the section labels of the sections in the view, and the
 * consent with only the recipient's own withholding entry and its own place on share_with (a
 * recipient left off a non-empty share_with sees onward_sharing "no"). New reference;
 * *withheld (new reference) lists the withheld sections the recipient would otherwise have had.
 */
json_t *outbox_project(const json_t *report, unsigned sections, const char *recipient_id,
                       json_t **withheld);

/* The identity of a submission, written into its payload. */
struct outbox_meta {
    const char *submission_id, *incident_id, *obligation_id;
    const char *rule_id, *stage_id, *stage_name_ja, *stage_name_en;
    const char *recipient_id, *recipient_name_ja, *recipient_name_en;
    const char *org_id, *org_name_ja, *org_name_en, *corporate_number; /* may be "" */
    int version;
    const char *report_sha256; /* of the whole version as stored */
    int64_t created_ms;
    bool drill;
    /* An update (続報) of a stage already sent (issue 10 item 2); update_of NULL: a stage. */
    const char *update_of; /* the submission it follows */
    int update_of_version; /* the version that one carried */
    int update_sequence;   /* 1 for the first update of the stage, 2 … */
    const json_t *changes; /* RFC 6902 patch from what the recipient last received */
};

/*
 * The payload: canonical JSON (keys sorted, no spaces) of
 *   {"submission": {"format", "id", "kind", "incident_id", "report_version", "report_sha256",
 *                   "obligation_id", "rule_id", "stage": {id, ja, en},
 *                   "recipient": {id, ja, en}, "reporting_organization": {…},
 *                   "created_at", "drill", "withheld_sections",
 *                   "update": {"of", "of_version", "sequence"} (updates only)},
 *    "changes": <RFC 6902 patch> (updates only), "report": <the projection>}
 * kind is "stage" or "update". appended to out. These bytes are stored, hashed, signed and
 * sent unchanged. Returns 0 or BUF_EFULL.
 */
int outbox_payload(const struct outbox_meta *m, const json_t *projected, const json_t *withheld,
                   struct buf *out);

/*
 * A withdrawal notice (issue 10 item 4): canonical JSON of
 *   {"submission": {"format", "id", "kind": "withdrawal", "incident_id", "report_version",
 *                   "obligation_id", "rule_id", "stage", "recipient", "reporting_organization",
 *                   "created_at", "drill",
 *                   "withdrawal": {"reason", "withdrawn_at", "effect": {ja, en}}}}
 * — no report: everything this recipient received about the incident is withdrawn by its
 * reporter. m's stage is the one of the recipient's last submission. Returns 0 or BUF_EFULL.
 */
int outbox_withdrawal_payload(const struct outbox_meta *m, const char *reason, struct buf *out);

/* ---- webhook signatures (pure) ---- */

/*
 * "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<unix seconds>." || body)>" — the value of
 * the Ichigen-Signature header. Receivers recompute it and compare in constant time, and
 * refuse timestamps too far from their clock (docs/delivery.md, "Verifying a webhook").
 */
void outbox_sign(const unsigned char *secret, size_t secret_len, int64_t unix_s, const char *body,
                 size_t body_len, char out[OUTBOX_SIG_MAX]);
/* Checks a header value against body within tolerance_s of now_s. For receivers and tests. */
bool outbox_verify(const unsigned char *secret, size_t secret_len, const char *header,
                   const char *body, size_t body_len, int64_t now_s, int64_t tolerance_s);

/* ---- retry schedule (pure) ---- */

/* Delay before attempt `attempt` + 1 (attempt ≥ 1 done): exponential from base_ms, doubling,
 * capped at cap_ms, with "equal jitter" — half fixed, half uniform from rnd — so retries of
 * many submissions to a recovering receiver spread out instead of arriving together. */
int64_t outbox_backoff_ms(int attempt, uint64_t rnd, int64_t base_ms, int64_t cap_ms);

/* ---- where a webhook may go (pure) ---- */

struct outbox_net_policy {
    bool allow_private;       /* RFC 1918, ULA, CGNAT, link-local (never the default) */
    bool allow_http_loopback; /* plain http:// to 127.0.0.1 / [::1] / localhost (tests) */
};

/* True when a webhook may connect to this address: refuses loopback (unless
 * allow_http_loopback), private, link-local (including cloud metadata 169.254.169.254),
 * carrier-grade NAT, unspecified, multicast, reserved and IPv4-mapped forms of these. */
bool outbox_addr_allowed(const struct sockaddr *sa, const struct outbox_net_policy *p);

/* Checks an endpoint URL: https:// (or http:// to loopback when allowed), a host, no user
 * information, at most 2048 characters. Returns 0, or -1 with e saying why. */
int outbox_url_check(const char *url, const struct outbox_net_policy *p, struct err *e);

/* ---- the operator's delivery file (pure) ---- */

/*
 * {"format": "ichigen-delivery/1",
 *  "recipients": {"<recipient id>": {"channel": "webhook"|"inbox"|"document",
 *                                    "endpoint": "https://…", "secret": "…",
 *                                    "concurrency": 1..64, "timeout_s": 1..300}},
 *  "exercise_sink": {"endpoint": "https://…", "secret": "…"}}
 * Overrides the shipped channel and endpoint of named recipients and holds the webhook
 * secrets (never in shipped data, never logged). A webhook needs an endpoint and a secret of
 * OUTBOX_SECRET_MIN..MAX bytes. Drill submissions go only to exercise_sink (or, without one,
 * are recorded as delivered to ichigen's internal exercise sink).
 */
struct outbox_route {
    char recipient_id[80];
    enum rules_channel channel;
    char endpoint[2049];
    unsigned char secret[OUTBOX_SECRET_MAX];
    size_t secret_len;
    int concurrency;
    int timeout_s;
};

struct outbox_config {
    struct outbox_route *routes; /* one per recipient of the rule set, shipped values merged */
    size_t nroutes;
    bool has_sink;
    struct outbox_route sink;
    struct outbox_net_policy net;
};

/*
 * Builds the routes of every recipient of rs from its shipped delivery, overridden by doc (the
 * parsed delivery file; NULL for none). Defaults: concurrency def_concurrency, timeout
 * def_timeout_s. Problems go to errs (pointer into the file, ja/en); returns the number added.
 * Unknown recipient ids, a webhook without endpoint or secret, a bad URL, out-of-range numbers
 * are problems. Pure; out is filled even with problems (callers refuse to start).
 */
size_t outbox_config_build(const struct ruleset *rs, const json_t *doc,
                           const struct outbox_net_policy *net, int def_concurrency,
                           int def_timeout_s, struct outbox_config *out, struct verr_list *errs);
void outbox_config_release(struct outbox_config *c);
const struct outbox_route *outbox_route_of(const struct outbox_config *c, const char *recipient);

/* ---- a receiver's answer (pure) ---- */

/* A 2xx body may carry a receipt: {"receipt": {"reference": "<1..128 printable>", …}} (or
 * {"reference": …} at the top). Copies the reference into ref (size n) and returns the receipt
 * object as JSON text (heap) or NULL when there is none or the body is not one. */
char *outbox_receipt_parse(const char *body, size_t len, char *ref, size_t n);

/* ---- reminders and alerts to the organisation's own webhook (pure; outbox_remind.c) ---- */

/*
 * The lead time, in hours, of the reminder due for c at now (docs/delivery.md §8): the
 * smallest of the organisation's lead times and 0 ("overdue") whose window has opened, that
 * is due - lead <= now. So each window sends one reminder, the nearest lead only (a webhook
 * configured late is not sent one per lead), and a deadline at or before now is overdue (0).
 * Lead times below 1 are not lead times (the API refuses them) and are ignored. -1 when none
 * is due, or when c gets no reminders: withdrawn, met, not mandatory (a voluntary channel),
 * a drill, no deadline, or the webhook disabled.
 */
int outbox_remind_lead(const struct reminder_candidate *c, int64_t now);

/* The reminder's webhook body (ReminderEvent in docs/api/openapi.yaml, a public contract):
 * {"event": "obligation.due_soon" (lead > 0) | "obligation.overdue" (lead 0), "lead_hours",
 *  "organization_id", "incident_id", "incident_summary" (null when none),
 *  "obligation": {"id", "rule_id", "stage_id", "recipient_id", "kind", "due_at"},
 *  "created_at": now} — compact JSON in that order, times "YYYY-MM-DDThh:mm:ss.sssZ". Heap. */
char *outbox_remind_payload(const struct reminder_candidate *c, int lead, int64_t now);
/* The same for an obligation of rule (NULL: in force). For a rule that is not in force
 * (issue 11 item 4) "obligation" also has "rule_status" ("proposed", "pending_ordinance"),
 * "in_force": false and "rule_status_text": {"en": "proposed rule, not in force", "ja":
 * "案（未施行）"}; for a rule in force the body is outbox_remind_payload's, byte for byte. */
char *outbox_remind_payload_rule(const struct reminder_candidate *c, int lead, int64_t now,
                                 const struct rule *rule);

/* Where the reminder policy gets what it does not compute: the time and new ids. */
struct outbox_remind_ctx {
    int64_t now;
    void (*new_id)(char id[40], void *arg); /* a new notification id */
    void *id_arg;
    const struct ruleset *rules; /* whether each obligation's rule is in force (issue 11 item
                                    4); NULL: every rule counts as in force */
};

/* The reminder policy as reminders_scan takes it (store.h, store_reminder_plan_fn; ctx is a
 * struct outbox_remind_ctx): for every candidate with a lead due (outbox_remind_lead), a
 * notification of kind "reminder", dedupe key "reminder:<obligation id>:<lead>" (so each
 * (obligation, lead) is sent once however often the scan runs), due at now. An obligation of
 * a rule that is not in force (a proposal) is never sent "obligation.overdue" — its deadline
 * binds no one — and its due-soon reminders say what it is (outbox_remind_payload_rule). */
size_t outbox_remind_plan(const struct reminder_candidate *c, size_t n, void *ctx,
                          struct notification_new **out);

/* The alert of a submission that failed for good (delivery_max_age_h): kind "alert", dedupe
 * key "failed:<submission id>", due at now, body {"event": "submission.failed",
 * "organization_id", "incident_id", "submission": {"id", "obligation_id", "rule_id",
 * "stage_id", "recipient_id", "attempts", "last_error" (null when none)}, "created_at"}.
 * out->payload is heap. Sent only to an enabled reminder webhook (the worker asks). */
void outbox_alert_note(const struct submission_rec *s, const char *last_error, int64_t now,
                       const char *id, struct notification_new *out);

/* ---- notifications by e-mail (pure; outbox_mail.c, issue 10 item 8) ---- */

#define OUTBOX_MAIL_ADDR_MAX 254  /* RFC 5321 §4.5.3.1.3: a path is 256 with its <> */
#define OUTBOX_MAIL_LOCAL_MAX 64  /* RFC 5321 §4.5.3.1.1 */
#define OUTBOX_MAIL_MAX (1 << 20) /* bytes of one composed message */

/*
 * Checks one e-mail address addr[0..len): an addr-spec of RFC 5322 §3.4.1 in the subset
 * people type and relays accept — a dot-atom local part of at most 64 characters, '@', a
 * domain of two or more letter-digit-hyphen labels (RFC 5321 §4.1.2) — at most 254
 * characters, ASCII, no spaces, CR, LF or other control characters (so an address can never
 * add a header line). Quoted local parts, comments and address literals are refused.
 * Returns 0, or -1 with e saying why (English). Pure.
 */
int outbox_mail_addr_check(const char *addr, size_t len, struct err *e);

/* A notification to compose (all borrowed). */
struct outbox_mail_in {
    const char *notification_id; /* the Message-ID is "<id.notification@from-domain>" */
    const char *kind;            /* the notification's kind, used when the event names none */
    const char *payload;         /* the event (JSON text, as sent to the webhook) or NULL */
    int64_t created_ms;          /* the Date header: the notification's creation time */
    const char *from_addr;       /* checked by outbox_mail_addr_check */
    const char *from_name;       /* "" or NULL for none */
    const char *const *to;       /* each checked by outbox_mail_addr_check */
    size_t nto;
    /* the setting public_url ("https://ichigen.example.go.jp", no trailing slash) or NULL/"":
     * with it, a line that points at a page (an advisory) is an absolute link to the web UI;
     * without it, the event's own relative link */
    const char *public_url;
};

/*
 * Appends the RFC 5322 message of a notification to out: Date, From, To, an RFC 2047
 * encoded Subject with the Japanese and English title, a Message-ID derived from the
 * notification id, MIME-Version, Content-Type text/plain; charset=UTF-8,
 * Content-Transfer-Encoding base64, Auto-Submitted (RFC 3834), Ichigen-Notification-Id; then
 * the body: Japanese, English, and the event as JSON. Known events (obligation.due_soon,
 * obligation.overdue, submission.failed, account.*) have their own texts; any other kind is
 * told generically with its name, so kinds added later are mailed too. The same input gives
 * the same bytes (no clock, no randomness). Returns 0 or BUF_EFULL.
 */
int outbox_mail_compose(const struct outbox_mail_in *m, struct buf *out);

/* ---- the worker (I/O) ---- */

struct outbox_worker;

/* The operator's SMTP relay (config: smtp_*; docs/delivery.md §8, "E-mail"). Never logged:
 * the password. */
struct outbox_smtp {
    char url[1024];     /* smtp://host[:port] or smtps://host[:port]; "" = no e-mail */
    bool require_tls;   /* smtp://: STARTTLS or fail (CURLUSESSL_ALL) */
    char user[256];     /* "" = no authentication */
    char password[256]; /* secret */
    char from_addr[OUTBOX_MAIL_ADDR_MAX + 1];
    char from_name[256];
    char ca_file[1024]; /* "" = the system's CA certificates */
    int timeout_s;      /* one attempt, connection included */
};

/* Checks the relay's settings before the worker starts: an smtp:// or smtps:// URL with a
 * host and without user information (credentials are smtp_user / smtp_password, never in
 * the URL, which is logged), a From address outbox_mail_addr_check accepts, a From name
 * without control characters. Returns 0, or -1 with e naming the setting. Pure. */
int outbox_smtp_check(const struct outbox_smtp *m, struct err *e);

struct outbox_worker_options {
    struct store *store;
    const struct outbox_smtp *smtp; /* borrowed; NULL or url "": e-mails wait (outbox_mail.c) */
    const struct outbox_config *config; /* borrowed; lives longer than the worker */
    int max_inflight;                   /* transfers at once, all recipients together */
    int64_t max_age_ms;                 /* a webhook submission older than this is failed */
    int64_t backoff_base_ms, backoff_cap_ms;
    int64_t poll_ms;  /* how often due retries are looked for without a wake-up */
    int64_t lease_ms; /* a claim's reservation; 0: 2 × the longest route timeout + 30 s */
    const struct ruleset *rules; /* borrowed, outlives the worker: reminders read whether a
                                    rule is in force (outbox_remind_ctx); NULL: all are */
    const char *public_url;      /* borrowed (config); the e-mails' links, outbox_mail_in */
};

/* Starts the worker thread. NULL with e set on failure. */
struct outbox_worker *outbox_worker_start(const struct outbox_worker_options *o, struct err *e);
/* New submissions are waiting (called after a submit): claim now instead of at the next poll. */
void outbox_worker_wake(struct outbox_worker *w);
/* Stops claiming, waits for transfers in flight (their outcomes are recorded), joins. */
void outbox_worker_stop(struct outbox_worker *w);

/* Counters since the worker started (for /metrics); safe to read from any thread. */
struct outbox_stats {
    uint64_t attempts, delivered, retried, failed;
};
void outbox_worker_stats(struct outbox_worker *w, struct outbox_stats *out);

#endif
