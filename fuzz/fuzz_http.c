/*
 * fuzz_http.c — the small request parsers: Accept-Language, If-Match, pagination cursors and
 * route matching. The first byte picks the parser; the rest is the header or path text.
 */
#include "../src/http/http_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[4096], params[HTTP_MAX_PARAMS][80], allow[64], id[UUID_STR_LEN];
    static const char *const methods[] = {"GET", "POST", "DELETE", "PUT"};
    if (size < 1 || size > sizeof(text))
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 4) {
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
    default: {
        int r = http_route_match(methods[data[0] / 4 % 4], text, params, allow, sizeof(allow));
        BUG_ON(r < -2 || r >= (int)http_nroutes);
    }
    }
    return 0;
}
