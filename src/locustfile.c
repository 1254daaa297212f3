/* locustfile: the stub locustfile of a Locust master for hornet worker nodes (see
 * locustfile.h). Main thread. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "locustfile.h"
#include "scenario.h"

/* A Python identifier that is not a keyword: the class can be a class statement. */
static bool python_name(const char *s)
{
    static const char *const keywords[] = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
        "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
        "raise", "return", "try", "while", "with", "yield"};

    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return false;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcmp(s, keywords[i]) == 0)
            return false;
    return true;
}

/* s as a Python string literal (double quotes, escapes for quotes, backslashes and controls). */
static void py_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void py_number(FILE *out, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        fprintf(out, "%.0f", v);
    else
        fprintf(out, "%.17g", v);
}

static void write_class(FILE *out, const struct user_class *c)
{
    if (python_name(c->name)) {
        fprintf(out, "\n\nclass %s(User):\n    weight = ", c->name);
        py_number(out, c->weight);
        if (c->fixed_count)
            fprintf(out, "\n    fixed_count = %u", c->fixed_count);
        fputc('\n', out);
        return;
    }
    fputs("\n\n# Not a Python name: the class is made under its scenario name.\n", out);
    fputs("globals()[", out);
    py_string(out, c->name);
    fputs("] = type(", out);
    py_string(out, c->name);
    fputs(", (User,), {\"weight\": ", out);
    py_number(out, c->weight);
    if (c->fixed_count)
        fprintf(out, ", \"fixed_count\": %u", c->fixed_count);
    fputs(", \"__module__\": __name__})\n", out);
}

/* Write the stub for scn (loaded from scenario_path, named in its docstring) to out. 0, or -1
 * when out failed (errno set). */
static int write_stub(FILE *out, const struct scenario *scn, const char *scenario_path)
{
    fputs("\"\"\"The locustfile of a Locust master driving hornet worker nodes, written by\n"
          "`hornet locustfile ", out);
    fputs(scenario_path, out);
    fputs("`.\n\n"
          "It holds the scenario's user classes with their weights (and fixed counts) and\n"
          "no task: the master dispatches users by class (their names go in its spawn\n"
          "messages) and never runs one; each hornet worker runs the scenario's tasks for\n"
          "the users it is given.\n\n"
          "    locust -f master.py --master\n    ./hornet --worker --master-host MASTER ", out);
    fputs(scenario_path, out);
    fputs("\n\"\"\"\nfrom locust import User\n", out);
    for (uint32_t k = 0; k < scn->n_classes; k++)
        write_class(out, &scn->classes[k]);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int locustfile_main(int argc, char **argv)
{
    struct scenario *scn = NULL;
    char err[1024];
    int rc = 0;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs("Usage: hornet locustfile SCENARIO.json [UserClass ...] > master.py\n\n"
              "Writes the locustfile a Locust master needs to drive hornet workers: the\n"
              "scenario's user classes with their weights, no task. Then:\n"
              "    locust -f master.py --master\n"
              "    hornet --worker --master-host MASTER SCENARIO.json\n", argc < 2 ? stderr
                                                                         : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (scenario_load(argv[1], &scn, err, sizeof err) < 0 ||
        scenario_filter(scn, argv + 2, (size_t)argc - 2, NULL, 0, NULL, 0, err,
                        sizeof err) < 0) {
        fprintf(stderr, "hornet locustfile: %s\n", err);
        if (scn)
            scenario_free(scn);
        return 2;
    }
    if (write_stub(stdout, scn, argv[1]) < 0) {
        fprintf(stderr, "hornet locustfile: cannot write the locustfile: %s\n", strerror(errno));
        rc = 4;
    }
    scenario_free(scn);
    return rc;
}
