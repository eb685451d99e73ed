#include "jpatch.h"
#include "buf.h"
#include "jsonx.h"

static void diff_value(const json_t *a, const json_t *b, struct buf *ptr, json_t *ops);

static void emit(json_t *ops, const char *op, const struct buf *ptr, const json_t *value)
{
    json_t *o = json_pack("{s:s, s:s}", "op", op, "path", buf_cstr(ptr));
    if (value)
        json_object_set_new(o, "value", json_deep_copy(value));
    json_array_append_new(ops, o);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Keys of an object, sorted; caller frees the array (not the strings: borrowed from obj). */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
    const char **keys = xcalloc(json_object_size(obj) + 1, sizeof(*keys));
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach((json_t *)obj, k, v) keys[i++] = k;
    qsort(keys, i, sizeof(*keys), cmp_str);
    *n = i;
    return keys;
}

static void diff_object(const json_t *a, const json_t *b, struct buf *ptr, json_t *ops)
{
    size_t na, nb, base = ptr->len;
    const char **ka = sorted_keys(a, &na), **kb = sorted_keys(b, &nb);
    for (size_t i = 0; i < na; i++) {
        const json_t *bv = json_object_get(b, ka[i]);
        jsonx_ptr_push(ptr, ka[i], strlen(ka[i]));
        if (!bv)
            emit(ops, "remove", ptr, NULL);
        else
            diff_value(json_object_get(a, ka[i]), bv, ptr, ops);
        buf_truncate(ptr, base);
    }
    for (size_t i = 0; i < nb; i++) {
        if (json_object_get(a, kb[i]))
            continue;
        jsonx_ptr_push(ptr, kb[i], strlen(kb[i]));
        emit(ops, "add", ptr, json_object_get(b, kb[i]));
        buf_truncate(ptr, base);
    }
    free(ka);
    free(kb);
}

static void diff_array(const json_t *a, const json_t *b, struct buf *ptr, json_t *ops)
{
    size_t la = json_array_size(a), lb = json_array_size(b), base = ptr->len;
    size_t pre = 0, suf = 0;
    while (pre < la && pre < lb && json_equal(json_array_get(a, pre), json_array_get(b, pre)))
        pre++;
    while (suf < la - pre && suf < lb - pre &&
           json_equal(json_array_get(a, la - 1 - suf), json_array_get(b, lb - 1 - suf)))
        suf++;
    size_t ma = la - pre - suf, mb = lb - pre - suf, common = MIN(ma, mb);
    for (size_t k = 0; k < common; k++) {
        jsonx_ptr_push_index(ptr, pre + k);
        diff_value(json_array_get(a, pre + k), json_array_get(b, pre + k), ptr, ops);
        buf_truncate(ptr, base);
    }
    for (size_t k = ma; k > common; k--) { /* remove from the end so indices stay valid */
        jsonx_ptr_push_index(ptr, pre + k - 1);
        emit(ops, "remove", ptr, NULL);
        buf_truncate(ptr, base);
    }
    for (size_t k = common; k < mb; k++) {
        jsonx_ptr_push_index(ptr, pre + k);
        emit(ops, "add", ptr, json_array_get(b, pre + k));
        buf_truncate(ptr, base);
    }
}

static void diff_value(const json_t *a, const json_t *b, struct buf *ptr, json_t *ops)
{
    if (json_equal((json_t *)a, (json_t *)b))
        return;
    if (json_is_object(a) && json_is_object(b))
        diff_object(a, b, ptr, ops);
    else if (json_is_array(a) && json_is_array(b))
        diff_array(a, b, ptr, ops);
    else
        emit(ops, "replace", ptr, b);
}

json_t *jpatch_diff(const json_t *from, const json_t *to)
{
    struct buf ptr;
    json_t *ops = json_array();
    buf_init(&ptr, BUF_UNLIMITED);
    buf_puts(&ptr, "");
    diff_value(from, to, &ptr, ops);
    buf_release(&ptr);
    return ops;
}

/* ---- apply ---- */

struct loc {
    json_t *parent; /* borrowed; NULL when the path is the whole document */
    char *key;      /* last reference token, unescaped (heap; loc_release frees it) */
};

static void loc_release(struct loc *l)
{
    free(l->key);
    l->key = NULL;
}

static int split_path(json_t *doc, const char *path, struct loc *l)
{
    const char *slash = strrchr(path, '/');
    size_t used;
    l->parent = NULL;
    l->key = NULL;
    if (*path == '\0')
        return 0;
    if (*path != '/' || !slash)
        return -1;
    char *parent_path = xstrndup(path, (size_t)(slash - path));
    l->parent = jsonx_ptr_get(doc, parent_path);
    free(parent_path);
    if (!l->parent || !(l->key = jsonx_ptr_token(slash + 1, &used)))
        return -1;
    return 0;
}

static int arr_index(const char *tok, size_t size, bool allow_end, size_t *out)
{
    int64_t v;
    if (allow_end && !strcmp(tok, "-")) {
        *out = size;
        return 0;
    }
    /* RFC 6901 §4: digits only, no leading zeros (strtoll alone would take "+1" and " 1") */
    if (tok[0] < '0' || tok[0] > '9' || (tok[0] == '0' && tok[1]) ||
        parse_int64(tok, 0, (int64_t)size, &v))
        return -1;
    if (!allow_end && (size_t)v >= size)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* add: steals value. *doc may be replaced when path is "". */
static int op_add(json_t **doc, const char *path, json_t *value)
{
    struct loc l;
    size_t idx;
    int r = -1;
    if (split_path(*doc, path, &l)) {
        loc_release(&l);
        json_decref(value);
        return -1;
    }
    if (!l.parent) {
        json_decref(*doc);
        *doc = value;
        r = 0;
    } else if (json_is_object(l.parent)) {
        r = json_object_set_new(l.parent, l.key, value);
    } else if (json_is_array(l.parent) &&
               !arr_index(l.key, json_array_size(l.parent), true, &idx)) {
        r = json_array_insert_new(l.parent, idx, value);
    } else {
        json_decref(value);
    }
    loc_release(&l);
    return r;
}

/* remove: returns a new reference to the removed value, or NULL. */
static json_t *op_remove(json_t *doc, const char *path)
{
    struct loc l;
    size_t idx;
    json_t *v = NULL;
    if (split_path(doc, path, &l) || !l.parent) {
        loc_release(&l);
        return NULL;
    }
    if (json_is_object(l.parent)) {
        v = json_incref(json_object_get(l.parent, l.key));
        if (v)
            json_object_del(l.parent, l.key);
    } else if (json_is_array(l.parent) &&
               !arr_index(l.key, json_array_size(l.parent), false, &idx)) {
        v = json_incref(json_array_get(l.parent, idx));
        json_array_remove(l.parent, idx);
    }
    loc_release(&l);
    return v;
}

/* Equality as RFC 6902 §4.6 defines it for "test": numbers are equal when their values are
 * (1 equals 1.0), objects regardless of member order, arrays element by element. */
static bool value_equal(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b) &&
               (!json_is_integer(a) || !json_is_integer(b) ||
                json_integer_value(a) == json_integer_value(b));
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!value_equal(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    }
    if (json_is_object(a) && json_is_object(b)) {
        const char *k;
        json_t *v;
        if (json_object_size(a) != json_object_size(b))
            return false;
        json_object_foreach((json_t *)a, k, v)
        {
            const json_t *w = json_object_get(b, k);
            if (!w || !value_equal(v, w))
                return false;
        }
        return true;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

static int apply_one(json_t **doc, const json_t *op, char *err, size_t errsz)
{
    const char *name = json_string_value(json_object_get(op, "op"));
    const char *path = json_string_value(json_object_get(op, "path"));
    const char *from = json_string_value(json_object_get(op, "from"));
    json_t *value = json_object_get(op, "value");
    json_t *v;

    if (!name || !path)
        return snprintf(err, errsz, "operation needs \"op\" and \"path\""), -1;
    if (!strcmp(name, "add") || !strcmp(name, "replace")) {
        if (!value)
            return snprintf(err, errsz, "%s %s: missing value", name, path), -1;
        if (!strcmp(name, "replace") && !jsonx_ptr_get(*doc, path))
            return snprintf(err, errsz, "replace %s: no such path", path), -1;
        if (!strcmp(name, "replace") && *path) {
            json_decref(op_remove(*doc, path));
        }
        if (op_add(doc, path, json_deep_copy(value)))
            return snprintf(err, errsz, "%s %s: cannot add here", name, path), -1;
        return 0;
    }
    if (!strcmp(name, "remove")) {
        if (!(v = op_remove(*doc, path)))
            return snprintf(err, errsz, "remove %s: no such path", path), -1;
        json_decref(v);
        return 0;
    }
    if (!strcmp(name, "test")) {
        json_t *cur = jsonx_ptr_get(*doc, path);
        if (!value || !cur || !value_equal(cur, value))
            return snprintf(err, errsz, "test %s: values differ", path), -1;
        return 0;
    }
    if (!strcmp(name, "move") || !strcmp(name, "copy")) {
        json_t *src = from ? jsonx_ptr_get(*doc, from) : NULL;
        if (!src)
            return snprintf(err, errsz, "%s %s: no such from path", name, path), -1;
        if (!strcmp(name, "move")) {
            size_t fl = strlen(from);
            if (!strncmp(path, from, fl) && path[fl] == '/')
                return snprintf(err, errsz, "move %s: into its own child", path), -1;
            v = op_remove(*doc, from);
        } else {
            v = json_deep_copy(src);
        }
        if (!v || op_add(doc, path, v))
            return snprintf(err, errsz, "%s %s: cannot add here", name, path), -1;
        return 0;
    }
    return snprintf(err, errsz, "unknown operation \"%s\"", name), -1;
}

json_t *jpatch_apply(const json_t *doc, const json_t *patch, char *err, size_t errsz)
{
    char dummy[8];
    json_t *out;
    size_t i;
    const json_t *op;
    if (!err)
        err = dummy, errsz = sizeof(dummy);
    if (!json_is_array(patch)) {
        snprintf(err, errsz, "a patch is an array of operations");
        return NULL;
    }
    out = json_deep_copy(doc);
    json_array_foreach(patch, i, op)
    {
        if (!json_is_object(op))
            snprintf(err, errsz, "operation %zu is not an object", i);
        if (!json_is_object(op) || apply_one(&out, op, err, errsz)) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}
