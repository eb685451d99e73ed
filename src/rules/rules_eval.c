/*
 * rules_eval.c — evaluating a report against the rule set: which (rule, stage) pairs apply
 * and when each is due. Pure and allocation-free once the result array has grown to size.
 */
#include "rules_int.h"

void rules_eval_init(struct rules_eval *ev)
{
    memset(ev, 0, sizeof(*ev));
}

void rules_eval_release(struct rules_eval *ev)
{
    free(ev->v);
    free(ev->unk);
    if (ev->cache) {
        expr_cache_release(ev->cache);
        free(ev->cache);
    }
    rules_eval_init(ev);
}

/* The evaluation's field cache, sized for this rule set and advanced to a new document. */
static struct expr_cache *fresh_cache(const struct ruleset *rs, struct rules_eval *ev)
{
    size_t n = expr_slots_count(rs->slots);
    if (ev->cache && ev->cache->n != n) {
        expr_cache_release(ev->cache);
        free(ev->cache);
        ev->cache = NULL;
    }
    if (!ev->cache) {
        ev->cache = xcalloc(1, sizeof(*ev->cache));
        expr_cache_init(ev->cache, n);
    }
    expr_cache_next(ev->cache);
    return ev->cache;
}

/* The rule is in force for an incident the organisation became aware of at that time. */
static bool in_validity(const struct rule *r, struct rules_anchors *m)
{
    int64_t aware = 0;
    const char *src;
    if (!r->valid_from_ms && !r->valid_until_ms)
        return true;
    if (rules_anchor_memo(r, A_AWARE, m, &aware, &src))
        return true; /* no awareness time: cannot place it, do not hide the rule */
    return (!r->valid_from_ms || aware >= r->valid_from_ms) &&
           (!r->valid_until_ms || aware < r->valid_until_ms);
}

static bool day_unit(enum dl_unit u)
{
    return u != DU_HOURS;
}

/* The cap applies only if it had not already passed when the main anchor occurred
 * (DORA: 4 h after classification, no later than 24 h after awareness — unless classified
 * after those 24 h). */
static int apply_cap(const struct rule *r, const struct rule_stage *st, struct rules_anchors *m,
                     struct rules_result *res)
{
    const struct deadline *dl = &st->dl;
    int64_t cap_anchor, cap_due;
    const char *src;
    if (!dl->has_cap || rules_anchor_memo(r, dl->cap.anchor, m, &cap_anchor, &src))
        return 0;
    if (rules_add_span(r->recipient, st->cal, cap_anchor, dl->cap.offset, dl->cap.unit,
                       dl->due_minute, &cap_due))
        return -1; /* a cap we cannot compute must not be silently dropped */
    if (cap_due >= res->anchor_ms && cap_due < res->due_ms) {
        res->due_ms = cap_due;
        res->capped = true;
    }
    return 0;
}

/* When the stage before st was submitted, from the caller's list. */
static bool previous_submitted(const struct rule *r, const struct rule_stage *st,
                               const struct rules_stage_time *times, size_t ntimes, int64_t *at)
{
    const struct rule_stage *prev = rules_stage_previous(r, st);
    for (size_t i = 0; prev && i < ntimes; i++) {
        if (!strcmp(times[i].rule_id, r->id) && !strcmp(times[i].stage_id, prev->id)) {
            *at = times[i].at_ms;
            return true;
        }
    }
    return false;
}

static void deadline(const struct rule *r, const struct rule_stage *st, struct rules_anchors *m,
                     struct rules_result *res, struct expr_cache *cache,
                     const struct rules_stage_time *times, size_t ntimes)
{
    const struct deadline *dl = &st->dl;
    int offset = dl->main.offset;
    enum dl_unit unit = dl->main.unit;
    if (dl->kind == DL_NONE) {
        res->due_state = DUE_NO_DEADLINE;
        return;
    }
    if (dl->main.anchor == A_PREVIOUS_STAGE) {
        if (!previous_submitted(r, st, times, ntimes, &res->anchor_ms)) {
            res->due_state = DUE_AWAITING_PREVIOUS;
            return;
        }
        res->anchor_source = "previous_stage";
    } else if (rules_anchor_memo(r, dl->main.anchor, m, &res->anchor_ms, &res->anchor_source)) {
        res->due_state = DUE_ANCHOR_MISSING;
        return;
    }
    for (size_t i = 0; i < dl->nvariants; i++) {
        if (expr_eval_cached(dl->variants[i].when, m->report, cache)) {
            res->variant = (int)i;
            offset = dl->variants[i].offset;
            unit = dl->variants[i].unit;
            break;
        }
    }
    if (rules_add_span(r->recipient, st->cal, res->anchor_ms, offset, unit, dl->due_minute,
                       &res->due_ms)) {
        res->due_state = DUE_CALENDAR_GAP;
        return;
    }
    if (apply_cap(r, st, m, res)) {
        res->due_state = DUE_CALENDAR_GAP;
        return;
    }
    if (rules_roll(r->recipient, st->cal, st->roll, day_unit(unit) && !res->capped, dl->due_minute,
                   &res->due_ms, &res->rolled)) {
        res->due_state = DUE_CALENDAR_GAP;
        return;
    }
    res->due_state = DUE_SET;
}

static struct rules_result *push(struct rules_eval *ev)
{
    if (ev->n == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 64;
        ev->v = xrealloc(ev->v, ev->cap * sizeof(*ev->v));
    }
    struct rules_result *res = &ev->v[ev->n++];
    memset(res, 0, sizeof(*res));
    res->variant = -1;
    return res;
}

void rules_evaluate(const struct ruleset *rs, const json_t *report, struct rules_eval *ev)
{
    struct expr_cache *cache = fresh_cache(rs, ev);
    struct rules_anchors m;
    rules_anchors_init(&m, report);
    ev->n = 0;
    ev->nunk = 0;
    if (ev->unk_cap < rs->nrules * EXPR_UNKNOWNS_MAX) { /* once: results point into it */
        free(ev->unk);
        ev->unk_cap = rs->nrules * EXPR_UNKNOWNS_MAX;
        ev->unk = xcalloc(ev->unk_cap + 1, sizeof(*ev->unk));
    }
    for (size_t i = 0; i < rs->nrules; i++) {
        const struct rule *r = &rs->rules[i];
        bool valid = in_validity(r, &m), applies = false, open = false;
        struct expr_unknowns u;
        u.n = 0;
        /* "unknown" is not "no": a condition that may hold once an unknown fact is settled
         * makes a determination obligation (issue 11 item 1); one pass gives both answers,
         * and what applies is decided as ever (an unknown never excludes) */
        const char **unknown = NULL;
        bool saw = false;
        applies = valid && (r->determinable
                                ? expr_eval_noting(r->applies, report, cache, &saw)
                                : expr_eval_cached(r->applies, report, cache));
        /* the three-valued pass only when the ordinary one read an "unknown" answer: otherwise
         * both logics agree (expr_eval_noting) */
        if (!applies && saw)
            open = expr_eval_tri(r->applies, report, cache, &u, NULL) == EXPR_UNKNOWN;
        if (open) { /* one copy per rule, shared by its stages */
            unknown = ev->unk + ev->nunk;
            memcpy(unknown, u.path, u.n * sizeof(*u.path));
            ev->nunk += u.n;
        }
        for (size_t k = 0; k < r->nstages; k++) {
            const struct rule_stage *st = &r->stages[k];
            struct rules_result *res = push(ev);
            res->rule = r;
            res->stage = st;
            res->applies = applies && (!st->when || expr_eval_cached(st->when, report, cache));
            if (open && (!st->when || expr_eval_cached(st->when, report, cache))) {
                res->applies = res->undetermined = true;
                res->unknown = unknown;
                res->nunknown = u.n;
            }
            if (res->applies)
                deadline(r, st, &m, res, cache, ev->times, ev->ntimes);
        }
    }
}

enum rules_status rules_result_status(const struct rules_result *r, int64_t now_ms,
                                      int64_t due_soon_ms)
{
    if (!r->applies)
        return ST_NOT_APPLICABLE;
    if (r->undetermined)
        return ST_UNDETERMINED;
    if (!r->rule->mandatory)
        return ST_RECOMMENDED;
    return rules_status_for_rule(
        r->rule, rules_row_status(false, true, r->stage->dl.kind == DL_LEGAL, (int)r->due_state,
                                  r->due_ms, now_ms, due_soon_ms));
}

bool rules_in_force(const struct rule *r)
{
    return !r || r->state == RS_IN_FORCE;
}

const char *rules_rule_status(const struct rule *r)
{
    return rules_state_names[r ? r->state : RS_IN_FORCE];
}

const char *rules_rule_status_text(const struct rule *r, bool ja)
{
    if (rules_in_force(r))
        return NULL;
    if (r->state == RS_PENDING_ORDINANCE) /* enacted, but its ordinance has not set it going */
        return ja ? "主務省令待ち（未施行）" : "awaiting its ordinance, not in force";
    return ja ? "案（未施行）" : "proposed rule, not in force";
}

json_t *rules_rule_status_json(const struct rule *r)
{
    const char *en = rules_rule_status_text(r, false), *ja = rules_rule_status_text(r, true);
    return json_pack("{s:s, s:b, s:o}", "rule_status", rules_rule_status(r), "in_force",
                     rules_in_force(r), "rule_status_text",
                     en ? json_pack("{s:s, s:s}", "en", en, "ja", ja) : json_null());
}

enum rules_status rules_status_for_rule(const struct rule *r, enum rules_status s)
{
    if (!rules_in_force(r) && (s == ST_OVERDUE || s == ST_TARGET_PASSED))
        return ST_PROPOSED_PASSED;
    return s;
}

const char *rules_status_name(enum rules_status s)
{
    static const char *const names[] = {
        "pending",     "due_soon",      "overdue",      "met",
        "withdrawn",   "not_applicable", "recommended", "target_passed",
        "undetermined", "proposed_deadline_passed"};
    return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "pending";
}

const char *rules_due_state_name(enum rules_due_state s)
{
    static const char *const names[] = {"set", "no_deadline", "anchor_missing",
                                        "awaiting_previous_stage", "calendar_gap"};
    return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "set";
}

const char *rules_rule_id(const struct rule *r)
{
    return r->id;
}

const char *rules_stage_id(const struct rule_stage *s)
{
    return s->id;
}

const char *rules_recipient_id(const struct rule *r)
{
    return r->recipient ? r->recipient->id : "";
}

const char *rules_regime(const struct rule *r)
{
    return r->regime;
}

bool rules_mandatory(const struct rule *r)
{
    return r->mandatory;
}

const char *rules_due_kind(const struct rule_stage *s)
{
    return rules_kind_names[s->dl.kind];
}
