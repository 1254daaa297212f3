/* loader: the scenario loader's JSON reading, shared by the scenario_*.c files: the text and
 * its positions, the JSON path of what is being read, errors located at an item, typed values
 * and templates. Only the loader includes this (and cJSON); the engine sees scenario.h.
 * Loading thread only.
 *
 * Positions: cJSON gives none, so loader.c first validates the text with its own scanner
 * (precise syntax errors) and records where every value and key starts, in document order; a
 * walk of the cJSON tree in the same order pairs each item with its offsets. Every later error
 * names an item and becomes "file:line:column: json.path: what was expected". */
#ifndef HORNET_LOADER_H
#define HORNET_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "scenario.h"
#include "template.h"

#define LOADER_PATH_MAX 512

struct loader_pos {                 /* where an item sits in the text */
    const cJSON *item;
    uint32_t key_off;           /* its key in the parent object; UINT32_MAX when none */
    uint32_t val_off;           /* its value's first byte */
};

enum loader_at { LOADER_VALUE = 0, LOADER_KEY };

/* A variable read by a template: checked once the class is parsed. */
struct loader_use {
    uint32_t var;
    int on_start;               /* index of the on_start step reading it; -1 elsewhere; -2 in
                                   the class's default headers (sent only once set) */
    uint32_t off;               /* where to point in the text */
    char *path;                 /* JSON path of the template */
};

struct loader {
    const char *text;
    size_t len;
    const char *file;           /* as given, for messages */
    char *dir;                  /* directory of the file, for data files ("" or ending in /) */
    struct loader_pos *pos;
    size_t n_pos, cap_pos;
    char *err;
    size_t errlen;
    char path[LOADER_PATH_MAX];     /* JSON path of what is being read */
    size_t path_len;
    struct scenario *s;
    struct tmpl_symbols sym;
    struct loader_use *uses;        /* of the class being read */
    size_t n_uses, cap_uses;
    int on_start;               /* on_start step being read, -1 otherwise */
    bool reading_on_start;      /* scenario_step_parse_list is reading a class's on_start */
    bool in_class_headers;      /* reading a class's default headers */
    int step_base;              /* added to on_start: a fixture numbers its steps across its
                                   loops */
    int fixture;                /* reading a fixture: 1 + enum fixture_phase; 0: not */
};

/* Validate the syntax of ld->text, parse it with cJSON and build the position table; also
 * rejects duplicate keys. NULL with the error in ld->err. */
cJSON *loader_parse(struct loader *ld);

/* Report an error about item (at its key or its value) under the current path, formatted
 * "file:line:col: path: message". Always returns -1. */
int loader_fail(struct loader *ld, const cJSON *item, enum loader_at at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A value out of its set or range, echoed as written: `"FETCH" is not one of GET, POST, ...`,
 * `0 is not a number > 0`, `[3, 1] is not [min, max] ...`: "SHOWN is not " then the message.
 * Always returns -1. */
int loader_bad_value(struct loader *ld, const cJSON *item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same at a byte offset of the text. */
int loader_fail_at(struct loader *ld, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

uint32_t loader_value_offset(const struct loader *ld, const cJSON *item);
uint32_t loader_key_offset(const struct loader *ld, const cJSON *item);
int loader_line(const struct loader *ld, size_t off);
/* The text offset of byte `col` of the decoded JSON string whose opening quote is at quote. */
size_t loader_string_offset(const struct loader *ld, size_t quote, size_t col);

/* Path building: push returns the length to restore with loader_path_pop. */
size_t loader_path_key(struct loader *ld, const char *key);
size_t loader_path_index(struct loader *ld, size_t i);
void loader_path_pop(struct loader *ld, size_t mark);

/* Every key of obj must be in allowed (NULL-terminated); else "unknown key (did you mean ..)". */
int loader_check_keys(struct loader *ld, const cJSON *obj, const char *const *allowed);
/* obj must be an object ("expected an object"). */
int loader_object(struct loader *ld, const cJSON *item);
/* A required member: "missing required key \"name\"" at obj when absent. */
int loader_require(struct loader *ld, const cJSON *obj, const char *key, const cJSON **out);

/* Typed values, each failing with "expected ..." at the item. */
int loader_string(struct loader *ld, const cJSON *item, const char **out);
int loader_strdup(struct loader *ld, const cJSON *item, char **out);
int loader_number(struct loader *ld, const cJSON *item, double min, bool min_inclusive,
                  double *out);
int loader_uint(struct loader *ld, const cJSON *item, uint32_t max, uint32_t *out);
int loader_bool(struct loader *ld, const cJSON *item, bool *out);
int loader_duration(struct loader *ld, const cJSON *item, double *out);
/* "20", "20s", "3m", "1h30m", "1.5s", "250ms" -> seconds (> 0). -1 when not a duration. */
int loader_parse_duration(const char *s, double *out);

/* Compile a string item as a template with escaping esc; scalars (numbers, booleans) are
 * accepted as their JSON text when allow_scalar. Template errors point inside the string. */
int loader_template(struct loader *ld, const cJSON *item, enum tmpl_escape esc, bool allow_scalar,
                    struct tmpl **out);
/* Compile src (the string at item's key or value) with escaping esc and record the variables
 * it reads; errors point at the column inside the string. */
int loader_compile(struct loader *ld, const cJSON *item, enum loader_at at, const char *src,
                   enum tmpl_escape esc, struct tmpl **out);
/* The source text of a number item, as written. -1 when longer than n - 1. */
int loader_number_text(const struct loader *ld, const cJSON *item, char *buf, size_t n);

#endif
