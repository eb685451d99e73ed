/*
 * rules_access.c — read-only views of a loaded rule set for delivery (issue 5): recipients with
 * how they receive, and rules and stages by id with their required fields and order.
 */
#include "rules_int.h"

static const char *const channel_names[] = {"webhook", "inbox", "document"};

const char *rules_channel_name(enum rules_channel c)
{
    return (unsigned)c < ARRAY_SIZE(channel_names) ? channel_names[c] : "";
}

int rules_channel_parse(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(channel_names); i++)
        if (!strcmp(channel_names[i], name))
            return (int)i;
    return -1;
}

static void view_of(const struct recipient *r, struct rules_recipient_view *out)
{
    out->id = r->id;
    out->name_ja = r->name.ja;
    out->name_en = r->name.en;
    out->kind = r->kind;
    out->jurisdiction = r->jurisdiction;
    out->url = r->url;
    out->delivery = &r->delivery;
}

bool rules_recipient_at(const struct ruleset *rs, size_t i, struct rules_recipient_view *out)
{
    if (i >= rs->nrecips)
        return false;
    view_of(&rs->recips[i], out);
    return true;
}

bool rules_recipient_get(const struct ruleset *rs, const char *id,
                         struct rules_recipient_view *out)
{
    for (size_t i = 0; id && i < rs->nrecips; i++)
        if (!strcmp(rs->recips[i].id, id)) {
            view_of(&rs->recips[i], out);
            return true;
        }
    return false;
}

const char *const *rules_stage_required(const struct rule_stage *s, size_t *n)
{
    *n = s->nrequired;
    return s->required;
}

const struct rule_stage *rules_stage_previous(const struct rule *r, const struct rule_stage *s)
{
    size_t i = (size_t)(s - r->stages);
    return i > 0 && i < r->nstages ? &r->stages[i - 1] : NULL;
}

bool rules_stage_on_request(const struct rule_stage *s)
{
    return s->on_request;
}

const struct rule_stage *rules_stage_after(const struct rule *r, const struct rule_stage *s)
{
    if (!s->on_request)
        return rules_stage_previous(r, s);
    return r->nstages && &r->stages[0] != s ? &r->stages[0] : NULL;
}

const struct rule *rules_find(const struct ruleset *rs, const char *rule_id)
{
    for (size_t i = 0; rule_id && i < rs->nrules; i++)
        if (!strcmp(rs->rules[i].id, rule_id))
            return &rs->rules[i];
    return NULL;
}

const struct rule_stage *rules_find_stage(const struct rule *r, const char *stage_id)
{
    for (size_t k = 0; r && stage_id && k < r->nstages; k++)
        if (!strcmp(r->stages[k].id, stage_id))
            return &r->stages[k];
    return NULL;
}

const char *rules_stage_name(const struct rule_stage *s, bool ja)
{
    return ja ? s->name.ja : s->name.en;
}

const char *rules_title(const struct rule *r, bool ja)
{
    return ja ? r->title.ja : r->title.en;
}
