/* scenario_internal: what the scenario loader's files (scenario.c, scenario_class.c,
 * scenario_step.c, scenario_feeder.c, scenario_targets.c) declare for one another; each parses
 * one part of the file with the reading helpers of loader.h. Only the loader includes this (and
 * cJSON); the engine sees scenario.h. Loading thread only. */
#ifndef HORNET_SCENARIO_INTERNAL_H
#define HORNET_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "loader.h"
#include "scenario.h"
#include "template.h"

/* ---- scenario_step.c */
int scenario_step_parse_list(struct loader *ld, const cJSON *list, bool allow_empty,
                             struct step **out, uint32_t *n);
void scenario_step_free_list(struct step *steps, uint32_t n);
/* One step at obj (numbered ld->step_base for the variable checks while reading_on_start). */
int scenario_step_parse_one(struct loader *ld, const cJSON *obj, struct step *st);
int scenario_step_headers(struct loader *ld, const cJSON *obj, struct kv_tmpl **out, uint32_t *n);
void scenario_step_free_headers(struct kv_tmpl *kv, uint32_t n);
/* Parse a JSON path ("results[0].id", "results.*.id", "$") given as text at item (a string
 * item: errors point inside it). -1 with the error reported. */
int scenario_step_json_path(struct loader *ld, const cJSON *item, const char *text,
                            struct json_path *out);
void scenario_step_free_json_path(struct json_path *p);

/* ---- scenario_class.c */
int scenario_class_parse_all(struct loader *ld, const cJSON *list);
void scenario_class_free(struct user_class *c);
void scenario_class_free_task(struct task *t);

/* The largest scenario or data (feeder) file read (textfile_read). */
#define SCENARIO_FILE_MAX ((size_t)256 << 20)

/* ---- scenario_feeder.c */
int scenario_feeder_parse_all(struct loader *ld, const cJSON *obj);
void scenario_feeder_free(struct feeder *f);
/* RFC 4180 CSV text (first record: column names) into f's columns and cells. -1 with a message
 * "line N: ..." in err. */
int scenario_feeder_parse_csv(const char *text, size_t len, struct feeder *f, char *err,
                              size_t errlen);

/* ---- scenario_fixture.c: the top-level "setup", "preflight" and "teardown" members */
int scenario_fixture_parse_setup(struct loader *ld, const cJSON *obj);
int scenario_fixture_parse_preflight(struct loader *ld, const cJSON *obj);
int scenario_fixture_parse_teardown(struct loader *ld, const cJSON *obj);
void scenario_fixture_free(struct scenario *s);
/* Whether variable var is captured by setup (while loading: s->shared may be shorter than
 * s->n_vars; scenario_load leaves it n_vars long). */
bool scenario_var_shared(const struct scenario *s, uint32_t var);
/* Preflight's backend-health checks against the health block, once the file is read: their
 * metrics by name, their limits parsed in the metric's unit. -1 with the error located. */
int scenario_fixture_resolve(struct loader *ld);
/* Grow s->shared to n_vars entries once the file is read. -1 on OOM. */
int scenario_fixture_share_all(struct scenario *s);

/* ---- scenario_targets.c */
int scenario_targets_parse(struct loader *ld, const cJSON *obj);
void scenario_targets_free(struct target_def *t, uint32_t n);

/* ---- scenario_arrivals.c */
/* A class's / the scenario's `arrivals` object (the latter after the classes: it checks that
 * some class shares it and that its users go round). */
int scenario_arrivals_parse_class(struct loader *ld, const cJSON *obj, struct user_class *c);
int scenario_arrivals_parse_top(struct loader *ld, const cJSON *obj);
void scenario_arrivals_free(struct arrival_config *a);
/* Whether class k's requests have an intended start (scenario_has_intended, for one class). */
bool scenario_class_intended(const struct scenario *s, uint32_t k);
/* ---- scenario_health.c: the "health" block (sources, metrics, limits) into s->health */
int scenario_health_parse(struct loader *ld, const cJSON *obj);
void scenario_health_free(struct health_def *h);

/* ---- scenario.c */
/* scenario_load from a string (tests write their scenarios inline); filename is used in
 * messages and to resolve data files. */
int scenario_load_string(const char *text, const char *filename, struct scenario **out,
                         char *err, size_t errlen);

/* The endpoint index of (method, name), added when new; -1 when there are too many. */
int scenario_add_endpoint(struct loader *ld, enum http_method m, const char *name, uint32_t *out);
/* The index of variable name in s->vars, appended when new. -1 on OOM. */
int scenario_add_var(struct loader *ld, const char *name, uint32_t *out);
bool scenario_is_ident(const char *s);

#endif
