/*
 * rating_int.h — private to src/rating/: the label tables (functions, categories, tiers, peer
 * group bases, report wording in both languages), read helpers for a validated document, and
 * the state the PDF pages and charts share.
 */
#ifndef RATING_RATING_INT_H
#define RATING_RATING_INT_H

#include "rating.h"
#include "../pdf/pdf.h"

/* ---- labels (rating_text.c) ---- */

#define RATING_FUNCTIONS 6

struct rating_label {
    const char *id;
    const char *ja;
    const char *en;
};

/* The six CSF 2.0 functions in the order the report shows them (GV first, CSF 2.0 §2). */
extern const struct rating_label rating_functions[RATING_FUNCTIONS];
/* Index of a function id in rating_functions, or -1. */
int rating_function_index(const char *id);
/* The CSF 2.0 category titles (ja in our own wording); NULL for ids outside CSF 2.0. */
const struct rating_label *rating_category_label(const char *id);
/* ichigen's tier for a score (spec, "Scores"): [0,1.5) → 1 … [3.5,4] → 4. */
int rating_tier_of(double score);
const char *rating_tier_name(int tier, bool ja);
/* "業種・規模" / "sector and size band" for a PEERS group basis; NULL if unknown. */
const char *rating_basis_name(const char *basis, bool ja);
/* Words for a critical-infrastructure sector id and a size band id ("" stays ""). */
const char *rating_sector_label(const char *id, bool ja);
const char *rating_size_label(const char *id, bool ja);

/* Every sentence the PDF prints, once per language (one table, like the config table). */
struct rating_text {
    const char *doc_kind, *self_assessment, *self_assessment_note;
    const char *generated, *framework, *submitted, *assessment_id, *sector_size, *jst;
    const char *overall, *tier, *completeness, *answered_fmt;
    const char *peer_card, *peer_avg, *percentile, *no_peers_short, *risk_card, *no_risk_short;
    const char *mean_loss, *radar_title, *radar_self, *radar_peer_fmt, *radar_no_peers;
    const char *radar_unanswered, *scores_title, *col_id, *col_name, *col_score, *col_tier;
    const char *col_peer, *col_answered, *unanswered, *gaps_title, *col_rank, *col_function;
    const char *gaps_none, *risk_title, *risk_intro_fmt, *stat_mean, *stat_p50, *stat_p90;
    const char *stat_p95, *stat_p99, *stat_stdev, *stat_max, *exceed_title, *exceed_fmt;
    const char *lec_title, *lec_x, *lec_y, *lec_portfolio, *scen_title, *col_scenario;
    const char *scen_more_fmt, *no_risk_title, *no_risk_body, *method_title;
    const char *m_scoring_h, *m_scoring_fmt, *m_tier_h, *m_tier, *m_peers_h, *m_peers_fmt;
    const char *m_no_peers, *m_risk_h, *m_risk_fmt, *m_no_risk, *m_caveats_h, *m_caveats;
    const char *m_framework_h, *m_framework, *m_framework_sme, *m_framework_other_fmt;
    const char *page_fmt, *any_loss, *inputs_title, *col_tef;
    const char *col_susc, *col_primary, *col_secondary, *inputs_note;
};
const struct rating_text *rating_text_for(bool ja);

/* ---- reading a validated document (rating_build.c) ---- */

/* The number at key, or NAN when absent or null. */
double rating_num(const json_t *obj, const char *key);
/* The string at key, or "" when absent or null. */
const char *rating_str(const json_t *obj, const char *key);
/* The element of a "functions" array with this id (borrowed), or NULL. */
json_t *rating_find_function(const json_t *functions, const char *id);
/* The name of a function/category in the report language: the document's own "name" {ja,en}
 * when present, else the CSF 2.0 table, else NULL. */
const char *rating_display_name(const json_t *item, const char *id, bool ja);

/* ---- drawing (rating_draw.c; the toolkit is src/pdf/) ---- */

#define RATING_MARGIN 48.0
#define RATING_CONTENT_W (PDF_A4_W - 2 * RATING_MARGIN)
#define RATING_TOP 62.0               /* the flow cursor on a new page */
#define RATING_BOTTOM (PDF_A4_H - 52) /* lowest baseline of the flow, above the footer */

struct rating_draw {
    struct pdf p; /* p.ctx points back here */
    bool ja;
    const struct rating_text *t;
    const json_t *doc; /* borrowed, validated */
};

/* Section headings: 13 pt with a rule under them. */
extern const struct pdf_heading rating_h2;
/* The page frame (pdf_frame_fn): running header from page 2, footer with "n / N". */
void rating_frame(struct pdf *p);

/* The document's peers / risk objects (borrowed), or NULL when they are null. */
const json_t *rating_doc_peers(const struct rating_draw *d);
const json_t *rating_doc_risk(const struct rating_draw *d);
/* "2.45", or "—" for a missing score. */
void rating_fmt_score(double s, char *out, size_t n);
/* "NIST CSF 2.0", "中小企業向けクイックチェック 1.0" (data/frameworks/), else "<id> <version>". */
void rating_framework_label(const json_t *assessment, bool ja, char *out, size_t n);

/* "41.9%", "<0.1%", "0%" for a probability 0..1. */
void rating_percent(double p, char *out, size_t n);

/* Display helpers: the generated/submitted date as a JST calendar date. */
void rating_date_jst(const char *rfc3339, bool ja, char *out, size_t n);
/* The organisation's name in the report language (falls back to the other one). */
const char *rating_org_name(const json_t *doc, bool ja, bool other);
/* "製造業 · 300-999" style peer-group description: basis name plus its values. */
void rating_peer_group(const json_t *peers, bool ja, char *out, size_t n);

/* ---- pages (rating_summary.c, rating_scores.c, rating_risk.c) ---- */

void rating_page_summary(struct rating_draw *d);
void rating_page_scores(struct rating_draw *d);
void rating_page_risk(struct rating_draw *d, const json_t *risk);
/* The scenarios' input estimates (top of the last page when there is a simulation). */
void rating_risk_inputs(struct rating_draw *d, const json_t *risk);
void rating_no_risk_notice(struct rating_draw *d);

/* ---- charts (rating_chart.c) ---- */

/* Radar of the six function scores (and the peer averages when peers is non-NULL) centred
 * at (cx, cy) with radius r for score 4. */
void rating_radar(struct rating_draw *d, double cx, double cy, double r, const json_t *scores,
                  const json_t *peers);
/* Loss exceedance curve of the portfolio and up to three scenarios in the box (x, y, w, h). */
void rating_lec(struct rating_draw *d, double x, double y, double w, double h, const json_t *risk);

/* The charts' own colours (the shared ones are PDF_*). */
#define RC_SELF 0x1f5fa8u
#define RC_PEER 0xd9730du

#endif
