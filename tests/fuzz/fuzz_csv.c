/* Fuzz target: the CSV readers: csv_reader over a string and over a FILE (their buffering
 * differs), the feeder table built from CSV (scenario_feeder_parse_csv), and Locust's CSV
 * files as `hornet report` reads them (report_csv_parse_run, the input given as the stats,
 * history, failures and exceptions files at once). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv_reader.h"
#include "fuzz.h"
#include "report_internal.h"
#include "scenario.h"
#include "scenario_internal.h"

static void read_all(struct csv_reader *r)
{
    struct csv_record rec;

    if (!r)
        abort();
    while (csv_reader_next(r, &rec) > 0)
        for (size_t i = 0; i < rec.n; i++)
            (void)strlen(rec.fields[i]);
    (void)csv_reader_error(r);
    (void)csv_reader_error_line(r);
    csv_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[256];
    struct feeder f;
    struct report_csv_run run;
    FILE *mem = size ? fmemopen(text, size, "rb") : NULL;

    read_all(csv_reader_text(text, size));
    if (mem) {
        read_all(csv_reader_file(mem));
        fclose(mem);
    }
    memset(&f, 0, sizeof f);
    (void)scenario_feeder_parse_csv(text, size, &f, err, sizeof err);
    scenario_feeder_free(&f);
    (void)report_csv_parse_run(text, text, text, text, "fuzz", REPORT_CSV_ENDPOINT_HISTORY,
                               &run, err, sizeof err);
    report_csv_free(&run);
    free(text);
    return 0;
}
