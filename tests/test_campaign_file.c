/* Tests of the campaign file loader: every key read (scenario paths resolved against the
 * file's directory, overrides, defaults), the shipped campaign, and its errors located
 * file:line:col: path: message as the scenario loader's are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "campaign_file.h"
#include "campaign_file_internal.h"

static void test_every_key(void **state)
{
    const char *text =
        "{\"name\": \"nightly\", \"description\": \"four\", \"cool_down\": \"30s\",\n"
        " \"stop_on_fail\": true, \"scenarios\": [\n"
        "  {\"scenario\": \"a.json\"},\n"
        "  {\"scenario\": \"/abs/b.json\", \"name\": \"B\", \"users\": 7, \"spawn_rate\": 2.5,\n"
        "   \"run_time\": \"1m\", \"host\": \"http://127.0.0.1:8000\", \"stop_on_fail\": false}]}";
    struct campaign_file *c;
    char err[256];

    (void)state;
    assert_int_equal(campaign_file_load_string(text, "dir/c.json", &c, err, sizeof err), 0);
    assert_string_equal(c->name, "nightly");
    assert_true(c->cool_down == 30 && c->stop_on_fail);
    assert_int_equal(c->n_entries, 2);
    assert_string_equal(c->entries[0].scenario, "dir/a.json");
    assert_true(c->entries[0].stop_on_fail && !c->entries[0].users_set && !c->entries[0].host);
    assert_string_equal(c->entries[1].scenario, "/abs/b.json");
    assert_string_equal(c->entries[1].name, "B");
    assert_true(c->entries[1].users_set && c->entries[1].users == 7);
    assert_true(c->entries[1].spawn_rate_set && c->entries[1].spawn_rate == 2.5);
    assert_true(c->entries[1].run_time_set && c->entries[1].run_time == 60);
    assert_string_equal(c->entries[1].host, "http://127.0.0.1:8000");
    assert_false(c->entries[1].stop_on_fail);
    campaign_file_free(c);
}

static void test_shipped(void **state)
{
    struct campaign_file *c;
    char err[256];

    (void)state;
    assert_int_equal(campaign_file_load("scenarios/campaign.json", &c, err, sizeof err), 0);
    assert_int_equal(c->n_entries, 4);
    assert_string_equal(c->entries[0].scenario, "scenarios/deployments.json");
    assert_string_equal(c->entries[3].scenario, "scenarios/burst.json");
    assert_string_equal(c->entries[3].name, "Burst to 1000 users");
    assert_true(c->cool_down == 10);
    campaign_file_free(c);
}

static void test_errors(void **state)
{
    static const struct { const char *text, *want; } cases[] = {
        {"{\"scenarios\": []}", "c.json:1:15: scenarios: expected a list of 1 to 32 scenarios "
         "({\"scenario\": \"FILE.json\", ...})"},
        {"{\"scenarioz\": []}", "c.json:1:2: scenarioz: unknown key (did you mean scenarios?)"},
        {"{\"scenarios\": [{\"users\": 5}]}",
         "c.json:1:16: scenarios[0]: missing required key \"scenario\""},
        {"{\"scenarios\": [{\"scenario\": \"a.json\", \"run_time\": \"soon\"}]}",
         "c.json:1:51: scenarios[0].run_time: \"soon\" is not a duration such as 20, \"20s\", "
         "\"3m\", \"1h30m\" or \"250ms\" (more than 0)"},
        {"{\"scenarios\": [{\"scenario\": \"a.json\", \"host\": \"localhost\"}]}",
         "c.json:1:47: scenarios[0].host: \"localhost\" is not a URL such as "
         "\"http://localhost:8000\""},
        {"{\"cool_down\": -1, \"scenarios\": [{\"scenario\": \"a.json\"}]}",
         "c.json:1:15: cool_down: -1 is not a number >= 0"},
        {"{\"scenarios\": [{\"scenario\": \"a.json\"}]", "c.json:1:39: invalid JSON: unexpected "
         "end of file, expected ',' or '}' after a member"},
    };
    struct campaign_file *c;
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(campaign_file_load_string(cases[i].text, "c.json", &c, err, sizeof err),
                         -1);
        assert_null(c);
        assert_string_equal(err, cases[i].want);
    }
    assert_int_equal(campaign_file_load("tests/none.json", &c, err, sizeof err), -1);
    assert_string_equal(err, "cannot read tests/none.json: No such file or directory");
}

static void test_duration(void **state)
{
    double v = -1;

    (void)state;
    assert_int_equal(campaign_file_duration("0", &v), 0);
    assert_true(v == 0);
    assert_int_equal(campaign_file_duration("1m30s", &v), 0);
    assert_true(v == 90);
    assert_int_equal(campaign_file_duration("later", &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_duration),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
