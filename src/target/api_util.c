/* api_util: helpers of the api's handlers: error bodies, JSON request bodies, query strings,
 * page-number pagination in the Django REST framework's shape. Loop thread only. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"

enum { PAGE_SIZE_DEFAULT = 20, PAGE_SIZE_MAX = 100 };

void api_error(struct strbuf *out, struct api_response *rs, int status, const char *detail)
{
    strbuf_puts(out, "{\"detail\": ");
    jsonw_str(out, detail, strlen(detail));
    strbuf_putc(out, '}');
    rs->status = status;
}

/* The Python type name DRF would report for a JSON value. */
static const char *python_type(const cJSON *v)
{
    if (cJSON_IsArray(v))
        return "list";
    if (cJSON_IsString(v))
        return "str";
    if (cJSON_IsBool(v))
        return "bool";
    if (cJSON_IsNull(v))
        return "NoneType";
    return floor(v->valuedouble) == v->valuedouble && fabs(v->valuedouble) < 1e18 ? "int"
                                                                                : "float";
}

cJSON *api_body_object(const struct api_request *rq, struct strbuf *out, struct api_response *rs)
{
    const char *end = NULL;
    cJSON *root;

    if (rq->body_len == 0)
        return cJSON_CreateObject();
    if (!jsonw_utf8_valid(rq->body, rq->body_len)) {
        api_error(out, rs, 400, "JSON parse error - invalid UTF-8.");
        return NULL;
    }
    root = cJSON_ParseWithOpts(rq->body, &end, 0);
    while (root && end && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
        end++;
    if (!root || end != rq->body + rq->body_len) {
        cJSON_Delete(root);
        api_error(out, rs, 400, "JSON parse error - the body is not valid JSON.");
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        strbuf_puts(out, "{\"non_field_errors\": [\"Invalid data. Expected a dictionary, but got ");
        strbuf_puts(out, python_type(root));
        strbuf_puts(out, ".\"]}");
        cJSON_Delete(root);
        rs->status = 400;
        return NULL;
    }
    return root;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = (char)(ch | 0x20);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Percent-decode s[0..n) into val; false when it does not fit. */
static bool decode(const char *s, size_t n, char *val, size_t valsz)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '+') {
            ch = ' ';
        } else if (ch == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            ch = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
            i += 2;
        }
        if (k + 1 >= valsz)
            return false;
        val[k++] = ch;
    }
    val[k] = '\0';
    return true;
}

bool api_query(const struct api_request *rq, const char *key, char *val, size_t valsz)
{
    size_t klen = strlen(key), i = 0, n = rq->query_len;
    const char *q = rq->query;

    while (q && i < n) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        if (j - i > klen && q[i + klen] == '=' && !memcmp(q + i, key, klen))
            return decode(q + i + klen + 1, j - i - klen - 1, val, valsz);
        if (j - i == klen && !memcmp(q + i, key, klen))
            return decode(q + j, 0, val, valsz);
        i = j + 1;
    }
    return false;
}

/* A whole number >= 1 that fills text, or 0. */
static uint64_t positive(const char *text)
{
    char *end;
    unsigned long long v;

    if (*text < '0' || *text > '9')
        return 0;
    errno = 0;
    v = strtoull(text, &end, 10);
    return errno || *end ? 0 : v;
}

/* How many records a listing with this filter has. */
static uint32_t filtered_count(const struct store_table *t, int filter)
{
    return filter >= DECISION_COUNT ? t->count : store_table_count_status(t, (uint8_t)filter);
}

/* Read ?page= and ?page_size= (default 20, at most 100) for a list of count items. -1 after
 * answering 404 {"detail": "Invalid page."}. */
static int page_params(const struct api_request *rq, uint32_t count, struct page *pg,
                       struct strbuf *out, struct api_response *rs)
{
    char text[24];
    uint64_t size = PAGE_SIZE_DEFAULT, number = 1, pages;

    if (api_query(rq, "page_size", text, sizeof text) && positive(text))
        size = positive(text) > PAGE_SIZE_MAX ? PAGE_SIZE_MAX : positive(text);
    pages = count ? (count + size - 1) / size : 1;
    if (api_query(rq, "page", text, sizeof text))
        number = !strcmp(text, "last") ? pages : positive(text);
    if (number < 1 || number > pages) {
        api_error(out, rs, 404, "Invalid page.");
        return -1;
    }
    *pg = (struct page){(uint32_t)number, (uint32_t)size, (uint32_t)((number - 1) * size)};
    return 0;
}

/* A page link: path?page=N&page_size=S&status=X (page left out for page 1, as DRF does). */
static void page_link(struct strbuf *out, const struct api_request *rq, uint32_t number,
                      const struct page *pg, const char *status)
{
    char text[24];
    char sep = '?';

    strbuf_putc(out, '"');
    strbuf_append(out, rq->path, rq->path_len);
    if (number > 1) {
        strbuf_puts(out, "?page=");
        strbuf_put_u64(out, number);
        sep = '&';
    }
    if (api_query(rq, "page_size", text, sizeof text)) {
        strbuf_putc(out, sep);
        strbuf_puts(out, "page_size=");
        strbuf_put_u64(out, pg->size);
        sep = '&';
    }
    if (status) {
        strbuf_putc(out, sep);
        strbuf_puts(out, "status=");
        strbuf_puts(out, status);
    }
    strbuf_putc(out, '"');
}

/* Append "count", "next", "previous" and open "results": [ (the caller writes the items and
 * closes with "]}"). Links keep page_size and status when the request gave them. */
static void page_open(struct strbuf *out, const struct api_request *rq, const struct page *pg,
                      uint32_t count, const char *status)
{
    strbuf_puts(out, "{\"count\": ");
    strbuf_put_u64(out, count);
    strbuf_puts(out, ", \"next\": ");
    if ((uint64_t)pg->offset + pg->size < count)
        page_link(out, rq, pg->number + 1, pg, status);
    else
        strbuf_puts(out, "null");
    strbuf_puts(out, ", \"previous\": ");
    if (pg->number > 1)
        page_link(out, rq, pg->number - 1, pg, status);
    else
        strbuf_puts(out, "null");
    strbuf_puts(out, ", \"results\": [");
}

/* The status name given in ?status= as an enum decision, DECISION_COUNT when the parameter is
 * absent; -1 after answering 400 for an unknown value. */
static int status_filter(const struct api_request *rq, struct strbuf *out,
                         struct api_response *rs)
{
    char text[32];

    if (!api_query(rq, "status", text, sizeof text) || !*text)
        return DECISION_COUNT;
    for (int d = 0; d < DECISION_COUNT; d++) {
        if (!strcmp(text, api_decision_names[d]))
            return d;
    }
    strbuf_puts(out, "{\"status\": [\"Select a valid choice. That choice is not one of the "
              "available choices.\"]}");
    rs->status = 400;
    return -1;
}

int api_arg_uuid(const struct api_match *m, struct uuid *id, struct strbuf *out,
                 struct api_response *rs)
{
    if (uuid_parse(m->arg, m->arg_len, id) == 0)
        return 0;
    api_error(out, rs, 404, "Not found.");
    return -1;
}

/* Append the records of a page, newest first, separated by ", ": every record of the table
 * when filter is DECISION_COUNT, else those with that status (newest entry first). */
static void page_records(struct store_table *t, int filter, const struct page *pg,
                         struct strbuf *out,
                         void (*emit)(struct strbuf *out, const struct record *r))
{
    struct record *r;
    uint32_t skip = pg->offset;

    if (filter >= DECISION_COUNT) {
        for (uint32_t i = 0; i < pg->size && (r = store_table_newest(t, pg->offset + i)); i++) {
            if (i)
                strbuf_append(out, ", ", 2);
            emit(out, r);
        }
        return;
    }
    r = store_table_first(t, (uint8_t)filter);
    while (r && skip--)
        r = store_table_next(t, r);
    for (uint32_t i = 0; r && i < pg->size; i++, r = store_table_next(t, r)) {
        if (i)
            strbuf_append(out, ", ", 2);
        emit(out, r);
    }
}

void api_list(struct store_table *t, const struct api_request *rq, struct strbuf *out,
              struct api_response *rs, void (*emit)(struct strbuf *out, const struct record *r))
{
    int filter = status_filter(rq, out, rs);
    uint32_t count;
    struct page pg;

    if (filter < 0)
        return;
    count = filtered_count(t, filter);
    if (page_params(rq, count, &pg, out, rs))
        return;
    page_open(out, rq, &pg, count, filter < DECISION_COUNT ? api_decision_names[filter]
                                                               : NULL);
    page_records(t, filter, &pg, out, emit);
    strbuf_append(out, "]}", 2);
    rs->status = 200;
}

