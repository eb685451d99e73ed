/*
 * head.c — the request head, checked once per request before routing: what libmicrohttpd
 * 0.9.75 (Debian 12) accepts but HTTP does not, or what this service must not read two ways.
 *
 * libmicrohttpd parses leniently: of several Content-Length fields it uses the first, so a body
 * may end where another party in the path does not think it ends (request smuggling); it
 * accepts HTTP/1.1 without Host, whitespace in field names, control characters in values and
 * any Transfer-Encoding; it decodes "%00" into a NUL that silently shortens the path. Each is
 * refused here with a problem+json and the connection is closed after the answer
 * (r->close), so that nothing after a head we refused is read as another request.
 *
 * What cannot be refused here, because libmicrohttpd answers (with its own HTML body, or
 * none) before any callback of ours runs, or stores values in a form that loses the evidence:
 *   - a malformed request line, an HTTP version other than 1.x (400, 505), a header line
 *     without a colon (400), a Content-Length that is not a number (400) or exceeds 2^64
 *     (413), malformed chunked framing (400, or 413 for a chunk size beyond 2^64):
 *     libmicrohttpd queues its answer while parsing, and offers no option to replace it;
 *   - a head larger than the 64 KiB of connection memory (414, 431): our limits below are
 *     smaller, so only heads that overflow libmicrohttpd's buffer before it finishes the head
 *     (very long, or very many short header lines) get its answer;
 *   - an obs-fold continuation line, which libmicrohttpd joins to the previous value.
 * A NUL byte inside the request line or a field value is hidden too — libmicrohttpd keeps values
 * as C strings, so "Bearer <token>\0junk" reaches us as "Bearer <token>" — but nulguard.c sees
 * it as it is read, and check_bytes refuses the request.
 * libmicrohttpd 1.0 refuses most of these itself (invalid characters, obs-fold, whitespace in
 * names), but still with its own pages.
 */
#include "http_int.h"

/* Fields this service reads as one value. libmicrohttpd's lookup returns the first of several,
 * which another party in the path may not use: Content-Length and Transfer-Encoding decide
 * where the request ends (RFC 9112 §6.3), Host names the target (RFC 9112 §3.2: more than one
 * is a 400), Authorization decides who asks; the others would be read half. */
static const char *const single_fields[] = {
    "Host",     "Content-Length", "Transfer-Encoding", "Content-Type", "Authorization",
    "If-Match", "If-None-Match",  "Idempotency-Key",   "X-Request-Id",
};

/* Every refusal of a head closes the connection after the answer. */
static void refuse(struct req *r, enum app_problem p, const char *en, const char *ja)
{
    r->close = true;
    http_fail(r, p, en, ja, NULL);
}

static bool check_target(struct req *r)
{
    static const struct {
        const char *en, *ja;
    } why[] = {
        [HTTP_TARGET_EMPTY] = {"is empty", "が空です"},
        [HTTP_TARGET_BAD_CHAR] = {"holds a space, a control character, a non-ASCII byte or "
                                  "'#'; percent-encode it (RFC 3986 §2.1)",
                                  "に空白、制御文字、ASCII以外のバイト又は '#' が含まれています。"
                                  "パーセントエンコードしてください（RFC 3986 §2.1）"},
        [HTTP_TARGET_BAD_ESCAPE] = {"has a '%' not followed by two hexadecimal digits",
                                    "に、後に16進数2桁が続かない '%' があります"},
        [HTTP_TARGET_NUL] = {"holds %00 (a NUL byte)", "に %00（NULバイト）が含まれています"},
        [HTTP_TARGET_SLASH] = {"holds %2F (an encoded '/') in its path",
                               "のパスに %2F（エンコードされた '/'）が含まれています"},
    };
    char en[200], ja[300];
    if (r->target == HTTP_TARGET_OK)
        return true;
    if (r->target == HTTP_TARGET_TOO_LONG) {
        snprintf(en, sizeof(en), "The request target is longer than %d bytes.",
                 HTTP_MAX_TARGET_BYTES);
        snprintf(ja, sizeof(ja), "リクエストURIが上限（%dバイト）を超えています。",
                 HTTP_MAX_TARGET_BYTES);
        refuse(r, APP_PROB_URI_TOO_LONG, en, ja);
        return false;
    }
    snprintf(en, sizeof(en), "The request target %s.", why[r->target].en);
    snprintf(ja, sizeof(ja), "リクエストURI%s。", why[r->target].ja);
    refuse(r, APP_PROB_BAD_TARGET, en, ja);
    return false;
}

static bool check_size(struct req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    char en[160], ja[200];
    if (!ci || ci->header_size <= HTTP_MAX_HEAD_BYTES)
        return true;
    snprintf(en, sizeof(en), "The request line and header fields are larger than %d bytes.",
             HTTP_MAX_HEAD_BYTES);
    snprintf(ja, sizeof(ja), "リクエスト行とヘッダフィールドが上限（%dバイト）を超えています。",
             HTTP_MAX_HEAD_BYTES);
    refuse(r, APP_PROB_HEADERS_TOO_LARGE, en, ja);
    return false;
}

/* What one pass over the header fields found: the first bad field, and the counts of the
 * fields read as one value. */
struct field_scan {
    char bad_name[48]; /* printable copy of the first field whose name or value is malformed */
    bool bad_is_name;
    unsigned count[ARRAY_SIZE(single_fields)];
};

/* A printable, bounded copy of a client-supplied name for a message. */
static void printable(char *out, size_t outsz, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < outsz; i++)
        out[k++] = s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?';
    out[k] = '\0';
}

static enum MHD_Result scan_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    struct field_scan *fs = cls;
    UNUSED(kind);
    if (!fs->bad_name[0]) {
        bool name_ok = http_field_name_ok(key, key_size);
        if (!name_ok || !http_field_value_ok(value ? value : "", value ? value_size : 0)) {
            printable(fs->bad_name, sizeof(fs->bad_name), key, key_size);
            fs->bad_is_name = !name_ok;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(single_fields); i++)
        if (strlen(single_fields[i]) == key_size && !strncasecmp(single_fields[i], key, key_size))
            fs->count[i]++;
    return MHD_YES;
}

static unsigned field_count(const struct field_scan *fs, const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(single_fields); i++)
        if (!strcmp(single_fields[i], name))
            return fs->count[i];
    BUG("%s is not in single_fields", name);
}

static bool check_fields(struct req *r, const struct field_scan *fs)
{
    char en[300], ja[400];
    if (fs->bad_name[0] && fs->bad_is_name) {
        snprintf(en, sizeof(en),
                 "The header field name \"%s\" is not a token: no spaces or "
                 "separators, and none before the colon (RFC 9110 §5.1, RFC 9112 §5.1).",
                 fs->bad_name);
        snprintf(ja, sizeof(ja),
                 "ヘッダフィールド名 \"%s\" が不正です。空白や区切り文字を含めず、"
                 "コロンの前に空白を置かないでください（RFC 9110 §5.1、RFC 9112 §5.1）。",
                 fs->bad_name);
    } else if (fs->bad_name[0]) {
        snprintf(en, sizeof(en),
                 "The value of the header field %s holds a control character "
                 "(RFC 9110 §5.5).",
                 fs->bad_name);
        snprintf(ja, sizeof(ja),
                 "ヘッダフィールド %s の値に制御文字が含まれています"
                 "（RFC 9110 §5.5）。",
                 fs->bad_name);
    } else {
        return true;
    }
    refuse(r, APP_PROB_BAD_HEADER, en, ja);
    return false;
}

static bool check_single(struct req *r, const struct field_scan *fs)
{
    char en[300], ja[400];
    for (size_t i = 0; i < ARRAY_SIZE(single_fields); i++) {
        bool tags = !strncmp(single_fields[i], "If-", 3); /* If-Match, If-None-Match */
        if (fs->count[i] < 2)
            continue;
        snprintf(en, sizeof(en), "The header field %s appears %u times; send it once%s.",
                 single_fields[i], fs->count[i],
                 tags ? ", with the entity tags as one comma-separated list" : "");
        snprintf(ja, sizeof(ja),
                 "ヘッダフィールド %s が%u回指定されています。1回だけ送ってください%s。",
                 single_fields[i], fs->count[i],
                 tags ? "（複数の ETag はカンマ区切りで1つにまとめてください）" : "");
        refuse(r, APP_PROB_DUPLICATE_HEADER, en, ja);
        return false;
    }
    return true;
}

/* RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host, and a valid one. */
static bool check_host(struct req *r, const char *version, const struct field_scan *fs)
{
    const char *host = http_header_in(r, MHD_HTTP_HEADER_HOST);
    if (host && !http_host_ok(host, strlen(host))) {
        refuse(r, APP_PROB_BAD_HOST, NULL, NULL);
        return false;
    }
    if (field_count(fs, "Host") || !strcmp(version, MHD_HTTP_VERSION_1_0))
        return true;
    refuse(r, APP_PROB_MISSING_HOST, NULL, NULL);
    return false;
}

/* RFC 9112 §6.1: Transfer-Encoding with Content-Length is how requests are smuggled past a
 * party that reads the other one; a server may refuse it and must close the connection. A
 * transfer coding other than chunked is not understood here: 501. */
static bool check_framing(struct req *r, const struct field_scan *fs)
{
    const char *te = http_header_in(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (!te)
        return true;
    if (field_count(fs, "Content-Length")) {
        refuse(r, APP_PROB_BAD_FRAMING, NULL, NULL);
        return false;
    }
    if (!strcasecmp(te, "chunked"))
        return true;
    refuse(r, APP_PROB_UNSUPPORTED_TRANSFER_CODING, NULL, NULL);
    return false;
}

#define MAX_QUERY_PARAMS 32

struct query_scan {
    char names[MAX_QUERY_PARAMS][64];
    size_t n;
    char bad[64]; /* printable copy of the name at fault */
    bool dup, too_many;
};

static enum MHD_Result scan_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    struct query_scan *qs = cls;
    UNUSED(kind);
    UNUSED(value);
    UNUSED(value_size);
    if (key_size >= sizeof(qs->names[0]))
        return MHD_YES; /* longer than any parameter of this API: unknown to every route */
    for (size_t i = 0; i < qs->n; i++) {
        if (strlen(qs->names[i]) == key_size && !memcmp(qs->names[i], key, key_size)) {
            printable(qs->bad, sizeof(qs->bad), key, key_size);
            qs->dup = true;
            return MHD_NO;
        }
    }
    if (qs->n == MAX_QUERY_PARAMS) {
        printable(qs->bad, sizeof(qs->bad), key, key_size);
        qs->too_many = true;
        return MHD_NO;
    }
    memcpy(qs->names[qs->n++], key, key_size); /* zeroed: stays NUL-terminated */
    return MHD_YES;
}

/* ?limit=1&limit=2: libmicrohttpd's lookup returns one of them, another reader may take the
 * other. Every parameter of this API takes one value, and no route has more than a few.
 * Not a framing problem: the connection stays open. */
static bool check_query(struct req *r)
{
    struct query_scan qs;
    memset(&qs, 0, sizeof(qs));
    MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, scan_query, &qs);
    if (qs.too_many)
        http_bad_query(r, qs.bad, "is one query parameter too many (at most 32)",
                       "で上限（32個）を超えています");
    else if (qs.dup)
        http_bad_query(r, qs.bad, "is given more than once; give it once",
                       "が複数回指定されています。1回だけ指定してください");
    return !qs.dup && !qs.too_many;
}

/* A NUL byte read from the connection (nulguard.c): libmicrohttpd cut a value or the request
 * line short at it, so what we were given is not what was sent. */
static bool check_bytes(struct req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci || !http_nul_seen(ci->connect_fd))
        return true;
    refuse(r, APP_PROB_BAD_BYTE, NULL, NULL);
    return false;
}

bool http_head_check(struct req *r, const char *version)
{
    struct field_scan fs;
    if (!check_bytes(r) || !check_target(r) || !check_size(r))
        return false;
    memset(&fs, 0, sizeof(fs));
    MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND, scan_field, &fs);
    return check_fields(r, &fs) && check_single(r, &fs) && check_host(r, version, &fs) &&
           check_framing(r, &fs) && check_query(r);
}
