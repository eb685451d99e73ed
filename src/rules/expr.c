/*
 * expr.c — lexer, recursive-descent parser, compile-time checks and evaluator of the rule
 * condition language. The compiled form is an array of nodes with child indices; evaluation
 * walks it recursively (depth is bounded at compile time).
 */
#include <math.h>

#include "expr.h"
#include "../core/buf.h"
#include "../report/report.h"
#include "../schema/schema.h"

enum ex_op {
    EX_LIT, EX_PATH, EX_LIST, EX_AND, EX_OR, EX_NOT, EX_EQ, EX_NE, EX_LT, EX_LE, EX_GT, EX_GE,
    EX_IN, EX_NOT_IN, EX_EXISTS, EX_COUNT, EX_CONTAINS, EX_ANY_IN,
};

#define MAX_SEGS 12

struct ex_path {
    const char *key[MAX_SEGS]; /* NULL = "[]" (every item of an array) */
    size_t klen[MAX_SEGS];
    int nseg;
    int slot;                  /* cache slot (expr_bind), -1 when none */
    bool multi;                /* contains [] */
    const struct rf_field *field; /* the report field it names */
    char text[160];            /* dotted form, for facts */
};

struct ex_str {
    const char *s;
    size_t n;
};

struct ex_node {
    enum ex_op op;
    int a, b;     /* children (-1 when none) */
    int pos;      /* offset in the source */
    json_t *lit;  /* EX_LIT, EX_LIST: owned */
    struct ex_path *path;
    struct ex_str *strs; /* EX_LIST of strings only: sorted, for binary search */
    size_t nstrs;
};

struct expr {
    char *src;
    int n, root;
    char *names; /* storage for path keys */
    /* how many path nodes name yes/no/unknown facts (issue 11 item 1): without one the
     * condition is never EXPR_UNKNOWN */
    int ntri;
    /* EXPR_MAX_NODES while parsing, then shrunk to n: a rule set holds a few hundred
     * expressions, and full-size ones (14 KB each, mostly unused) put every expression's first
     * nodes in the same few cache sets — evaluation spent a quarter of its time on that */
    struct ex_node nodes[];
};

/* ---- lexer ---- */

enum tok_kind { T_END, T_NAME, T_STRING, T_NUMBER, T_OP, T_ERR };

struct lexer {
    const char *s;
    size_t n, i;
    enum tok_kind kind;
    int start;
    char text[256]; /* name, operator, or decoded string */
    double num;
    struct expr_error *err;
    int depth;
    int reserved; /* nodes promised to and/or operators read but not yet built */
    struct expr *e;
    size_t names_used, names_cap;
};

static int fail(struct lexer *l, int pos, const char *en, const char *ja)
{
    l->err->pos = pos;
    snprintf(l->err->en, sizeof(l->err->en), "%s", en);
    snprintf(l->err->ja, sizeof(l->err->ja), "%s", ja);
    return -1;
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static int lex_string(struct lexer *l)
{
    char q = l->s[l->i++];
    size_t o = 0;
    while (l->i < l->n && l->s[l->i] != q) {
        char c = l->s[l->i++];
        if (c == '\\' && l->i < l->n)
            c = l->s[l->i++];
        if (o + 1 >= sizeof(l->text))
            return fail(l, l->start, "string literal too long (255 bytes at most)",
                        "文字列が長すぎます（255バイトまで）");
        l->text[o++] = c;
    }
    if (l->i >= l->n)
        return fail(l, l->start, "unterminated string literal", "文字列が閉じられていません");
    l->i++;
    l->text[o] = '\0';
    l->kind = T_STRING;
    return 0;
}

static int lex_number(struct lexer *l)
{
    size_t st = l->i;
    char buf[64];
    if (l->s[l->i] == '-')
        l->i++;
    while (l->i < l->n && ((l->s[l->i] >= '0' && l->s[l->i] <= '9') || l->s[l->i] == '.'))
        l->i++;
    if (l->i - st >= sizeof(buf) || l->i - st == 0)
        return fail(l, l->start, "bad number", "数値が正しくありません");
    memcpy(buf, l->s + st, l->i - st);
    buf[l->i - st] = '\0';
    char *end;
    l->num = strtod(buf, &end);
    if (*end || !isfinite(l->num))
        return fail(l, l->start, "bad number", "数値が正しくありません");
    l->kind = T_NUMBER;
    return 0;
}

static int lex(struct lexer *l)
{
    static const char *const ops[] = {"==", "!=", "<=", ">=", "[]", "<", ">", "(", ")",
                                      "[", "]", ",", "."};
    while (l->i < l->n && strchr(" \t\r\n", l->s[l->i]) && l->s[l->i])
        l->i++;
    l->start = (int)l->i;
    if (l->i >= l->n) {
        l->kind = T_END;
        l->text[0] = '\0';
        return 0;
    }
    char c = l->s[l->i];
    if (c == '\'' || c == '"')
        return lex_string(l);
    if ((c >= '0' && c <= '9') || (c == '-' && l->i + 1 < l->n && l->s[l->i + 1] >= '0' &&
                                   l->s[l->i + 1] <= '9'))
        return lex_number(l);
    if (is_name_start(c)) {
        size_t o = 0;
        while (l->i < l->n && is_name_char(l->s[l->i]) && o + 1 < sizeof(l->text))
            l->text[o++] = l->s[l->i++];
        l->text[o] = '\0';
        l->kind = T_NAME;
        return 0;
    }
    for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
        size_t len = strlen(ops[k]);
        if (l->i + len <= l->n && !memcmp(l->s + l->i, ops[k], len)) {
            memcpy(l->text, ops[k], len + 1);
            l->i += len;
            l->kind = T_OP;
            return 0;
        }
    }
    return fail(l, l->start, "unexpected character", "予期しない文字があります");
}

static bool is_op(const struct lexer *l, const char *op)
{
    return l->kind == T_OP && !strcmp(l->text, op);
}

static bool is_word(const struct lexer *l, const char *w)
{
    return l->kind == T_NAME && !strcmp(l->text, w);
}

/* ---- nodes ---- */

static int node(struct lexer *l, enum ex_op op, int a, int b, int pos)
{
    if (l->e->n + l->reserved >= EXPR_MAX_NODES)
        return fail(l, pos, "expression too large (256 nodes at most)",
                    "条件式が大きすぎます（256ノードまで）");
    struct ex_node *x = &l->e->nodes[l->e->n];
    memset(x, 0, sizeof(*x));
    x->op = op, x->a = a, x->b = b, x->pos = pos;
    return l->e->n++;
}

static const char *intern(struct lexer *l, const char *s)
{
    size_t n = strlen(s) + 1;
    if (l->names_used + n > l->names_cap)
        return NULL;
    char *p = l->e->names + l->names_used;
    memcpy(p, s, n);
    l->names_used += n;
    return p;
}

/* ---- paths ---- */

static int path_field(struct lexer *l, struct ex_path *p, int pos)
{
    char ptr[256];
    size_t o = 0;
    for (int k = 0; k < p->nseg; k++) {
        const char *seg = p->key[k] ? p->key[k] : "-";
        int w = snprintf(ptr + o, sizeof(ptr) - o, "/%s", seg);
        if (w < 0 || (size_t)w >= sizeof(ptr) - o)
            return fail(l, pos, "path too long", "パスが長すぎます");
        o += (size_t)w;
    }
    p->field = report_field_lookup(ptr);
    if (!p->field) {
        char en[256], ja[256];
        snprintf(en, sizeof(en), "\"%s\" is not a field of the report format", p->text);
        snprintf(ja, sizeof(ja), "「%s」は報告様式にない項目です", p->text);
        return fail(l, pos, en, ja);
    }
    return 0;
}

/* Appends a and b to the dotted form; false when they do not fit (no field of the report
 * format comes near the size, so such a path would be unknown anyway). */
static bool text_add(struct ex_path *p, size_t *o, const char *a, const char *b)
{
    int w = snprintf(p->text + *o, sizeof(p->text) - *o, "%s%s", a, b);
    if (w < 0 || (size_t)w >= sizeof(p->text) - *o)
        return false;
    *o += (size_t)w;
    return true;
}

static int parse_path(struct lexer *l)
{
    int pos = l->start;
    struct ex_path *p = xcalloc(1, sizeof(*p));
    p->slot = -1;
    int id = node(l, EX_PATH, -1, -1, pos);
    if (id < 0)
        return free(p), -1;
    l->e->nodes[id].path = p;
    size_t o = 0;
    for (;;) {
        if (p->nseg >= MAX_SEGS)
            return fail(l, pos, "path too deep", "パスが深すぎます");
        const char *k = intern(l, l->text);
        if (!k)
            return fail(l, pos, "too many names", "名前が多すぎます");
        p->klen[p->nseg] = strlen(k);
        p->key[p->nseg++] = k;
        if (!text_add(p, &o, o ? "." : "", k))
            return fail(l, pos, "path too long", "パスが長すぎます");
        if (lex(l))
            return -1;
        while (is_op(l, "[]")) {
            if (p->nseg >= MAX_SEGS)
                return fail(l, pos, "path too deep", "パスが深すぎます");
            p->key[p->nseg++] = NULL;
            p->multi = true;
            if (!text_add(p, &o, "[]", ""))
                return fail(l, pos, "path too long", "パスが長すぎます");
            if (lex(l))
                return -1;
        }
        if (!is_op(l, "."))
            break;
        if (lex(l))
            return -1;
        if (l->kind != T_NAME)
            return fail(l, l->start, "a field name must follow '.'",
                        "「.」の後には項目名が必要です");
    }
    return path_field(l, p, pos) ? -1 : id;
}

/* ---- literals ---- */

static json_t *literal_value(struct lexer *l)
{
    if (l->kind == T_STRING)
        return json_string(l->text);
    if (l->kind == T_NUMBER)
        return json_real(l->num);
    if (is_word(l, "true"))
        return json_true();
    if (is_word(l, "false"))
        return json_false();
    if (is_word(l, "null"))
        return json_null();
    return NULL;
}

static int cmp_exstr(const void *a, const void *b)
{
    const struct ex_str *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    return memcmp(x->s, y->s, x->n);
}

/* A list made only of strings is also kept sorted (by length, then bytes) so membership is a
 * binary search: rule conditions list e.g. the 27 EU Member States. */
static void index_strings(struct ex_node *x)
{
    size_t n = json_array_size(x->lit);
    for (size_t i = 0; i < n; i++)
        if (!json_is_string(json_array_get(x->lit, i)))
            return;
    x->strs = xcalloc(n + 1, sizeof(*x->strs));
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(x->lit, i);
        x->strs[i].s = json_string_value(v);
        x->strs[i].n = json_string_length(v);
    }
    qsort(x->strs, n, sizeof(*x->strs), cmp_exstr);
    x->nstrs = n;
}

static int parse_list(struct lexer *l)
{
    int pos = l->start;
    json_t *arr = json_array();
    int id = node(l, EX_LIST, -1, -1, pos);
    if (id < 0)
        return json_decref(arr), -1;
    l->e->nodes[id].lit = arr;
    if (lex(l))
        return -1;
    if (is_op(l, "]"))
        return fail(l, l->start, "a list needs at least one item", "リストには1件以上の値が必要です");
    while (!is_op(l, "]")) {
        json_t *v = literal_value(l);
        if (!v)
            return fail(l, l->start, "a list holds literals only ('text', numbers, true, false, null)",
                        "リストには値（'文字列'、数値、true、false、null）だけを書けます");
        if (json_array_size(arr) >= EXPR_MAX_LIST) {
            json_decref(v);
            return fail(l, l->start, "list too long (64 items at most)",
                        "リストが長すぎます（64件まで）");
        }
        json_array_append_new(arr, v);
        if (lex(l))
            return -1;
        if (is_op(l, ",")) {
            if (lex(l))
                return -1;
            if (is_op(l, "]"))
                return fail(l, l->start, "a value must follow ','", "「,」の後に値が必要です");
        } else if (!is_op(l, "]")) {
            return fail(l, l->start, "expected ',' or ']' in a list",
                        "リストでは「,」か「]」が必要です");
        }
    }
    if (lex(l))
        return -1;
    index_strings(&l->e->nodes[id]);
    return id;
}

static int parse_expr(struct lexer *l);

static int expect(struct lexer *l, const char *op)
{
    char en[64], ja[64];
    if (is_op(l, op))
        return lex(l);
    snprintf(en, sizeof(en), "expected '%s'", op);
    snprintf(ja, sizeof(ja), "「%s」が必要です", op);
    return fail(l, l->start, en, ja);
}

static int parse_call(struct lexer *l, enum ex_op op)
{
    int pos = l->start, a, b = -1;
    if (lex(l) || expect(l, "("))
        return -1;
    if (l->kind != T_NAME)
        return fail(l, l->start, "the first argument must be a field path",
                    "最初の引数は項目のパスにしてください");
    if ((a = parse_path(l)) < 0)
        return -1;
    if (op == EX_CONTAINS || op == EX_ANY_IN) {
        if (expect(l, ","))
            return -1;
        if (op == EX_ANY_IN) {
            if (!is_op(l, "["))
                return fail(l, l->start, "any_in needs a list: any_in(path, [\"a\", \"b\"])",
                            "any_in にはリストが必要です: any_in(パス, [\"a\", \"b\"])");
            if ((b = parse_list(l)) < 0)
                return -1;
        } else {
            json_t *v = literal_value(l);
            if (!v)
                return fail(l, l->start, "contains needs a literal value",
                            "contains には値が必要です");
            if ((b = node(l, EX_LIT, -1, -1, l->start)) < 0)
                return json_decref(v), -1;
            l->e->nodes[b].lit = v;
            if (lex(l))
                return -1;
        }
    }
    if (expect(l, ")"))
        return -1;
    return node(l, op, a, b, pos);
}

static int parse_operand(struct lexer *l)
{
    int id;
    if (++l->depth > EXPR_MAX_DEPTH)
        return fail(l, l->start, "nested too deeply (32 levels at most)",
                    "入れ子が深すぎます（32階層まで）");
    if (is_op(l, "(")) {
        if (lex(l) || (id = parse_expr(l)) < 0 || expect(l, ")"))
            return -1;
    } else if (is_op(l, "[")) {
        id = parse_list(l);
    } else if (is_word(l, "exists")) {
        id = parse_call(l, EX_EXISTS);
    } else if (is_word(l, "count")) {
        id = parse_call(l, EX_COUNT);
    } else if (is_word(l, "contains")) {
        id = parse_call(l, EX_CONTAINS);
    } else if (is_word(l, "any_in")) {
        id = parse_call(l, EX_ANY_IN);
    } else {
        json_t *v = literal_value(l);
        if (v) {
            if ((id = node(l, EX_LIT, -1, -1, l->start)) < 0)
                return json_decref(v), -1;
            l->e->nodes[id].lit = v;
            if (json_is_string(v)) { /* kept as bytes and length for quick comparisons */
                l->e->nodes[id].strs = xcalloc(1, sizeof(struct ex_str));
                l->e->nodes[id].strs[0].s = json_string_value(v);
                l->e->nodes[id].strs[0].n = json_string_length(v);
                l->e->nodes[id].nstrs = 1;
            }
            if (lex(l))
                return -1;
        } else if (l->kind == T_NAME && strcmp(l->text, "and") && strcmp(l->text, "or") &&
                   strcmp(l->text, "not") && strcmp(l->text, "in")) {
            id = parse_path(l);
        } else {
            return fail(l, l->start, "expected a field, a value, or '('",
                        "項目、値又は「(」が必要です");
        }
    }
    l->depth--;
    return id;
}

static const struct {
    const char *text;
    enum ex_op op;
} cmp_ops[] = {{"==", EX_EQ}, {"!=", EX_NE}, {"<", EX_LT}, {"<=", EX_LE}, {">", EX_GT}, {">=", EX_GE}};

static int parse_compare(struct lexer *l)
{
    int a = parse_operand(l), b, pos = l->start;
    if (a < 0)
        return -1;
    for (size_t k = 0; k < ARRAY_SIZE(cmp_ops); k++) {
        if (!is_op(l, cmp_ops[k].text))
            continue;
        if (lex(l) || (b = parse_operand(l)) < 0)
            return -1;
        return node(l, cmp_ops[k].op, a, b, pos);
    }
    bool negate = false;
    if (is_word(l, "not")) {
        /* "x not in [...]" — only valid followed by "in" */
        size_t save = l->i;
        int save_start = l->start;
        if (lex(l))
            return -1;
        if (!is_word(l, "in")) {
            l->i = save;
            l->start = save_start;
            return fail(l, save_start, "expected 'in' after 'not' here", "ここでは not の後に in が必要です");
        }
        negate = true;
    }
    if (is_word(l, "in")) {
        if (lex(l))
            return -1;
        if (!is_op(l, "["))
            return fail(l, l->start, "'in' needs a list: x in [\"a\", \"b\"]",
                        "in にはリストが必要です: x in [\"a\", \"b\"]");
        if ((b = parse_list(l)) < 0)
            return -1;
        return node(l, negate ? EX_NOT_IN : EX_IN, a, b, pos);
    }
    return a;
}

static int parse_unary(struct lexer *l)
{
    if (is_word(l, "not")) {
        int pos = l->start, a;
        if (++l->depth > EXPR_MAX_DEPTH)
            return fail(l, pos, "nested too deeply (32 levels at most)",
                        "入れ子が深すぎます（32階層まで）");
        if (lex(l) || (a = parse_unary(l)) < 0)
            return -1;
        l->depth--;
        return node(l, EX_NOT, a, -1, pos);
    }
    return parse_compare(l);
}

/* `a and b and c` is built as a and (b and c): the same left-to-right short-circuit order as
 * the left-leaning tree, but a rule whose first part is false is settled in two node visits
 * rather than one per part (rule sets are long and-chains that mostly fail early). The
 * operator's node is reserved when the operator is read, so the node limit is met at the same
 * place, in reading order, as if it were built at once. */
static int parse_binary(struct lexer *l, const char *word, enum ex_op op,
                        int (*sub)(struct lexer *))
{
    int a = sub(l), b;
    if (a < 0 || !is_word(l, word))
        return a;
    int pos = l->start;
    if (l->e->n + l->reserved >= EXPR_MAX_NODES)
        return fail(l, pos, "expression too large (256 nodes at most)",
                    "条件式が大きすぎます（256ノードまで）");
    l->reserved++;
    if (lex(l) || (b = parse_binary(l, word, op, sub)) < 0)
        return -1;
    l->reserved--;
    return node(l, op, a, b, pos);
}

static int parse_and(struct lexer *l)
{
    return parse_binary(l, "and", EX_AND, parse_unary);
}

static int parse_expr(struct lexer *l)
{
    return parse_binary(l, "or", EX_OR, parse_and);
}

/* ---- compile-time checks (types and allowed values) ---- */

static bool is_bool_valued(const struct expr *e, int id);

/* A node computed from other nodes (comparison, call, and/or/not), as opposed to a value. */
static bool is_condition(const struct expr *e, int id)
{
    enum ex_op op = e->nodes[id].op;
    return op != EX_LIT && op != EX_PATH && op != EX_LIST && op != EX_COUNT;
}

static int check_literal_for(struct lexer *l, const struct ex_path *p, const json_t *v, int pos)
{
    const struct rf_field *f = p->field;
    char en[256], ja[256];
    if (json_is_null(v))
        return 0;
    switch (f->type) {
    case RF_INTEGER:
    case RF_NUMBER:
        if (json_is_number(v))
            return 0;
        break;
    case RF_BOOL:
        if (json_is_boolean(v))
            return 0;
        break;
    case RF_ENUM:
    case RF_TRI:
        if (!json_is_string(v))
            break;
        for (const struct rf_enum *x = f->values; x->value; x++)
            if (!strcmp(x->value, json_string_value(v)))
                return 0;
        snprintf(en, sizeof(en), "\"%s\" is not a value %s can take", json_string_value(v),
                 p->text);
        snprintf(ja, sizeof(ja), "「%s」は %s が取り得る値ではありません", json_string_value(v),
                 p->text);
        return fail(l, pos, en, ja);
    case RF_OBJECT:
    case RF_ARRAY:
        return fail(l, pos, "an object or a list cannot be compared with a value; use count() "
                            "or exists()",
                    "オブジェクトやリストは値と比較できません。count() 又は exists() を使ってください");
    default:
        if (json_is_string(v))
            return 0;
    }
    snprintf(en, sizeof(en), "the value does not have the type of %s", p->text);
    snprintf(ja, sizeof(ja), "値の型が %s の型と合いません", p->text);
    return fail(l, pos, en, ja);
}

/* The leaf field a multi-valued path's items have (for contains/any_in checks). */
static const struct rf_field *item_field(const struct ex_path *p)
{
    const struct rf_field *f = p->field;
    return f->type == RF_ARRAY ? f->fields : f;
}

static int check_node(struct lexer *l, int id);

/* For < <= > >= on either side: a literal must be a number (literals, paths false), a path
 * must name a numeric field (paths true); other operands pass. Ordering strings is an error
 * at load (docs/rules-format-spec.md), whichever side they are on. */
static bool numeric_operand(const struct ex_node *s, bool paths)
{
    if (!paths)
        return s->op != EX_LIT || json_is_number(s->lit);
    return s->op != EX_PATH || s->path->field->type == RF_INTEGER ||
           s->path->field->type == RF_NUMBER;
}

static int check_compare(struct lexer *l, const struct ex_node *x)
{
    const struct ex_node *a = &l->e->nodes[x->a], *b = &l->e->nodes[x->b];
    if (a->op != EX_PATH && b->op == EX_PATH) { /* literal == path: swap roles for the check */
        const struct ex_node *t = a;
        a = b, b = t;
    }
    for (const struct ex_node *s = a; s; s = s == a ? b : NULL) /* both sides: path == path[] */
        if (s->op == EX_PATH && s->path->multi)
            return fail(l, s->pos, "a path with [] has many values; use contains() or any_in()",
                        "[] を含むパスは複数の値を持ちます。contains() 又は any_in() を使ってください");
    bool ordering = x->op == EX_LT || x->op == EX_LE || x->op == EX_GT || x->op == EX_GE;
    if (a->op == EX_PATH && b->op == EX_LIT && check_literal_for(l, a->path, b->lit, b->pos))
        return -1;
    if (ordering && (!numeric_operand(a, false) || !numeric_operand(b, false)))
        return fail(l, x->pos, "only numbers can be ordered with < <= > >=",
                    "< <= > >= で比べられるのは数値だけです");
    if (ordering && (!numeric_operand(a, true) || !numeric_operand(b, true)))
        return fail(l, x->pos, "only numeric fields can be ordered with < <= > >=",
                    "< <= > >= で比べられるのは数値の項目だけです");
    if (is_condition(l->e, x->a) || is_condition(l->e, x->b))
        return fail(l, x->pos, "a condition cannot be compared; combine conditions with and/or",
                    "条件同士は比較できません。and / or で組み合わせてください");
    return 0;
}

static int check_membership(struct lexer *l, const struct ex_node *x)
{
    const struct ex_node *a = &l->e->nodes[x->a], *b = &l->e->nodes[x->b];
    if (a->op != EX_PATH)
        return fail(l, a->pos, "the left side of 'in' must be a field path",
                    "in の左側は項目のパスにしてください");
    if (a->path->multi && (x->op == EX_IN || x->op == EX_NOT_IN))
        return fail(l, a->pos, "a path with [] has many values; use any_in()",
                    "[] を含むパスは複数の値を持ちます。any_in() を使ってください");
    struct ex_path probe = *a->path;
    probe.field = x->op == EX_ANY_IN || x->op == EX_CONTAINS ? item_field(a->path) : a->path->field;
    if (x->op == EX_CONTAINS)
        return check_literal_for(l, &probe, b->lit, b->pos);
    for (size_t i = 0; i < json_array_size(b->lit); i++)
        if (check_literal_for(l, &probe, json_array_get(b->lit, i), b->pos))
            return -1;
    return 0;
}

static bool is_bool_valued(const struct expr *e, int id)
{
    switch (e->nodes[id].op) {
    case EX_LIT: return json_is_boolean(e->nodes[id].lit);
    case EX_PATH: return e->nodes[id].path->field->type == RF_BOOL;
    case EX_LIST:
    case EX_COUNT: return false;
    default: return true;
    }
}

static int check_node(struct lexer *l, int id)
{
    const struct ex_node *x = &l->e->nodes[id];
    if (x->a >= 0 && check_node(l, x->a))
        return -1;
    if (x->b >= 0 && check_node(l, x->b))
        return -1;
    switch (x->op) {
    case EX_EQ: case EX_NE: case EX_LT: case EX_LE: case EX_GT: case EX_GE:
        return check_compare(l, x);
    case EX_IN: case EX_NOT_IN: case EX_CONTAINS: case EX_ANY_IN:
        return check_membership(l, x);
    case EX_AND: case EX_OR: case EX_NOT:
        if (!is_bool_valued(l->e, x->a) || (x->b >= 0 && !is_bool_valued(l->e, x->b)))
            return fail(l, x->pos, "and/or/not combine conditions (true/false), not values",
                        "and / or / not は条件（真偽）を組み合わせるものです");
        return 0;
    default: return 0;
    }
}

int expr_compile(const char *src, struct expr **out, struct expr_error *err)
{
    struct expr *e = xcalloc(1, sizeof(*e) + EXPR_MAX_NODES * sizeof(struct ex_node));
    struct lexer l = {.s = src, .n = strlen(src), .err = err, .e = e};
    int root = -1;
    *out = NULL;
    memset(err, 0, sizeof(*err));
    e->src = xstrdup(src);
    l.names_cap = l.n + 64;
    e->names = xmalloc(l.names_cap);
    if (l.n > EXPR_MAX_LEN) {
        fail(&l, EXPR_MAX_LEN, "expression longer than 4,096 characters",
             "条件式が4,096文字を超えています");
        goto out;
    }
    if (lex(&l) || (root = parse_expr(&l)) < 0)
        goto out;
    if (l.kind != T_END) {
        fail(&l, l.start, "unexpected text after the end of the expression",
             "条件式の後に余分な記述があります");
        root = -1;
        goto out;
    }
    if (!is_bool_valued(e, root)) {
        fail(&l, 0, "the expression must be a condition (true/false), e.g. x == \"yes\"",
             "条件（真偽）になる式にしてください（例: x == \"yes\"）");
        root = -1;
        goto out;
    }
    if (check_node(&l, root))
        root = -1;
out:
    if (root < 0) {
        expr_free(e);
        return -1;
    }
    e->root = root;
    e = xrealloc(e, sizeof(*e) + (size_t)e->n * sizeof(struct ex_node));
    for (int i = 0; i < e->n; i++) {
        const struct ex_path *p = e->nodes[i].path;
        if (e->nodes[i].op == EX_PATH && p && !p->multi && p->field && p->field->type == RF_TRI)
            e->ntri++;
    }
    *out = e;
    return 0;
}

void expr_free(struct expr *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->n; i++) {
        json_decref(e->nodes[i].lit);
        free(e->nodes[i].path);
        free(e->nodes[i].strs);
    }
    free(e->names);
    free(e->src);
    free(e);
}

const char *expr_source(const struct expr *e)
{
    return e->src;
}

/* ---- evaluation ---- */

struct ectx {
    const json_t *doc;
    json_t *facts;            /* NULL unless explaining */
    struct expr_cache *cache; /* NULL: no sharing */
    bool *saw_unknown;        /* set when a yes/no/unknown fact read is "unknown" (or NULL) */
};

/* Notes, when asked, that the two-valued evaluation read a yes/no/unknown fact answered
 * "unknown": only then can the three-valued answer differ (issue 11 item 1). */
static inline void note_unknown(const struct ectx *x, const struct ex_path *p, const json_t *v)
{
    if (x->saw_unknown && p->field && p->field->type == RF_TRI && json_is_string(v) &&
        json_string_length(v) == 7 && !memcmp(json_string_value(v), "unknown", 7))
        *x->saw_unknown = true;
}

static const json_t *walk_raw(const struct ex_path *p, const json_t *doc)
{
    const json_t *cur = doc;
    for (int k = 0; k < p->nseg && cur; k++)
        cur = json_object_getn(cur, p->key[k], p->klen[k]);
    return json_is_null(cur) ? NULL : cur;
}

/* Single-valued path: the value or NULL, through the cache when there is one. */
static inline const json_t *walk(const struct ex_path *p, const struct ectx *x)
{
    struct expr_cache *c = x->cache;
    if (!c || p->slot < 0 || (size_t)p->slot >= c->n)
        return walk_raw(p, x->doc);
    if (c->gen[p->slot] != c->cur) {
        c->val[p->slot] = walk_raw(p, x->doc);
        c->gen[p->slot] = c->cur;
    }
    return c->val[p->slot];
}

/* Calls fn on every value a path yields — for a [] path each item reached, for a plain path
 * naming an array each item of it, otherwise the value itself — until fn returns true.
 * Allocation-free: this is the hot path of rule evaluation. */
typedef bool (*value_fn)(const json_t *v, void *ctx);

static bool each_from(const struct ex_path *p, int k, const json_t *cur, value_fn fn, void *ctx)
{
    for (; k < p->nseg && cur; k++) {
        if (!p->key[k]) {
            size_t i;
            const json_t *item;
            if (!json_is_array(cur))
                return false;
            json_array_foreach((json_t *)cur, i, item) if (each_from(p, k + 1, item, fn, ctx))
                return true;
            return false;
        }
        cur = json_object_getn(cur, p->key[k], p->klen[k]);
    }
    if (!cur || json_is_null(cur))
        return false;
    return fn(cur, ctx);
}

static bool each_value(const struct ex_path *p, const struct ectx *x, value_fn fn, void *ctx)
{
    if (p->multi)
        return each_from(p, 0, x->doc, fn, ctx);
    const json_t *v = walk(p, x);
    if (!v)
        return false;
    if (json_is_array(v)) {
        size_t i;
        const json_t *item;
        json_array_foreach((json_t *)v, i, item) if (fn(item, ctx)) return true;
        return false;
    }
    return fn(v, ctx);
}

static bool gather(const json_t *v, void *ctx)
{
    json_array_append((json_t *)ctx, (json_t *)v);
    return false;
}

static void record(json_t *facts, const struct ex_path *p, const json_t *v)
{
    if (facts && !json_object_get(facts, p->text))
        json_object_set_new(facts, p->text, v ? json_deep_copy(v) : json_null());
}

/* With facts requested, records what a (possibly multi-valued) path yields. */
static void record_path(const struct ectx *x, const struct ex_path *p)
{
    if (!x->facts || json_object_get(x->facts, p->text))
        return;
    if (p->multi) {
        json_t *all = json_array();
        each_from(p, 0, x->doc, gather, all);
        json_object_set_new(x->facts, p->text, all);
    } else {
        record(x->facts, p, walk(p, x));
    }
}

/* Strings compare by length and bytes; numbers by value; the rest structurally. */
static bool same_value(const json_t *a, const json_t *b)
{
    if (json_is_string(a) && json_is_string(b)) {
        size_t n = json_string_length(a);
        return n == json_string_length(b) && !memcmp(json_string_value(a), json_string_value(b), n);
    }
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal((json_t *)a, (json_t *)b);
}

static bool in_list(const json_t *v, const json_t *list)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (same_value(v, json_array_get(list, i)))
            return true;
    return false;
}

static bool eval(const struct expr *e, int id, const struct ectx *x);

static bool count_one(const json_t *v, void *ctx)
{
    UNUSED(v);
    (*(size_t *)ctx)++;
    return false;
}

/* Membership in a list node: binary search when it is all strings. */
static bool in_node(const json_t *v, const struct ex_node *list)
{
    if (list->strs) {
        struct ex_str key;
        if (!json_is_string(v))
            return false;
        key.s = json_string_value(v);
        key.n = json_string_length(v);
        return bsearch(&key, list->strs, list->nstrs, sizeof(key), cmp_exstr) != NULL;
    }
    return in_list(v, list->lit);
}

struct match {
    const struct ex_node *list; /* EX_ANY_IN: the list node; EX_CONTAINS: the literal node */
    bool any_in;
};

static bool matches(const json_t *v, void *ctx)
{
    const struct match *m = ctx;
    return m->any_in ? in_node(v, m->list) : same_value(v, m->list->lit);
}

static bool exists_one(const json_t *v, void *ctx)
{
    UNUSED(v);
    UNUSED(ctx);
    return true;
}

/* Is v of the JSON type the field's type calls for? The report need not be valid: a mistyped
 * value counts as missing, so every comparison with it is false (expr.h), != and not in too. */
static bool fits(const struct rf_field *f, const json_t *v)
{
    switch (f->type) {
    case RF_INTEGER:
    case RF_NUMBER: return json_is_number(v);
    case RF_BOOL: return json_is_boolean(v);
    case RF_OBJECT:
    case RF_ARRAY: return true;
    default: return json_is_string(v);
    }
}

/* An operand's single value: literal, path value, count, or a condition's truth. Counts and
 * truths are written into *scratch (caller's storage), so nothing is allocated. */
struct scratch {
    bool is_num, is_bool;
    double num;
    bool truth;
};

static const json_t *operand(const struct expr *e, int id, const struct ectx *x,
                             struct scratch *sc)
{
    const struct ex_node *n = &e->nodes[id];
    memset(sc, 0, sizeof(*sc));
    if (n->op == EX_LIT)
        return json_is_null(n->lit) ? NULL : n->lit;
    if (n->op == EX_PATH) {
        const json_t *v = walk(n->path, x);
        record(x->facts, n->path, v);
        note_unknown(x, n->path, v);
        return v && fits(n->path->field, v) ? v : NULL;
    }
    if (n->op == EX_COUNT) {
        size_t cnt = 0;
        record_path(x, e->nodes[n->a].path);
        each_value(e->nodes[n->a].path, x, count_one, &cnt);
        sc->is_num = true;
        sc->num = (double)cnt;
        return NULL;
    }
    sc->is_bool = true;
    sc->truth = eval(e, id, x);
    return NULL;
}

/* The common case `path == "literal"` / `!=`: one lookup and a length-first byte comparison. */
static int quick_equality(const struct expr *e, const struct ex_node *n, const struct ectx *x)
{
    const struct ex_node *a = &e->nodes[n->a], *b = &e->nodes[n->b];
    if ((n->op != EX_EQ && n->op != EX_NE) || a->op != EX_PATH || b->op != EX_LIT ||
        !b->strs || x->facts)
        return -1;
    const json_t *v = walk(a->path, x);
    note_unknown(x, a->path, v);
    if (!v || !json_is_string(v))
        return 0; /* missing or mistyped: the comparison is false (also for !=) */
    bool eq = json_string_length(v) == b->strs[0].n &&
              !memcmp(json_string_value(v), b->strs[0].s, b->strs[0].n);
    return n->op == EX_EQ ? eq : !eq;
}

static bool compare(const struct expr *e, const struct ex_node *n, const struct ectx *x)
{
    int q = quick_equality(e, n, x);
    if (q >= 0)
        return q;
    struct scratch sa, sb;
    const json_t *a = operand(e, n->a, x, &sa), *b = operand(e, n->b, x, &sb);
    bool anum = sa.is_num || json_is_number(a), bnum = sb.is_num || json_is_number(b);
    if (anum && bnum) {
        double da = sa.is_num ? sa.num : json_number_value(a);
        double db = sb.is_num ? sb.num : json_number_value(b);
        switch (n->op) {
        case EX_EQ: return da == db;
        case EX_NE: return da != db;
        case EX_LT: return da < db;
        case EX_LE: return da <= db;
        case EX_GT: return da > db;
        default: return da >= db;
        }
    }
    if (!a || !b)
        return false; /* a missing value compares false, also with != */
    if (n->op == EX_EQ)
        return same_value(a, b);
    if (n->op == EX_NE)
        return !same_value(a, b);
    return false;
}

static bool membership(const struct expr *e, const struct ex_node *n, const struct ectx *x)
{
    const struct ex_node *list = &e->nodes[n->b];
    if (n->op == EX_IN || n->op == EX_NOT_IN) {
        struct scratch sc;
        const json_t *v = operand(e, n->a, x, &sc);
        return v && (in_node(v, list) == (n->op == EX_IN));
    }
    struct match m = {list, n->op == EX_ANY_IN};
    record_path(x, e->nodes[n->a].path);
    return each_value(e->nodes[n->a].path, x, matches, &m);
}

static bool eval(const struct expr *e, int id, const struct ectx *x)
{
    const struct ex_node *n = &e->nodes[id];
    switch (n->op) {
    case EX_AND: return eval(e, n->a, x) && eval(e, n->b, x);
    case EX_OR: return eval(e, n->a, x) || eval(e, n->b, x);
    case EX_NOT: return !eval(e, n->a, x);
    case EX_EQ: case EX_NE: case EX_LT: case EX_LE: case EX_GT: case EX_GE:
        return compare(e, n, x);
    case EX_IN: case EX_NOT_IN: case EX_CONTAINS: case EX_ANY_IN:
        return membership(e, n, x);
    case EX_EXISTS: {
        const struct ex_path *p = e->nodes[n->a].path;
        record_path(x, p);
        /* a plain path exists when it has a value (an empty array included) */
        return p->multi ? each_from(p, 0, x->doc, exists_one, NULL) : walk(p, x) != NULL;
    }
    case EX_PATH: {
        const json_t *v = walk(n->path, x);
        record(x->facts, n->path, v);
        return json_is_true(v);
    }
    case EX_LIT: return json_is_true(n->lit);
    default: return false;
    }
}

bool expr_eval(const struct expr *e, const json_t *report, json_t *facts)
{
    struct ectx x = {report, facts, NULL, NULL};
    return eval(e, e->root, &x);
}

bool expr_eval_cached(const struct expr *e, const json_t *report, struct expr_cache *cache)
{
    struct ectx x = {report, NULL, cache, NULL};
    return eval(e, e->root, &x);
}

bool expr_eval_noting(const struct expr *e, const json_t *report, struct expr_cache *cache,
                      bool *saw_unknown)
{
    struct ectx x = {report, NULL, cache, saw_unknown};
    return eval(e, e->root, &x);
}

/* ---- three-valued evaluation (issue 11 item 1) ---- */

/* A yes/no/unknown fact answered "unknown" (the report format's RF_TRI fields only: other
 * fields with an "unknown" value, such as an encryption strength, are facts like any other). */
static bool unknown_answer(const struct ex_path *p, const json_t *v)
{
    return p && !p->multi && p->field && p->field->type == RF_TRI && json_is_string(v) &&
           json_string_length(v) == 7 && !memcmp(json_string_value(v), "unknown", 7);
}

/* Whether a literal or a list names "unknown" itself (`x == "unknown"` is decided). */
static bool names_unknown(const struct ex_node *b)
{
    size_t i;
    const json_t *v;
    if (b->op == EX_LIT)
        return json_is_string(b->lit) && !strcmp(json_string_value(b->lit), "unknown");
    if (b->op == EX_LIST)
        json_array_foreach(b->lit, i, v) if (json_is_string(v) &&
                                             !strcmp(json_string_value(v), "unknown")) return true;
    return false;
}

static void unknown_add(struct expr_unknowns *u, const char *path)
{
    for (size_t i = 0; i < u->n; i++)
        if (!strcmp(u->path[i], path))
            return;
    if (u->n < EXPR_UNKNOWNS_MAX)
        u->path[u->n++] = path;
}

/* Whether comparison or membership n compares a fact answered "unknown" with an answer other
 * than "unknown": then its outcome is not known (and the fact is recorded in u). */
static bool undecided(const struct expr *e, const struct ex_node *n, const struct ectx *x,
                      struct expr_unknowns *u)
{
    const struct ex_node *a = &e->nodes[n->a];
    /* the cheap test first: most comparisons read no "unknown" answer */
    if (a->op != EX_PATH || n->b < 0 || !unknown_answer(a->path, walk(a->path, x)) ||
        names_unknown(&e->nodes[n->b]))
        return false;
    unknown_add(u, a->path->text);
    return true;
}

/* Kleene's logic: false and anything is false, true or anything is true, otherwise a part
 * that is not known leaves the whole unknown. The facts of a part whose outcome turned out
 * not to matter are dropped again (u->n restored). *two receives the ordinary two-valued
 * outcome in the same pass (an unknown answer compared as the string it is): a decided
 * three-valued outcome equals it, so the right side is skipped exactly when either logic
 * would skip it. */
static enum expr_tri eval3(const struct expr *e, int id, const struct ectx *x,
                           struct expr_unknowns *u, bool *two)
{
    const struct ex_node *n = &e->nodes[id];
    size_t mark = u->n;
    enum expr_tri l, r;
    bool bl, br;
    switch (n->op) {
    case EX_AND:
    case EX_OR: {
        enum expr_tri stop = n->op == EX_AND ? EXPR_FALSE : EXPR_TRUE;
        l = eval3(e, n->a, x, u, &bl);
        if (l == stop) {
            *two = bl;
            u->n = mark;
            return stop;
        }
        r = eval3(e, n->b, x, u, &br);
        *two = n->op == EX_AND ? bl && br : bl || br;
        if (r == stop) {
            u->n = mark;
            return stop;
        }
        if (l == r && l != EXPR_UNKNOWN) {
            u->n = mark;
            return l;
        }
        return EXPR_UNKNOWN;
    }
    case EX_NOT:
        l = eval3(e, n->a, x, u, &bl);
        *two = !bl;
        return l == EXPR_UNKNOWN ? l : l == EXPR_TRUE ? EXPR_FALSE : EXPR_TRUE;
    case EX_EQ: case EX_NE: case EX_LT: case EX_LE: case EX_GT: case EX_GE:
    case EX_IN: case EX_NOT_IN:
        *two = eval(e, id, x);
        if (undecided(e, n, x, u))
            return EXPR_UNKNOWN;
        return *two ? EXPR_TRUE : EXPR_FALSE;
    default:
        *two = eval(e, id, x);
        return *two ? EXPR_TRUE : EXPR_FALSE;
    }
}

enum expr_tri expr_eval_tri(const struct expr *e, const json_t *report, struct expr_cache *cache,
                            struct expr_unknowns *u, bool *two)
{
    struct ectx x = {report, NULL, cache, NULL};
    bool b;
    u->n = 0;
    enum expr_tri t = eval3(e, e->root, &x, u, &b);
    if (t != EXPR_UNKNOWN)
        u->n = 0;
    if (two)
        *two = b;
    return t;
}

bool expr_reads_tri(const struct expr *e)
{
    return e->ntri > 0;
}

/* ---- what would change the answer (issue 11 item 6) ---- */

static const char *const op_text[] = {
    [EX_EQ] = " == ", [EX_NE] = " != ", [EX_LT] = " < ",  [EX_LE] = " <= ",
    [EX_GT] = " > ",  [EX_GE] = " >= ", [EX_IN] = " in ", [EX_NOT_IN] = " not in "};

/* The condition of node id in the language's own syntax (normalised spacing). */
static void print_node(const struct expr *e, int id, struct buf *out)
{
    const struct ex_node *n = &e->nodes[id];
    const char *fn = n->op == EX_EXISTS     ? "exists("
                     : n->op == EX_COUNT    ? "count("
                     : n->op == EX_CONTAINS ? "contains("
                     : n->op == EX_ANY_IN   ? "any_in("
                                            : NULL;
    if (n->op == EX_PATH) {
        buf_puts(out, n->path->text);
    } else if (n->op == EX_LIT && json_is_real(n->lit) && fabs(json_real_value(n->lit)) < 1e15 &&
               json_real_value(n->lit) == (double)(long long)json_real_value(n->lit)) {
        buf_appendf(out, "%lld", (long long)json_real_value(n->lit)); /* 1000, not 1000.0 */
    } else if (n->op == EX_LIT || n->op == EX_LIST) {
        char *t = json_dumps(n->lit, JSON_ENCODE_ANY | JSON_COMPACT);
        buf_puts(out, t ? t : "null");
        free(t);
    } else if (fn) {
        buf_puts(out, fn);
        print_node(e, n->a, out);
        if (n->b >= 0) {
            buf_puts(out, ", ");
            print_node(e, n->b, out);
        }
        buf_putc(out, ')');
    } else if (n->op >= EX_EQ && n->op <= EX_NOT_IN && n->op != EX_AND) {
        print_node(e, n->a, out);
        buf_puts(out, op_text[n->op]);
        print_node(e, n->b, out);
    }
}

/* Appends to out the leaves of node id that would have to change for it to become `want`
 * (it is not `want` now): every false conjunct of an and that should hold, every disjunct of
 * an or (each one alone would do), the inside of a not with the wish reversed. */
static void blockers(const struct expr *e, int id, bool want, const struct ectx *x, json_t *out)
{
    const struct ex_node *n = &e->nodes[id];
    if (eval(e, id, x) == want)
        return;
    if (n->op == EX_AND || n->op == EX_OR) {
        /* and → true: each false child; or → true: any child; and → false: any child;
         * or → false: each true child — in every case, the children that are not `want` */
        blockers(e, n->a, want, x, out);
        blockers(e, n->b, want, x, out);
        return;
    }
    if (n->op == EX_NOT) {
        blockers(e, n->a, !want, x, out);
        return;
    }
    struct buf b;
    buf_init(&b, EXPR_MAX_LEN);
    print_node(e, id, &b);
    json_array_append_new(out,
                          json_pack("{s:s, s:b}", "condition", buf_cstr(&b), "must_hold", want));
    buf_release(&b);
}

json_t *expr_would_change(const struct expr *e, const json_t *report)
{
    struct ectx x = {report, NULL, NULL, NULL};
    json_t *out = json_array();
    blockers(e, e->root, true, &x, out);
    return out;
}

/* ---- slots and caches ---- */

struct expr_slots {
    char **text;
    size_t n, cap;
};

struct expr_slots *expr_slots_new(void)
{
    return xcalloc(1, sizeof(struct expr_slots));
}

void expr_slots_free(struct expr_slots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->text[i]);
    free(r->text);
    free(r);
}

size_t expr_slots_count(const struct expr_slots *r)
{
    return r ? r->n : 0;
}

void expr_bind(struct expr *e, struct expr_slots *r)
{
    for (int i = 0; i < e->n; i++) {
        struct ex_path *p = e->nodes[i].path;
        if (!p || p->multi)
            continue;
        size_t k = 0;
        while (k < r->n && strcmp(r->text[k], p->text))
            k++;
        if (k == r->n) {
            if (r->n == r->cap) {
                r->cap = r->cap ? r->cap * 2 : 32;
                r->text = xrealloc(r->text, r->cap * sizeof(*r->text));
            }
            r->text[r->n++] = xstrdup(p->text);
        }
        p->slot = (int)k;
    }
}

void expr_cache_init(struct expr_cache *c, size_t nslots)
{
    c->n = nslots;
    c->val = xcalloc(nslots + 1, sizeof(*c->val));
    c->gen = xcalloc(nslots + 1, sizeof(*c->gen));
    c->cur = 1;
}

void expr_cache_release(struct expr_cache *c)
{
    free(c->val);
    free(c->gen);
    memset(c, 0, sizeof(*c));
}

void expr_cache_next(struct expr_cache *c)
{
    if (++c->cur == 0) { /* wrapped: clear so no stale generation can match */
        memset(c->gen, 0, (c->n + 1) * sizeof(*c->gen));
        c->cur = 1;
    }
}
