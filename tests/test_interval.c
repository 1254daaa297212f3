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
        cmocka_unit_test(test_check_text_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
