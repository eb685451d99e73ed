/*
 * rating_draw.c — what every page of the rating PDF repeats: the heading style, the running
 * header and footer; and display helpers (scores, percentages, JST dates, names, peer group).
 * The drawing itself is src/pdf/'s.
 */
#include <math.h>

#include "rating_int.h"
#include "../core/rtime.h"

/* ---- the page frame ---- */

const struct pdf_heading rating_h2 = {.size = 13, .baseline = 13, .rule_w = 1.0, .advance = 34};

/* The running header from page 2 on (organisation, report kind) and on every page the footer
 * (generator, kind, date; page n of N). */
void rating_frame(struct pdf *p)
{
    struct rating_draw *d = p->ctx;
    const double right = PDF_A4_W - RATING_MARGIN;
    char pg[160], date[48];
    pdf_font(p, 7.5, false);
    pdf_rgb(p, PDF_MUTED);
    if (p->page > 1) {
        double kind_w = pdf_text(p, right, 30, PDF_RIGHT, d->t->doc_kind);
        pdf_text_fit(p, RATING_MARGIN, 30, PDF_LEFT, RATING_CONTENT_W - kind_w - 24,
                     rating_org_name(d->doc, d->ja, false));
        pdf_rgb(p, PDF_RULE);
        pdf_hrule(p, 36, 0.5);
    }
    pdf_rgb(p, PDF_RULE);
    pdf_hrule(p, PDF_A4_H - 36, 0.5);
    pdf_rgb(p, PDF_MUTED);
    rating_date_jst(rating_str(d->doc, "generated_at"), d->ja, date, sizeof(date));
    snprintf(pg, sizeof(pg), "ichigen · %s · %s", d->t->self_assessment, date);
    pdf_text(p, RATING_MARGIN, PDF_A4_H - 24, PDF_LEFT, pg);
    pdf_page_number(p, right, PDF_A4_H - 24, d->t->page_fmt);
}

/* ---- display helpers ---- */

const json_t *rating_doc_peers(const struct rating_draw *d)
{
    const json_t *p = json_object_get(d->doc, "peers");
    return json_is_object(p) ? p : NULL;
}

const json_t *rating_doc_risk(const struct rating_draw *d)
{
    const json_t *r = json_object_get(d->doc, "risk");
    return json_is_object(r) ? r : NULL;
}

void rating_fmt_score(double s, char *out, size_t n)
{
    if (isfinite(s))
        snprintf(out, n, "%.2f", s);
    else
        xstrlcpy(out, "—", n);
}

void rating_framework_label(const json_t *a, bool ja, char *out, size_t n)
{
    const char *id = rating_str(a, "framework"), *ver = rating_str(a, "framework_version");
    if (!strcmp(id, "nist-csf-2.0"))
        snprintf(out, n, "NIST CSF %s", ver);
    else if (!strcmp(id, "sme-quick-check"))
        snprintf(out, n, "%s %s", ja ? "中小企業向けクイックチェック" : "SME quick check", ver);
    else
        snprintf(out, n, "%s %s", id, ver);
}

void rating_date_jst(const char *rfc3339, bool ja, char *out, size_t n)
{
    struct rtime_parsed t;
    int64_t y;
    unsigned m, day;
    if (rtime_parse_rfc3339(rfc3339, strlen(rfc3339), &t)) {
        xstrlcpy(out, rfc3339, n);
        return;
    }
    /* Japan Standard Time is UTC+9 all year (no daylight saving since 1951). */
    int64_t ms = t.ms + 9 * 3600 * 1000LL;
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    rtime_civil_from_days(days, &y, &m, &day);
    if (ja)
        snprintf(out, n, "%lld年%u月%u日", (long long)y, m, day);
    else
        snprintf(out, n, "%04lld-%02u-%02u", (long long)y, m, day);
}

const char *rating_org_name(const json_t *doc, bool ja, bool other)
{
    const json_t *org = json_object_get(doc, "organization");
    const char *mine = rating_str(org, ja ? "name_ja" : "name_en");
    const char *theirs = rating_str(org, ja ? "name_en" : "name_ja");
    if (other)
        return *mine ? theirs : "";
    return *mine ? mine : theirs;
}

void rating_peer_group(const json_t *peers, bool ja, char *out, size_t n)
{
    const json_t *g = json_object_get(peers, "group");
    const char *basis = rating_basis_name(rating_str(g, "basis"), ja);
    const char *sector = rating_sector_label(rating_str(g, "sector"), ja);
    const char *size = rating_size_label(rating_str(g, "size_band"), ja);
    char vals[256] = "";
    if (*sector && *size)
        snprintf(vals, sizeof(vals), "%s / %s", sector, size);
    else
        snprintf(vals, sizeof(vals), "%s", *sector ? sector : size);
    if (*vals)
        snprintf(out, n, ja ? "%s: %s" : "%s: %s", basis ? basis : "", vals);
    else
        snprintf(out, n, "%s", basis ? basis : "");
}

void rating_percent(double p, char *out, size_t n)
{
    if (!isfinite(p))
        xstrlcpy(out, "—", n);
    else if (p <= 0)
        xstrlcpy(out, "0%", n);
    else if (p < 0.001)
        xstrlcpy(out, "<0.1%", n);
    else if (p >= 1)
        xstrlcpy(out, "100%", n);
    else
        snprintf(out, n, "%.1f%%", p * 100);
}
