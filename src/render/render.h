/*
 * render.h — a report version as a document that a reporter downloads and files with an
 * authority that accepts only its own web form or e-mail (issue 5): an Excel workbook in the
 * authority's own form — the nine items of the Personal Information Protection Commission's
 * leak report (個人情報保護法施行規則8条1項), the NCO ransomware / DDoS common forms (issue 10) —
 * or ichigen's unified layout, and an A4 PDF summary of the whole version.
 *
 * What it is: two renderers over one stored report version (a parsed, validated report and the
 * facts of its version — struct render_meta). Every label comes from the report field table
 * (src/report/report_fields.c), so a field added there appears in the renderings without
 * touching this module. What it is not: a validator (callers render versions that
 * report_validate accepted; anything else is rendered as far as it goes, never trusted to be
 * complete), the PPC's web form itself, or the deciding of which authority needs which stage
 * (that is src/rules/; its answer arrives here as recipient and stage names).
 *
 * Who may call it: the HTTP and CLI edges. Both functions read no clock: the documents' dates
 * come from meta, so the same inputs always give the same bytes. render_pdf reads font files
 * through fontconfig; render_xlsx writes and removes one temporary file (libxlsxwriter can only
 * write to a path) under $TMPDIR or /tmp. Neither keeps state between calls, so separate calls
 * may run on separate threads (fontconfig, cairo and libxlsxwriter allow that).
 *
 * Ownership: report and meta are borrowed and not modified; the document is appended to the
 * caller's bounded buffer `out`.
 */
#ifndef RENDER_RENDER_H
#define RENDER_RENDER_H

#include <jansson.h>

#include "../core/core.h"
#include "../core/buf.h"
#include "../core/err.h"

enum render_err {
    RENDER_OK = 0,
    RENDER_EINVALID = -1, /* report is not a JSON object, or meta is unusable */
    RENDER_EFONT = -2,    /* Noto Sans CJK JP is not installed (fonts-noto-cjk) */
    RENDER_EIO = -3,      /* the temporary file cannot be created, written or read back */
    RENDER_EFULL = -4,    /* the document does not fit the buffer's maximum */
    RENDER_ECAIRO = -5,   /* cairo reported an error while drawing */
    RENDER_EXLSX = -6,    /* libxlsxwriter refused something (its message is in e) */
};

/*
 * Which layout a workbook follows. A workbook is either the recipient's own form or, for a
 * recipient without one, ichigen's unified layout, titled as such — never another authority's
 * form (issue 10 item 5). The recipients directory names the form (delivery.form in
 * data/recipients/<jurisdiction>.json; docs/rules-authoring.md §3).
 *   RENDER_FORM_PPC: the nine items of the PPC leak report (個人情報保護法施行規則8条1項).
 *   RENDER_FORM_NCO: the items of the NCO common forms, ランサムウェア事案共通様式 and
 *     DDoS攻撃事案共通様式 (内閣官房国家サイバー統括室, in force 2025-10-01; see render_nco.c for
 *     the sources and which wording is ichigen's), chosen by /classification/categories:
 *     ransomware, DDoS, or both; an incident that is neither gets the unified layout.
 *   RENDER_FORM_UNIFIED: the report's sections under ichigen's own title.
 * The PDF is a summary of the whole version and is always the unified layout, titled as such.
 */
enum render_form {
    RENDER_FORM_UNIFIED = 0,
    RENDER_FORM_PPC = 1,
    RENDER_FORM_NCO = 2,
};

/* The form of a recipients-directory name: "jp-ppc-art8", "jp-nco-common"; NULL or "" is the
 * unified layout. Returns -1 for any other name. */
int render_form_parse(const char *name);

/*
 * The facts of the version being rendered, which live beside the report body rather than in it.
 * Every pointer is borrowed; NULL (or 0) means "not known", and the documents then say so
 * instead of inventing a value.
 */
struct render_meta {
    const char *incident_id;    /* the incident's id (UUIDv7 in the service); NULL offline */
    int version;                /* the version number, 1 for the first report; 0 = unknown */
    const char *report_sha256;  /* 64 hex digits of the SHA-256 of the stored body bytes */
    int64_t version_created_ms; /* when the version was stored (UTC ms). It is also the
                                 * documents' creation date; 0 = unknown, then
                                 * /times/aware_at stands in so the bytes stay deterministic */
    const char *recipient_name_ja; /* the authority the document is for, e.g. 個人情報保護委員会 */
    const char *recipient_name_en; /* the same in English, e.g. "Personal Information Protection
                                    * Commission"; either or both may be NULL */
    const char *stage_name_ja;     /* the recipient's stage this filing answers (速報, 確報 …)
                                    * as the obligations engine names it; NULL if none */
    bool ja;                       /* values and running text in Japanese (true) or English;
                                    * headings are always Japanese with English beneath */
    /* ---- the filing (issue 10 item 6); all optional ---- */
    enum render_form form;     /* the workbook's layout (0: ichigen's unified layout) */
    const char *submission_id; /* the submission the document files, NULL offline */
    int64_t filed_ms;        /* 提出日: when the submission was made (UTC ms); 0 = the version's
                              * creation (render_created_ms) stands in */
    unsigned sections_given; /* bit i set: the recipient is given report_section_values[i]
                              * (its delivery sections less what the reporter withheld);
                              * 0 = not known, every section counts as given. An item whose
                              * facts lie only in sections not given says so instead of
                              * 未記入, which would claim the fact is unknown */
    /* the filing is made under a rule that is not in force (issue 11 item 4): its words
     * ("案（未施行）", "proposed rule, not in force"; rules_rule_status_text), shown beside the
     * stage so the document never presents a proposal as law; NULL for a rule in force */
    const char *rule_status_ja, *rule_status_en;
};

/*
 * The Excel workbook (.xlsx) of a report version, for authorities that take the PPC's nine
 * items on a form of their own (e-mail with an Excel attachment, METI's delegated credit
 * sector …; reporting-regimes.md §1.5).
 *   Sheet 1 "報告書 (Report)": the title of meta->form, the filing block (宛先 = the
 *     authority's name, 提出日, phase and stage, drill marker, TLP, organisation with 法人番号,
 *     its representative, location and contacts, the time anchors in JST with their offset,
 *     and the identifiers: incident id, version, submission id, the reporter's reference,
 *     creation time, SHA-256), then the form's items — the nine items of 規則8条1項, the NCO
 *     common forms' items, or the report's sections — each filled from the report fields that
 *     answer it and 「未記入（報告時点で不明）」 where the version does not answer it yet (or a
 *     note that the recipient is not given it, see sections_given). A4 portrait, one page
 *     wide.
 *   Sheet 2 "全項目 (All fields)": every value of the version as a row — JSON Pointer,
 *     Japanese label path, English label path, value (enumerations as label and code, times
 *     in JST). A4 landscape, one page wide, the heading row repeated on every page.
 * Appends the file's bytes to out. Returns RENDER_OK or a negative enum render_err; on error
 * out keeps what it held before and e says why. The temporary file is always removed.
 */
int render_xlsx(const json_t *report, const struct render_meta *meta, struct buf *out,
                struct err *e);

/*
 * The A4 PDF summary of a report version: title, organisation, phase, the TLP label on every
 * page in its TLP 2.0 colours, a 「訓練」 banner on every page of a drill (/envelope/drill),
 * then the report's sections in order — times (JST), classification, description, impact,
 * personal data, threat and technical details (at most a few indicators), ransom, product,
 * response, contacts, confidentiality — each under a Japanese heading with its English name,
 * long text wrapped across pages; a footer with incident id, version, SHA-256 and "n / N".
 * Appends the PDF to out. Returns RENDER_OK or a negative enum render_err; on error out may
 * hold a partial PDF and e says why.
 */
int render_pdf(const json_t *report, const struct render_meta *meta, struct buf *out,
               struct err *e);

#endif
