/*
 * rating.h — the rating report: an organisation's maturity self-assessment scores, their peer
 * comparison and its quantified cyber risk, as one JSON document and as an A4 PDF for insurers
 * and disclosure (docs/assessment-and-risk.md, "Rating report"; PRODUCT.md capability 5).
 *
 * What it is: rating_build assembles and validates the document from the outputs of
 * assess_score / assess_peers (src/assess/) and the risk simulation (src/risk/); rating_pdf
 * renders a validated document with cairo's PDF surface and the Noto Sans CJK JP font found
 * through fontconfig. What it is not: it computes no score, no peer statistic and no loss
 * figure — it only checks that the figures it is given are complete and coherent (finite,
 * within range, quantiles in order, tiers matching ichigen's mapping, peer group n ≥ k).
 *
 * Who may call it: the HTTP and CLI edges. rating_build and rating_validate are pure.
 * rating_pdf reads font files through fontconfig and, when given a path, writes that file;
 * it reads no clock (the PDF's creation date is the document's generated_at, so the same
 * document always gives the same bytes).
 *
 * The embedded shapes are those of the producers (sample documents in tests/data/rating/):
 *   PEERS: assess_peers output with "group" turned by the HTTP layer into
 *          {"basis": "sector+size_band"|"sector"|"size_band"|"all", "sector"?, "size_band"?};
 *          "n", "k" (default 5), "overall" and "functions" [{"id", "average", "median",
 *          "percentile", "n"?, "score"?}] — figures null where fewer than k peers have one.
 *          A PEERS object with "group" null or "status" "insufficient" is stored as null.
 *   RISK:  risk_result_to_json output: "seed", "years", "thresholds", "portfolio" and
 *          "scenarios" [{"id", "name": {ja,en}, …}], each with "mean", "stdev" (null for one
 *          year), "p10" … "p99", "max" (yen per year), "p_loss"?, "exceedance" [{"threshold",
 *          "probability"}] and "lec" [{"loss", "probability"}] (loss ascending, probability
 *          non-increasing). Other members (inputs, conventions …) are kept and not checked.
 */
#ifndef RATING_RATING_H
#define RATING_RATING_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/verr.h"

enum rating_err {
    RATING_OK = 0,
    RATING_EINVALID = -1, /* the document fails rating_validate */
    RATING_EFONT = -2,    /* Noto Sans CJK JP is not installed (fonts-noto-cjk) */
    RATING_EIO = -3,      /* the output file cannot be written */
    RATING_EFULL = -4,    /* the PDF does not fit the buffer's maximum */
    RATING_ECAIRO = -5,   /* cairo reported an error while drawing */
};

/* Limits on what a rating document may hold (beyond them: validation errors). */
#define RATING_MAX_SCENARIOS 200
#define RATING_MAX_CURVE_POINTS 1000
#define RATING_MAX_THRESHOLDS 20

/*
 * Assembles the rating document of the spec:
 *   {"organization": {"id","name_ja","name_en","sector","size_band"},
 *    "generated_at": RFC 3339 UTC of now_ms, "language": lang,
 *    "assessment": {"id","submitted_at", SCORES…}, "peers": PEERS|null, "risk": RISK|null}
 * org: the organisation (one of name_ja / name_en may be null or absent, not both).
 * assessment: the assess_score output with "id" and "submitted_at" (RFC 3339) added.
 * peers, risk: may be NULL or JSON null when there is no comparison / no simulation.
 * lang: "ja" or "en". All inputs are borrowed and deep-copied.
 * Returns a new reference, or NULL with every problem appended to errs (pointers are into
 * the assembled document, e.g. "/assessment/functions/2/score").
 */
json_t *rating_build(const json_t *org, const json_t *assessment, const json_t *peers,
                     const json_t *risk, int64_t now_ms, const char *lang, struct verr_list *errs);

/*
 * Checks a whole rating document (built here or read from a file) and appends every problem
 * to errs. Returns RATING_OK or RATING_EINVALID. rating (borrowed) is not modified.
 */
int rating_validate(const json_t *rating, struct verr_list *errs);

/*
 * Renders a rating document as an A4 PDF: title and summary with the radar chart; function
 * and category scores with the gap list; risk figures with the loss exceedance curve (when
 * risk is present); method and caveats. Text in the document's language.
 * Exactly one of path (a file to create or replace) and out (a bounded buffer the PDF is
 * appended to) is used: path when non-NULL. On error the buffer keeps what was appended
 * before the failure and a partially written file may remain; e says why.
 * Returns RATING_OK or a negative enum rating_err.
 */
int rating_pdf(const json_t *rating, const char *path, struct buf *out, struct err *e);

/*
 * Formatting used by the report (pure; also for the web UI). Each writes a NUL-terminated
 * string into out (n ≥ 32 always suffices) and returns out.
 *  rating_format_int:  12,345,678 (rounded, thousands separators, "-" sign)
 *  rating_format_yen:  "12,345,678円" (ja) / "¥12,345,678" (en)
 *  rating_format_yen_short: an axis label — "1,000万円", "1億円", "10億円" (ja) /
 *                      "¥10M", "¥100M", "¥1B" (en)
 */
char *rating_format_int(double v, char *out, size_t n);
char *rating_format_yen(double v, bool ja, char *out, size_t n);
char *rating_format_yen_short(double v, bool ja, char *out, size_t n);

#endif
