/* scenario_internal: what the scenario loader's files share. Only the loader includes this (and
 * cJSON); the engine sees scenario.h. Loading thread only.
 *
 * Positions: cJSON gives none, so scenario_json.c first validates the text with its own
 * scanner (precise syntax errors) and records where every value and key starts, in document
 * order; a walk of the cJSON tree in the same order pairs each item with its offsets. Every
 * later error names an item and becomes "file:line:column: json.path: what was expected". */
#ifndef HORNET_SCENARIO_INTERNAL_H
#define HORNET_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "scenario.h"
#include "template.h"

#define LD_PATH_MAX 512

struct ld_pos {                 /* where an item sits in the text */
    const cJSON *item;
    uint32_t key_off;           /* its key in the parent object; UINT32_MAX when none */
    uint32_t val_off;           /* its value's first byte */
};

enum ld_at { LD_AT_VALUE = 0, LD_AT_KEY };

/* A variable read by a template: checked once the class is parsed. */
struct ld_use {
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
    struct ld_pos *pos;
    size_t n_pos, cap_pos;
    char *err;
    size_t errlen;
    char path[LD_PATH_MAX];     /* JSON path of what is being read */
    size_t path_len;
    struct scenario *s;
    struct tmpl_symbols sym;
    struct ld_use *uses;        /* of the class being read */
    size_t n_uses, cap_uses;
    int on_start;               /* on_start step being read, -1 otherwise */
    bool reading_on_start;      /* ld_steps is reading a class's on_start */
    bool in_class_headers;      /* reading a class's default headers */
};

/* ---- scenario_json.c: text, positions, paths, errors, typed values */

/* Validate the syntax of ld->text, parse it with cJSON and build the position table; also
 * rejects duplicate keys. NULL with the error in ld->err. */
cJSON *ld_parse(struct loader *ld);

/* Report an error about item (at its key or its value) under the current path, formatted
 * "file:line:col: path: message". Always returns -1. */
int ld_fail(struct loader *ld, const cJSON *item, enum ld_at at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same at a byte offset of the text. */
int ld_fail_at(struct loader *ld, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

uint32_t ld_value_offset(const struct loader *ld, const cJSON *item);
uint32_t ld_key_offset(const struct loader *ld, const cJSON *item);
int ld_line(const struct loader *ld, size_t off);
/* The text offset of byte `col` of the decoded JSON string whose opening quote is at quote. */
size_t ld_string_offset(const struct loader *ld, size_t quote, size_t col);

/* Path building: push returns the length to restore with ld_path_pop. */
size_t ld_path_key(struct loader *ld, const char *key);
size_t ld_path_index(struct loader *ld, size_t i);
void ld_path_pop(struct loader *ld, size_t mark);

/* Every key of obj must be in allowed (NULL-terminated); else "unknown key (did you mean ..)". */
int ld_check_keys(struct loader *ld, const cJSON *obj, const char *const *allowed);
/* obj must be an object ("expected an object"). */
int ld_object(struct loader *ld, const cJSON *item);
/* A required member: "missing required key \"name\"" at obj when absent. */
int ld_require(struct loader *ld, const cJSON *obj, const char *key, const cJSON **out);

/* Typed values, each failing with "expected ..." at the item. */
int ld_string(struct loader *ld, const cJSON *item, const char **out);
int ld_strdup(struct loader *ld, const cJSON *item, char **out);
int ld_number(struct loader *ld, const cJSON *item, double min, bool min_inclusive,
              double *out);
int ld_uint(struct loader *ld, const cJSON *item, uint32_t max, uint32_t *out);
int ld_bool(struct loader *ld, const cJSON *item, bool *out);
int ld_duration(struct loader *ld, const cJSON *item, double *out);
/* "20", "20s", "3m", "1h30m", "1.5s", "250ms" -> seconds (> 0). -1 when not a duration. */
int ld_parse_duration(const char *s, double *out);

/* Compile a string item as a template with escaping esc; scalars (numbers, booleans) are
 * accepted as their JSON text when allow_scalar. Template errors point inside the string. */
int ld_template(struct loader *ld, const cJSON *item, enum tmpl_escape esc, bool allow_scalar,
                struct tmpl **out);
/* Compile src (the string at item's key or value) with escaping esc and record the variables
 * it reads; errors point at the column inside the string. */
int ld_compile(struct loader *ld, const cJSON *item, enum ld_at at, const char *src,
               enum tmpl_escape esc, struct tmpl **out);
/* The source text of a number item, as written. -1 when longer than n - 1. */
int ld_number_text(const struct loader *ld, const cJSON *item, char *buf, size_t n);
/* Record the variables t reads for the class checks (pos: the item holding t). */
int ld_note_uses(struct loader *ld, const struct tmpl *t, const cJSON *item, enum ld_at at);

/* ---- scenario_step.c */
int ld_steps(struct loader *ld, const cJSON *list, bool allow_empty, struct step **out,
             uint32_t *n);
void ld_free_steps(struct step *steps, uint32_t n);
int ld_headers(struct loader *ld, const cJSON *obj, struct kv_tmpl **out, uint32_t *n);
void ld_free_kv(struct kv_tmpl *kv, uint32_t n);
/* Parse a JSON path ("results[0].id", "results.*.id", "$") at item; errors point inside. */
int ld_json_path(struct loader *ld, const cJSON *item, const char *text, struct json_path *out);
void ld_free_json_path(struct json_path *p);

/* ---- scenario_class.c */
int ld_classes(struct loader *ld, const cJSON *list);
void ld_free_class(struct user_class *c);
void ld_free_task(struct task *t);

/* ---- scenario_feeder.c */
int ld_feeders(struct loader *ld, const cJSON *obj);
void ld_free_feeder(struct feeder *f);
/* The whole file, NUL-terminated (malloc'd), its length in *len. NULL with "cannot read PATH:
 * reason" in err. */
char *ld_read_file(const char *path, size_t *len, char *err, size_t errlen);
/* RFC 4180 CSV text (first record: column names) into f's columns and cells. -1 with a message
 * "line N: ..." in err. */
int scenario_csv_parse(const char *text, size_t len, struct feeder *f, char *err,
                       size_t errlen);

/* ---- scenario_targets.c */
int ld_targets(struct loader *ld, const cJSON *obj);
void ld_free_targets(struct target_def *t, uint32_t n);

/* ---- scenario.c */
/* The endpoint index of (method, name), added when new; -1 when there are too many. */
int ld_endpoint(struct loader *ld, enum http_method m, const char *name, uint32_t *out);
/* The index of variable name in s->vars, appended when new. -1 on OOM. */
int ld_var(struct loader *ld, const char *name, uint32_t *out);
bool ld_is_ident(const char *s);

#endif
