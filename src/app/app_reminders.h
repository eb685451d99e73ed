/*
 * app_reminders.h — an organisation's reminder webhook (issue 5, "Deadline reminders"): the
 * lead times before each deadline at which ichigen POSTs a signed event to the organisation's
 * own receiver, and the history of what was sent. Only the organisation's reporters (and its
 * org_admin) see or change it (ACT_SUBMIT on the organisation).
 *
 * Layer: application. Callers: http/h_reminders.c, tests.
 */
#ifndef APP_APP_REMINDERS_H
#define APP_APP_REMINDERS_H

#include "app_call.h"

/* The settings of org_id; *configured is false (and out zeroed) when it has none yet.
 * APP_OK, FORBIDDEN, NOT_FOUND (another organisation, or not an id), UNAVAILABLE. */
enum app_problem app_reminders_get(const struct app_call *c, const char *org_id,
                                   struct reminder_settings *out, bool *configured,
                                   struct app_result *res);

/* Replaces the settings of org_id with body {"endpoint"?, "secret"?, "email"?, "lead_hours",
 * "enabled"?}: an https:// endpoint the SSRF guard lets through (outbox_url_check) with a
 * secret of at least OUTBOX_SECRET_MIN bytes — both required unless "email" lists addresses
 * (issue 10 item 8: e-mail with or without the webhook) —, 0..REMINDER_EMAILS_MAX distinct
 * addresses each passing outbox_mail_addr_check, 1..REMINDER_LEADS_MAX distinct lead times of
 * 1..2160 hours (kept in descending order; e.g. [72, 24, 4] sends three reminders and the
 * overdue notice). VALIDATION with every problem; on APP_OK out is what was stored. */
enum app_problem app_reminders_set(const struct app_call *c, const char *org_id, const json_t *body,
                                   struct reminder_settings *out, struct app_result *res);

/* The latest limit notifications sent to org_id's receiver. On APP_OK the caller releases
 * out. */
enum app_problem app_notifications_list(const struct app_call *c, const char *org_id, int limit,
                                        struct notification_list *out, struct app_result *res);

#endif
