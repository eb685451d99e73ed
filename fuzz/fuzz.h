/*
 * fuzz.h — the libFuzzer entry point every target defines. Built two ways (fuzz/meson.build):
 * with clang -fsanitize=fuzzer for `make fuzz`, and with replay_main.c as an ordinary test
 * program that replays the committed corpus in `make test`.
 * Targets must be deterministic (fixed "now") and must not leak.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed instant for validation: 2026-11-22T00:00:00Z. */
#define FUZZ_NOW_MS 1795305600000LL

#endif
