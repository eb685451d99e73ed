/*
 * fuzz_config.c — the "key = value" configuration file parser, and the values it range-checks.
 */
#include "../src/config/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config c;
    struct err e;
    if (size > 64 * 1024)
        return 0;
    config_defaults(&c);
    err_init(&e);
    if (config_load_text(&c, (const char *)data, size, "fuzz", &e) == 0) {
        BUG_ON(c.port < 0 || c.port > 65535);
        BUG_ON(c.max_body_bytes < 1024);
        (void)config_finish(&c, &e);
    } else {
        BUG_ON(e.msg[0] == '\0');
    }
    return 0;
}
