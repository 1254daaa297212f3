/* Tests of the stable outcome texts (interval.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "interval.h"

static const char *text_of(int kind, int code, int aux, const char *text)
{
    static char out[INTERVAL_TEXT_MAX];
    struct interval_error e = {.kind = (uint8_t)kind, .code = code, .aux = aux};

    if (text)
        snprintf(e.text, sizeof e.text, "%s", text);
    interval_outcome_format(&e, out, sizeof out);
    return out;
}

static void test_http_statuses(void **state)
{
    (void)state;
    assert_string_equal(text_of(OUTCOME_HTTP, 404, 0, NULL), "HTTP 404 Not Found");
    assert_string_equal(text_of(OUTCOME_HTTP, 503, 0, NULL), "HTTP 503 Service Unavailable");
    assert_string_equal(text_of(OUTCOME_HTTP, 599, 0, NULL), "HTTP 599");
}

static void test_transport_errors(void **state)
{
    (void)state;
    assert_string_equal(text_of(OUTCOME_TRANSPORT, CURLE_COULDNT_CONNECT, ECONNREFUSED, NULL),
                        "Connection refused");
    assert_string_equal(text_of(OUTCOME_TRANSPORT, CURLE_OPERATION_TIMEDOUT, 30000, NULL),
                        "Timeout after 30000 ms");
    assert_string_equal(text_of(OUTCOME_TRANSPORT, CURLE_RECV_ERROR, ECONNRESET, NULL),
                        "Connection reset by peer");
    assert_string_equal(text_of(OUTCOME_TRANSPORT, CURLE_GOT_NOTHING, 0, NULL),
                        "Empty reply from server");
}

/* libcurl's own text says more than the CURLcode for garbage status lines, oversized headers,
 * certificates...: it is kept; hornet's texts stay where they name the cause as well. */
static void test_transport_texts_from_libcurl(void **state)
{
    (void)state;
    assert_true(interval_transport_text_kept(CURLE_UNSUPPORTED_PROTOCOL, 0));
    assert_true(interval_transport_text_kept(CURLE_RECV_ERROR, 0));
    assert_true(interval_transport_text_kept(CURLE_PEER_FAILED_VERIFICATION, 0));
    assert_true(interval_transport_text_kept(CURLE_WEIRD_SERVER_REPLY, 0));
    assert_false(interval_transport_text_kept(CURLE_RECV_ERROR, ECONNRESET));
    assert_false(interval_transport_text_kept(CURLE_OPERATION_TIMEDOUT, 1000));
    assert_false(interval_transport_text_kept(CURLE_COULDNT_CONNECT, ECONNREFUSED));
    assert_false(interval_transport_text_kept(CURLE_PARTIAL_FILE, 0));
    assert_string_equal(text_of(OUTCOME_TRANSPORT, CURLE_UNSUPPORTED_PROTOCOL, 0,
                                "Received HTTP/0.9 when not allowed"),
                        "Received HTTP/0.9 when not allowed");
    assert_string_equal(text_of(OUTCOME_TRANSPORT, CURLE_PEER_FAILED_VERIFICATION, 0,
                                "SSL certificate problem: self-signed certificate"),
                        "SSL certificate problem: self-signed certificate");
    assert_string_equal(text_of(OUTCOME_TRANSPORT, CURLE_RECV_ERROR, 0, NULL),
                        "Receive error");              /* no text from libcurl: hornet's */
}

/* Transport texts group by their words: runs of digits compare equal. */
static void test_text_shapes(void **state)
{
    const char *a = "Too large response headers: 312358 > 307200";
    const char *b = "Too large response headers: 98 > 307200";
    const char *c = "Too large response headers: 98 > x";

    (void)state;
    assert_true(interval_text_equal(a, strlen(a), b, strlen(b), true));
    assert_false(interval_text_equal(a, strlen(a), b, strlen(b), false));
    assert_false(interval_text_equal(a, strlen(a), c, strlen(c), true));
    assert_false(interval_text_equal("1a", 2, "1", 1, true));
    assert_true(interval_text_equal("", 0, "", 0, true));
    assert_int_equal(interval_text_hash(7, a, strlen(a), true),
                     interval_text_hash(7, b, strlen(b), true));
    assert_true(interval_text_hash(7, a, strlen(a), false) !=
                interval_text_hash(7, b, strlen(b), false));
}

static void test_check_text_is_kept(void **state)
{
    (void)state;
    assert_string_equal(text_of(OUTCOME_CHECK, 0, 0,
                                "check failed: json.status == \"approved\" (got \"pending\")"),
                        "check failed: json.status == \"approved\" (got \"pending\")");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_statuses),
        cmocka_unit_test(test_transport_errors),
        cmocka_unit_test(test_transport_texts_from_libcurl),
        cmocka_unit_test(test_text_shapes),
        cmocka_unit_test(test_check_text_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
