/*
 * outbox_payload.c — what a recipient is given and the exact bytes it receives (outbox.h).
 *
 * A recipient gets the sections its delivery names (data/recipients, "sections") minus those
 * the reporter withheld from it (/confidentiality/consent/withhold), and always the envelope
 * and the confidentiality block, which say what the rest is and how it may be handled (TLP) —
 * the block reduced to the terms that concern that recipient, so that no recipient learns what
 * the reporter withheld from, or agreed to share with, the others (issue 8 item 3).
 * The payload is canonical JSON so that its SHA-256, the stored copy, the signature and the
 * bytes on the wire are one and the same.
 */
#include "outbox.h"
#include "../core/jsonx.h"
#include "../core/rtime.h"

unsigned outbox_withheld(const json_t *report, const char *recipient_id)
{
    const json_t *list = jsonx_ptr_get((json_t *)report, "/confidentiality/consent/withhold");
    unsigned bits = 0;
    size_t i, k;
    json_t *w, *sec;
    json_array_foreach(list, i, w)
    {
        const char *who = json_string_value(json_object_get(w, "recipient"));
        if (!who || strcmp(who, recipient_id))
            continue;
        json_array_foreach(json_object_get(w, "sections"), k, sec)
        {
            const char *name = json_string_value(sec);
            for (unsigned b = 0; name && report_section_values[b].value; b++)
                if (!strcmp(report_section_values[b].value, name))
                    bits |= RULES_SECTION_BIT(b);
        }
    }
    return bits;
}

/* The entries of an array of strings equal to id, as a new array (empty when none). */
static json_t *only_id(const json_t *list, const char *id)
{
    json_t *out = json_array(), *v;
    size_t i;
    json_array_foreach(list, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), id))
        json_array_append(out, v);
    return out;
}

/* R's own withholding entries, as a new array (empty when none). */
static json_t *own_withholding(const json_t *list, const char *id)
{
    json_t *out = json_array(), *w;
    size_t i;
    json_array_foreach(list, i, w)
    {
        const char *who = json_string_value(json_object_get(w, "recipient"));
        if (who && !strcmp(who, id))
            json_array_append(out, w);
    }
    return out;
}

/* Sets key to v (new reference) in obj when v is a non-empty array or object; drops it
 * otherwise, so an empty list never reads as "the reporter listed nothing". */
static void set_nonempty(json_t *obj, const char *key, json_t *v)
{
    if (json_array_size(v) || json_object_size(v))
        json_object_set_new(obj, key, v);
    else
        json_decref(v);
}

/*
 * The consent terms as they apply to recipient_id (issue 8 item 3): the reporter's answers that
 * bind every recipient (onward_sharing, anonymised_statistics, share_indicators) unchanged; from
 * the per-recipient lists only the recipient's own entries — its withholding (the rest would tell
 * it what was kept from others) and its own place on share_with (the rest would tell it which
 * other authorities the reporter deals with). A recipient that is not on a non-empty share_with
 * sees onward_sharing "no": the reporter consented to sharing with named recipients only, ichigen
 * delivers to each of them itself, and this recipient may not pass the report on.
 */
static json_t *consent_for(const json_t *consent, const char *id)
{
    json_t *out = json_deep_copy(consent);
    const json_t *share = json_object_get(consent, "share_with");
    json_object_del(out, "share_with");
    json_object_del(out, "withhold");
    set_nonempty(out, "withhold", own_withholding(json_object_get(consent, "withhold"), id));
    json_t *mine = only_id(share, id);
    if (json_array_size(share) && !json_array_size(mine) && json_object_get(out, "onward_sharing"))
        json_object_set_new(out, "onward_sharing", json_string("no"));
    set_nonempty(out, "share_with", mine);
    return out;
}

/* The confidentiality block for a view holding the sections in `view`: the report's TLP, the
 * section labels of the sections the view carries, and the consent as it applies to id. */
static json_t *confidentiality_for(const json_t *conf, const json_t *view, const char *id)
{
    json_t *out = json_object(), *v;
    const char *key;
    json_object_foreach((json_t *)conf, key, v)
    {
        if (!strcmp(key, "consent")) {
            json_object_set_new(out, key, consent_for(v, id));
        } else if (!strcmp(key, "section_tlp")) {
            json_t *labels = json_object(), *label;
            const char *sec;
            json_object_foreach(v, sec, label) if (json_object_get(view, sec))
                json_object_set(labels, sec, label);
            set_nonempty(out, key, labels);
        } else {
            json_object_set_new(out, key, json_deep_copy(v));
        }
    }
    return out;
}

json_t *outbox_project(const json_t *report, unsigned sections, const char *recipient_id,
                       json_t **withheld)
{
    unsigned held = outbox_withheld(report, recipient_id) & sections;
    json_t *out = json_object();
    const json_t *env = json_object_get(report, "envelope");
    const json_t *conf = json_object_get(report, "confidentiality");
    *withheld = json_array();
    if (env)
        json_object_set_new(out, "envelope", json_deep_copy(env));
    for (unsigned b = 0; report_section_values[b].value; b++) {
        const char *name = report_section_values[b].value;
        json_t *v = json_object_get(report, name);
        if (!(sections & RULES_SECTION_BIT(b)) || !v)
            continue;
        if (held & RULES_SECTION_BIT(b))
            json_array_append_new(*withheld, json_string(name));
        else
            json_object_set_new(out, name, json_deep_copy(v));
    }
    if (json_is_object(conf))
        json_object_set_new(out, "confidentiality", confidentiality_for(conf, out, recipient_id));
    return out;
}

static json_t *named(const char *id, const char *ja, const char *en)
{
    return json_pack("{s:s, s:s, s:s}", "id", id, "ja", ja ? ja : "", "en", en ? en : "");
}

/* The "submission" object's members every kind of payload carries. */
static json_t *identity(const struct outbox_meta *m, const char *kind)
{
    char created[40];
    rtime_format_utc(m->created_ms, created, sizeof(created));
    json_t *org = json_pack("{s:s, s:s, s:s}", "id", m->org_id, "name_ja", m->org_name_ja,
                            "name_en", m->org_name_en);
    json_object_set_new(org, "corporate_number",
                        m->corporate_number && m->corporate_number[0]
                            ? json_string(m->corporate_number)
                            : json_null());
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:s, s:b}", "format",
                     OUTBOX_FORMAT, "id", m->submission_id, "kind", kind, "incident_id",
                     m->incident_id, "report_version", m->version, "obligation_id",
                     m->obligation_id, "rule_id", m->rule_id, "stage",
                     named(m->stage_id, m->stage_name_ja, m->stage_name_en), "recipient",
                     named(m->recipient_id, m->recipient_name_ja, m->recipient_name_en),
                     "reporting_organization", org, "created_at", created, "drill", m->drill);
}

int outbox_payload(const struct outbox_meta *m, const json_t *projected, const json_t *withheld,
                   struct buf *out)
{
    json_t *sub = identity(m, m->update_of ? "update" : "stage");
    json_object_set_new(sub, "report_sha256", json_string(m->report_sha256));
    json_object_set(sub, "withheld_sections", (json_t *)withheld);
    json_t *doc = json_pack("{s:o, s:O}", "submission", sub, "report", projected);
    if (m->update_of) {
        json_object_set_new(sub, "update",
                            json_pack("{s:s, s:i, s:i}", "of", m->update_of, "of_version",
                                      m->update_of_version, "sequence", m->update_sequence));
        json_object_set(doc, "changes", (json_t *)m->changes);
    }
    int rc = jsonx_dump_canonical(doc, out);
    json_decref(doc);
    return rc;
}

int outbox_withdrawal_payload(const struct outbox_meta *m, const char *reason, struct buf *out)
{
    char at[40];
    rtime_format_utc(m->created_ms, at, sizeof(at));
    json_t *sub = identity(m, "withdrawal");
    json_object_set_new(
        sub, "withdrawal",
        json_pack("{s:s, s:s, s:{s:s, s:s}}", "reason", reason, "withdrawn_at", at, "effect", "ja",
                  "報告者はこの事案の報告を取り下げました。この事案について受け取った報告はすべて"
                  "取り下げられ、以後の送付はありません。",
                  "en",
                  "The reporter has withdrawn this incident. Every report received about it is "
                  "withdrawn, and nothing further about it will be sent."));
    json_t *doc = json_pack("{s:o}", "submission", sub);
    int rc = jsonx_dump_canonical(doc, out);
    json_decref(doc);
    return rc;
}
