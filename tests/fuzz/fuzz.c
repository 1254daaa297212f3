/* fuzz: the helpers the fuzz targets share (fuzz.h). Linked into every target. */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

char *fuzz_text(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    return text;
}
