/* loader: the scenario loader's view of the JSON text. A strict scanner validates the
 * syntax first (so a syntax error says what was expected, where) and records the offset of every
 * value and key in document order; cJSON then builds the tree, and a walk in the same order
 * pairs each item with its offsets (the side table cJSON lacks), rejecting duplicate keys on the
 * way. Typed getters turn wrong values into "file:line:column: json.path: expected ..." errors.
 *
 * Thread: the loading thread. */
#include "loader.h"
#include "scenario_internal.h"
#include "suggest.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128

/* ---------------------------------------------------------------- errors and positions */

int loader_line(const struct loader *ld, size_t off)
{
    int line = 1;

    for (size_t i = 0; i < off && i < ld->len; i++)
        line += ld->text[i] == '\n';
    return line;
}

/* 1-based column in characters (UTF-8 continuation bytes do not count). */
static int column_of(const struct loader *ld, size_t off)
{
    size_t start = off > ld->len ? ld->len : off;
    int col = 1;

    while (start > 0 && ld->text[start - 1] != '\n')
        start--;
    for (size_t i = start; i < off && i < ld->len; i++)
        col += ((unsigned char)ld->text[i] & 0xc0) != 0x80;
    return col;
}

static int fail_va(struct loader *ld, size_t off, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int fail_va(struct loader *ld, size_t off, const char *fmt, va_list ap)
{
    int n;

    if (!ld->err || !ld->errlen)
        return -1;
    n = snprintf(ld->err, ld->errlen, "%s:%d:%d: ", ld->file, loader_line(ld, off),
                 column_of(ld, off));
    if (n >= 0 && (size_t)n < ld->errlen && ld->path_len)
        n += snprintf(ld->err + n, ld->errlen - (size_t)n, "%s: ", ld->path);
    if (n >= 0 && (size_t)n < ld->errlen)
        vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
    return -1;
}

int loader_fail_at(struct loader *ld, size_t off, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_va(ld, off, fmt, ap);
    va_end(ap);
    return -1;
}

static int cmp_pos(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct loader_pos *)a)->item;
    uintptr_t y = (uintptr_t)((const struct loader_pos *)b)->item;

    return x < y ? -1 : x > y;
}

static const struct loader_pos *find_pos(const struct loader *ld, const cJSON *item)
{
    struct loader_pos key = {item, 0, 0};

    return item ? bsearch(&key, ld->pos, ld->n_pos, sizeof key, cmp_pos) : NULL;
}

uint32_t loader_value_offset(const struct loader *ld, const cJSON *item)
{
    const struct loader_pos *p = find_pos(ld, item);

    return p ? p->val_off : 0;
}

uint32_t loader_key_offset(const struct loader *ld, const cJSON *item)
{
    const struct loader_pos *p = find_pos(ld, item);

    return p && p->key_off != UINT32_MAX ? p->key_off : p ? p->val_off : 0;
}

int loader_fail(struct loader *ld, const cJSON *item, enum loader_at at, const char *fmt, ...)
{
    va_list ap;
    size_t off = at == LOADER_KEY ? loader_key_offset(ld, item) : loader_value_offset(ld, item);

    va_start(ap, fmt);
    fail_va(ld, off, fmt, ap);
    va_end(ap);
    return -1;
}

/* The end of the JSON value starting at off (the text is valid JSON: the scanner checked it). */
static size_t value_end(const struct loader *ld, size_t off)
{
    int depth = 0;
    bool in_string = false;
    size_t i = off;

    for (; i < ld->len; i++) {
        char c = ld->text[i];

        if (in_string) {
            i += c == '\\';
            in_string = c != '"';
            if (!in_string && depth == 0)
                return i + 1;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (--depth <= 0)
                return i + (depth == 0);
        } else if (depth == 0 && strchr(",: \t\r\n", c)) {
            return i;
        }
    }
    return i;
}

#define SHOWN_MAX 48                    /* bytes of a value shown in a message */

/* The value of item as written in the file, for a message: "FETCH", 1.5, [3, 1]; cut with
 * "..." past SHOWN_MAX bytes (whole UTF-8 characters), line breaks as spaces. */
static void shown_value(const struct loader *ld, const cJSON *item, char *buf, size_t n)
{
    size_t off = loader_value_offset(ld, item), end = value_end(ld, off), len = end - off, k;

    if (len > SHOWN_MAX) {
        len = SHOWN_MAX;
        while (len > 0 && ((unsigned char)ld->text[off + len] & 0xC0) == 0x80)
            len--;
    }
    snprintf(buf, n, "%.*s%s", (int)len, ld->text + off, off + len < end ? "..." : "");
    for (k = 0; buf[k]; k++)
        if (buf[k] == '\n' || buf[k] == '\r' || buf[k] == '\t')
            buf[k] = ' ';
}

int loader_bad_value(struct loader *ld, const cJSON *item, const char *fmt, ...)
{
    char shown[SHOWN_MAX + 8], msg[LOADER_PATH_MAX];
    va_list ap;

    shown_value(ld, item, shown, sizeof shown);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return loader_fail(ld, item, LOADER_VALUE, "%s is not %s", shown, msg);
}

static unsigned hexval(const char *s)
{
    unsigned v = 0;

    for (int i = 0; i < 4; i++)
        v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    return v;
}

/* Raw length (*raw) and decoded length of the escape at s (a backslash). */
static size_t escape_len(const char *s, size_t avail, size_t *raw)
{
    unsigned cp;

    *raw = 2;
    if (avail < 6 || s[1] != 'u')
        return 1;
    *raw = 6;
    cp = hexval(s + 2);
    if (cp >= 0xd800 && cp < 0xdc00 && avail >= 12 && s[6] == '\\' && s[7] == 'u') {
        *raw = 12;
        return 4;
    }
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

size_t loader_string_offset(const struct loader *ld, size_t quote, size_t col)
{
    size_t i = quote + 1, d = 0;

    while (d < col && i < ld->len && ld->text[i] != '"') {
        size_t raw = 1;

        d += ld->text[i] == '\\' ? escape_len(ld->text + i, ld->len - i, &raw) : 1;
        i += raw;
    }
    return i;
}

/* ---------------------------------------------------------------- paths */

size_t loader_path_key(struct loader *ld, const char *key)
{
    size_t mark = ld->path_len, room = sizeof ld->path - mark;
    bool plain = *key != '\0';
    int n;

    for (const char *k = key; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_' || *k == '-'))
            plain = false;
    if (plain)
        n = snprintf(ld->path + mark, room, "%s%s", mark ? "." : "", key);
    else
        n = snprintf(ld->path + mark, room, "[\"%s\"]", key);
    ld->path_len = n < 0 || (size_t)n >= room ? sizeof ld->path - 1 : mark + (size_t)n;
    return mark;
}

size_t loader_path_index(struct loader *ld, size_t i)
{
    size_t mark = ld->path_len, room = sizeof ld->path - mark;
    int n = snprintf(ld->path + mark, room, "[%zu]", i);

    ld->path_len = n < 0 || (size_t)n >= room ? sizeof ld->path - 1 : mark + (size_t)n;
    return mark;
}

void loader_path_pop(struct loader *ld, size_t mark)
{
    ld->path_len = mark;
    ld->path[mark] = '\0';
}

/* ---------------------------------------------------------------- the syntax scanner */

struct scan {
    struct loader *ld;
    const char *s;
    size_t n, i;
    int depth;
};

static int pos_add(struct loader *ld, uint32_t key_off, size_t val_off)
{
    if (ld->n_pos == ld->cap_pos) {
        size_t cap = ld->cap_pos ? ld->cap_pos * 2 : 256;
        struct loader_pos *p = realloc(ld->pos, cap * sizeof *p);

        if (!p)
            return loader_fail_at(ld, val_off, "out of memory");
        ld->pos = p;
        ld->cap_pos = cap;
    }
    ld->pos[ld->n_pos++] = (struct loader_pos){NULL, key_off, (uint32_t)val_off};
    return 0;
}

static void skip_ws(struct scan *sc)
{
    while (sc->i < sc->n && strchr(" \t\r\n", sc->s[sc->i]) && sc->s[sc->i])
        sc->i++;
}

static int syntax(struct scan *sc, const char *what)
{
    if (sc->i >= sc->n)
        return loader_fail_at(sc->ld, sc->n, "invalid JSON: unexpected end of file, %s", what);
    if ((unsigned char)sc->s[sc->i] < 0x20 || (unsigned char)sc->s[sc->i] >= 0x7f)
        return loader_fail_at(sc->ld, sc->i, "invalid JSON: %s", what);
    if (sc->s[sc->i] == '\'')
        return loader_fail_at(sc->ld, sc->i, "invalid JSON: %s, got a single quote (JSON strings "
                              "need double quotes)", what);
    return loader_fail_at(sc->ld, sc->i, "invalid JSON: %s, got '%c'", what, sc->s[sc->i]);
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int scan_escape(struct scan *sc)
{
    char c = sc->i + 1 < sc->n ? sc->s[sc->i + 1] : '\0';

    if (c && strchr("\"\\/bfnrt", c)) {
        sc->i += 2;
        return 0;
    }
    if (c == 'u' && sc->i + 5 < sc->n && is_hex(sc->s[sc->i + 2]) && is_hex(sc->s[sc->i + 3]) &&
        is_hex(sc->s[sc->i + 4]) && is_hex(sc->s[sc->i + 5])) {
        sc->i += 6;
        return 0;
    }
    if (c == 'u')
        return loader_fail_at(sc->ld, sc->i, "invalid JSON: \\u must be followed by 4 hex digits");
    return loader_fail_at(sc->ld, sc->i, "invalid JSON: invalid escape '\\%c' in a string "
                          "(use \\\\ for a backslash)", c ? c : ' ');
}

static int scan_string(struct scan *sc)
{
    size_t start = sc->i++;

    while (sc->i < sc->n) {
        unsigned char c = (unsigned char)sc->s[sc->i];

        if (c == '"') {
            sc->i++;
            return 0;
        }
        if (c == '\\') {
            if (scan_escape(sc) < 0)
                return -1;
            continue;
        }
        if (c < 0x20)
            return loader_fail_at(sc->ld, sc->i, c == '\n'
                                  ? "invalid JSON: unterminated string (a line break must be "
                                  "written \\n)"
                                  : "invalid JSON: control character in a string (escape it)");
        sc->i++;
    }
    return loader_fail_at(sc->ld, start, "invalid JSON: unterminated string");
}

static size_t digits(struct scan *sc)
{
    size_t start = sc->i;

    while (sc->i < sc->n && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')
        sc->i++;
    return sc->i - start;
}

static int scan_number(struct scan *sc)
{
    size_t start = sc->i;

    if (sc->s[sc->i] == '-')
        sc->i++;
    if (sc->i < sc->n && sc->s[sc->i] == '0')
        sc->i++;
    else if (digits(sc) == 0)
        return loader_fail_at(sc->ld, start, "invalid JSON: invalid number");
    if (sc->i < sc->n && sc->s[sc->i] == '.') {
        sc->i++;
        if (digits(sc) == 0)
            return loader_fail_at(sc->ld, start, "invalid JSON: invalid number");
    }
    if (sc->i < sc->n && (sc->s[sc->i] | 0x20) == 'e') {
        sc->i++;
        if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
            sc->i++;
        if (digits(sc) == 0)
            return loader_fail_at(sc->ld, start, "invalid JSON: invalid number");
    }
    if (sc->i < sc->n && (strchr("0123456789.eE+-", sc->s[sc->i]) && sc->s[sc->i]))
        return loader_fail_at(sc->ld, start, "invalid JSON: invalid number");
    return 0;
}

static int scan_word(struct scan *sc)
{
    static const char *const words[] = {"true", "false", "null"};
    size_t start = sc->i, end = sc->i;

    while (end < sc->n && ((sc->s[end] >= 'a' && sc->s[end] <= 'z') ||
                           (sc->s[end] >= 'A' && sc->s[end] <= 'Z') || sc->s[end] == '_'))
        end++;
    for (int k = 0; k < 3; k++)
        if (end - start == strlen(words[k]) && memcmp(sc->s + start, words[k], end - start) == 0) {
            sc->i = end;
            return 0;
        }
    if (end > start)
        return loader_fail_at(sc->ld, start, "invalid JSON: expected a value, got '%.*s' (strings "
                              "need double quotes)", (int)(end - start), sc->s + start);
    return syntax(sc, "expected a value");
}

static int scan_value(struct scan *sc, uint32_t key_off);

/* After an element or member: 1 when another follows, 0 at the close, -1 on error. */
static int scan_next(struct scan *sc, char close, const char *what)
{
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == close) {
        sc->i++;
        return 0;
    }
    if (sc->i < sc->n && sc->s[sc->i] == ',') {
        sc->i++;
        skip_ws(sc);
        if (sc->i < sc->n && sc->s[sc->i] == close)
            return loader_fail_at(sc->ld, sc->i, "invalid JSON: trailing comma before '%c'", close);
        return 1;
    }
    return syntax(sc, what);
}

static int scan_object(struct scan *sc)
{
    int more;

    sc->i++;
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == '}') {
        sc->i++;
        return 0;
    }
    do {
        size_t key = sc->i;

        if (sc->i >= sc->n || sc->s[sc->i] != '"')
            return syntax(sc, "expected a key in double quotes");
        if (scan_string(sc) < 0)
            return -1;
        skip_ws(sc);
        if (sc->i >= sc->n || sc->s[sc->i] != ':')
            return syntax(sc, "expected ':' after the key");
        sc->i++;
        if (scan_value(sc, (uint32_t)key) < 0)
            return -1;
        more = scan_next(sc, '}', "expected ',' or '}' after a member");
    } while (more > 0);
    return more;
}

static int scan_array(struct scan *sc)
{
    int more;

    sc->i++;
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == ']') {
        sc->i++;
        return 0;
    }
    do {
        if (scan_value(sc, UINT32_MAX) < 0)
            return -1;
        more = scan_next(sc, ']', "expected ',' or ']' after an element");
    } while (more > 0);
    return more;
}

static int scan_value(struct scan *sc, uint32_t key_off)
{
    int rc;

    skip_ws(sc);
    if (sc->i >= sc->n)
        return syntax(sc, "expected a value");
    if (pos_add(sc->ld, key_off, sc->i) < 0)
        return -1;
    switch (sc->s[sc->i]) {
    case '{':
    case '[':
        if (++sc->depth > MAX_DEPTH)
            return loader_fail_at(sc->ld, sc->i, "invalid JSON: nested more than %d levels deep",
                                  MAX_DEPTH);
        rc = sc->s[sc->i] == '{' ? scan_object(sc) : scan_array(sc);
        sc->depth--;
        return rc;
    case '"':
        return scan_string(sc);
    case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    case '8': case '9':
        return scan_number(sc);
    default:
        return scan_word(sc);
    }
}

/* ---------------------------------------------------------------- pairing with cJSON */

static int assign(struct loader *ld, const cJSON *item, size_t *k)
{
    size_t i = 0;

    if (*k >= ld->n_pos)
        return loader_fail_at(ld, 0, "internal error: JSON position table out of step");
    ld->pos[(*k)++].item = item;
    for (const cJSON *c = item->child; c; c = c->next, i++) {
        size_t mark = cJSON_IsObject(item) ? loader_path_key(ld, c->string)
                                           : loader_path_index(ld, i);
        size_t here = *k;

        if (cJSON_IsObject(item))
            for (const cJSON *p = item->child; p != c; p = p->next)
                if (strcmp(p->string, c->string) == 0)
                    return loader_fail_at(ld, ld->pos[here].key_off, "duplicate key");
        if (assign(ld, c, k) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return 0;
}

cJSON *loader_parse(struct loader *ld)
{
    struct scan sc = {ld, ld->text, ld->len, 0, 0};
    bool bom = ld->len >= 3 && memcmp(ld->text, "\xef\xbb\xbf", 3) == 0;
    const char *end = NULL;
    cJSON *root;
    size_t k = 0;

    sc.i = bom ? 3 : 0;
    if (memchr(ld->text, '\0', ld->len)) {
        loader_fail_at(ld, strlen(ld->text), "invalid JSON: NUL byte in the file");
        return NULL;
    }
    skip_ws(&sc);
    if (sc.i >= sc.n) {
        loader_fail_at(ld, sc.i, "invalid JSON: the file is empty");
        return NULL;
    }
    if (scan_value(&sc, UINT32_MAX) < 0)
        return NULL;
    skip_ws(&sc);
    if (sc.i < sc.n) {
        syntax(&sc, "expected the end of the file after the top-level value");
        return NULL;
    }
    root = cJSON_ParseWithLengthOpts(ld->text + (bom ? 3 : 0), ld->len - (bom ? 3 : 0), &end, 0);
    if (!root) {                        /* the scanner accepted what cJSON did not */
        loader_fail_at(ld, end ? (size_t)(end - ld->text) : 0, "invalid JSON");
        return NULL;
    }
    if (assign(ld, root, &k) < 0 || (k != ld->n_pos &&
        loader_fail_at(ld, 0, "internal error: JSON position table out of step") < 0)) {
        cJSON_Delete(root);
        return NULL;
    }
    qsort(ld->pos, ld->n_pos, sizeof *ld->pos, cmp_pos);
    return root;
}

/* ---------------------------------------------------------------- typed values */

static const char *type_name(const cJSON *item)
{
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsNull(item))
        return "null";
    if (cJSON_IsArray(item))
        return "a list";
    return "an object";
}

int loader_object(struct loader *ld, const cJSON *item)
{
    if (cJSON_IsObject(item))
        return 0;
    return loader_fail(ld, item, LOADER_VALUE, "expected an object, got %s", type_name(item));
}

int loader_check_keys(struct loader *ld, const cJSON *obj, const char *const *allowed)
{
    size_t n = 0;

    while (allowed[n])
        n++;
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *hint;
        char list[256] = "";
        size_t mark, i;

        for (i = 0; i < n && strcmp(allowed[i], c->string) != 0; i++)
            ;
        if (i < n)
            continue;
        hint = suggest_closest(c->string, strlen(c->string), allowed, n);
        for (i = 0; i < n; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     allowed[i]);
        mark = loader_path_key(ld, c->string);
        if (hint)
            loader_fail(ld, c, LOADER_KEY, "unknown key (did you mean %s?)", hint);
        else
            loader_fail(ld, c, LOADER_KEY, "unknown key (expected one of %s)", list);
        loader_path_pop(ld, mark);
        return -1;
    }
    return 0;
}

int loader_require(struct loader *ld, const cJSON *obj, const char *key, const cJSON **out)
{
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (*out)
        return 0;
    return loader_fail(ld, obj, LOADER_VALUE, "missing required key \"%s\"", key);
}

int loader_string(struct loader *ld, const cJSON *item, const char **out)
{
    if (!cJSON_IsString(item))
        return loader_fail(ld, item, LOADER_VALUE, "expected a string, got %s", type_name(item));
    *out = item->valuestring;
    return 0;
}

int loader_strdup(struct loader *ld, const cJSON *item, char **out)
{
    const char *s = NULL;

    if (loader_string(ld, item, &s) < 0)
        return -1;
    *out = strdup(s);
    return *out ? 0 : loader_fail(ld, item, LOADER_VALUE, "out of memory");
}

int loader_number(struct loader *ld, const cJSON *item, double min, bool min_inclusive,
                  double *out)
{
    double v = item->valuedouble;

    if (!cJSON_IsNumber(item) || !isfinite(v) || v < min || (!min_inclusive && v == min))
        return loader_bad_value(ld, item, "a number %s %g", min_inclusive ? ">=" : ">", min);
    *out = v;
    return 0;
}

int loader_uint(struct loader *ld, const cJSON *item, uint32_t max, uint32_t *out)
{
    double v = item->valuedouble;

    if (!cJSON_IsNumber(item) || v < 0 || v > max || v != floor(v))
        return loader_bad_value(ld, item, "a whole number from 0 to %u", max);
    *out = (uint32_t)v;
    return 0;
}

int loader_bool(struct loader *ld, const cJSON *item, bool *out)
{
    if (!cJSON_IsBool(item))
        return loader_bad_value(ld, item, "true or false");
    *out = cJSON_IsTrue(item);
    return 0;
}

/* One "<number><unit>" component; *s advances past it. */
static int duration_part(const char **s, double *total)
{
    static const struct { const char *unit; double secs; } units[] = {
        {"ms", 0.001}, {"h", 3600}, {"m", 60}, {"s", 1},
    };
    char *end;
    double v = strtod(*s, &end);

    if (end == *s || **s == '-' || **s == '+' || !isfinite(v))
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i].unit);

        if (strncmp(end, units[i].unit, n) == 0) {
            *total += v * units[i].secs;
            *s = end + n;
            return 0;
        }
    }
    return -1;
}

int loader_parse_duration(const char *s, double *out)
{
    double total = 0;
    char *end;

    if (!s || !*s || (*s < '0' || *s > '9'))
        return -1;
    total = strtod(s, &end);
    if (*end != '\0') {
        total = 0;
        while (*s)
            if (duration_part(&s, &total) < 0)
                return -1;
    }
    if (!isfinite(total) || total <= 0 || total > 1e9)
        return -1;
    *out = total;
    return 0;
}

int loader_duration(struct loader *ld, const cJSON *item, double *out)
{
    double v = item->valuedouble;

    if (cJSON_IsNumber(item) && isfinite(v) && v > 0 && v <= 1e9) {
        *out = v;
        return 0;
    }
    if (cJSON_IsString(item) && loader_parse_duration(item->valuestring, out) == 0)
        return 0;
    return loader_bad_value(ld, item, "a duration such as 20, \"20s\", \"3m\", \"1h30m\" or "
                            "\"250ms\" (more than 0)");
}

/* ---------------------------------------------------------------- templates */

int loader_number_text(const struct loader *ld, const cJSON *item, char *buf, size_t n)
{
    size_t off = loader_value_offset(ld, item), end = off;

    while (end < ld->len && strchr("+-0123456789.eE", ld->text[end]) && ld->text[end])
        end++;
    if (end - off >= n)
        return -1;
    memcpy(buf, ld->text + off, end - off);
    buf[end - off] = '\0';
    return 0;
}

int loader_template(struct loader *ld, const cJSON *item, enum tmpl_escape esc, bool allow_scalar,
                    struct tmpl **out)
{
    char num[64];
    const char *src = NULL;

    if (cJSON_IsString(item))
        src = item->valuestring;
    else if (allow_scalar && cJSON_IsNumber(item) &&
             loader_number_text(ld, item, num, sizeof num) == 0)
        src = num;
    else if (allow_scalar && cJSON_IsBool(item))
        src = cJSON_IsTrue(item) ? "true" : "false";
    if (!src)
        return loader_fail(ld, item, LOADER_VALUE, "expected a string%s, got %s",
                           allow_scalar ? ", number or boolean" : "", type_name(item));
    return loader_compile(ld, item, LOADER_VALUE, src, esc, out);
}

/* Offset in the text of byte col of the string at off (or off itself when no string is). */
static size_t offset_in(const struct loader *ld, size_t off, size_t col)
{
    return off < ld->len && ld->text[off] == '"' ? loader_string_offset(ld, off, col) : off;
}

/* Column of the first "${name" (or "${raw:name") in src, 0 when not found. */
static size_t var_column(const char *src, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = strstr(src, "${"); p; p = strstr(p + 2, "${")) {
        const char *q = p + 2;

        while (*q == ' ')
            q++;
        if (strncmp(q, "raw:", 4) == 0)
            q += 4;
        while (*q == ' ')
            q++;
        if (strncmp(q, name, n) == 0 && !(q[n] == '_' || (q[n] >= '0' && q[n] <= '9') ||
                                          ((q[n] | 0x20) >= 'a' && (q[n] | 0x20) <= 'z')))
            return (size_t)(q - src);
    }
    return 0;
}

/* Record that t (at item) reads variable var. */
static int note_use(struct loader *ld, const struct tmpl *t, uint32_t var, const cJSON *item,
                    enum loader_at at)
{
    const char *name = ld->s->vars[var];
    size_t off = at == LOADER_KEY ? loader_key_offset(ld, item) : loader_value_offset(ld, item);
    struct loader_use *u;

    if (ld->n_uses == ld->cap_uses) {
        size_t cap = ld->cap_uses ? ld->cap_uses * 2 : 32;
        struct loader_use *nu = realloc(ld->uses, cap * sizeof *nu);

        if (!nu)
            return loader_fail(ld, item, at, "out of memory");
        ld->uses = nu;
        ld->cap_uses = cap;
    }
    off = offset_in(ld, off, var_column(tmpl_source(t), name));
    u = &ld->uses[ld->n_uses];
    *u = (struct loader_use){var, ld->in_class_headers ? -2 : ld->on_start, (uint32_t)off,
                             strdup(ld->path)};
    if (!u->path)
        return loader_fail(ld, item, at, "out of memory");
    ld->n_uses++;
    return 0;
}

/* Record the variables t reads for the class checks (item: the item holding t). */
static int note_uses(struct loader *ld, const struct tmpl *t, const cJSON *item,
                     enum loader_at at)
{
    size_t n = tmpl_vars_used(t, NULL, 0);
    uint32_t *vars = n ? malloc(n * sizeof *vars) : NULL;
    int rc = 0;

    if (n && !vars)
        return loader_fail(ld, item, at, "out of memory");
    tmpl_vars_used(t, vars, n);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = note_use(ld, t, vars[i], item, at);
    free(vars);
    return rc;
}

int loader_compile(struct loader *ld, const cJSON *item, enum loader_at at, const char *src,
                   enum tmpl_escape esc, struct tmpl **out)
{
    size_t off = at == LOADER_KEY ? loader_key_offset(ld, item) : loader_value_offset(ld, item);
    char msg[256];
    size_t col = 0;

    *out = tmpl_compile(src, esc, &ld->sym, msg, sizeof msg, &col);
    if (!*out)
        return loader_fail_at(ld, offset_in(ld, off, col), "%s", msg);
    if (note_uses(ld, *out, item, at) < 0) {
        tmpl_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}
