/*
 * fuzz_http.c — the small request parsers: Accept-Language, If-Match, pagination cursors, route
 * matching, and the request head's request-target, Content-Type, Bearer credentials, field
 * names and values, and Host. The first byte picks the parser (its low three bits) and, for
 * routes, the method (the next two); the rest is the header or path text (for the parsers that
 * take a length, NUL bytes included).
 */
#include "../src/http/http_int.h"
#include "fuzz.h"

static void head_parsers(unsigned which, const char *text, size_t n)
{
    switch (which) {
    case 4: {
        enum http_target t = http_target_check(text, n);
        BUG_ON(t > HTTP_TARGET_SLASH);
        BUG_ON(t == HTTP_TARGET_OK && (memchr(text, ' ', n) || n > HTTP_MAX_TARGET_BYTES));
        break;
    }
    case 5: BUG_ON(http_content_type_json(text) > HTTP_CTYPE_CHARSET); break;
    case 6: {
        const char *tok;
        size_t len;
        enum http_bearer b = http_bearer_parse(text, &tok, &len);
        /* a token is a non-empty piece of the input, and only on success */
        BUG_ON((b == HTTP_BEARER_OK) != (tok != NULL));
        BUG_ON(tok && (len == 0 || tok < text || tok + len > text + strlen(text)));
        break;
    }
    default:
        (void)http_field_name_ok(text, n);
        (void)http_field_value_ok(text, n);
        if (http_host_ok(text, n))
            BUG_ON(memchr(text, '/', n) || memchr(text, '@', n));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[4096], params[HTTP_MAX_PARAMS][80], allow[64], id[UUID_STR_LEN];
    static const char *const methods[] = {"GET", "POST", "DELETE", "PUT"};
    if (size < 1 || size > sizeof(text))
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 8) {
    case 0: (void)http_lang_prefers_ja(text); break;
    case 1: {
        int v = http_parse_if_match(text);
        BUG_ON(v < -1 || v > 1000000);
        break;
    }
    case 2:
        if (http_cursor_parse(text, id) == 0)
            BUG_ON(!uuid_valid(id, strlen(id)));
        break;
    case 3: {
        int r = http_route_match(methods[data[0] / 8 % 4], text, params, allow, sizeof(allow));
        BUG_ON(r < -2 || r >= (int)http_nroutes);
        break;
    }
    default: head_parsers(data[0] % 8, text, size - 1); /* with any NUL bytes */
    }
    return 0;
}
