/*
 * fuzz/fuzz_search_common.h: what the search harnesses share: a cheap stand-in for the
 * mapper (every loop at the outermost level: valid whenever the problem fits there), the
 * check that a spec only names regular files (a fuzzed spec may name /dev/zero or a
 * directory; reading those is the caller's business, not the parser's), and the search's
 * consumers after a successful load (step, every report, a checkpoint round trip).
 */
#ifndef ADSE_FUZZ_SEARCH_COMMON_H
#define ADSE_FUZZ_SEARCH_COMMON_H

#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include "fuzz_common.h"

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_report.h"
#include "adse/search_spec.h"

#ifndef ADSE_FUZZ_DATA_DIR
#error "ADSE_FUZZ_DATA_DIR must name tests/data"
#endif
#define FUZZ_SEED_DIR ADSE_FUZZ_DATA_DIR "/seed-experiment/original"

static inline adse_status fuzz_outer_map(void *user, const adse_model *model,
                                         const adse_constraints *constraints,
                                         const adse_mapper_settings *settings,
                                         adse_mapper_result *out, adse_err *err)
{
    (void)user, (void)constraints, (void)settings;
    memset(out, 0, sizeof *out);
    const adse_arch *a = adse_model_arch(model);
    const adse_problem *p = adse_model_problem(model);
    adse_mapping *m = &out->best;
    adse_mapping_init(m, a->n_levels, p->n_dims, p->n_ds);
    for (int d = 0; d < p->n_dims; d++)
        m->temporal[a->n_levels - 1][d] = p->bounds[d];
    adse_scratch *sc = adse_scratch_new(model);
    if (!sc) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    out->found = adse_model_evaluate(model, m, sc, &out->result, NULL) == ADSE_OK;
    adse_scratch_free(sc);
    return ADSE_OK;
}

static inline bool fuzz_regular(const char *path)
{
    struct stat st;
    return path[0] && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (1 << 20);
}

static inline bool fuzz_spec_files_ok(const adse_search_spec *sp)
{
    for (int i = 0; i < sp->n_arch_files; i++)
        if (!fuzz_regular(sp->arch_files[i])) return false;
    for (int i = 0; i < sp->n_constraint_files; i++)
        if (!fuzz_regular(sp->constraint_files[i])) return false;
    if (sp->mapper_file[0] && !fuzz_regular(sp->mapper_file)) return false;
    for (int i = 0; i < sp->n_layers; i++)
        if (!fuzz_regular(sp->layers[i].problem)) return false;
    return true;
}

/* Reports and a checkpoint round trip of a search in any state. */
static inline void fuzz_search_consumers(adse_search *s)
{
    FILE *out = fuzz_devnull();
    if (!out) return;
    (void)adse_report_search_history_csv(out, s);
    (void)adse_report_search_json(out, s);
    (void)adse_report_search_md(out, s, "c.svg");
    (void)adse_report_search_svg(out, s);
    (void)adse_report_search_summary(out, s);
    (void)adse_report_search_pareto_csv(out, s); /* ADSE_E_USAGE without objectives */
    (void)adse_report_search_pareto_svg(out, s);
    (void)adse_report_search_hypervolume_svg(out, s);
    const adse_search_spec *sp = adse_search_get_spec(s);
    char buf[64];
    for (int i = 0; i < sp->n_genes; i++)
        for (int k = 0; k < sp->genes[i].n_values; k++)
            (void)adse_search_format_gene(s, i, sp->genes[i].values[k], buf, sizeof buf);
    for (int b = 0; b < ADSE_BUDGET_COUNT; b++)
        (void)adse_search_budget_limit(s, (adse_search_budget_id)b);
    for (int i = 0; i < sp->n_refs; i++)
        (void)adse_search_reference(s, i);
    for (int i = 0; i < adse_search_history_count(s); i++)
        (void)adse_search_history_at(s, i);
    for (int i = 0; i < adse_search_generation_count(s); i++)
        (void)adse_search_generation_at(s, i);
    (void)adse_search_baseline(s);
    const adse_search_design *best = adse_search_best(s);
    adse_err err;
    if (best) {
        adse_search_detail *d = NULL;
        if (adse_search_design_detail(s, best, &d, &err) == ADSE_OK) adse_search_detail_free(d);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        (void)adse_search_checkpoint_save(s, mem, &err);
        fclose(mem);
        FILE *in = fmemopen(text, len ? len : 1, "r");
        if (in) {
            (void)adse_search_checkpoint_load(s, in, &err);
            fclose(in);
        }
        free(text);
    }
}

#endif
