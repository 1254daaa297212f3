/* interval: the block an interval lives in (allocation, layout, freeing) and the stable texts
 * of outcomes. Any thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "interval.h"

size_t interval_size(uint32_t n_endpoints, uint32_t n_errors, uint32_t n_pairs)
{
    return sizeof(struct interval) + n_endpoints * sizeof(struct interval_endpoint) +
           n_errors * sizeof(struct interval_error) + n_pairs * sizeof(struct hist_pair);
}

void interval_place(struct interval *iv, uint32_t n_endpoints, uint32_t n_errors)
{
    iv->endpoints = (struct interval_endpoint *)(iv + 1);
    iv->errors = (struct interval_error *)(iv->endpoints + n_endpoints);
    iv->pairs = (struct hist_pair *)(iv->errors + n_errors);
}

struct interval *interval_alloc(uint32_t n_endpoints, uint32_t n_errors, uint32_t n_pairs)
{
    struct interval *iv = calloc(1, interval_size(n_endpoints, n_errors, n_pairs));

    if (iv)
        interval_place(iv, n_endpoints, n_errors);
    return iv;
}

void interval_free(struct interval *iv)
{
    free(iv);
}

const char *interval_http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return NULL;
    }
}

static void transport_text(int code, int aux, char *out, size_t n)
{
    switch (code) {
    case CURLE_COULDNT_CONNECT:
        if (aux == ECONNREFUSED || aux == 0)
            snprintf(out, n, "Connection refused");
        else
            snprintf(out, n, "Could not connect: %s", strerror(aux));
        return;
    case CURLE_OPERATION_TIMEDOUT:
        snprintf(out, n, "Timeout after %d ms", aux);
        return;
    case CURLE_GOT_NOTHING:
        snprintf(out, n, "Empty reply from server");
        return;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        if (aux == ECONNRESET)
            snprintf(out, n, "Connection reset by peer");
        else if (aux == EPIPE)
            snprintf(out, n, "Connection closed by peer");
        else
            snprintf(out, n, "%s error%s%s", code == CURLE_RECV_ERROR ? "Receive" : "Send",
                     aux ? ": " : "", aux ? strerror(aux) : "");
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
        snprintf(out, n, "Could not resolve host");
        return;
    case CURLE_PARTIAL_FILE:
        snprintf(out, n, "Response ended before the whole body arrived");
        return;
    case CURLE_WEIRD_SERVER_REPLY:
        snprintf(out, n, "Invalid HTTP response");
        return;
    default:
        snprintf(out, n, "%s", curl_easy_strerror((CURLcode)code));
        return;
    }
}

bool interval_transport_text_kept(int code, int aux)
{
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return false;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        return aux != ECONNRESET && aux != EPIPE;
    default:
        return true;
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

uint32_t interval_text_hash(uint32_t h, const char *text, size_t n, bool numbers_equal)
{
    for (size_t i = 0; i < n; i++) {
        if (numbers_equal && is_digit(text[i])) {
            while (i + 1 < n && is_digit(text[i + 1]))
                i++;
            h = (h ^ '#') * 16777619u;
            continue;
        }
        h = (h ^ (unsigned char)text[i]) * 16777619u;
    }
    return h;
}

bool interval_text_equal(const char *a, size_t na, const char *b, size_t nb,
                         bool numbers_equal)
{
    size_t i = 0, j = 0;

    if (!numbers_equal)
        return na == nb && memcmp(a, b, na) == 0;
    while (i < na && j < nb) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            while (i < na && is_digit(a[i]))
                i++;
            while (j < nb && is_digit(b[j]))
                j++;
            continue;
        }
        if (a[i++] != b[j++])
            return false;
    }
    return i == na && j == nb;
}

void interval_outcome_format(const struct interval_error *e, char *out, size_t n)
{
    const char *reason;

    if (n == 0)
        return;
    switch (e->kind) {
    case OUTCOME_HTTP:
        reason = interval_http_reason(e->code);
        if (reason)
            snprintf(out, n, "HTTP %d %s", e->code, reason);
        else
            snprintf(out, n, "HTTP %d", e->code);
        return;
    case OUTCOME_TRANSPORT:
        if (e->text[0])
            snprintf(out, n, "%s", e->text);
        else
            transport_text(e->code, e->aux, out, n);
        return;
    default:
        snprintf(out, n, "%s", e->text[0] ? e->text : "unknown error");
        return;
    }
}
