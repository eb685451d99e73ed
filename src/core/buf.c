#include "buf.h"

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->data[len] = '\0'; /* len < b->len, so something was appended and data is not NULL */
}

static int grow(struct buf *b, size_t extra)
{
    size_t need;
    if (extra > b->max || b->len > b->max - extra)
        return BUF_EFULL;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return BUF_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return BUF_OK;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    if (grow(b, n))
        return BUF_EFULL;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return BUF_OK;
}

int buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return BUF_EFULL;
    if ((size_t)n < sizeof(small))
        return buf_append(b, small, (size_t)n);
    if (grow(b, (size_t)n))
        return BUF_EFULL;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return BUF_OK;
}

/* Appends the literal piece by piece; on BUF_EFULL the caller restores the old length. */
static int json_str_pieces(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    if (buf_putc(b, '"'))
        return BUF_EFULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (buf_append(b, s + start, i - start))
            return BUF_EFULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0';
            u[4] = hex[c >> 4], u[5] = hex[c & 15], u[6] = '\0';
            esc = u;
        }
        if (buf_puts(b, esc))
            return BUF_EFULL;
        start = i + 1;
    }
    if (buf_append(b, s + start, n - start))
        return BUF_EFULL;
    return buf_putc(b, '"');
}

int buf_json_str(struct buf *b, const char *s, size_t n)
{
    size_t before = b->len;
    if (json_str_pieces(b, s, n) == BUF_OK)
        return BUF_OK;
    buf_truncate(b, before); /* BUF_EFULL leaves the buffer as it was (buf.h) */
    return BUF_EFULL;
}

const char *buf_cstr(const struct buf *b)
{
    return b->data ? b->data : "";
}

char *buf_detach(struct buf *b, size_t *len_out)
{
    char *p = b->data ? b->data : xstrdup("");
    if (len_out)
        *len_out = b->len;
    buf_init(b, b->max);
    return p;
}
