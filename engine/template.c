/* template: "${...}" templates. tmpl_compile (and the builder) parse a template once, when a
 * scenario loads, into parts: literal text (escaped for its destination at compile time), a
 * variable index, a feeder cell, or a function with its arguments already parsed. tmpl_render
 * walks the parts and appends to a reusable strbuf: no parsing, and no allocation once the
 * buffer has grown to its steady size.
 *
 * Threads: compiled on the loading thread; a compiled template is read-only and rendered
 * concurrently by every worker thread (each with its own ctx, rng and output buffer). */
#include "template.h"
#include "template_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "errmsg.h"
#include "suggest.h"

enum part_kind {
    P_LIT = 0, P_VAR, P_FEEDER, P_UUID, P_RANDINT, P_RANDFLOAT, P_CHOICE, P_RANDSTR,
    P_USER_INDEX, P_ITERATION, P_TIMESTAMP, P_TIMESTAMP_MS, P_NOW_ISO
};

struct span {
    uint32_t off, len;
};

struct part {
    uint8_t kind;               /* enum part_kind */
    uint8_t esc;                /* enum tmpl_escape applied to what the part produces */
    uint32_t off, len;          /* P_LIT: text; P_VAR, P_FEEDER: name (for messages) in pool */
    uint32_t idx, col;          /* P_VAR: variable; P_FEEDER: feeder, column; P_RANDSTR: n;
                                   P_CHOICE: first item in items, col = count */
    union {
        struct { int64_t lo, hi; } i;
        struct { double lo, hi; } f;
    } arg;
};

struct tmpl {
    struct part *parts;
    uint32_t n_parts;
    char *pool;                 /* literal texts, names and choice items */
    struct span *items;         /* P_CHOICE items (already escaped) */
    uint32_t *vars;             /* distinct variables read, in order of first use */
    uint32_t n_vars;
    char *source;
    char *constant;             /* the rendering when no part needs a context, else NULL */
};

struct tmpl_builder {
    struct part *parts;
    size_t n_parts, cap_parts;
    size_t n_exprs;             /* expressions so far (TMPL_EXPR_MAX) */
    size_t min_len;             /* the least any rendering takes: literal text, uuids and
                                   randstr lengths (TMPL_RENDER_MAX) */
    struct strbuf pool;
    struct span *items;
    size_t n_items, cap_items;
};

/* A compile error being built: message and 0-based column in the template's source. */
struct cerr {
    char *buf;
    size_t len;
    size_t col;
};

struct builtin {
    const char *name;
    enum part_kind kind;
    int nargs;                  /* -1: one or more */
    const char *usage;
};

static const struct builtin builtins[] = {
    {"uuid", P_UUID, 0, "${uuid}"},
    {"randint", P_RANDINT, 2, "${randint(min,max)}"},
    {"randfloat", P_RANDFLOAT, 2, "${randfloat(min,max)}"},
    {"choice", P_CHOICE, -1, "${choice(a,b,...)}"},
    {"randstr", P_RANDSTR, 1, "${randstr(n)}"},
    {"user_index", P_USER_INDEX, 0, "${user_index}"},
    {"iteration", P_ITERATION, 0, "${iteration}"},
    {"timestamp", P_TIMESTAMP, 0, "${timestamp}"},
    {"timestamp_ms", P_TIMESTAMP_MS, 0, "${timestamp_ms}"},
    {"now_iso", P_NOW_ISO, 0, "${now_iso}"},
};
#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

const char *const tmpl_builtin_names[] = {
    "uuid", "randint", "randfloat", "choice", "randstr", "user_index", "iteration",
    "timestamp", "timestamp_ms", "now_iso", NULL
};

#define RANDSTR_MAX 65536

/* ---------------------------------------------------------------- PRNG */

uint64_t tmpl_rand_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, span) without modulo bias; span 0 means 2^64. */
static uint64_t rand_below(uint64_t *rng, uint64_t span)
{
    uint64_t r, limit;

    if (span == 0)
        return tmpl_rand_next(rng);
    limit = UINT64_MAX - UINT64_MAX % span;
    do {
        r = tmpl_rand_next(rng);
    } while (r >= limit);
    return r % span;
}

bool tmpl_is_builtin(const char *name, size_t n)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strlen(builtins[i].name) == n && memcmp(builtins[i].name, name, n) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------- escaping */

static const char hexdig[] = "0123456789ABCDEF";

/* Byte classes as 128-bit masks (ASCII only; every other byte is encoded). */
#define B(c) ((uint64_t)1 << ((unsigned)(c) & 63))
#define LO(c) ((unsigned)(c) < 64 ? B(c) : 0)
#define HI(c) ((unsigned)(c) >= 64 ? B(c) : 0)
#define RANGE_HI(a, z) ((((uint64_t)1 << ((z) - (a) + 1)) - 1) << ((a) & 63))
#define DIGITS ((((uint64_t)1 << 10) - 1) << 48)
#define LETTERS (RANGE_HI('A', 'Z') | RANGE_HI('a', 'z'))
#define UNRESERVED_LO (DIGITS | LO('-') | LO('.'))
#define UNRESERVED_HI (LETTERS | HI('_') | HI('~'))
#define SUBDELIMS(X) (X('!') | X('$') | X('&') | X('\'') | X('(') | X(')') | X('*') | \
                      X('+') | X(',') | X(';') | X('=') | X(':') | X('@'))
#define UNSAFE(X) (X('"') | X('<') | X('>') | X('\\') | X('^') | X('`') | X('{') | X('|') | \
                   X('}'))

static const uint64_t unreserved[2] = {UNRESERVED_LO, UNRESERVED_HI};
/* What a value may keep in a path (RFC 3986 pchar minus '%'): '/' is encoded, so a value can
 * never change which route a request goes to. */
static const uint64_t path_value[2] = {UNRESERVED_LO | SUBDELIMS(LO),
                                       UNRESERVED_HI | SUBDELIMS(HI)};
/* Literal path text is kept as written except what cannot appear in a URL at all. */
static const uint64_t path_literal[2] = {~(uint64_t)0 & ~(((uint64_t)1 << 33) - 1) & ~UNSAFE(LO),
                                         ~UNSAFE(HI) & ~((uint64_t)1 << 63)};

static bool in_set(const uint64_t set[2], unsigned char c)
{
    return c < 128 && (set[c >> 6] >> (c & 63)) & 1;
}

static size_t escape_json_byte(unsigned char c, char *o)
{
    switch (c) {
    case '"': o[0] = '\\'; o[1] = '"'; return 2;
    case '\\': o[0] = '\\'; o[1] = '\\'; return 2;
    case '\n': o[0] = '\\'; o[1] = 'n'; return 2;
    case '\r': o[0] = '\\'; o[1] = 'r'; return 2;
    case '\t': o[0] = '\\'; o[1] = 't'; return 2;
    case '\b': o[0] = '\\'; o[1] = 'b'; return 2;
    case '\f': o[0] = '\\'; o[1] = 'f'; return 2;
    default:
        if (c >= 0x20) {
            o[0] = (char)c;
            return 1;
        }
        memcpy(o, "\\u00", 4);
        o[4] = hexdig[c >> 4];
        o[5] = hexdig[c & 15];
        return 6;
    }
}

static size_t escape_pct_byte(unsigned char c, bool keep, char *o)
{
    if (keep) {
        o[0] = (char)c;
        return 1;
    }
    o[0] = '%';
    o[1] = hexdig[c >> 4];
    o[2] = hexdig[c & 15];
    return 3;
}

/* Append s escaped for esc. literal: s is template text (PATH keeps more), not a value. */
static int append_escaped(struct strbuf *b, const char *s, size_t n, enum tmpl_escape esc,
                          bool literal)
{
    char *o;

    if (esc == TMPL_RAW)
        return strbuf_append(b, s, n);
    if (n > SIZE_MAX / 8 || strbuf_reserve(b, n * 6) < 0)
        return -1;
    o = b->data + b->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        switch (esc) {
        case TMPL_JSON:
            o += escape_json_byte(c, o);
            break;
        case TMPL_PATH:
            o += escape_pct_byte(c, in_set(literal ? path_literal : path_value, c), o);
            break;
        case TMPL_QUERY:
            o += escape_pct_byte(c, in_set(unreserved, c), o);
            break;
        default:            /* TMPL_HEADER */
            if (c != '\r' && c != '\n' && c != '\0')
                *o++ = (char)c;
            break;
        }
    }
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    return 0;
}

/* ---------------------------------------------------------------- builder */

static void cerr_set(struct cerr *ce, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cerr_set(struct cerr *ce, size_t col, const char *fmt, ...)
{
    va_list ap;

    ce->col = col;
    if (!ce->buf || !ce->len)
        return;
    va_start(ap, fmt);
    vsnprintf(ce->buf, ce->len, fmt, ap);
    va_end(ap);
}

struct tmpl_builder *tmpl_builder_new(void)
{
    struct tmpl_builder *b = calloc(1, sizeof *b);

    if (b)
        strbuf_init(&b->pool);
    return b;
}

void tmpl_builder_free(struct tmpl_builder *b)
{
    if (!b)
        return;
    free(b->parts);
    free(b->items);
    strbuf_free(&b->pool);
    free(b);
}

static struct part *add_part(struct tmpl_builder *b, enum part_kind kind, enum tmpl_escape esc)
{
    struct part *p;

    if (b->n_parts == b->cap_parts) {
        size_t cap = b->cap_parts ? b->cap_parts * 2 : 8;
        struct part *np = realloc(b->parts, cap * sizeof *np);

        if (!np)
            return NULL;
        b->parts = np;
        b->cap_parts = cap;
    }
    p = &b->parts[b->n_parts++];
    memset(p, 0, sizeof *p);
    p->kind = (uint8_t)kind;
    p->esc = (uint8_t)esc;
    return p;
}

/* Store s in the pool (NUL-terminated), escaped; *off and *len locate it. */
static int pool_add(struct tmpl_builder *b, const char *s, size_t n, enum tmpl_escape esc,
                    bool literal, uint32_t *off, uint32_t *len)
{
    size_t start = b->pool.len;

    if (append_escaped(&b->pool, s, n, esc, literal) < 0 || strbuf_append(&b->pool, "", 1) < 0)
        return -1;
    if (b->pool.len > UINT32_MAX)
        return -1;
    *off = (uint32_t)start;
    *len = (uint32_t)(b->pool.len - start - 1);
    return 0;
}

/* Literal text: merged into the previous literal part when there is one. */
static int add_literal(struct tmpl_builder *b, const char *s, size_t n, enum tmpl_escape esc)
{
    struct part *p;

    if (n == 0)
        return 0;
    b->min_len += n;
    p = b->n_parts ? &b->parts[b->n_parts - 1] : NULL;
    if (p && p->kind == P_LIT && p->off + p->len + 1 == b->pool.len) {
        b->pool.len--;                          /* drop its NUL and extend it in place */
        if (append_escaped(&b->pool, s, n, esc, true) < 0 ||
            strbuf_append(&b->pool, "", 1) < 0)
            return -1;
        p->len = (uint32_t)(b->pool.len - p->off - 1);
        return 0;
    }
    p = add_part(b, P_LIT, TMPL_RAW);
    return p ? pool_add(b, s, n, esc, true, &p->off, &p->len) : -1;
}

int tmpl_builder_literal(struct tmpl_builder *b, const char *s, size_t n)
{
    return add_literal(b, s, n, TMPL_RAW);
}

/* ---------------------------------------------------------------- expression parsing */

/* An expression's text: src[s, e) with columns relative to the template's source. */
struct expr {
    const char *src;
    size_t s, e;
    enum tmpl_escape esc;
    struct tmpl_symbols *sym;
};

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static size_t ident_end(const char *src, size_t i, size_t e)
{
    if (i >= e || !is_ident_start(src[i]))
        return i;
    while (i < e && is_ident_char(src[i]))
        i++;
    return i;
}

static void trim(const char *src, size_t *s, size_t *e)
{
    while (*s < *e && is_space(src[*s]))
        (*s)++;
    while (*e > *s && is_space(src[*e - 1]))
        (*e)--;
}

/* ${env:NAME} and ${env:NAME:-default}: resolved now into literal text. */
static int parse_env(struct tmpl_builder *b, const struct expr *x, size_t i, struct cerr *ce)
{
    size_t name_end = ident_end(x->src, i, x->e);
    char name[256];
    const char *val;

    if (name_end == i || name_end - i >= sizeof name) {
        cerr_set(ce, i, "expected an environment variable name after env:");
        return -1;
    }
    if (name_end < x->e && !(x->e - name_end >= 2 && memcmp(x->src + name_end, ":-", 2) == 0)) {
        cerr_set(ce, name_end, "expected ':-default' or '}' after ${env:%.*s",
                 (int)(name_end - i), x->src + i);
        return -1;
    }
    memcpy(name, x->src + i, name_end - i);
    name[name_end - i] = '\0';
    val = getenv(name);
    if (val)
        return add_literal(b, val, strlen(val), x->esc) < 0 ? -2 : 0;
    if (name_end < x->e)
        return add_literal(b, x->src + name_end + 2, x->e - name_end - 2, x->esc) < 0 ? -2 : 0;
    cerr_set(ce, i, "environment variable %s is not set (give a default: ${env:%s:-value})",
             name, name);
    return -1;
}

static const struct builtin *find_builtin(const char *s, size_t n)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strlen(builtins[i].name) == n && memcmp(builtins[i].name, s, n) == 0)
            return &builtins[i];
    return NULL;
}

static int find_name(const char *const *names, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return (int)i;
    return -1;
}

/* ${name}: the index of a per-user variable, appended to the scenario's table when new. */
static int var_index(struct tmpl_symbols *sym, const char *s, size_t n, uint32_t *out)
{
    int i = find_name((const char *const *)*sym->vars, *sym->n_vars, s, n);
    char **nv, *copy;

    if (i >= 0) {
        *out = (uint32_t)i;
        return 0;
    }
    copy = malloc(n + 1);
    nv = copy ? realloc(*sym->vars, (*sym->n_vars + 1) * sizeof *nv) : NULL;
    if (!nv) {
        free(copy);
        return -1;
    }
    memcpy(copy, s, n);
    copy[n] = '\0';
    nv[*sym->n_vars] = copy;
    *sym->vars = nv;
    *out = (*sym->n_vars)++;
    return 0;
}

static int parse_variable(struct tmpl_builder *b, const struct expr *x, size_t s, size_t e,
                          struct cerr *ce)
{
    struct part *p;
    uint32_t idx;

    if (!x->sym || !x->sym->vars || !x->sym->n_vars) {
        cerr_set(ce, s, "variables are not available here: ${%.*s}", (int)(e - s), x->src + s);
        return -1;
    }
    if (find_name(x->sym->feeder_names, x->sym->n_feeders, x->src + s, e - s) >= 0) {
        cerr_set(ce, s, "feeder %.*s needs a column: ${%.*s.column}", (int)(e - s), x->src + s,
                 (int)(e - s), x->src + s);
        return -1;
    }
    if (var_index(x->sym, x->src + s, e - s, &idx) < 0 || !(p = add_part(b, P_VAR, x->esc)))
        return -2;
    p->idx = idx;
    return pool_add(b, x->src + s, e - s, TMPL_RAW, false, &p->off, &p->len) < 0 ? -2 : 0;
}

static int parse_feeder(struct tmpl_builder *b, const struct expr *x, size_t s, size_t dot,
                        size_t e, struct cerr *ce)
{
    const struct tmpl_symbols *sym = x->sym;
    const char *src = x->src, *hint;
    int f = -1, c;
    struct part *p;

    if (sym)
        f = find_name(sym->feeder_names, sym->n_feeders, src + s, dot - s);
    if (f < 0) {
        hint = sym ? suggest_closest(src + s, dot - s, sym->feeder_names, sym->n_feeders) : NULL;
        cerr_set(ce, s, "unknown feeder '%.*s'%s%s%s", (int)(dot - s), src + s,
                 hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
        return -1;
    }
    c = find_name(sym->feeder_columns[f], sym->feeder_n_columns[f], src + dot + 1, e - dot - 1);
    if (c < 0) {
        hint = suggest_closest(src + dot + 1, e - dot - 1, sym->feeder_columns[f],
                            sym->feeder_n_columns[f]);
        cerr_set(ce, dot + 1, "feeder %s has no column '%.*s'%s%s%s", sym->feeder_names[f],
                 (int)(e - dot - 1), src + dot + 1,
                 hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
        return -1;
    }
    if (!(p = add_part(b, P_FEEDER, x->esc)))
        return -2;
    p->idx = (uint32_t)f;
    p->col = (uint32_t)c;
    return pool_add(b, src + s, e - s, TMPL_RAW, false, &p->off, &p->len) < 0 ? -2 : 0;
}

/* One argument of a function call: [s, e) trimmed, quotes removed. */
struct arg {
    size_t s, e, col;
};

#define MAX_ARGS 256

/* Split src[s, e) (inside the parentheses) at commas outside quotes. */
static int split_args(const char *src, size_t s, size_t e, struct arg *args, size_t *n,
                      struct cerr *ce)
{
    size_t i = s, start = s;

    *n = 0;
    for (;; i++) {
        if (i < e && (src[i] == '\'' || src[i] == '"')) {
            const char *q = memchr(src + i + 1, src[i], e - i - 1);

            if (!q) {
                cerr_set(ce, i, "unterminated quote in arguments");
                return -1;
            }
            i = (size_t)(q - src);
            continue;
        }
        if (i < e && src[i] != ',')
            continue;
        if (*n == MAX_ARGS) {
            cerr_set(ce, start, "too many arguments (at most %d)", MAX_ARGS);
            return -1;
        }
        args[*n].s = start;
        args[*n].e = i;
        trim(src, &args[*n].s, &args[*n].e);
        args[*n].col = args[*n].s;
        if (args[*n].e - args[*n].s >= 2 && (src[args[*n].s] == '\'' || src[args[*n].s] == '"')
            && src[args[*n].e - 1] == src[args[*n].s]) {
            args[*n].s++;
            args[*n].e--;
        }
        (*n)++;
        if (i >= e)
            return 0;
        start = i + 1;
    }
}

/* The argument's text NUL-terminated in buf; -1 when empty or longer than a number can be. */
static int arg_text(const char *src, const struct arg *a, char *buf, size_t size)
{
    size_t n = a->e - a->s;

    if (n == 0 || n >= size)
        return -1;
    memcpy(buf, src + a->s, n);
    buf[n] = '\0';
    errno = 0;
    return 0;
}

static int arg_int(const char *src, const struct arg *a, int64_t *out)
{
    char buf[32], *end;

    if (arg_text(src, a, buf, sizeof buf) < 0)
        return -1;
    *out = strtoll(buf, &end, 10);
    return errno || *end ? -1 : 0;
}

static int arg_double(const char *src, const struct arg *a, double *out)
{
    char buf[64], *end;

    if (arg_text(src, a, buf, sizeof buf) < 0)
        return -1;
    *out = strtod(buf, &end);
    return errno || *end || !isfinite(*out) ? -1 : 0;
}

static int args_range(const struct builtin *bi, struct part *p, const char *src,
                      const struct arg *args, struct cerr *ce)
{
    for (int k = 0; k < 2; k++) {
        int bad = bi->kind == P_RANDINT ? arg_int(src, &args[k], k ? &p->arg.i.hi : &p->arg.i.lo)
                                        : arg_double(src, &args[k],
                                                     k ? &p->arg.f.hi : &p->arg.f.lo);
        if (bad) {
            cerr_set(ce, args[k].col, "%s: expected %s, got '%.*s'", bi->usage,
                     bi->kind == P_RANDINT ? "an integer" : "a number",
                     (int)(args[k].e - args[k].s), src + args[k].s);
            return -1;
        }
    }
    if (bi->kind == P_RANDINT ? p->arg.i.lo > p->arg.i.hi : p->arg.f.lo > p->arg.f.hi) {
        cerr_set(ce, args[0].col, "%s: min is greater than max", bi->usage);
        return -1;
    }
    return 0;
}

static int args_choice(struct tmpl_builder *b, struct part *p, const struct expr *x,
                       const struct arg *args, size_t n)
{
    size_t need = b->n_items + n;

    if (need > b->cap_items) {
        struct span *ni = realloc(b->items, need * 2 * sizeof *ni);

        if (!ni)
            return -2;
        b->items = ni;
        b->cap_items = need * 2;
    }
    p->idx = (uint32_t)b->n_items;
    p->col = (uint32_t)n;
    for (size_t k = 0; k < n; k++) {
        struct span *sp = &b->items[b->n_items++];

        if (pool_add(b, x->src + args[k].s, args[k].e - args[k].s, x->esc, false, &sp->off,
                     &sp->len) < 0)
            return -2;
    }
    return 0;
}

static int args_randstr(struct tmpl_builder *b, struct part *p, const char *src,
                        const struct arg *a, struct cerr *ce)
{
    int64_t n;

    if (arg_int(src, a, &n) < 0 || n < 1 || n > RANDSTR_MAX) {
        cerr_set(ce, a->col, "${randstr(n)}: expected a length from 1 to %d, got '%.*s'",
                 RANDSTR_MAX, (int)(a->e - a->s), src + a->s);
        return -1;
    }
    p->idx = (uint32_t)n;
    b->min_len += (size_t)n;
    return 0;
}

/* name(args): open is the offset of '(' and close of ')'. */
static int parse_call(struct tmpl_builder *b, const struct expr *x, size_t s, size_t open,
                      size_t close, struct cerr *ce)
{
    const struct builtin *bi = find_builtin(x->src + s, open - s);
    struct arg args[MAX_ARGS];
    struct part *p;
    size_t n, is = open + 1, ie = close;
    int rc;

    if (!bi) {
        const char *hint = suggest_closest(x->src + s, open - s, tmpl_builtin_names, N_BUILTINS);

        cerr_set(ce, s, "unknown function '%.*s'%s%s%s", (int)(open - s), x->src + s,
                 hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
        return -1;
    }
    trim(x->src, &is, &ie);
    if (is == ie)
        n = 0;
    else if ((rc = split_args(x->src, is, ie, args, &n, ce)) < 0)
        return rc;
    if ((bi->nargs >= 0 && n != (size_t)bi->nargs) || (bi->nargs < 0 && n == 0)) {
        cerr_set(ce, open, "%.*s takes %s argument%s: %s", (int)(open - s), x->src + s,
                 bi->nargs < 0 ? "one or more" : bi->nargs == 0 ? "no" :
                 bi->nargs == 1 ? "one" : "two", bi->nargs == 1 ? "" : "s", bi->usage);
        return -1;
    }
    if (!(p = add_part(b, bi->kind, x->esc)))
        return -2;
    if (bi->kind == P_RANDINT || bi->kind == P_RANDFLOAT)
        return args_range(bi, p, x->src, args, ce);
    if (bi->kind == P_CHOICE)
        return args_choice(b, p, x, args, n);
    if (bi->kind == P_RANDSTR)
        return args_randstr(b, p, x->src, &args[0], ce);
    return 0;
}

/* A bare name: a zero-argument built-in or a per-user variable. */
static int parse_name(struct tmpl_builder *b, const struct expr *x, size_t s, size_t e,
                      struct cerr *ce)
{
    const struct builtin *bi = find_builtin(x->src + s, e - s);

    if (!bi)
        return parse_variable(b, x, s, e, ce);
    if (bi->nargs != 0) {
        cerr_set(ce, s, "%s needs arguments: %s", bi->name, bi->usage);
        return -1;
    }
    if (bi->kind == P_UUID)
        b->min_len += 36;
    return add_part(b, bi->kind, x->esc) ? 0 : -2;
}

/* The text between "${" and "}". Returns 0, -1 (message in ce) or -2 (out of memory). */
static int parse_expr(struct tmpl_builder *b, struct expr x, struct cerr *ce)
{
    size_t s = x.s, e = x.e, id;

    trim(x.src, &s, &e);
    if (e - s >= 4 && memcmp(x.src + s, "raw:", 4) == 0) {
        x.esc = TMPL_RAW;
        s += 4;
        while (s < e && is_space(x.src[s]))
            s++;
    }
    if (s == e) {
        cerr_set(ce, s, "empty expression");
        return -1;
    }
    x.e = e;
    if (e - s >= 4 && memcmp(x.src + s, "env:", 4) == 0)
        return parse_env(b, &x, s + 4, ce);
    id = ident_end(x.src, s, e);
    if (id == s) {
        cerr_set(ce, s, "expected a name, got '%c'", x.src[s]);
        return -1;
    }
    if (id == e)
        return parse_name(b, &x, s, e, ce);
    if (x.src[id] == '.' && ident_end(x.src, id + 1, e) == e && e > id + 1)
        return parse_feeder(b, &x, s, id, e, ce);
    if (x.src[id] == '(' && x.src[e - 1] == ')')
        return parse_call(b, &x, s, id, e - 1, ce);
    if (x.src[id] == '(')
        cerr_set(ce, e, "expected ')' at the end of %.*s(...)", (int)(id - s), x.src + s);
    else
        cerr_set(ce, id, "unexpected '%c' in expression", x.src[id]);
    return -1;
}

/* Offset of the "}" closing the expression that starts at i (just after "${"); quoted function
 * arguments may hold a '}'. Returns the length of src when there is none. */
static size_t expr_end(const char *src, size_t i, size_t n)
{
    int depth = 0;

    for (; i < n; i++) {
        char c = src[i];

        if (c == '}')
            return i;
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        else if ((c == '\'' || c == '"') && depth > 0) {
            const char *q = memchr(src + i + 1, c, n - i - 1);

            if (q)
                i = (size_t)(q - src);
        }
    }
    return n;
}

/* The template's bounds, after an expression (or the text) ending at col: -1 with a message
 * past them. */
static int check_bounds(const struct tmpl_builder *b, size_t col, struct cerr *ce)
{
    if (b->n_exprs > TMPL_EXPR_MAX) {
        cerr_set(ce, col, "more than %d ${...} expressions in one template", TMPL_EXPR_MAX);
        return -1;
    }
    if (b->min_len > TMPL_RENDER_MAX) {
        cerr_set(ce, col, "renders more than %zu MB, the most a template may",
                 TMPL_RENDER_MAX >> 20);
        return -1;
    }
    return 0;
}

int tmpl_builder_template(struct tmpl_builder *b, const char *src, enum tmpl_escape esc,
                          struct tmpl_symbols *sym, char *err, size_t errlen, size_t *error_col)
{
    struct cerr ce = {err, errlen, 0};
    size_t n = strlen(src), i = 0, lit = 0;
    int rc = 0;

    while (i < n && rc == 0) {
        if (src[i] == '$' && src[i + 1] == '$' && i + 2 < n && src[i + 2] == '{') {
            if (add_literal(b, src + lit, i - lit, esc) < 0 || add_literal(b, "${", 2, esc) < 0)
                rc = -2;
            i = lit = i + 3;
        } else if (src[i] == '$' && src[i + 1] == '{') {
            size_t close = expr_end(src, i + 2, n);

            if (add_literal(b, src + lit, i - lit, esc) < 0) {
                rc = -2;
            } else if (close == n) {
                cerr_set(&ce, i, "unterminated ${ (missing })");
                rc = -1;
            } else {
                rc = parse_expr(b, (struct expr){src, i + 2, close, esc, sym}, &ce);
                b->n_exprs++;
                if (rc == 0)
                    rc = check_bounds(b, i, &ce);
                i = lit = close + 1;
            }
        } else {
            i++;
        }
    }
    if (rc == 0 && add_literal(b, src + lit, n - lit, esc) < 0)
        rc = -2;
    if (rc == 0)
        rc = check_bounds(b, lit, &ce);
    if (rc == -2)
        cerr_set(&ce, i < n ? i : n, "out of memory");
    if (rc && error_col)
        *error_col = ce.col;
    return rc ? -1 : 0;
}

/* ---------------------------------------------------------------- finishing */

static int collect_vars(struct tmpl *t)
{
    for (uint32_t i = 0; i < t->n_parts; i++) {
        const struct part *p = &t->parts[i];
        uint32_t k;

        if (p->kind != P_VAR)
            continue;
        for (k = 0; k < t->n_vars && t->vars[k] != p->idx; k++)
            ;
        if (k < t->n_vars)
            continue;
        if (!t->vars) {
            t->vars = malloc(t->n_parts * sizeof *t->vars);
            if (!t->vars)
                return -1;
        }
        t->vars[t->n_vars++] = p->idx;
    }
    return 0;
}

/* A template is constant when every part is literal; its text is then kept ready. */
static int make_constant(struct tmpl *t)
{
    for (uint32_t i = 0; i < t->n_parts; i++)
        if (t->parts[i].kind != P_LIT)
            return 0;
    if (t->n_parts == 0) {
        t->constant = calloc(1, 1);
        return t->constant ? 0 : -1;
    }
    t->constant = strdup(t->pool + t->parts[0].off);   /* adjacent literals were merged */
    return t->constant ? 0 : -1;
}

struct tmpl *tmpl_builder_finish(struct tmpl_builder *b, const char *source_text)
{
    struct tmpl *t = calloc(1, sizeof *t);

    if (!t || !(t->source = strdup(source_text ? source_text : ""))) {
        free(t);
        tmpl_builder_free(b);
        return NULL;
    }
    t->parts = b->parts;
    t->n_parts = (uint32_t)b->n_parts;
    t->pool = b->pool.data;
    t->items = b->items;
    b->parts = NULL;
    b->items = NULL;
    b->pool.data = NULL;
    tmpl_builder_free(b);
    if (collect_vars(t) < 0 || make_constant(t) < 0) {
        tmpl_free(t);
        return NULL;
    }
    return t;
}

struct tmpl *tmpl_compile(const char *src, enum tmpl_escape esc, struct tmpl_symbols *sym,
                          char *err, size_t errlen, size_t *error_col)
{
    struct tmpl_builder *b = tmpl_builder_new();
    struct tmpl *t;

    if (!b) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (tmpl_builder_template(b, src, esc, sym, err, errlen, error_col) < 0) {
        tmpl_builder_free(b);
        return NULL;
    }
    t = tmpl_builder_finish(b, src);
    if (!t && err && errlen)
        snprintf(err, errlen, "out of memory");
    return t;
}

void tmpl_free(struct tmpl *t)
{
    if (!t)
        return;
    free(t->parts);
    free(t->pool);
    free(t->items);
    free(t->vars);
    free(t->source);
    free(t->constant);
    free(t);
}

bool tmpl_is_constant(const struct tmpl *t)
{
    return t->constant != NULL;
}

const char *tmpl_source(const struct tmpl *t)
{
    return t->source;
}

const char *tmpl_constant_text(const struct tmpl *t)
{
    return t->constant;
}

size_t tmpl_vars_used(const struct tmpl *t, uint32_t *out, size_t cap)
{
    for (size_t i = 0; i < t->n_vars && i < cap; i++)
        out[i] = t->vars[i];
    return t->n_vars;
}

bool tmpl_vars_set(const struct tmpl *t, const struct user_var *vars)
{
    for (uint32_t i = 0; i < t->n_vars; i++)
        if (!vars[t->vars[i]].set)
            return false;
    return true;
}

/* ---------------------------------------------------------------- rendering */

static size_t fmt_u64(char *o, uint64_t v)
{
    char tmp[24];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        o[i] = tmp[n - 1 - i];
    return n;
}

static size_t fmt_i64(char *o, int64_t v)
{
    if (v >= 0)
        return fmt_u64(o, (uint64_t)v);
    o[0] = '-';
    return 1 + fmt_u64(o + 1, (uint64_t)0 - (uint64_t)v);
}

static size_t fmt_uuid(char *o, uint64_t *rng)
{
    static const char hx[] = "0123456789abcdef";
    unsigned char u[16];
    uint64_t hi = tmpl_rand_next(rng), lo = tmpl_rand_next(rng);
    size_t n = 0;

    for (int i = 0; i < 8; i++) {
        u[i] = (unsigned char)(hi >> (56 - 8 * i));
        u[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);      /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);      /* RFC 4122 variant */
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            o[n++] = '-';
        o[n++] = hx[u[i] >> 4];
        o[n++] = hx[u[i] & 15];
    }
    return n;
}

static size_t fmt_now_iso(char *o, size_t cap, double now)
{
    int64_t total_ms = (int64_t)floor(now * 1000.0);
    time_t secs = (time_t)(total_ms >= 0 ? total_ms / 1000 : -((999 - total_ms) / 1000));
    int ms = (int)(total_ms - (int64_t)secs * 1000);
    struct tm tm;

    if (!gmtime_r(&secs, &tm))
        return 0;
    return (size_t)snprintf(o, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

static int render_randstr(const struct part *p, uint64_t *rng, struct strbuf *out)
{
    static const char alnum[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    uint32_t n = p->idx, done = 0;
    char *o;

    if (strbuf_reserve(out, n) < 0)
        return -1;
    o = out->data + out->len;
    while (done < n) {
        uint64_t r = tmpl_rand_next(rng);

        for (int k = 0; k < 10 && done < n; k++, r >>= 6)
            if ((r & 63) < 62)
                o[done++] = alnum[r & 63];
    }
    out->len += n;
    out->data[out->len] = '\0';
    return 0;
}

/* Parts whose text comes from the user's state: variables and feeder cells. */
static int render_value(const struct tmpl *t, const struct part *p, const struct tmpl_ctx *ctx,
                        struct strbuf *out, char *err, size_t errlen)
{
    const char *cell;
    size_t n;

    if (p->kind == P_VAR) {
        const struct user_var *v = &ctx->vars[p->idx];

        if (!v->set) {
            errmsg_set(err, errlen, "variable ${%s} is not set", t->pool + p->off);
            return -1;
        }
        cell = v->value;
        n = v->len;
    } else {
        cell = ctx->feeder_rows && ctx->feeder_rows[p->idx] ? ctx->feeder_rows[p->idx][p->col]
                                                            : NULL;
        if (!cell) {
            errmsg_set(err, errlen, "feeder value ${%s} is not available", t->pool + p->off);
            return -1;
        }
        n = strlen(cell);
    }
    if (append_escaped(out, cell, n, (enum tmpl_escape)p->esc, false) < 0) {
        errmsg_set(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Parts that produce a short text: formatted into a stack buffer, then escaped. */
static int render_short(const struct tmpl *t, const struct part *p, const struct tmpl_ctx *ctx,
                        struct strbuf *out)
{
    char buf[64];
    size_t n = 0;

    switch (p->kind) {
    case P_UUID:
        n = fmt_uuid(buf, ctx->rng);
        break;
    case P_RANDINT:
        n = fmt_i64(buf, (int64_t)((uint64_t)p->arg.i.lo +
                                   rand_below(ctx->rng, (uint64_t)p->arg.i.hi -
                                              (uint64_t)p->arg.i.lo + 1)));
        break;
    case P_RANDFLOAT: {
        double u = (double)(tmpl_rand_next(ctx->rng) >> 11) * 0x1.0p-53;
        double v = p->arg.f.lo + (p->arg.f.hi - p->arg.f.lo) * u;

        n = (size_t)snprintf(buf, sizeof buf, "%.6f", v < p->arg.f.hi ? v : p->arg.f.lo);
        break;
    }
    case P_CHOICE: {
        const struct span *sp = &t->items[p->idx + rand_below(ctx->rng, p->col)];

        return strbuf_append(out, t->pool + sp->off, sp->len);   /* escaped at compile time */
    }
    case P_USER_INDEX:
        n = fmt_u64(buf, ctx->user_index);
        break;
    case P_ITERATION:
        n = fmt_u64(buf, ctx->iteration);
        break;
    case P_TIMESTAMP:
        n = fmt_i64(buf, (int64_t)floor(ctx->now));
        break;
    case P_TIMESTAMP_MS:
        n = fmt_i64(buf, (int64_t)floor(ctx->now * 1000.0));
        break;
    default:            /* P_NOW_ISO */
        n = fmt_now_iso(buf, sizeof buf, ctx->now);
        break;
    }
    return append_escaped(out, buf, n, (enum tmpl_escape)p->esc, false);
}

int tmpl_render(const struct tmpl *t, const struct tmpl_ctx *ctx, struct strbuf *out,
                char *err, size_t errlen)
{
    size_t mark = out->len;

    for (uint32_t i = 0; i < t->n_parts; i++) {
        const struct part *p = &t->parts[i];
        int rc;

        if (p->kind == P_LIT)
            rc = strbuf_append(out, t->pool + p->off, p->len);
        else if (p->kind == P_VAR || p->kind == P_FEEDER)
            rc = render_value(t, p, ctx, out, err, errlen);
        else if (p->kind == P_RANDSTR)
            rc = render_randstr(p, ctx->rng, out);
        else
            rc = render_short(t, p, ctx, out);
        if (rc == 0 && out->len - mark > TMPL_RENDER_MAX) {
            errmsg_set(err, errlen, "rendered more than %zu MB, the most a template may",
                       TMPL_RENDER_MAX >> 20);
            rc = -2;
        }
        if (rc < 0) {
            if (rc == -1 && p->kind != P_VAR && p->kind != P_FEEDER)
                errmsg_set(err, errlen, "out of memory");
            out->len = mark;
            if (out->data)
                out->data[mark] = '\0';
            return -1;
        }
    }
    if (t->n_parts == 0 && strbuf_append(out, "", 0) < 0) {
        errmsg_set(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}
