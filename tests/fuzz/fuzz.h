/* fuzz: what every fuzz target shares: libFuzzer's entry point, declared once. Each
 * tests/fuzz/fuzz_<name>.c defines it for one parser that faces files or the network; the
 * targets are built with clang's -fsanitize=fuzzer,address,undefined (make fuzz). */
#ifndef HORNET_FUZZ_H
#define HORNET_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input: must not crash, leak or hang, whatever the bytes. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (malloc'd; NULs inside stay). */
char *fuzz_text(const uint8_t *data, size_t size);

#endif
