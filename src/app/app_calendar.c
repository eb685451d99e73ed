/*
 * app_calendar.c — the deadline calendar feed (app_calendar.h).
 */
#include "app_calendar.h"
#include "app_authz.h"
#include "app_int.h"
#include "app_zone.h"
#include "../core/rtime.h"
#include "../ics/ics.h"

/* The marker a status puts before a deadline's title (Japanese first, the feed's language). */
static const char *marker(const char *status)
{
    if (!strcmp(status, "undetermined"))
        return "【判断が必要 decide】";
    if (!strcmp(status, "overdue"))
        return "【期限超過 overdue】";
    if (!strcmp(status, "due_soon"))
        return "【期限間近 due soon】";
    if (!strcmp(status, "recommended"))
        return "【推奨 recommended】";
    return "【期限 deadline】";
}

/* Names of o's recipient and stage from the rule set (ids when it no longer has them). */
struct names {
    const char *rja, *ren, *sja, *sen;
};

static void names_of(const struct ruleset *rs, const struct open_obligation *o, struct names *n)
{
    struct rules_recipient_view rv;
    const struct rule_stage *st = rules_find_stage(rules_find(rs, o->rule_id), o->stage_id);
    bool known = rules_recipient_get(rs, o->recipient_id, &rv);
    n->rja = known ? rv.name_ja : o->recipient_id;
    n->ren = known ? rv.name_en : o->recipient_id;
    n->sja = st ? rules_stage_name(st, true) : o->stage_id;
    n->sen = st ? rules_stage_name(st, false) : o->stage_id;
}

static void one_event(const struct app_call *c, const struct tz *z, const struct open_obligation *o,
                      const char *status, struct buf *out)
{
    struct names n;
    char uid[UUID_STR_LEN + 16], local[40], utc[40];
    struct buf title, text;
    names_of(c->app->rules, o, &n);
    buf_init(&title, BUF_UNLIMITED);
    buf_init(&text, BUF_UNLIMITED);
    const char *summary = o->summary && o->summary[0] ? o->summary : o->incident_id;
    /* a rule that is not in force says so whatever its status (issue 11 item 4): a proposal's
     * deadline in a calendar must not read as the law's */
    const struct rule *rule = rules_find(c->app->rules, o->rule_id);
    if (rules_in_force(rule))
        buf_puts(&title, marker(status));
    else
        buf_appendf(&title, "【%s %s】", rules_rule_status_text(rule, true),
                    rules_rule_status_text(rule, false));
    buf_appendf(&title, "%s %s — %s", n.rja, n.sja, summary);
    tz_format_rfc3339(z, o->due_ms, local, sizeof(local));
    rtime_format_utc(o->due_ms, utc, sizeof(utc));
    buf_appendf(&text,
                "報告先: %s\n段階: %s\n期限: %s（%s）\n事案: %s\nルール: %s\n状態: %s\n\n"
                "Recipient: %s\nStage: %s\nDeadline: %s (%s)\nIncident: %s\nRule: %s\n"
                "Status: %s\n\nichigen: GET /api/v1/reports/%s/obligations",
                n.rja, n.sja, local, tz_name(z), summary, o->rule_id, status, n.ren, n.sen, utc,
                "UTC", o->incident_id, o->rule_id, status, o->incident_id);
    snprintf(uid, sizeof(uid), "%s@ichigen", o->id);
    struct ics_event e = {.uid = uid,
                          .start_ms = o->due_ms,
                          .stamp_ms = c->now_ms,
                          .summary = buf_cstr(&title),
                          .description = buf_cstr(&text),
                          .categories = !rules_in_force(rule) ? "ichigen,案 proposed"
                                        : o->mandatory        ? "ichigen,義務 obligation"
                                                              : "ichigen,推奨 recommended",
                          .alarm_minutes = o->mandatory ? APP_CALENDAR_ALARM_MIN : 0};
    ics_event(out, z, &e);
    buf_release(&title);
    buf_release(&text);
}

enum app_problem app_calendar_feed(const struct app_call *c, struct buf *out,
                                   struct app_result *res)
{
    struct org o;
    struct open_obligations l = {0};
    enum app_problem pr = app_authz(c->who, ACT_REPORT_LIST, NULL, res);
    if (pr)
        return pr;
    int st = store_org_get(c->app->store, c->who->org_id, &o);
    if (!st)
        st = store_obligations_open(c->app->store, c->who->org_id, APP_CALENDAR_EVENTS_MAX, &l);
    if (st)
        return app_fail_store(res, st);
    const struct tz *z = app_zone(account_org_zone(&o));
    if (!z && !(z = app_zone("UTC"))) {
        open_obligations_release(&l);
        return app_fail_unavailable(res);
    }
    int64_t from = c->now_ms, to = c->now_ms;
    for (size_t i = 0; i < l.n; i++) {
        from = l.items[i].due_ms < from ? l.items[i].due_ms : from;
        to = l.items[i].due_ms > to ? l.items[i].due_ms : to;
    }
    char name[ACCOUNT_NAME_BYTES + 64];
    snprintf(name, sizeof(name), "ichigen 報告期限 — %s", o.name_ja);
    ics_begin(out, name, z, from, to);
    for (size_t i = 0; i < l.n; i++) {
        const struct open_obligation *ob = &l.items[i];
        /* a determination is a decision to make (issue 11 item 1) */
        const char *status =
            ob->undetermined
                ? rules_status_name(ST_UNDETERMINED)
                : rules_status_name(rules_status_for_rule(
                      rules_find(c->app->rules, ob->rule_id),
                      rules_row_status(false, ob->mandatory, !strcmp(ob->kind, "legal"), DUE_SET,
                                       ob->due_ms, c->now_ms, c->app->due_soon_ms)));
        one_event(c, z, ob, status, out);
    }
    ics_end(out);
    open_obligations_release(&l);
    return APP_OK;
}
