/*
 * assess_answers.c — validation of an answers document against its framework
 * (docs/assessment-and-risk.md, "Answers"). Every problem is gathered with a pointer such as
 * /answers/GV.OC-01/level and a message in English and Japanese naming the question.
 */
#include "assess_int.h"
#include "../core/jsonx.h"

struct actx {
    const struct assess_framework *fw;
    struct verr_list *errs;
    struct buf ptr;
};

/* Adds a problem at the current pointer + "/" + key (key may be NULL). */
static void emit(struct actx *c, const char *key, const char *code, const char *en, const char *ja)
{
    size_t saved = c->ptr.len;
    if (key)
        jsonx_ptr_push(&c->ptr, key, strlen(key));
    verr_add(c->errs, buf_cstr(&c->ptr), code, en, ja);
    buf_truncate(&c->ptr, saved);
}

/* "answer GV.OC-01: <en>" / "回答 GV.OC-01: <ja>" */
static void emit_q(struct actx *c, const char *qid, const char *key, const char *code,
                   const char *en, const char *ja)
{
    char me[600], mj[600];
    snprintf(me, sizeof(me), "answer %s: %s", qid, en);
    snprintf(mj, sizeof(mj), "回答 %s: %s", qid, ja);
    emit(c, key, code, me, mj);
}

static void check_note(struct actx *c, const char *qid, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v), chars;
    char en[160], ja[160];
    if (!json_is_string(v)) {
        emit_q(c, qid, "note", "type", "note must be a string", "メモは文字列で指定してください");
        return;
    }
    chars = jsonx_utf8_len(s, n);
    if (chars > ASSESS_MAX_NOTE_CHARS) {
        snprintf(en, sizeof(en), "note is %zu characters long; at most %d are allowed", chars,
                 ASSESS_MAX_NOTE_CHARS);
        snprintf(ja, sizeof(ja), "メモが%zu文字あります。%d文字以内にしてください", chars,
                 ASSESS_MAX_NOTE_CHARS);
        emit_q(c, qid, "note", "too_long", en, ja);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 || ch == 0x7f) && ch != '\n' && ch != '\r' && ch != '\t') {
            emit_q(c, qid, "note", "control_character",
                   "note must not contain control characters other than line breaks and tabs",
                   "メモには改行とタブ以外の制御文字を使用できません");
            return;
        }
    }
}

static void check_level(struct actx *c, const char *qid, const json_t *v)
{
    if (!json_is_integer(v))
        emit_q(c, qid, "level", "type", "level must be a whole number from 0 to 4",
               "level（成熟度）は0〜4の整数で指定してください");
    else if (json_integer_value(v) < 0 || json_integer_value(v) > ASSESS_LEVEL_MAX)
        emit_q(c, qid, "level", "level_range", "level must be from 0 to 4",
               "level（成熟度）は0〜4の範囲で指定してください");
}

static void check_answer(struct actx *c, const char *qid, const json_t *a)
{
    const char *key;
    json_t *v;
    if (!json_is_object(a)) {
        emit_q(
            c, qid, NULL, "type",
            "must be an object such as {\"level\": 3} or {\"not_applicable\": true}",
            "{\"level\": 3} や {\"not_applicable\": true} のようなオブジェクトで指定してください");
        return;
    }
    json_object_foreach((json_t *)a, key, v)
    {
        if (!strcmp(key, "level"))
            check_level(c, qid, v);
        else if (!strcmp(key, "note"))
            check_note(c, qid, v);
        else if (!strcmp(key, "not_applicable") && !json_is_boolean(v))
            emit_q(c, qid, key, "type", "not_applicable must be true or false",
                   "not_applicable（該当なし）は true 又は false で指定してください");
        else if (strcmp(key, "not_applicable"))
            emit_q(c, qid, key, "unknown_field",
                   "is not a recognised field (use level, not_applicable and note)",
                   "認識できない項目です（level、not_applicable、note を使用してください）");
    }
    if (json_object_get(a, "level") && json_is_true(json_object_get(a, "not_applicable")))
        emit_q(c, qid, "not_applicable", "level_and_not_applicable",
               "give either a level or not_applicable, not both",
               "level（成熟度）と not_applicable（該当なし）のどちらか一方だけを指定してください");
}

static void check_answers(struct actx *c, const json_t *answers)
{
    const char *qid;
    json_t *a;
    size_t n = json_object_size(answers);
    char en[128], ja[128];
    if (!json_is_object(answers)) {
        emit(c, "answers", "type", "answers must be an object keyed by question id",
             "answers は設問IDをキーとするオブジェクトで指定してください");
        return;
    }
    if (n > ASSESS_MAX_ANSWERS) {
        snprintf(en, sizeof(en), "answers has %zu entries; at most %d are allowed", n,
                 ASSESS_MAX_ANSWERS);
        snprintf(ja, sizeof(ja), "回答が%zu件あります。%d件以内にしてください", n,
                 ASSESS_MAX_ANSWERS);
        emit(c, "answers", "too_many_items", en, ja);
        return; /* do not walk what we refuse to store */
    }
    jsonx_ptr_push(&c->ptr, "answers", 7);
    json_object_foreach((json_t *)answers, qid, a)
    {
        size_t saved = c->ptr.len;
        jsonx_ptr_push(&c->ptr, qid, strlen(qid));
        if (assess_framework_find(c->fw, qid) < 0)
            assess_emit_quoted(c->errs, buf_cstr(&c->ptr), "unknown_question",
                               "\"%.*s\" is not a question of this framework",
                               "「%.*s」はこのフレームワークの設問ではありません", qid);
        else
            check_answer(c, qid, a);
        buf_truncate(&c->ptr, saved);
    }
}

/* "framework" must name fw; "framework_version", when given, must be fw's version. */
static void check_head(struct actx *c, const json_t *doc)
{
    const json_t *id = json_object_get(doc, "framework");
    const json_t *ver = json_object_get(doc, "framework_version");
    char en[256], ja[256];
    if (!id) {
        emit(c, "framework", "required", "framework is required", "framework は必須項目です");
    } else if (!json_is_string(id) || strcmp(json_string_value(id), c->fw->id)) {
        snprintf(en, sizeof(en), "framework must be \"%s\" for these questions", c->fw->id);
        snprintf(ja, sizeof(ja), "この設問に対する framework は「%s」にしてください", c->fw->id);
        emit(c, "framework", "framework_mismatch", en, ja);
    }
    if (ver && (!json_is_string(ver) || strcmp(json_string_value(ver), c->fw->version))) {
        snprintf(en, sizeof(en), "framework_version must be \"%s\"", c->fw->version);
        snprintf(ja, sizeof(ja), "framework_version は「%s」にしてください", c->fw->version);
        emit(c, "framework_version", "framework_version_mismatch", en, ja);
    }
}

size_t assess_answers_check(const struct assess_framework *fw, const json_t *doc,
                            struct verr_list *errs)
{
    struct actx c = {.fw = fw, .errs = errs};
    size_t before = errs->n + errs->dropped;
    const char *key;
    json_t *v;
    if (!json_is_object(doc)) {
        verr_add(errs, "", "type", "the document must be a JSON object",
                 "JSONオブジェクトで指定してください");
        return 1;
    }
    buf_init(&c.ptr, 64 * 1024);
    buf_puts(&c.ptr, "");
    check_head(&c, doc);
    json_object_foreach((json_t *)doc, key, v)
    {
        if (!strcmp(key, "framework") || !strcmp(key, "framework_version") ||
            !strcmp(key, "answers"))
            continue;
        jsonx_ptr_push(&c.ptr, key, strlen(key));
        verr_add(
            errs, buf_cstr(&c.ptr), "unknown_field",
            "is not a recognised field (use framework, framework_version and answers)",
            "認識できない項目です（framework、framework_version、answers を使用してください）");
        buf_reset(&c.ptr);
        buf_puts(&c.ptr, "");
    }
    if (!json_object_get(doc, "answers"))
        emit(&c, "answers", "required", "answers is required", "answers は必須項目です");
    else
        check_answers(&c, json_object_get(doc, "answers"));
    buf_release(&c.ptr);
    return errs->n + errs->dropped - before;
}
