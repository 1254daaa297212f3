/* promtext: the Prometheus text exposition format (0.0.4) and PromQL-style selectors over it:
 * compiling a selector, one allocation-free pass over a scraped body that sums each selector's
 * matching samples, and the counter-rate helper. Pure; the caller's thread (compiled selectors
 * are read-only, so several threads may share them). */
#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "promtext.h"
#include "promtext_internal.h"

enum op { OP_EQ, OP_NE, OP_RE, OP_NRE };

struct matcher {
    const char *label;          /* NUL-terminated, in the selector's pool */
    size_t label_len;
    const char *value;          /* unescaped, NUL-terminated, in the pool */
    size_t value_len;
    enum op op;
    bool is_name;               /* the label is __name__ */
    bool has_re;
    regex_t re;                 /* "^(value)$" for OP_RE and OP_NRE */
};

struct promtext_selector {
    char *text;                 /* as given */
    const char *name;           /* the metric name, or NULL */
    size_t name_len;
    unsigned n;
    struct matcher m[PROMTEXT_MATCHERS_MAX];
    char *pool;                 /* names and unescaped values */
    size_t pool_len;
};

/* --- character classes --- */

enum {
    C_NAME0 = 1,                /* may start a metric name: [a-zA-Z_:] */
    C_NAME = 2,                 /* may continue one: [a-zA-Z0-9_:] */
    C_LABEL0 = 4,               /* may start a label name: [a-zA-Z_] */
    C_LABEL = 8,                /* may continue one: [a-zA-Z0-9_] */
    C_BLANK = 16,               /* space or tab */
    C_LVAL_SPECIAL = 32,        /* ends the plain run of a label value: '"', '\\', >= 0x80 */
};

/* The class bits of a byte, as a constant expression so the table is built at compile time. */
#define ALPHA(ch) (((ch) >= 'a' && (ch) <= 'z') || ((ch) >= 'A' && (ch) <= 'Z') || (ch) == '_')
#define DIGIT(ch) ((ch) >= '0' && (ch) <= '9')
#define CLASS(ch)                                                                              \
    ((ALPHA(ch) || (ch) == ':' ? C_NAME0 | C_NAME : 0) | (DIGIT(ch) ? C_NAME | C_LABEL : 0) |   \
     (ALPHA(ch) ? C_LABEL0 | C_LABEL : 0) | ((ch) == ' ' || (ch) == '\t' ? C_BLANK : 0) |       \
     ((ch) == '"' || (ch) == '\\' || (ch) >= 0x80 ? C_LVAL_SPECIAL : 0))
#define R4(i) CLASS(i), CLASS((i) + 1), CLASS((i) + 2), CLASS((i) + 3)
#define R16(i) R4(i), R4((i) + 4), R4((i) + 8), R4((i) + 12)
#define R64(i) R16(i), R16((i) + 16), R16((i) + 32), R16((i) + 48)

static const unsigned char cls[256] = {R64(0), R64(64), R64(128), R64(192)};

static inline bool is(unsigned char ch, unsigned char k)
{
    return (cls[ch] & k) != 0;
}

static const char *skip_blanks(const char *p, const char *e)
{
    while (p < e && is((unsigned char)*p, C_BLANK))
        p++;
    return p;
}

/* Length of a valid UTF-8 sequence starting at p (lead byte >= 0x80), or 0. No overlongs, no
 * surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *e)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if ((size_t)(e - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

/* --- numbers --- */

static const double pow10_exact[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* The common case exactly: [+-]digits[.digits][e[+-]digits] with at most 19 significant digits
 * whose value and power of ten are both exact doubles (Clinger's fast path). false: not this
 * shape, let strtod decide. */
static bool number_fast(const char *p, const char *e, double *out)
{
    bool neg = false, any = false;
    uint64_t mant = 0;
    int digits = 0, scale = 0, exp = 0;

    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    for (; p < e && *p >= '0' && *p <= '9'; p++, any = true) {
        if (mant == 0 && *p == '0')
            continue;
        if (++digits > 19)
            return false;
        mant = mant * 10 + (uint64_t)(*p - '0');
    }
    if (p < e && *p == '.') {
        for (p++; p < e && *p >= '0' && *p <= '9'; p++, any = true, scale--) {
            if (mant == 0 && *p == '0')
                continue;
            if (++digits > 19)
                return false;
            mant = mant * 10 + (uint64_t)(*p - '0');
        }
    }
    if (!any)
        return false;
    if (p < e && (*p == 'e' || *p == 'E')) {
        bool eneg = false;
        int edigits = 0;
        if (++p < e && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        for (; p < e && *p >= '0' && *p <= '9' && edigits < 4; p++, edigits++)
            exp = exp * 10 + (*p - '0');
        if (edigits == 0 || edigits == 4)
            return false;
        exp = eneg ? -exp : exp;
    }
    if (p != e || mant > (1ULL << 53) || scale + exp < -22 || scale + exp > 22)
        return false;
    *out = scale + exp < 0 ? (double)mant / pow10_exact[-(scale + exp)]
                           : (double)mant * pow10_exact[scale + exp];
    if (neg)
        *out = -*out;
    return true;
}

/* A sample value as Go's strconv.ParseFloat reads it (Inf, +Inf, -Inf, NaN, exponents). */
static bool parse_value(const char *p, const char *e, double *out)
{
    char buf[64];
    char *end;
    size_t n = (size_t)(e - p);

    if (number_fast(p, e, out))
        return true;
    if (n == 0 || n >= sizeof buf || is((unsigned char)*p, C_BLANK))
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    *out = strtod(buf, &end);
    return end == buf + n;
}

/* A timestamp: a base-10 integer (milliseconds), as Go's strconv.ParseInt reads it. */
static bool parse_timestamp(const char *p, const char *e)
{
    if (p < e && (*p == '+' || *p == '-'))
        p++;
    if (p == e || e - p > 19)
        return false;
    for (; p < e; p++) {
        if (*p < '0' || *p > '9')
            return false;
    }
    return true;
}

/* --- one line of the body --- */

enum { LABELS_MAX = 128 };      /* more labels on one line: skipped (exporters use < 40) */

struct span_label {
    const char *name;
    const char *val;            /* raw, between the quotes */
    uint32_t name_len;
    bool esc;                   /* the raw value holds backslash escapes */
    size_t val_len;
};

struct sample {
    const char *name;
    size_t name_len;
    unsigned n;
    struct span_label l[LABELS_MAX];
    double value;
};

/* Scan a label value after its opening quote: the closing quote, or NULL (unterminated,
 * invalid UTF-8). */
static const char *scan_lvalue(const char *p, const char *e, bool *esc)
{
    const unsigned char *u = (const unsigned char *)p, *ue = (const unsigned char *)e;

    *esc = false;
    for (;;) {
        while (u < ue && !is(*u, C_LVAL_SPECIAL))
            u++;
        if (u == ue)
            return NULL;
        if (*u == '"')
            return (const char *)u;
        if (*u == '\\') {
            if (ue - u < 2)
                return NULL;
            *esc = true;
            u += 2;
        } else {
            size_t n = utf8_seq(u, ue);
            if (!n)
                return NULL;
            u += n;
        }
    }
}

/* Parse the label set after '{'. The position after '}', or NULL. */
static const char *parse_labels(const char *p, const char *e, struct sample *s)
{
    for (;;) {
        struct span_label *l;
        p = skip_blanks(p, e);
        if (p < e && *p == '}')
            return p + 1;
        if (p == e || !is((unsigned char)*p, C_LABEL0) || s->n == LABELS_MAX)
            return NULL;
        l = &s->l[s->n++];
        l->name = p;
        while (p < e && is((unsigned char)*p, C_LABEL))
            p++;
        l->name_len = (uint32_t)(p - l->name);
        p = skip_blanks(p, e);
        if (p == e || *p != '=')
            return NULL;
        p = skip_blanks(p + 1, e);
        if (p == e || *p != '"')
            return NULL;
        l->val = p + 1;
        if (!(p = scan_lvalue(p + 1, e, &l->esc)))
            return NULL;
        l->val_len = (size_t)(p - l->val);
        p = skip_blanks(p + 1, e);
        if (p < e && *p == ',')
            p++;
        else if (p == e || *p != '}')
            return NULL;
    }
}

/* Parse a sample line [p, e) (blanks trimmed at the start). false: not valid. */
static bool parse_sample(const char *p, const char *e, struct sample *s)
{
    const char *v;

    if (!is((unsigned char)*p, C_NAME0))
        return false;
    s->name = p;
    while (p < e && is((unsigned char)*p, C_NAME))
        p++;
    s->name_len = (size_t)(p - s->name);
    s->n = 0;
    if (p == e || (*p != '{' && !is((unsigned char)*p, C_BLANK)))
        return false;
    p = skip_blanks(p, e);
    if (p < e && *p == '{' && !(p = parse_labels(p + 1, e, s)))
        return false;
    p = skip_blanks(p, e);
    for (v = p; p < e && !is((unsigned char)*p, C_BLANK); p++)
        ;
    if (!parse_value(v, p, &s->value))
        return false;
    p = skip_blanks(p, e);
    if (p == e)
        return true;
    for (v = p; p < e && !is((unsigned char)*p, C_BLANK); p++)
        ;
    return parse_timestamp(v, p) && skip_blanks(p, e) == e;
}

/* --- matching --- */

/* Unescape a raw label value (\\ \" \n; any other backslash pair stays as it is, as
 * Prometheus's parser leaves it) into out, which holds at least n bytes. The length. */
static size_t unescape(const char *raw, size_t n, char *out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (raw[i] == '\\' && i + 1 < n &&
            (raw[i + 1] == '\\' || raw[i + 1] == '"' || raw[i + 1] == 'n')) {
            i++;
            out[k++] = raw[i] == 'n' ? '\n' : raw[i];
        } else {
            out[k++] = raw[i];
        }
    }
    return k;
}

/* Does the raw (escaped) value equal the unescaped literal? Compared on the fly. */
static bool raw_equal(const char *raw, size_t n, bool esc, const char *lit, size_t lit_len)
{
    size_t k = 0;

    if (!esc)
        return n == lit_len && memcmp(raw, lit, n) == 0;
    for (size_t i = 0; i < n; i++, k++) {
        char ch = raw[i];
        if (ch == '\\' && i + 1 < n &&
            (raw[i + 1] == '\\' || raw[i + 1] == '"' || raw[i + 1] == 'n')) {
            i++;
            ch = raw[i] == 'n' ? '\n' : raw[i];
        }
        if (k >= lit_len || lit[k] != ch)
            return false;
    }
    return k == lit_len;
}

/* regexec over a NUL-terminated string. */
static bool re_match(const regex_t *re, const char *s)
{
    return regexec(re, s, 0, NULL, 0) == 0;
}

/* Match a raw label value against a regular expression: unescaped into a NUL-terminated copy
 * (on the stack up to 1 KiB; longer values are rare and get a heap copy). REG_STARTEND would
 * avoid the copy of plain values, but it is not POSIX and sanitizers' regexec interceptors
 * read the subject up to a NUL regardless. */
static bool raw_regex(const regex_t *re, const char *raw, size_t n, bool esc)
{
    char small[1024];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    bool ok;
    size_t k;

    if (!buf)
        abort();
    if (esc) {
        k = unescape(raw, n, buf);
    } else {
        memcpy(buf, raw, n);
        k = n;
    }
    buf[k] = '\0';
    ok = memchr(buf, '\0', k) == NULL && re_match(re, buf);
    if (buf != small)
        free(buf);
    return ok;
}

static bool matcher_ok(const struct matcher *m, const struct sample *s)
{
    const char *raw = "";
    size_t n = 0;
    bool esc = false, hit;

    if (m->is_name) {
        raw = s->name;
        n = s->name_len;
    } else {
        for (unsigned i = 0; i < s->n; i++) {
            const struct span_label *l = &s->l[i];
            if (l->name_len == m->label_len && !memcmp(l->name, m->label, m->label_len)) {
                raw = l->val, n = l->val_len, esc = l->esc;
                break;
            }
        }
    }
    if (m->op == OP_EQ || m->op == OP_NE)
        hit = raw_equal(raw, n, esc, m->value, m->value_len);
    else
        hit = raw_regex(&m->re, raw, n, esc);
    return m->op == OP_EQ || m->op == OP_RE ? hit : !hit;
}

static bool selector_ok(const struct promtext_selector *sel, const struct sample *s)
{
    if (sel->name && (sel->name_len != s->name_len || memcmp(sel->name, s->name, s->name_len)))
        return false;
    for (unsigned i = 0; i < sel->n; i++) {
        if (!matcher_ok(&sel->m[i], s))
            return false;
    }
    return true;
}

/* --- the pass over a body --- */

struct family {
    const char *name;           /* of the last "# TYPE" line, in the body */
    size_t len;
    enum promtext_type type;
};

static const char *const type_names[] = {"untyped", "counter", "gauge", "histogram", "summary"};

const char *promtext_type_name(enum promtext_type t)
{
    return (unsigned)t < sizeof type_names / sizeof type_names[0] ? type_names[t] : "untyped";
}

static bool has_suffix(const char *name, size_t n, const struct family *f, const char *suffix)
{
    size_t k = strlen(suffix);

    return n == f->len + k && !memcmp(name + f->len, suffix, k);
}

/* The type of a sample named name: its family's, when the last TYPE line covers it. */
static enum promtext_type type_of(const struct family *f, const char *name, size_t n)
{
    if (!f->name || n < f->len || memcmp(name, f->name, f->len))
        return PROMTEXT_UNTYPED;
    if (n == f->len)
        return f->type;
    if ((f->type == PROMTEXT_HISTOGRAM && has_suffix(name, n, f, "_bucket")) ||
        ((f->type == PROMTEXT_HISTOGRAM || f->type == PROMTEXT_SUMMARY) &&
         (has_suffix(name, n, f, "_sum") || has_suffix(name, n, f, "_count"))))
        return f->type;
    return PROMTEXT_UNTYPED;
}

/* A comment line (after '#'). false: a malformed TYPE line. HELP and other comments are
 * accepted as they are. */
static bool parse_comment(const char *p, const char *e, struct family *f)
{
    const char *name, *t;

    p = skip_blanks(p, e);
    if (e - p < 4 || memcmp(p, "TYPE", 4) || (e - p > 4 && !is((unsigned char)p[4], C_BLANK)))
        return true;
    p = skip_blanks(p + 4, e);
    if (p == e || !is((unsigned char)*p, C_NAME0))
        return false;
    for (name = p; p < e && is((unsigned char)*p, C_NAME); p++)
        ;
    f->name = name;
    f->len = (size_t)(p - name);
    if (p == e || !is((unsigned char)*p, C_BLANK))
        return false;
    p = skip_blanks(p, e);
    for (t = p; p < e && !is((unsigned char)*p, C_BLANK); p++)
        ;
    if (skip_blanks(p, e) != e)
        return false;
    for (unsigned i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        size_t n = (size_t)(p - t);
        if (n == strlen(type_names[i]) && !memcmp(t, type_names[i], n)) {
            f->type = (enum promtext_type)i;
            return true;
        }
    }
    f->name = NULL;
    return false;
}

static void add_match(struct promtext_value *v, const struct sample *s, const struct family *f)
{
    if (v->matched++ == 0)
        v->type = type_of(f, s->name, s->name_len);
    v->sum += s->value;
}

static void skipped(struct promtext_stats *st, uint32_t line)
{
    if (st->skipped++ == 0)
        st->first_skipped = line;
}

/* One line [p, e) without its line feed. */
static void eval_line(const struct promtext_selector *const *sels, size_t n, const char *p,
                      const char *e, struct promtext_value *out, struct promtext_stats *st,
                      struct family *f, struct sample *s)
{
    if (e > p && e[-1] == '\r')
        e--;
    p = skip_blanks(p, e);
    if (p == e)
        return;
    st->lines++;
    if (*p == '#') {
        if (!parse_comment(p + 1, e, f))
            skipped(st, st->lines);
        return;
    }
    if (!parse_sample(p, e, s)) {
        skipped(st, st->lines);
        return;
    }
    st->samples++;
    for (size_t i = 0; i < n; i++) {
        if (selector_ok(sels[i], s))
            add_match(&out[i], s, f);
    }
}

void promtext_eval(const struct promtext_selector *const *sels, size_t n, const char *body,
                   size_t len, struct promtext_value *out, struct promtext_stats *stats)
{
    struct promtext_stats own;
    struct promtext_stats *st = stats ? stats : &own;
    struct family f = {0};
    struct sample s;
    const char *p = body, *e = body + len;

    *st = (struct promtext_stats){0};
    for (size_t i = 0; i < n; i++)
        out[i] = (struct promtext_value){0};
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        if (!nl) {
            if (skip_blanks(p, e) != e) {
                st->lines++;
                skipped(st, st->lines);
                st->truncated = 1;
            }
            break;
        }
        eval_line(sels, n, p, nl, out, st, &f, &s);
        p = nl + 1;
    }
}

double promtext_rate(double v0, double t0, double v1, double t1)
{
    double dt = t1 - t0, inc;

    if (!(dt > 0) || isnan(v0) || isnan(v1) || v0 < 0 || v1 < 0)
        return NAN;
    inc = v1 >= v0 ? v1 - v0 : v1;
    return inc / dt;
}

/* --- compiling a selector --- */

struct lexer {
    const char *s;
    size_t i;
    struct promtext_selector *sel;
    char *err;
    size_t errlen;
};

static int lex_fail(struct lexer *lx, const char *what)
{
    snprintf(lx->err, lx->errlen, "column %zu: %s", lx->i + 1, what);
    return -1;
}

static void lex_blanks(struct lexer *lx)
{
    while (lx->s[lx->i] == ' ' || lx->s[lx->i] == '\t' || lx->s[lx->i] == '\n' ||
           lx->s[lx->i] == '\r')
        lx->i++;
}

/* Copy n bytes into the pool, NUL-terminated. */
static const char *pool_add(struct promtext_selector *sel, const char *p, size_t n)
{
    char *out = sel->pool + sel->pool_len;

    memcpy(out, p, n);
    out[n] = '\0';
    sel->pool_len += n + 1;
    return out;
}

/* An identifier of class c0 then c (metric or label name); its length (0: none). */
static size_t lex_ident(struct lexer *lx, unsigned char c0, unsigned char c)
{
    size_t start = lx->i;

    if (!is((unsigned char)lx->s[lx->i], c0))
        return 0;
    while (is((unsigned char)lx->s[lx->i], c))
        lx->i++;
    return lx->i - start;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = (char)(ch | 0x20);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Append code point cp as UTF-8; -1 for a surrogate or beyond U+10FFFF. */
static int put_utf8(char *out, size_t *k, unsigned long cp)
{
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return -1;
    if (cp < 0x80) {
        out[(*k)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*k)++] = (char)(0xc0 | cp >> 6);
        out[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[(*k)++] = (char)(0xe0 | cp >> 12);
        out[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        out[(*k)++] = (char)(0xf0 | cp >> 18);
        out[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*k)++] = (char)(0x80 | (cp & 0x3f));
    }
    return 0;
}

/* One escape after a backslash (Go's string literal escapes); -1 when invalid. */
static int lex_escape(struct lexer *lx, char *out, size_t *k)
{
    static const char from[] = "abfnrtv\\'\"", to[] = "\a\b\f\n\r\t\v\\'\"";
    char ch = lx->s[lx->i++];
    const char *hit = ch ? strchr(from, ch) : NULL;
    int digits = ch == 'x' ? 2 : ch == 'u' ? 4 : ch == 'U' ? 8 : 0;
    unsigned long cp = 0;

    if (hit) {
        out[(*k)++] = to[hit - from];
        return 0;
    }
    if (!digits)
        return -1;
    for (int d = 0; d < digits; d++) {
        int h = hex_digit(lx->s[lx->i]);
        if (h < 0)
            return -1;
        cp = cp << 4 | (unsigned long)h;
        lx->i++;
    }
    if (ch == 'x') {
        out[(*k)++] = (char)cp;
        return 0;
    }
    return put_utf8(out, k, cp);
}

/* A quoted string into the pool; -1 with a message. */
static int lex_string(struct lexer *lx, const char **val, size_t *len)
{
    struct promtext_selector *sel = lx->sel;
    char quote = lx->s[lx->i], *out = sel->pool + sel->pool_len;
    size_t k = 0;

    if (quote != '"' && quote != '\'' && quote != '`')
        return lex_fail(lx, "expected a quoted label value");
    for (lx->i++; lx->s[lx->i] != quote; ) {
        char ch = lx->s[lx->i];
        if (!ch || (ch == '\n' && quote != '`'))
            return lex_fail(lx, "unterminated label value");
        lx->i++;
        if (ch == '\\' && quote != '`') {
            if (lex_escape(lx, out, &k))
                return lex_fail(lx, "invalid escape in a label value");
        } else {
            out[k++] = ch;
        }
    }
    lx->i++;
    out[k] = '\0';
    sel->pool_len += k + 1;
    *val = out;
    *len = k;
    return 0;
}

static int lex_op(struct lexer *lx, enum op *op)
{
    const char *p = lx->s + lx->i;

    if (p[0] == '=' && p[1] == '~')
        *op = OP_RE, lx->i += 2;
    else if (p[0] == '!' && p[1] == '~')
        *op = OP_NRE, lx->i += 2;
    else if (p[0] == '!' && p[1] == '=')
        *op = OP_NE, lx->i += 2;
    else if (p[0] == '=')
        *op = OP_EQ, lx->i += 1;
    else
        return lex_fail(lx, "expected one of =, !=, =~, !~");
    return 0;
}

/* The end of the bracket expression that opens at re[i] ('['): "[]a]", "[^]a]" and "[[:alpha:]]"
 * included; n when it never closes (regcomp then refuses the expression). */
static size_t bracket_end(const char *re, size_t i, size_t n)
{
    i++;
    if (i < n && re[i] == '^')
        i++;
    if (i < n && re[i] == ']')
        i++;
    for (; i < n && re[i] != ']'; i++)
        if (re[i] == '[' && i + 1 < n && strchr(":.=", re[i + 1])) {
            const char *close = strstr(re + i + 2, re[i + 1] == ':' ? ":]" :
                                       re[i + 1] == '.' ? ".]" : "=]");
            i = close ? (size_t)(close - re) + 1 : n;
        }
    return i;
}

/* The copies "{n,m}" at re[i] makes of what it follows (glibc builds max(n, m) of them, n + 1
 * without m); *end is past the '}'. 0 when it is not a bound (regcomp judges it). */
static size_t bound_copies(const char *re, size_t i, size_t n, size_t *end)
{
    char *p;
    unsigned long lo = strtoul(re + i + 1, &p, 10), hi = lo;

    if ((size_t)(p - re) < n && *p == ',') {
        hi = strtoul(p + 1, &p, 10);
        hi = hi > lo ? hi : lo + 1;
    }
    if ((size_t)(p - re) >= n || *p != '}')
        return 0;
    *end = (size_t)(p - re) + 1;
    return hi ? hi : 1;
}

/* How big glibc's regcomp makes re (n bytes) into *cost: atoms counted once, a group as the
 * sum of its parts, '+' and "{n,m}" multiplying what they follow; SIZE_MAX past
 * PROMTEXT_REGEX_COST_MAX. -1 for a quantifier right after another: POSIX leaves it undefined,
 * PromQL's RE2 refuses it, and glibc nests a copy per quantifier ("a++...+" doubles 60
 * times). */
static int regex_cost(const char *re, size_t n, size_t *cost)
{
    size_t saved[PROMTEXT_SELECTOR_MAX / 2 + 1], depth = 0, seq = 0, atom = 0, end, copies;
    bool quantified = false;

    for (size_t i = 0; i < n; i++) {
        char c = re[i];
        bool quantifier = c == '*' || c == '+' || c == '?' || c == '{';

        *cost = SIZE_MAX;
        if (quantifier && quantified)
            return -1;
        if (c == '*' || c == '?') {
            quantified = true;
            continue;
        }
        if (c == '+' || (c == '{' && (copies = bound_copies(re, i, n, &end)) > 0)) {
            copies = c == '+' ? 2 : copies;
            if (atom && copies > PROMTEXT_REGEX_COST_MAX / atom)
                return 0;
            seq += atom * (copies - 1);
            atom *= copies;
            i = c == '+' ? i : end - 1;
            quantified = true;
        } else if (c == '(' && depth < sizeof saved / sizeof saved[0]) {
            saved[depth++] = seq;
            seq = atom = 0;
            quantified = false;
            continue;
        } else if (c == ')' && depth > 0) {
            atom = seq + 1;
            seq = saved[--depth] + atom;
            quantified = false;
        } else {
            if (c == '\\' && i + 1 < n)
                i++;
            else if (c == '[')
                i = bracket_end(re, i, n);
            atom = c == '|' ? 0 : 1;
            seq += atom;
            quantified = false;
        }
        if (seq > PROMTEXT_REGEX_COST_MAX)
            return 0;
    }
    *cost = seq;
    return 0;
}

static int compile_regex(struct lexer *lx, struct matcher *m)
{
    size_t n = m->value_len + 5, cost;
    char *anchored;
    int rc = regex_cost(m->value, m->value_len, &cost);

    if (rc < 0 || cost > PROMTEXT_REGEX_COST_MAX) {
        snprintf(lx->err, lx->errlen, "label %s: %s", m->label, rc < 0
                 ? "invalid regular expression: a repetition of a repetition (write (a+)+ "
                   "to mean it)" : "regular expression too large once its repetitions are "
                   "expanded");
        return -1;
    }
    if (!(anchored = malloc(n)))
        abort();
    snprintf(anchored, n, "^(%s)$", m->value);
    rc = regcomp(&m->re, anchored, REG_EXTENDED | REG_NOSUB);
    free(anchored);
    if (rc) {
        char why[128];
        regerror(rc, &m->re, why, sizeof why);
        snprintf(lx->err, lx->errlen, "label %s: invalid regular expression: %s", m->label,
                 why);
        return -1;
    }
    m->has_re = true;
    return 0;
}

/* One matcher: label OP "value". */
static int lex_matcher(struct lexer *lx)
{
    struct promtext_selector *sel = lx->sel;
    struct matcher *m = &sel->m[sel->n];
    size_t start = lx->i, n;

    if (sel->n == PROMTEXT_MATCHERS_MAX)
        return lex_fail(lx, "too many label matchers (at most 16)");
    if (!(n = lex_ident(lx, C_LABEL0, C_LABEL)))
        return lex_fail(lx, "expected a label name");
    sel->n++;
    m->label = pool_add(sel, lx->s + start, n);
    m->label_len = n;
    m->is_name = n == 8 && !memcmp(m->label, "__name__", 8);
    if (m->is_name && sel->name)
        return lex_fail(lx, "the metric name is given twice");
    lex_blanks(lx);
    if (lex_op(lx, &m->op))
        return -1;
    lex_blanks(lx);
    if (lex_string(lx, &m->value, &m->value_len))
        return -1;
    if ((m->op == OP_RE || m->op == OP_NRE) && compile_regex(lx, m))
        return -1;
    return 0;
}

static int lex_matchers(struct lexer *lx)
{
    lx->i++;                    /* '{' */
    for (;;) {
        lex_blanks(lx);
        if (lx->s[lx->i] == '}')
            break;
        if (lex_matcher(lx))
            return -1;
        lex_blanks(lx);
        if (lx->s[lx->i] == ',')
            lx->i++;
        else if (lx->s[lx->i] != '}')
            return lex_fail(lx, "expected ',' or '}' after a label matcher");
    }
    lx->i++;
    return 0;
}

/* Does the matcher accept a series without its label (the empty value)? */
static bool matches_empty(const struct matcher *m)
{
    bool hit = m->op == OP_EQ || m->op == OP_NE ? m->value_len == 0 : re_match(&m->re, "");

    return m->op == OP_EQ || m->op == OP_RE ? hit : !hit;
}

static int lex_selector(struct lexer *lx)
{
    struct promtext_selector *sel = lx->sel;
    size_t start, n;
    bool useful;

    lex_blanks(lx);
    start = lx->i;
    if ((n = lex_ident(lx, C_NAME0, C_NAME))) {
        sel->name = pool_add(sel, lx->s + start, n);
        sel->name_len = n;
    }
    lex_blanks(lx);
    if (!sel->name && lx->s[lx->i] != '{')
        return lex_fail(lx, "expected a metric name or '{'");
    if (lx->s[lx->i] == '{' && lex_matchers(lx))
        return -1;
    lex_blanks(lx);
    if (lx->s[lx->i])
        return lex_fail(lx, "unexpected text after the selector");
    useful = sel->name != NULL;
    for (unsigned i = 0; i < sel->n && !useful; i++)
        useful = !matches_empty(&sel->m[i]);
    if (!useful) {
        snprintf(lx->err, lx->errlen, "a selector needs a metric name or a matcher that does "
                 "not match the empty string");
        return -1;
    }
    return 0;
}

struct promtext_selector *promtext_compile(const char *text, char *err, size_t errlen)
{
    size_t len = strlen(text);
    struct promtext_selector *sel;
    struct lexer lx = {.s = text, .err = err, .errlen = errlen};

    if (len > PROMTEXT_SELECTOR_MAX) {
        snprintf(err, errlen, "selector longer than %d characters", PROMTEXT_SELECTOR_MAX);
        return NULL;
    }
    sel = calloc(1, sizeof *sel);
    if (!sel || !(sel->text = strdup(text)) || !(sel->pool = malloc(len + 64)))
        abort();
    lx.sel = sel;
    if (lex_selector(&lx)) {
        promtext_free(sel);
        return NULL;
    }
    return sel;
}

void promtext_free(struct promtext_selector *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->n; i++) {
        if (s->m[i].has_re)
            regfree(&s->m[i].re);
    }
    free(s->pool);
    free(s->text);
    free(s);
}

const char *promtext_text(const struct promtext_selector *s)
{
    return s->text;
}
