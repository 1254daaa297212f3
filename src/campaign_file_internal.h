/* campaign_file_internal: what the campaign file's tests reach: loading from a string. */
#ifndef HORNET_CAMPAIGN_FILE_INTERNAL_H
#define HORNET_CAMPAIGN_FILE_INTERNAL_H

#include "campaign_file.h"

/* campaign_file_load from a string; path names it in messages and resolves scenario files. */
int campaign_file_load_string(const char *text, const char *path, struct campaign_file **out,
                              char *err, size_t errlen);

#endif
