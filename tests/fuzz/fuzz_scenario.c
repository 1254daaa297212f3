/* Fuzz target: the scenario loader (its targets, health and tls blocks too) and the template
 * compiler. Any text is loaded as a scenario file (relative data files resolve beside the
 * valid fixtures, so their feeders load); a scenario that loads has every template of every
 * class, step and health source rendered once, with every variable set and each feeder's
 * first row, and is filtered by a class and a tag. */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "template.h"

#define FUZZ_FILE "tests/fixtures/scenarios/valid/fuzz.json"

struct renderer {
    struct tmpl_ctx ctx;
    struct strbuf out;
    char err[256];
};

static void render(struct renderer *r, const struct tmpl *t)
{
    if (!t)
        return;
    strbuf_clear(&r->out);
    (void)tmpl_render(t, &r->ctx, &r->out, r->err, sizeof r->err);
}

static void render_kv(struct renderer *r, const struct kv_tmpl *kv, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        render(r, kv[i].value);
}

static void render_steps(struct renderer *r, const struct step *st, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++, st++) {
        render(r, st->path);
        render_kv(r, st->query, st->n_query);
        render_kv(r, st->headers, st->n_headers);
        render(r, st->body);
        for (uint32_t k = 0; k < st->n_checks; k++) {
            render(r, st->checks[k].text);
            render(r, st->checks[k].value.string);
        }
    }
}

static void render_all(const struct scenario *s)
{
    struct user_var *vars = calloc(s->n_vars + 1, sizeof *vars);
    const char *const **rows = calloc(s->n_feeders + 1, sizeof *rows);
    uint64_t rng = 1;
    struct renderer r = {.ctx = {vars, &rng, 3, 5, 1700000000.25, rows}};

    if (!vars || !rows)
        abort();
    for (uint32_t i = 0; i < s->n_vars; i++)
        (void)user_var_set(&vars[i], "v\"/\xc3\xa9", 5);
    for (uint32_t f = 0; f < s->n_feeders; f++)
        rows[f] = (const char *const *)s->feeders[f].cells;
    for (uint32_t c = 0; c < s->n_classes; c++) {
        const struct user_class *uc = &s->classes[c];
        render_kv(&r, uc->headers, uc->n_headers);
        for (uint32_t v = 0; v < uc->n_vars; v++)
            render(&r, uc->vars[v].value);
        render_steps(&r, uc->on_start, uc->n_on_start);
        render_steps(&r, uc->on_stop, uc->n_on_stop);
        for (uint32_t t = 0; t < uc->n_tasks; t++)
            render_steps(&r, uc->tasks[t].steps, uc->tasks[t].n_steps);
    }
    for (uint32_t i = 0; i < s->health.n_sources; i++) {
        render(&r, s->health.sources[i].url);
        render_kv(&r, s->health.sources[i].headers, s->health.sources[i].n_headers);
    }
    for (uint32_t i = 0; i < s->n_vars; i++)
        user_var_free(&vars[i]);
    strbuf_free(&r.out);
    free(vars);
    free((void *)rows);
}

/* Keep the first class and the tasks tagged like its first task (names copied: filtering
 * frees what it drops). */
static void filter(struct scenario *s)
{
    const struct user_class *c = s->n_classes ? &s->classes[0] : NULL;
    char *name, *tag, err[256];

    if (!c)
        return;
    name = strdup(c->name);
    tag = strdup(c->n_tasks && c->tasks[0].n_tags ? c->tasks[0].tags[0] : "none");
    if (!name || !tag)
        abort();
    (void)scenario_filter(s, &name, 1, &tag, 1, NULL, 0, err, sizeof err);
    free(name);
    free(tag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[512];
    struct scenario *s = NULL;

    if (scenario_load_string(text, FUZZ_FILE, &s, err, sizeof err) == 0) {
        render_all(s);
        filter(s);
        scenario_free(s);
    }
    free(text);
    return 0;
}
