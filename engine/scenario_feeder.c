/* scenario_feeder: data files for templates. A feeder is a CSV file (RFC 4180, read by
 * csv_reader.c: commas, CRLF or LF line ends, double-quoted fields that may hold commas, quotes
 * as "" and line breaks; the first record names the columns) read once when the scenario
 * loads; templates read its cells as ${feeder.column}. The path is relative to the scenario
 * file.
 *
 * Thread: the loading thread. */
#include "scenario_internal.h"
#include "csv_reader.h"
#include "textfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const feeder_keys[] = {"file", "mode", NULL};
static const char *const mode_names[] = {"per_user", "cycle", "random", NULL};


/* ---------------------------------------------------------------- CSV */

static int csv_fail(char *err, size_t errlen, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int csv_fail(char *err, size_t errlen, size_t line, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (!err || !errlen)
        return -1;
    k = snprintf(err, errlen, "line %zu: ", line);
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < errlen)
        vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

static int csv_header(const struct csv_record *rec, struct feeder *f, char *err, size_t errlen)
{
    if (!(f->columns = calloc(rec->n, sizeof *f->columns)))
        return csv_fail(err, errlen, rec->line, "out of memory");
    for (size_t k = 0; k < rec->n; k++) {
        if (!scenario_is_ident(rec->fields[k]))
            return csv_fail(err, errlen, rec->line, "column %zu '%s' is not a valid name "
                            "(letters, digits and _, not starting with a digit)", k + 1,
                            rec->fields[k]);
        for (size_t j = 0; j < k; j++)
            if (strcmp(f->columns[j], rec->fields[k]) == 0)
                return csv_fail(err, errlen, rec->line, "column '%s' appears twice",
                                rec->fields[k]);
        if (!(f->columns[k] = strdup(rec->fields[k])))
            return csv_fail(err, errlen, rec->line, "out of memory");
        f->n_columns++;
    }
    return 0;
}

static int csv_row(const struct csv_record *rec, struct feeder *f, size_t *cap, char *err,
                   size_t errlen)
{
    char **row;

    if (rec->n != f->n_columns)
        return csv_fail(err, errlen, rec->line, "expected %u fields, found %zu", f->n_columns,
                        rec->n);
    if (f->n_rows == UINT32_MAX)
        return csv_fail(err, errlen, rec->line, "too many rows");
    if ((size_t)(f->n_rows + 1) * f->n_columns > *cap) {
        size_t ncap = *cap ? *cap * 2 : f->n_columns * 64;
        char **cells = realloc(f->cells, ncap * sizeof *cells);

        if (!cells)
            return csv_fail(err, errlen, rec->line, "out of memory");
        f->cells = cells;
        *cap = ncap;
    }
    row = f->cells + (size_t)f->n_rows * f->n_columns;
    for (size_t k = 0; k < rec->n; k++)
        if (!(row[k] = strdup(rec->fields[k]))) {
            while (k-- > 0)
                free(row[k]);
            return csv_fail(err, errlen, rec->line, "out of memory");
        }
    f->n_rows++;
    return 0;
}

int scenario_feeder_parse_csv(const char *text, size_t len, struct feeder *f, char *err,
                              size_t errlen)
{
    struct csv_reader *r = csv_reader_text(text, len);
    struct csv_record rec;
    size_t cap = 0;
    int rc;

    if (!r)
        return csv_fail(err, errlen, 1, "out of memory");
    while ((rc = csv_reader_next(r, &rec)) > 0) {
        rc = f->columns ? csv_row(&rec, f, &cap, err, errlen)
                        : csv_header(&rec, f, err, errlen);
        if (rc < 0)
            break;
    }
    if (rc < 0 && csv_reader_error(r)[0])
        csv_fail(err, errlen, csv_reader_error_line(r), "%s", csv_reader_error(r));
    else if (rc == 0 && !f->columns)
        rc = csv_fail(err, errlen, csv_reader_line(r), "the file is empty (the first line "
                      "names the columns)");
    else if (rc == 0 && f->n_rows == 0)
        rc = csv_fail(err, errlen, csv_reader_line(r), "no data rows after the column names");
    csv_reader_free(r);
    return rc < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- feeders in the scenario */

static int feeder_file(struct loader *ld, const cJSON *file, struct feeder *f)
{
    char *path, msg[512];
    char *text;
    size_t len = 0, n;
    int rc;

    n = strlen(ld->dir) + strlen(file->valuestring) + 1;
    if (!(path = malloc(n)))
        return loader_fail(ld, file, LOADER_VALUE, "out of memory");
    snprintf(path, n, "%s%s", file->valuestring[0] == '/' ? "" : ld->dir, file->valuestring);
    text = textfile_read(path, SCENARIO_FILE_MAX, &len, msg, sizeof msg);
    if (!text) {
        loader_fail(ld, file, LOADER_VALUE, "cannot read %s: %s", path, msg);
        free(path);
        return -1;
    }
    rc = scenario_feeder_parse_csv(text, len, f, msg, sizeof msg);
    free(text);
    if (rc < 0)
        loader_fail(ld, file, LOADER_VALUE, "%s: %s", path, msg);
    free(path);
    return rc;
}

static int feeder_mode(struct loader *ld, const cJSON *m, struct feeder *f)
{
    size_t mark = loader_path_key(ld, "mode");

    for (int i = 0; mode_names[i]; i++)
        if (cJSON_IsString(m) && strcmp(m->valuestring, mode_names[i]) == 0) {
            f->mode = (enum feeder_mode)i;
            loader_path_pop(ld, mark);
            return 0;
        }
    return loader_bad_value(ld, m, "one of per_user, cycle, random");
}

static int parse_feeder(struct loader *ld, const cJSON *obj, struct feeder *f)
{
    const cJSON *file, *mode = cJSON_GetObjectItemCaseSensitive(obj, "mode");
    size_t mark;

    if (!scenario_is_ident(obj->string) || tmpl_is_builtin(obj->string, strlen(obj->string)))
        return loader_fail(ld, obj, LOADER_KEY, "expected a feeder name (letters, digits and _, "
                           "not a built-in name)");
    if (!(f->name = strdup(obj->string)))
        return loader_fail(ld, obj, LOADER_KEY, "out of memory");
    if (loader_object(ld, obj) < 0 || loader_check_keys(ld, obj, feeder_keys) < 0 ||
        loader_require(ld, obj, "file", &file) < 0)
        return -1;
    if (mode && feeder_mode(ld, mode, f) < 0)
        return -1;
    mark = loader_path_key(ld, "file");
    if (!cJSON_IsString(file))
        return loader_fail(ld, file, LOADER_VALUE, "expected a file name");
    if (feeder_file(ld, file, f) < 0)
        return -1;
    loader_path_pop(ld, mark);
    return 0;
}

/* Point the template symbols at the feeders' names and columns. */
static int feeder_symbols(struct loader *ld)
{
    struct scenario *s = ld->s;
    const char **names = calloc(s->n_feeders + 1, sizeof *names);
    const char *const **cols = calloc(s->n_feeders + 1, sizeof *cols);
    uint32_t *ncols = calloc(s->n_feeders + 1, sizeof *ncols);

    if (!names || !cols || !ncols) {
        free(names);
        free(cols);
        free(ncols);
        return -1;
    }
    for (uint32_t i = 0; i < s->n_feeders; i++) {
        names[i] = s->feeders[i].name;
        cols[i] = (const char *const *)s->feeders[i].columns;
        ncols[i] = s->feeders[i].n_columns;
    }
    ld->sym.feeder_names = names;
    ld->sym.feeder_columns = cols;
    ld->sym.feeder_n_columns = ncols;
    ld->sym.n_feeders = s->n_feeders;
    return 0;
}

int scenario_feeder_parse_all(struct loader *ld, const cJSON *obj)
{
    int count = cJSON_GetArraySize(obj);

    if (loader_object(ld, obj) < 0)
        return -1;
    ld->s->feeders = count ? calloc((size_t)count, sizeof *ld->s->feeders) : NULL;
    if (count && !ld->s->feeders)
        return loader_fail(ld, obj, LOADER_VALUE, "out of memory");
    for (const cJSON *f = obj->child; f; f = f->next) {
        size_t mark = loader_path_key(ld, f->string);

        ld->s->n_feeders++;
        if (parse_feeder(ld, f, &ld->s->feeders[ld->s->n_feeders - 1]) < 0)
            return -1;
        loader_path_pop(ld, mark);
    }
    return feeder_symbols(ld) < 0 ? loader_fail(ld, obj, LOADER_VALUE, "out of memory") : 0;
}

void scenario_feeder_free(struct feeder *f)
{
    free(f->name);
    for (uint32_t i = 0; f->columns && i < f->n_columns; i++)
        free(f->columns[i]);
    free(f->columns);
    for (size_t i = 0; f->cells && i < (size_t)f->n_rows * f->n_columns; i++)
        free(f->cells[i]);
    free(f->cells);
    memset(f, 0, sizeof *f);
}
