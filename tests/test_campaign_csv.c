/* Tests of campaign.csv: a written file reads back field for field (quotes, commas and line
 * breaks in messages, missing times, an unmeasured CPU), its exact header, and files that are
 * not one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "campaign_csv.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hornet-campaign-csv.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_round_trip(void **state)
{
    struct campaign_row rows[3] = {
        {.campaign = "nightly", .index = 1, .name = "Deployments, \"fast\"",
         .scenario = "scenarios/deployments.json", .prefix = "01_deployments",
         .status = CAMPAIGN_PASS, .exit_code = 0, .users = 100, .spawn_rate = 10,
         .run_time = 20, .host = "http://127.0.0.1:1234", .start = 1796580000.25,
         .end = 1796580021.5, .expected = 42, .cpu_percent = 12.5, .saturated_seconds = 3.5,
         .embedded_target = true},
        {.campaign = "nightly", .index = 2, .name = "CAB", .status = CAMPAIGN_FAIL,
         .exit_code = 5, .start = 1796580031, .end = 1796580032, .cpu_percent = -1,
         .message = "stopped before any load: preflight check \"x\" failed,\nsee above"},
        {.campaign = "nightly", .index = 3, .name = "Burst", .status = CAMPAIGN_NOT_RUN,
         .exit_code = -1, .cpu_percent = -1},
    };
    struct campaign_row *back;
    size_t n;
    char err[256];

    (void)state;
    assert_int_equal(campaign_csv_write(dir, rows, 3, err, sizeof err), 0);
    assert_int_equal(campaign_csv_read(dir, &back, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(back[0].name, "Deployments, \"fast\"");
    assert_string_equal(back[0].campaign, "nightly");
    assert_int_equal(back[0].status, CAMPAIGN_PASS);
    assert_true(back[0].users == 100 && back[0].spawn_rate == 10 && back[0].run_time == 20);
    assert_true(back[0].start == 1796580000.25 && back[0].end == 1796580021.5);
    assert_true(back[0].expected == 42 && back[0].cpu_percent == 12.5 && back[0].embedded_target);
    assert_true(back[0].saturated_seconds == 3.5 && back[1].saturated_seconds == 0);
    assert_string_equal(back[0].host, "http://127.0.0.1:1234");
    assert_int_equal(back[1].exit_code, 5);
    assert_string_equal(back[1].message, rows[1].message);
    assert_true(back[1].cpu_percent < 0 && !back[1].embedded_target);
    assert_int_equal(back[2].status, CAMPAIGN_NOT_RUN);
    assert_true(back[2].start == 0 && back[2].end == 0 && back[2].exit_code == -1);
    free(back);
}

static void test_header_and_errors(void **state)
{
    struct campaign_row row = {.index = 1, .name = "A", .status = CAMPAIGN_RUNNING,
                               .cpu_percent = -1};
    struct campaign_row *back;
    char path[128], line[512], err[256];
    size_t n;
    FILE *f;

    (void)state;
    assert_int_equal(campaign_csv_write(dir, &row, 1, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/campaign.csv", dir);
    f = fopen(path, "r");
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "Index,Name,Scenario,Prefix,Status,Exit Code,Users,Spawn Rate,"
                        "Run Time,Host,Start,End,Expected Count,Generator CPU %,"
                        "Saturated Seconds,Built-in Target,Message,Campaign\r\n");
    f = fopen(path, "w");
    fputs("Type,Name\r\nGET,/\r\n", f);
    fclose(f);
    assert_int_equal(campaign_csv_read(dir, &back, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "campaign.csv:1: not a hornet campaign.csv"));
    f = fopen(path, "w");
    fprintf(f, "%s1,A,s,p,DONE,0,1,1,1,h,,,0,,,no,,c\r\n", line);
    fclose(f);
    assert_int_equal(campaign_csv_read(dir, &back, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "campaign.csv:2: expected 18 fields with a status"));
    assert_int_equal(campaign_csv_read("/nonexistent", &back, &n, err, sizeof err), -1);
    assert_string_equal(err, "cannot read /nonexistent/campaign.csv: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_header_and_errors),
    };

    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
