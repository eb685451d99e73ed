/* share_policy.c — the one TLP 2.0 read rule (share_policy.h). */
#include "share_policy.h"

#include <string.h>

static bool has(const char *s)
{
    return s && *s;
}

static bool in_list(const struct share_list *l, const char *s)
{
    if (!has(s))
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] && !strcmp(l->v[i], s))
            return true;
    return false;
}

/* One attribute dimension: an empty one does not narrow. */
static bool dim_ok(const struct share_list *l, const char *s)
{
    return l->n == 0 || in_list(l, s);
}

bool share_org_targeted(const struct share_reader *r, const struct share_audience *a)
{
    if (r->anonymous || !has(r->org_id))
        return false;
    if (has(a->owner_org) && !strcmp(r->org_id, a->owner_org))
        return true;
    if (in_list(&a->orgs, r->org_id))
        return true;
    bool any = a->sectors.n || a->org_kinds.n || a->prefectures.n;
    return any && dim_ok(&a->sectors, r->org_sector) && dim_ok(&a->org_kinds, r->org_kind) &&
           dim_ok(&a->prefectures, r->org_prefecture);
}

static bool is_author(const struct share_reader *r, const struct share_audience *a)
{
    return !r->anonymous && has(r->user_id) && has(a->author_user) &&
           !strcmp(r->user_id, a->author_user);
}

static bool cleared(const struct share_reader *r, const struct share_audience *a)
{
    return a->required_rank <= 0 || (!r->anonymous && r->clearance_rank >= a->required_rank);
}

bool share_can_read(const struct share_reader *r, const struct share_audience *a)
{
    if ((int)a->tlp < 0 || a->tlp >= TLP__COUNT)
        return false; /* a label nobody can understand is not shared */
    if (is_author(r, a))
        return true; /* whoever wrote it has read it, whatever it requires */
    if (!cleared(r, a))
        return false;
    switch (a->tlp) {
    case TLP_CLEAR:
        return true;
    case TLP_GREEN:
        return !r->anonymous && has(r->user_id);
    case TLP_AMBER:
    case TLP_AMBER_STRICT:
        if (r->anonymous || !has(r->user_id))
            return false;
        /* clearance holders as an audience: only meaningful with a clearance required */
        if (a->clearance_holders && a->required_rank > 0)
            return true;
        return share_org_targeted(r, a);
    case TLP_RED:
        return !r->anonymous && in_list(&a->users, r->user_id);
    default:
        return false;
    }
}
