/* template: "${...}" templates, compiled once when a scenario loads and rendered per request
 * into a reusable buffer without parsing or allocating in steady state.
 *
 * Expressions:
 *   ${name}                 a per-user variable (captured, or set by the class's "vars")
 *   ${feeder.column}        the user's current row of a CSV feeder
 *   ${uuid}                 a random version-4 UUID
 *   ${randint(a,b)}         a random integer in [a, b]
 *   ${randfloat(a,b)}       a random number in [a, b)
 *   ${choice(x,y,z)}        one of the literal choices
 *   ${randstr(n)}           n random letters and digits
 *   ${user_index}           the user's 0-based index in the run
 *   ${iteration}            the user's 0-based task iteration
 *   ${timestamp} ${timestamp_ms} ${now_iso}   the time of rendering
 *   ${env:NAME} ${env:NAME:-default}          environment, resolved when the file loads
 *   ${raw:EXPR}             EXPR without escaping (a JSON body's number or boolean)
 *   $${                     a literal "${"
 * Escaping applies to what expressions produce (and, at compile time, to literal text):
 * TMPL_JSON inside JSON strings, TMPL_PATH for URL paths, TMPL_QUERY for query keys and values,
 * TMPL_HEADER strips CR and LF. Thread-safe: a compiled template is read-only. */
#ifndef HORNET_TEMPLATE_H
#define HORNET_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"
#include "user_var.h"

enum tmpl_escape { TMPL_RAW = 0, TMPL_JSON, TMPL_PATH, TMPL_QUERY, TMPL_HEADER };

/* Bounds of one template (a JSON body built from many strings is one template): its ${...}
 * expressions, and what one rendering may produce (checked when it compiles, on its literal
 * text, uuids and randstr lengths, and again when it renders, captured values included). */
#define TMPL_EXPR_MAX 10000
#define TMPL_RENDER_MAX ((size_t)16 << 20)

/* Names the compiler resolves against: variables get indices in *vars (new names are appended,
 * so a later step can capture them), feeders are looked up by name and column. */
struct tmpl_symbols {
    char ***vars;               /* scenario->vars */
    uint32_t *n_vars;
    const char *const *feeder_names;
    const char *const *const *feeder_columns;   /* feeder_columns[f][c] */
    const uint32_t *feeder_n_columns;
    uint32_t n_feeders;
};

/* Everything a render may read. rng is the user's own PRNG state (xorshift/splitmix). */
struct tmpl_ctx {
    const struct user_var *vars;
    uint64_t *rng;
    uint32_t user_index;
    uint64_t iteration;
    double now;                 /* unix seconds */
    const char *const *const *feeder_rows;   /* feeder_rows[f][c]: current row's cells */
};

struct tmpl;

/* Compile src. Expressions' output is escaped per esc. NULL on error with a message such as
 * "unknown function 'randnt' (did you mean randint?)", "unterminated ${", "more than 10000
 * ${...} expressions in one template" or "renders more than 16 MB, the most a template may"
 * and, when error_col is not NULL, the 0-based offset in src of the problem. */
struct tmpl *tmpl_compile(const char *src, enum tmpl_escape esc, struct tmpl_symbols *sym,
                          char *err, size_t errlen, size_t *error_col);

/* Build one template from pieces (the loader uses it to turn a JSON body into one template):
 * literal text is copied as is; tmpl_builder_template compiles src with escaping esc (applied to
 * src's literal text too). -1 with a message on error. */
struct tmpl_builder;
struct tmpl_builder *tmpl_builder_new(void);
int tmpl_builder_literal(struct tmpl_builder *b, const char *s, size_t n);
int tmpl_builder_template(struct tmpl_builder *b, const char *src, enum tmpl_escape esc,
                          struct tmpl_symbols *sym, char *err, size_t errlen, size_t *error_col);
struct tmpl *tmpl_builder_finish(struct tmpl_builder *b, const char *source_text);   /* frees b */
void tmpl_builder_free(struct tmpl_builder *b);

/* Append the rendering to out. -1 when a variable it reads is not set (err: "variable
 * ${dep_id} is not set"), when it would pass TMPL_RENDER_MAX ("rendered more than 16 MB, the
 * most a template may"), or on OOM; out is then as it was. */
int tmpl_render(const struct tmpl *t, const struct tmpl_ctx *ctx, struct strbuf *out,
                char *err, size_t errlen);

/* True when every variable t reads is set in vars (the engine sends a class's default header
 * only when this holds, see scenario.h). */
bool tmpl_vars_set(const struct tmpl *t, const struct user_var *vars);

const char *tmpl_source(const struct tmpl *t);      /* as written */
/* Indices of the variables t reads (at most cap); returns how many there are in all. */
size_t tmpl_vars_used(const struct tmpl *t, uint32_t *out, size_t cap);
void tmpl_free(struct tmpl *t);

/* The PRNG templates use: splitmix64 step. Exposed so the engine draws from the same stream. */
uint64_t tmpl_rand_next(uint64_t *state);

/* True when name (n bytes) is a built-in expression (uuid, randint, user_index, ...): such names
 * cannot be variables. tmpl_builtin_names lists them (NULL-terminated). */
bool tmpl_is_builtin(const char *name, size_t n);
extern const char *const tmpl_builtin_names[];

#endif
