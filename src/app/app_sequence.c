/*
 * app_sequence.c — the per-recipient sequence of what was sent (app_sequence.h).
 */
#include "app_sequence.h"
#include "app_authz.h"
#include "app_int.h"
#include "../core/jsonx.h"

/* "速報", "続報 2（速報）", "取下げ通知" and their English: what the item was for its recipient. */
static json_t *label_json(const char *kind, const char *stage_ja, const char *stage_en, int seq)
{
    char ja[160], en[160];
    if (!strcmp(kind, "update")) {
        snprintf(ja, sizeof(ja), "続報 %d（%s）", seq, stage_ja);
        snprintf(en, sizeof(en), "Update %d (%s)", seq, stage_en);
    } else if (!strcmp(kind, "withdrawal")) {
        snprintf(ja, sizeof(ja), "取下げ通知");
        snprintf(en, sizeof(en), "Withdrawal notice");
    } else {
        snprintf(ja, sizeof(ja), "%s", stage_ja);
        snprintf(en, sizeof(en), "%s", stage_en);
    }
    return json_pack("{s:s, s:s}", "ja", ja, "en", en);
}

/* The sections a payload's report carries, and the paths its changes touch. */
static void contents(const json_t *payload, json_t *item)
{
    json_t *secs = json_array(), *changed = NULL, *v;
    const char *k;
    size_t i;
    json_object_foreach(json_object_get(payload, "report"), k, v)
        json_array_append_new(secs, json_string(k));
    const json_t *ch = json_object_get(payload, "changes");
    if (ch) {
        changed = json_array();
        json_array_foreach(ch, i, v) json_array_append(changed, json_object_get(v, "path"));
    }
    json_object_set_new(item, "sections", secs);
    json_object_set_new(item, "changed", changed ? changed : json_null());
}

static json_t *item_json(const struct submission_rec *s)
{
    json_t *p = json_loadb(s->payload, s->payload_len, 0, NULL);
    if (!p)
        BUG("stored payload of %s is not JSON", s->id);
    const char *sja = json_string_value(jsonx_ptr_get(p, "/submission/stage/ja"));
    const char *sen = json_string_value(jsonx_ptr_get(p, "/submission/stage/en"));
    int seq = (int)json_integer_value(jsonx_ptr_get(p, "/submission/update/sequence"));
    const char *kind = s->kind[0] ? s->kind : "stage";
    json_t *j = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:i, s:s, s:I, s:s}", "submission_id",
                          s->id, "kind", kind, "stage", "id", s->stage_id, "ja",
                          sja ? sja : s->stage_id, "en", sen ? sen : s->stage_id, "label",
                          label_json(kind, sja ? sja : s->stage_id, sen ? sen : s->stage_id, seq),
                          "report_version", s->version, "status", s->status, "created_at",
                          (json_int_t)s->created_at, "payload_sha256", s->payload_sha256);
    json_object_set_new(j, "update",
                        s->previous_id[0]
                            ? json_pack("{s:s, s:i}", "of", s->previous_id, "sequence", seq)
                            : json_null());
    contents(p, j);
    json_decref(p);
    return j;
}

/* The group of recipient_id in groups, made when new. */
static json_t *group_of(const struct app_call *c, json_t *groups, const char *recipient_id)
{
    size_t i;
    json_t *g;
    struct rules_recipient_view rv;
    json_array_foreach(groups, i,
                       g) if (!strcmp(json_string_value(jsonx_ptr_get(g, "/recipient/id")),
                                      recipient_id)) return json_object_get(g, "items");
    bool known = rules_recipient_get(c->app->rules, recipient_id, &rv);
    g = json_pack("{s:{s:s, s:s, s:s}, s:[]}", "recipient", "id", recipient_id, "ja",
                  known ? rv.name_ja : recipient_id, "en", known ? rv.name_en : recipient_id,
                  "items");
    json_array_append_new(groups, g);
    return json_object_get(g, "items");
}

enum app_problem app_report_sequence(const struct app_call *c, const char *report_id, json_t **out,
                                     struct app_result *res)
{
    struct report_rec rec;
    struct submission_list l = {0};
    *out = NULL;
    enum app_problem pr = app_authz_report(c, ACT_SUBMISSION_READ, report_id, 0, &rec, res);
    if (pr)
        return pr;
    struct submission_filter f = {.incident_id = rec.id, .limit = 100000};
    int st = store_submissions_list(c->app->store, &f, &l);
    json_t *groups = json_array();
    /* listings are newest first: walk backwards for the order things were sent */
    for (size_t i = l.n; st == STORE_OK && i-- > 0;) {
        struct submission_rec full;
        if ((st = store_submission_get(c->app->store, l.items[i].id, &full)) != STORE_OK)
            break;
        json_array_append_new(group_of(c, groups, full.recipient_id), item_json(&full));
        submission_rec_release(&full);
    }
    if (st == STORE_OK)
        *out = json_pack("{s:s, s:o}", "incident_id", rec.id, "recipients", groups);
    else
        json_decref(groups);
    submission_list_release(&l);
    report_rec_release(&rec);
    return app_fail_store(res, st);
}
