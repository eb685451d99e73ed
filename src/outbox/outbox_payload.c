/*
 * outbox_payload.c — what a recipient is given and the exact bytes it receives (outbox.h).
 *
 * A recipient gets the sections its delivery names (data/recipients, "sections") minus those
 * the reporter withheld from it (/confidentiality/consent/withhold), and always the envelope
 * and the confidentiality block, which say what the rest is and how it may be handled (TLP).
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
    json_array_foreach(list, i, w) {
        const char *who = json_string_value(json_object_get(w, "recipient"));
        if (!who || strcmp(who, recipient_id))
            continue;
        json_array_foreach(json_object_get(w, "sections"), k, sec) {
            const char *name = json_string_value(sec);
            for (unsigned b = 0; name && report_section_values[b].value; b++)
                if (!strcmp(report_section_values[b].value, name))
                    bits |= RULES_SECTION_BIT(b);
        }
    }
    return bits;
}

json_t *outbox_project(const json_t *report, unsigned sections, const char *recipient_id,
                       json_t **withheld)
{
    unsigned held = outbox_withheld(report, recipient_id) & sections;
    json_t *out = json_object();
    static const char *const always[] = {"envelope", "confidentiality"};
    *withheld = json_array();
    for (size_t i = 0; i < ARRAY_SIZE(always); i++) {
        json_t *v = json_object_get(report, always[i]);
        if (v)
            json_object_set_new(out, always[i], json_deep_copy(v));
    }
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
    return out;
}

static json_t *named(const char *id, const char *ja, const char *en)
{
    return json_pack("{s:s, s:s, s:s}", "id", id, "ja", ja ? ja : "", "en", en ? en : "");
}

int outbox_payload(const struct outbox_meta *m, const json_t *projected, const json_t *withheld,
                   struct buf *out)
{
    char created[40];
    rtime_format_utc(m->created_ms, created, sizeof(created));
    json_t *org = json_pack("{s:s, s:s, s:s}", "id", m->org_id, "name_ja", m->org_name_ja,
                            "name_en", m->org_name_en);
    json_object_set_new(org, "corporate_number", m->corporate_number && m->corporate_number[0]
                                                     ? json_string(m->corporate_number)
                                                     : json_null());
    json_t *sub = json_pack(
        "{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:b, s:O}", "format",
        OUTBOX_FORMAT, "id", m->submission_id, "incident_id", m->incident_id, "report_version",
        m->version, "report_sha256", m->report_sha256, "obligation_id", m->obligation_id,
        "rule_id", m->rule_id, "stage", named(m->stage_id, m->stage_name_ja, m->stage_name_en),
        "recipient", named(m->recipient_id, m->recipient_name_ja, m->recipient_name_en),
        "reporting_organization", org, "created_at", created, "drill", m->drill,
        "withheld_sections", withheld);
    json_t *doc = json_pack("{s:o, s:O}", "submission", sub, "report", projected);
    int rc = jsonx_dump_canonical(doc, out);
    json_decref(doc);
    return rc;
}
