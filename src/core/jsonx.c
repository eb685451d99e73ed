#include "jsonx.h"

size_t jsonx_depth_exceeded(const char *p, size_t n, int max_depth)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return i + 1;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 0;
}

int jsonx_load_object(const char *p, size_t n, int max_depth, json_t **out,
                      struct jsonx_error *e)
{
    json_error_t je;
    size_t deep;
    *out = NULL;
    if (max_depth > JSON_PARSER_MAX_DEPTH)
        max_depth = JSON_PARSER_MAX_DEPTH;
    if ((deep = jsonx_depth_exceeded(p, n, max_depth))) {
        if (e) {
            /* report line/column of the offending bracket */
            int line = 1, col = 1;
            for (size_t i = 0; i + 1 < deep; i++) {
                if (p[i] == '\n') {
                    line++, col = 1;
                } else if (((unsigned char)p[i] & 0xc0) != 0x80) {
                    col++;
                }
            }
            e->line = line, e->column = col, e->position = (long)deep - 1;
            snprintf(e->text, sizeof(e->text), "nesting deeper than %d levels", max_depth);
        }
        return JSONX_EDEPTH;
    }
    json_t *j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        if (e) {
            e->line = je.line > 0 ? je.line : 1;
            e->column = je.column > 0 ? je.column : 1;
            e->position = je.position;
            xstrlcpy(e->text, je.text, sizeof(e->text));
        }
        return JSONX_ESYNTAX;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        if (e) {
            e->line = 1, e->column = 1, e->position = 0;
            xstrlcpy(e->text, "the top-level value must be an object", sizeof(e->text));
        }
        return JSONX_ENOTOBJ;
    }
    *out = j;
    return JSONX_OK;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return buf_append(data, buffer, size) ? -1 : 0;
}

int jsonx_dump_canonical(const json_t *j, struct buf *b)
{
    return json_dump_callback(j, dump_cb, b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
               ? BUF_EFULL
               : 0;
}

size_t jsonx_utf8_len(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xc0) != 0x80;
    return count;
}

int jsonx_ptr_push(struct buf *ptr, const char *token, size_t n)
{
    if (buf_putc(ptr, '/'))
        return BUF_EFULL;
    for (size_t i = 0; i < n; i++) {
        int r;
        if (token[i] == '~')
            r = buf_append(ptr, "~0", 2);
        else if (token[i] == '/')
            r = buf_append(ptr, "~1", 2);
        else
            r = buf_putc(ptr, token[i]);
        if (r)
            return BUF_EFULL;
    }
    return 0;
}

int jsonx_ptr_push_index(struct buf *ptr, size_t index)
{
    return buf_appendf(ptr, "/%zu", index);
}

/* Decodes one reference token (up to '/' or end) into tok. Returns its raw length or -1. */
static long ptr_token(const char *p, char *tok, size_t toksz)
{
    size_t i = 0, o = 0;
    for (; p[i] && p[i] != '/'; i++) {
        char c = p[i];
        if (c == '~') {
            if (p[i + 1] == '0')
                c = '~';
            else if (p[i + 1] == '1')
                c = '/';
            else
                return -1;
            i++;
        }
        if (o + 1 >= toksz)
            return -1;
        tok[o++] = c;
    }
    tok[o] = '\0';
    return (long)i;
}

static int array_index(const char *tok, size_t size, size_t *out)
{
    int64_t v;
    if (tok[0] == '0' && tok[1] != '\0')
        return -1; /* RFC 6901 §4: no leading zeros */
    if (parse_int64(tok, 0, (int64_t)size, &v))
        return -1;
    *out = (size_t)v;
    return 0;
}

json_t *jsonx_ptr_get(json_t *doc, const char *ptr)
{
    char tok[1024];
    json_t *cur = doc;
    const char *p = ptr;
    if (*p == '\0')
        return doc;
    while (cur && *p == '/') {
        long used = ptr_token(p + 1, tok, sizeof(tok));
        if (used < 0)
            return NULL;
        p += 1 + used;
        if (json_is_object(cur)) {
            cur = json_object_get(cur, tok);
        } else if (json_is_array(cur)) {
            size_t idx;
            if (array_index(tok, json_array_size(cur), &idx) || idx >= json_array_size(cur))
                return NULL;
            cur = json_array_get(cur, idx);
        } else {
            return NULL;
        }
    }
    return *p == '\0' ? cur : NULL;
}
