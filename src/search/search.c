/* The genetic algorithm of adse/search.h: records, evaluation of a design, generations.
 * The record cache is cache.c; the worker pool that evaluates a generation is pool.c. */
#define _POSIX_C_SOURCE 200809L
#include "search/search_internal.h"
#include "util/numtext.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ------------------------------------------------------------------- */

const char *adse_design_status_name(adse_design_status s)
{
    switch (s) {
    case ADSE_DESIGN_OK: return "ok";
    case ADSE_DESIGN_OVER_BUDGET: return "over_budget";
    case ADSE_DESIGN_INVALID: return "invalid";
    case ADSE_DESIGN_NO_MAPPING: return "no_mapping";
    }
    return "?";
}

void adse_search_options_init(adse_search_options *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->stop_after = -1;
}

static adse_status nomem(adse_err *err)
{
    return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* ---- history --------------------------------------------------------------------- */

static bool history_push(adse_search *s, int rec, int gen, int index)
{
    if (s->n_history == s->cap_history) {
        int cap = s->cap_history ? s->cap_history * 2 : 256;
        int *h = realloc(s->history, (size_t)cap * sizeof *h);
        if (!h) return false;
        s->history = h;
        s->cap_history = cap;
    }
    s->history[s->n_history++] = rec;
    s->records[rec].in_history = true;
    s->records[rec].d.generation = gen;
    s->records[rec].d.index = index;
    return true;
}

/* ---- loss ---------------------------------------------------------------------------- */

double adse__program_value(const adse_search_loss *l, const double *m, const double *base)
{
    double v = 0;
    if (!l->is_expression) {
        for (int k = 0; k < ADSE_SM_COUNT; k++) {
            if (l->weights[k] == 0) continue;
            double x = m[k];
            if (l->normalize) x /= base[k];
            double sign = (k == ADSE_SM_GFLOPS || k == ADSE_SM_UTILIZATION) ? -1 : 1;
            v += sign * l->weights[k] * x;
        }
    } else {
        double st[64];
        int sp = 0;
        for (int i = 0; i < l->n_ops; i++) {
            const adse_search_op *op = &l->ops[i];
            double a, b;
            switch ((adse_search_opcode)op->code) {
            case ADSE_OP_NUM: st[sp++] = op->value; break;
            case ADSE_OP_METRIC: st[sp++] = (op->baseline ? base : m)[op->metric]; break;
            case ADSE_OP_NEG: st[sp - 1] = -st[sp - 1]; break;
            case ADSE_OP_LOG: st[sp - 1] = log(st[sp - 1]); break;
            case ADSE_OP_SQRT: st[sp - 1] = sqrt(st[sp - 1]); break;
            case ADSE_OP_ABS: st[sp - 1] = fabs(st[sp - 1]); break;
            default:
                b = st[--sp];
                a = st[sp - 1];
                switch ((adse_search_opcode)op->code) {
                case ADSE_OP_ADD: a = a + b; break;
                case ADSE_OP_SUB: a = a - b; break;
                case ADSE_OP_MUL: a = a * b; break;
                case ADSE_OP_DIV: a = a / b; break;
                case ADSE_OP_MIN: a = b < a ? b : a; break;
                case ADSE_OP_MAX: a = b > a ? b : a; break;
                default: break;
                }
                st[sp - 1] = a;
            }
        }
        v = sp == 1 ? st[0] : NAN;
    }
    return isnan(v) ? INFINITY : v; /* an undefined loss ranks last */
}

void adse__score(const adse_search *s, adse_search_design *d, const double *base)
{
    if (!s->spec.n_objectives) {
        d->loss = adse__program_value(&s->spec.loss, d->metrics, base);
        return;
    }
    for (int k = 0; k < s->spec.n_objectives; k++)
        d->objectives[k] = adse__program_value(&s->spec.objectives[k].expr, d->metrics, base);
    d->loss = d->objectives[0];
}

/* ---- evaluation ---------------------------------------------------------------------- */

/* Maps layer l's model: the test hooks, or the mapper warm-started from seeds (only pruning:
 * the same result as without them). */
static adse_status map_layer(const adse_search *s, const adse_model *model,
                             const adse_constraints *constraints,
                             const adse_mapper_settings *settings, const adse_mapping *seeds,
                             int n_seeds, adse_mapper_result *out, adse_err *err)
{
    if (s->opts.map) return s->opts.map(s->opts.map_user, model, constraints, settings, out, err);
    if (s->opts.map_seeded)
        return s->opts.map_seeded(s->opts.map_user, model, constraints, settings, seeds, n_seeds,
                                  out, err);
    return adse_mapper_run_seeded(model, constraints, settings, seeds, n_seeds, out, err);
}

static void set_reason(adse_search_design *d, adse_design_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_reason(adse_search_design *d, adse_design_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse__c_vsnprintf(d->reason, sizeof d->reason, fmt, ap);
    va_end(ap);
    d->status = st; /* the loss stays +inf (set when the record was made) */
}

void adse__layer_failed(const adse_search *s, adse_search_design *d, int l, adse_status st,
                        const adse_err *e)
{
    const char *name = adse_search_layer_name(s, l);
    if (st != ADSE_OK)
        set_reason(d, ADSE_DESIGN_NO_MAPPING, "layer '%s': mapper error: %s", name, e->msg);
    else
        set_reason(d, ADSE_DESIGN_NO_MAPPING, "layer '%s' has no valid mapping", name);
}

bool adse__split_layer(const adse_search *s, const adse_model *model,
                       const adse_constraints *constraints, int l)
{
    if (s->opts.map || s->opts.map_seeded) return false; /* the tests' mapping step */
    double size = 0;
    adse_err e;
    adse_err_clear(&e);
    /* an error is the mapping's to report */
    return adse_mapper_mapspace_size(model, constraints, &s->settings[l], &size, &e) == ADSE_OK &&
           adse_mapper_split_pays(&s->settings[l], size);
}

adse_status adse__layer_inputs(const adse_search *s, const double *genes, int l,
                               const adse_spec **out, adse_spec **owned, adse_err *err)
{
    adse_status st = adse__design_derive(&s->designer, s->layers[l], genes, owned, err);
    *out = *owned ? *owned : s->layers[l];
    return st;
}

adse_status adse__map_layers(const adse_search *s, const adse_arch *arch, adse_search_design *d,
                             int from, bool split, adse_mapping *maps,
                             adse_network_layer_result *lres, uint64_t *computes,
                             const adse_mapping *const *seed_sets, int n_sets, int mapper_threads,
                             int *end, adse_err *err)
{
    adse_mapper_result *mres = malloc(sizeof *mres);
    adse_mapping *seeds = malloc((size_t)(n_sets + s->n_layers) * sizeof *seeds);
    adse_status ret = ADSE_OK;
    int l = from;
    if (!mres || !seeds) {
        ret = nomem(err);
        goto out;
    }
    adse_err e;
    for (; l < s->n_layers; l++) {
        const adse_spec *ls;
        adse_spec *derived = NULL;
        adse_model *model = NULL;
        adse_err_clear(&e);
        adse_status ds = adse__layer_inputs(s, d->genes, l, &ls, &derived, &e);
        if (ds == ADSE_E_NOMEM || ds == ADSE_E_INTERNAL || ds == ADSE_E_USAGE) {
            if (err) *err = e;
            ret = ds;
            goto out;
        }
        if (ds != ADSE_OK || adse_model_create(arch, &ls->problem, NULL, &model, &e) != ADSE_OK) {
            set_reason(d, ADSE_DESIGN_INVALID, "layer '%s': %s", adse_search_layer_name(s, l),
                       e.msg);
            adse_spec_free(derived);
            goto out;
        }
        const adse_constraints *cons = ls->has_constraints ? &ls->constraints : NULL;
        if (split && adse__split_layer(s, model, cons, l)) {
            adse_model_free(model);
            adse_spec_free(derived);
            goto out;
        }
        adse_mapper_settings st = s->settings[l];
        st.threads = mapper_threads;
        /* warm start: the neighbours' mappings of this layer, this design's of an identical
           earlier layer */
        int n_seeds = 0;
        for (int k = 0; k < n_sets; k++)
            seeds[n_seeds++] = seed_sets[k][l];
        for (int k = from; k < l; k++)
            if (adse_problem_equal(&s->layers[k]->problem, &ls->problem))
                seeds[n_seeds++] = maps[k];
        adse_err_clear(&e);
        adse_status ms = map_layer(s, model, cons, &st, seeds, n_seeds, mres, &e);
        adse_model_free(model);
        adse_spec_free(derived);
        if (ms != ADSE_OK || !mres->found) {
            adse__layer_failed(s, d, l, ms, &e);
            if (ms != ADSE_OK && err) *err = e;
            ret = ms;
            goto out;
        }
        maps[l] = mres->best;
        lres[l] = adse_mapper_layer_result(mres);
        computes[l] = mres->result.computes;
    }
out:
    *end = l;
    free(mres);
    free(seeds);
    return ret;
}

void adse__design_totals(const adse_search *s, adse_search_design *d,
                         const adse_network_layer_result *lres, const uint64_t *computes)
{
    double cycles = 0, energy = 0, ops = 0, macs = 0;
    for (int l = 0; l < s->n_layers; l++) {
        double w = adse_search_layer_weight(s, l);
        cycles += w * (double)lres[l].cycles;
        energy += w * lres[l].energy_pj;
        ops += w * (double)lres[l].total_ops;
        macs += w * (double)computes[l];
    }
    if (s->net) {
        /* the network's totals exactly as `adse map` on the network reports them */
        adse_network_totals t;
        adse_network_totals_compute(s->net, lres, &t);
        cycles = (double)t.cycles;
        energy = t.energy_pj;
        ops = (double)t.total_ops;
        d->metrics[ADSE_SM_UTILIZATION] = t.utilization;
    } else {
        /* metrics[ADSE_SM_PES] is the design's MAC instances (adse__arch_budget_metrics) */
        d->metrics[ADSE_SM_UTILIZATION] = macs / d->metrics[ADSE_SM_PES] / cycles;
    }
    d->metrics[ADSE_SM_CYCLES] = cycles;
    d->metrics[ADSE_SM_ENERGY] = energy;
    d->metrics[ADSE_SM_GFLOPS] = ops / cycles;
    d->metrics[ADSE_SM_EDP] = cycles * energy / 1e12;
    d->status = ADSE_DESIGN_OK;
    d->reason[0] = 0;
}

bool adse__design_begin(const adse_search *s, adse_search_design *d, adse_arch *arch)
{
    adse_err e;
    adse_err_clear(&e);
    if (adse__design_arch(&s->designer, d->genes, arch, &e) != ADSE_OK) {
        set_reason(d, ADSE_DESIGN_INVALID, "%s", e.msg);
        return false;
    }
    adse__arch_budget_metrics(arch, d->metrics);
    return true;
}

adse_status adse__evaluate_design(const adse_search *s, adse_search_design *d, adse_mapping *maps,
                                  adse_network_layer_result *lres,
                                  const adse_mapping *const *seed_sets, int n_sets,
                                  int mapper_threads, adse_err *err)
{
    adse_arch *arch = malloc(sizeof *arch);
    uint64_t *computes = calloc((size_t)s->n_layers, sizeof *computes);
    adse_status ret = ADSE_OK;
    if (!arch || !computes) {
        ret = nomem(err);
        goto out;
    }
    if (!adse__design_begin(s, d, arch)) goto out;
    int end;
    ret = adse__map_layers(s, arch, d, 0, false, maps, lres, computes, seed_sets, n_sets,
                           mapper_threads, &end, err);
    if (ret == ADSE_OK && end == s->n_layers) adse__design_totals(s, d, lres, computes);
out:
    free(arch);
    free(computes);
    return ret;
}

int adse__seed_sets(const adse_search *s, int rec, const adse_mapping **sets)
{
    /* the seed records were evaluated before this record's batch: no other thread writes
       them now */
    const adse__record *r = &s->records[rec];
    int n_sets = 0;
    for (int k = 0; k < r->n_seed_recs && !s->opts.cold_start; k++) {
        const adse__record *sr = &s->records[r->seed_recs[k]];
        if (sr->mappings && sr->d.status == ADSE_DESIGN_OK) sets[n_sets++] = sr->mappings;
    }
    return n_sets;
}

void adse__record_keep(adse__record *r, adse_mapping **maps, adse_network_layer_result **lres)
{
    free(r->mappings);
    free(r->layer_results);
    r->mappings = *maps;
    r->layer_results = *lres;
    *maps = NULL;
    *lres = NULL;
}

/* Maps every layer of record rec's design (adse__evaluate_design). Writes only that
 * record. */
adse_status adse__evaluate(adse_search *s, int rec, int mapper_threads, adse_err *err)
{
    adse__record *r = &s->records[rec];
    adse_mapping *maps = calloc((size_t)s->n_layers, sizeof *maps);
    adse_network_layer_result *lres = calloc((size_t)s->n_layers, sizeof *lres);
    const adse_mapping *sets[ADSE__MAX_SEED_RECS];
    int n_sets = adse__seed_sets(s, rec, sets);
    adse_status st = maps && lres ? adse__evaluate_design(s, &r->d, maps, lres, sets, n_sets,
                                                          mapper_threads, err)
                                  : nomem(err);
    if (r->d.status == ADSE_DESIGN_OK && st == ADSE_OK) adse__record_keep(r, &maps, &lres);
    free(maps);
    free(lres);
    return st;
}

static double best_loss_so_far(const adse_search *s)
{
    double best = INFINITY;
    for (int i = 0; i < s->n_history; i++) {
        double l = s->records[s->history[i]].d.loss;
        if (l < best) best = l;
    }
    return best;
}

void adse__report_progress(adse_search *s, int done, int total)
{
    if (!s->opts.progress) return;
    adse_search_progress p = {.generation = s->gen,
                              .generations = s->spec.ga.generations,
                              .done = done,
                              .total = total,
                              .best_loss = best_loss_so_far(s),
                              .evaluations = s->counters.evaluations + (uint64_t)done,
                              .seconds = s->seconds_before + (adse_clock_s() - s->session_start)};
    s->opts.progress(&p, s->opts.progress_user);
}

/* ---- creation ------------------------------------------------------------------------ */

/* Layer l's inputs: the design files with the layer's problem file, or with the network
 * layer's problem (net not NULL). */
static adse_status load_layer(const adse_search_spec *spec, const adse_network *net, int l,
                              const adse_search_options *so, adse_spec **out, adse_err *err)
{
    const char *files[2 * ADSE_SEARCH_MAX_FILES + 2];
    int n = 0;
    for (int i = 0; i < spec->n_arch_files; i++)
        files[n++] = spec->arch_files[i];
    for (int i = 0; i < spec->n_constraint_files; i++)
        files[n++] = spec->constraint_files[i];
    if (spec->mapper_file[0]) files[n++] = spec->mapper_file;
    adse_spec_options o;
    adse_spec_options_init(&o);
    o.template_vars = so->template_vars;
    o.n_template_vars = so->n_template_vars;
    if (net)
        o.problem = &net->layers[l].problem;
    else
        files[n++] = spec->layers[l].problem;
    adse_status st = adse_spec_load_opts(files, n, &o, out, err);
    if (st == ADSE_E_IO && err) {
        /* name the spec line that refers to the file */
        bool is_problem = !net && strcmp(err->file, spec->layers[l].problem) == 0;
        char msg[ADSE_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%.200s: %.280s", err->file, err->msg);
        return adse_err_set(err, ADSE_E_IO, spec->path,
                            is_problem ? spec->layers[l].line : spec->design_line,
                            is_problem ? spec->layers[l].column : spec->design_column, "%s", msg);
    }
    if (st) return st;
    const adse_spec *ls = *out;
    if (!ls->has_arch)
        return adse_err_set(err, ADSE_E_SPEC, spec->path, spec->design_line, spec->design_column,
                            "'design' files have no 'architecture'");
    if (!ls->has_problem)
        return adse_err_set(err, ADSE_E_SPEC, spec->path, spec->layers[l].line,
                            spec->layers[l].column, "workload file '%s' has no 'problem'",
                            spec->layers[l].problem);
    if (ls->has_mapping)
        return adse_err_set(err, ADSE_E_SPEC, spec->path,
                            net ? spec->design_line : spec->layers[l].line,
                            net ? spec->design_column : spec->layers[l].column,
                            "the inputs of workload '%s' hold a 'mapping': the search maps every "
                            "layer itself",
                            net ? net->layers[l].name : spec->layers[l].name);
    return ADSE_OK;
}

/* The spec's network file, its errors located at the `workload` value. */
static adse_status load_network(const adse_search_spec *spec, adse_network **out, adse_err *err)
{
    adse_err e;
    adse_err_clear(&e);
    if (adse_network_load(spec->network, NULL, out, &e) == ADSE_OK) {
        if ((*out)->n_layers > 0) return ADSE_OK;
        return adse_err_set(err, ADSE_E_SPEC, spec->path, spec->network_line, spec->network_column,
                            "workload '%s' has no compute layer", spec->network);
    }
    char where[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    return adse_err_set(err, e.code, spec->path, spec->network_line, spec->network_column,
                        "workload: %s", adse_err_format(&e, where, sizeof where));
}

adse_status adse_search_create(const adse_search_spec *spec, const adse_search_options *opts,
                               adse_search **out, adse_err *err)
{
    adse_err_clear(err);
    if (!spec || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_create: NULL");
    *out = NULL;
    adse_search *s = calloc(1, sizeof *s);
    if (!s) return nomem(err);
    s->spec = *spec;
    if (opts)
        s->opts = *opts;
    else
        adse_search_options_init(&s->opts);
    s->seed = s->opts.has_seed ? s->opts.seed : spec->ga.seed;
    s->threads = s->opts.threads > 0 ? s->opts.threads : adse_cpu_count();
    s->baseline_rec = -1;
    for (int i = 0; i < ADSE_SEARCH_MAX_REFS; i++)
        s->ref_rec[i] = -1;
    s->session_start = adse_clock_s();
    adse_status st = ADSE_OK;
    if (!(s->splits = adse__split_cache_new())) {
        st = nomem(err);
        goto fail;
    }
    if (spec->network[0] && (st = load_network(spec, &s->net, err))) goto fail;
    s->n_layers = s->net ? s->net->n_layers : spec->n_layers;
    s->layers = calloc((size_t)s->n_layers, sizeof *s->layers);
    s->settings = calloc((size_t)s->n_layers, sizeof *s->settings);
    s->pop = calloc((size_t)spec->ga.population * ADSE_SEARCH_MAX_GENES, sizeof *s->pop);
    s->pop_parents = malloc((size_t)spec->ga.population * 2 * sizeof *s->pop_parents);
    s->archive = calloc((size_t)spec->ga.population, sizeof *s->archive);
    if (!s->layers || !s->settings || !s->pop || !s->pop_parents || !s->archive) {
        st = nomem(err);
        goto fail;
    }
    for (int i = 0; i < 2 * spec->ga.population; i++)
        s->pop_parents[i] = -1;
    for (int l = 0; l < s->n_layers; l++) {
        if ((st = load_layer(&s->spec, s->net, l, &s->opts, &s->layers[l], err))) goto fail;
        adse_mapper_settings *ms = &s->settings[l];
        if (s->layers[l]->has_mapper)
            *ms = s->layers[l]->mapper;
        else
            adse_mapper_settings_init(ms);
        if (spec->has_time_limit) ms->time_limit_s = spec->time_limit_s;
        if (spec->n_metrics) {
            ms->n_metrics = (uint8_t)spec->n_metrics;
            memcpy(ms->metrics, spec->metrics, sizeof spec->metrics);
        }
    }
    const adse_spec *l0 = s->layers[0];
    if ((st = adse__designer_init(&s->designer, &s->spec, l0, err))) goto fail;
    double base_m[ADSE_SM_COUNT] = {0};
    adse__arch_budget_metrics(&l0->arch, base_m);
    for (int b = 0; b < ADSE_BUDGET_COUNT; b++) {
        const adse_search_budget *bu = &spec->budgets[b];
        adse_search_metric m = adse_search_budget_info((adse_search_budget_id)b)->metric;
        s->limit[b] = !bu->set ? INFINITY : bu->of_baseline ? bu->scale * base_m[m] : bu->limit;
    }
    if ((st = adse__designer_check(&s->designer, s->limit, err))) goto fail;
    adse__baseline_genes(&s->designer, s->baseline_genes, &s->baseline_in_domain);
    adse__rng_seed(&s->rng, s->seed);
    *out = s;
    return ADSE_OK;
fail:
    adse_search_free(s);
    return st;
}

void adse_search_free(adse_search *s)
{
    if (!s) return;
    for (int l = 0; s->layers && l < s->n_layers; l++)
        adse_spec_free(s->layers[l]);
    free(s->layers);
    free(s->settings);
    adse_network_free(s->net);
    adse__split_cache_free(s->splits);
    for (int r = 0; r < s->n_records; r++) {
        free(s->records[r].mappings);
        free(s->records[r].layer_results);
    }
    free(s->records);
    free(s->table);
    free(s->history);
    free(s->pop);
    free(s->pop_parents);
    free(s->archive);
    free(s->gens);
    free(s);
}

/* ---- generations --------------------------------------------------------------------- */

/* Checks budgets and geometry of gene values without mapping into *out; fills metrics when
 * valid. Running out of memory is an error that stops the search (ADSE_E_NOMEM), never a
 * design silently marked invalid: the result would depend on the memory available. */
static adse_status screen(const adse_search *s, const double *genes, double *metrics, char *reason,
                          size_t size, adse_design_status *out, adse_err *err)
{
    adse_arch *arch = malloc(sizeof *arch);
    if (!arch) return nomem(err);
    adse_err e;
    adse_err_clear(&e);
    adse_design_status ds = ADSE_DESIGN_OK;
    adse_status st = adse__design_arch(&s->designer, genes, arch, &e);
    if (st == ADSE_E_NOMEM || st == ADSE_E_INTERNAL) {
        free(arch);
        if (err) *err = e;
        return st;
    }
    if (st != ADSE_OK) {
        snprintf(reason, size, "%.191s", e.msg);
        ds = ADSE_DESIGN_INVALID;
    } else {
        adse__arch_budget_metrics(arch, metrics);
        for (int b = 0; b < ADSE_BUDGET_COUNT && ds == ADSE_DESIGN_OK; b++) {
            const adse_search_budget_kind *k = adse_search_budget_info((adse_search_budget_id)b);
            if (metrics[k->metric] > s->limit[b]) {
                adse__c_snprintf(reason, size, "%s %.17g exceeds the budget %.17g", k->name,
                                 metrics[k->metric], s->limit[b]);
                ds = ADSE_DESIGN_OVER_BUDGET;
            }
        }
    }
    free(arch);
    *out = ds;
    return ADSE_OK;
}

/* Whether gene values are among pending[0 .. n - 1]. */
static bool is_pending(const adse_search *s, const double *genes, const double *pending, int n)
{
    for (int i = 0; i < n; i++)
        if (memcmp(&pending[(size_t)i * ADSE_SEARCH_MAX_GENES], genes,
                   (size_t)s->spec.n_genes * sizeof *genes) == 0)
            return true;
    return false;
}

adse_status adse__draw_screened(adse_search *s, double *out, adse__draw_fn draw, const void *ctx,
                                const double *pending, int n_pending, adse_err *err)
{
    double m[ADSE_SM_COUNT];
    char reason[192];
    /* nsga2 and random spend every evaluation on a new design (the same budget for both) */
    bool fresh = s->spec.ga.algorithm != ADSE_ALGO_GA;
    for (int k = 0; k < s->spec.ga.max_resample; k++) {
        draw(s, out, ctx);
        /* a design already known is screened by its record */
        int r = adse__cache_find(s, out);
        adse_design_status ds = ADSE_DESIGN_OK;
        if (fresh &&
            ((r >= 0 && s->records[r].in_history) || is_pending(s, out, pending, n_pending))) {
            ds = ADSE_DESIGN_INVALID; /* a repeat: redrawn */
        } else if (r >= 0) {
            adse_design_status rs = s->records[r].d.status;
            if (rs == ADSE_DESIGN_OVER_BUDGET || rs == ADSE_DESIGN_INVALID) ds = rs;
        } else {
            adse_status st = screen(s, out, m, reason, sizeof reason, &ds, err);
            if (st) return st;
        }
        if (ds == ADSE_DESIGN_OK) return ADSE_OK;
        if (k + 1 < s->spec.ga.max_resample) s->counters.rejected++;
    }
    return ADSE_OK; /* the last draw is kept; its record says why it is infeasible */
}

static void draw_random(adse_search *s, double *out, const void *ctx)
{
    (void)ctx;
    for (int g = 0; g < s->spec.n_genes; g++) {
        const adse_search_gene *gn = &s->spec.genes[g];
        out[g] = gn->values[adse__rng_below(&s->rng, (uint64_t)gn->n_values)];
    }
}

typedef struct breed_ctx {
    const int *order; /* population indices by rank */
    const double *pop;
    int *parents; /* out: the population indices of the last child's parents */
} breed_ctx;

void adse__breed(adse_search *s, const double *pa, const double *pb, double *out)
{
    const adse_ga_settings *ga = &s->spec.ga;
    int n = s->spec.n_genes;
    for (int g = 0; g < n; g++) {
        bool from_b = ga->crossover == ADSE_CROSSOVER_UNIFORM && (adse__rng_next(&s->rng) >> 63);
        out[g] = from_b ? pb[g] : pa[g];
    }
    for (int g = 0; g < n; g++) {
        const adse_search_gene *gn = &s->spec.genes[g];
        if (adse__rng_unit(&s->rng) >= ga->mutation || gn->n_values < 2) continue;
        int cur = -1;
        for (int v = 0; v < gn->n_values; v++)
            if (gn->values[v] == out[g]) cur = v;
        if (cur < 0) {
            out[g] = gn->values[adse__rng_below(&s->rng, (uint64_t)gn->n_values)];
        } else {
            uint64_t v = adse__rng_below(&s->rng, (uint64_t)gn->n_values - 1);
            if ((int)v >= cur) v++;
            out[g] = gn->values[v];
        }
    }
}

/* One child: two parents among the top K (distinct when K > 1), then adse__breed. */
static void draw_child(adse_search *s, double *out, const void *vctx)
{
    const breed_ctx *c = vctx;
    uint64_t k = (uint64_t)s->spec.ga.parents;
    uint64_t a = adse__rng_below(&s->rng, k);
    uint64_t b = a;
    if (k > 1) {
        b = adse__rng_below(&s->rng, k - 1);
        if (b >= a) b++;
    }
    c->parents[0] = c->order[a];
    c->parents[1] = c->order[b];
    adse__breed(s, &c->pop[(size_t)c->order[a] * ADSE_SEARCH_MAX_GENES],
                &c->pop[(size_t)c->order[b] * ADSE_SEARCH_MAX_GENES], out);
}

static double *pop_at(adse_search *s, int i)
{
    return &s->pop[(size_t)i * ADSE_SEARCH_MAX_GENES];
}

static adse_status first_generation(adse_search *s, adse_err *err)
{
    int start = 0;
    adse_status st;
    if (s->spec.ga.include_baseline && s->baseline_in_domain) {
        double m[ADSE_SM_COUNT];
        char reason[192];
        adse_design_status ds;
        if ((st = screen(s, s->baseline_genes, m, reason, sizeof reason, &ds, err))) return st;
        if (ds == ADSE_DESIGN_OK) {
            memcpy(pop_at(s, 0), s->baseline_genes, sizeof s->baseline_genes);
            start = 1;
        }
    }
    for (int i = 0; i < 2 * s->spec.ga.population; i++)
        s->pop_parents[i] = -1;
    for (int i = start; i < s->spec.ga.population; i++) {
        memset(pop_at(s, i), 0, ADSE_SEARCH_MAX_GENES * sizeof(double));
        if ((st = adse__draw_screened(s, pop_at(s, i), draw_random, NULL, s->pop, i, err)))
            return st;
    }
    s->pop_ready = true;
    return ADSE_OK;
}

/* The seed's GA: the elite and children of the top K by loss, into next; each child's
 * parents' records (recs[member]) into parents[2 * child ..]. */
static adse_status ga_next(adse_search *s, const int *recs, const double *losses, double *next,
                           int *parents, adse_err *err)
{
    int n = s->spec.ga.population;
    int *order = malloc((size_t)n * sizeof *order);
    if (!order) return nomem(err);
    for (int i = 0; i < n; i++)
        order[i] = i;
    /* insertion sort: stable, deterministic, no global state (n is small) */
    for (int i = 1; i < n; i++) {
        int v = order[i], j = i - 1;
        while (j >= 0 && (losses[order[j]] > losses[v])) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = v;
    }
    int elite = s->spec.ga.elite;
    for (int e = 0; e < elite; e++)
        memcpy(&next[(size_t)e * ADSE_SEARCH_MAX_GENES], pop_at(s, order[e]),
               ADSE_SEARCH_MAX_GENES * sizeof(double));
    int drawn[2] = {-1, -1};
    breed_ctx ctx = {.order = order, .pop = s->pop, .parents = drawn};
    adse_status st = ADSE_OK;
    for (int i = elite; i < n && !st; i++) {
        st = adse__draw_screened(s, &next[(size_t)i * ADSE_SEARCH_MAX_GENES], draw_child, &ctx,
                                 NULL, 0, err);
        parents[2 * i] = recs[drawn[0]];
        parents[2 * i + 1] = recs[drawn[1]];
    }
    free(order);
    return st;
}

/* Breeds generation gen + 1 into s->pop from the evaluated generation (records recs, their
 * losses) by the spec's algorithm. */
static adse_status next_generation(adse_search *s, const int *recs, const double *losses,
                                   adse_err *err)
{
    int n = s->spec.ga.population;
    double *next = calloc((size_t)n * ADSE_SEARCH_MAX_GENES, sizeof *next);
    if (!next) return nomem(err);
    for (int i = 0; i < 2 * n; i++)
        s->pop_parents[i] = -1;
    adse_status st = ADSE_OK;
    switch (s->spec.ga.algorithm) {
    case ADSE_ALGO_GA: st = ga_next(s, recs, losses, next, s->pop_parents, err); break;
    case ADSE_ALGO_NSGA2: st = adse__nsga2_next(s, recs, n, next, err); break;
    case ADSE_ALGO_RANDOM:
        for (int i = 0; i < n && !st; i++)
            st = adse__draw_screened(s, &next[(size_t)i * ADSE_SEARCH_MAX_GENES], draw_random, NULL,
                                     next, i, err);
        break;
    }
    if (!st) memcpy(s->pop, next, (size_t)n * ADSE_SEARCH_MAX_GENES * sizeof(double));
    free(next);
    return st;
}

/* Warm start of a new generation member (record rec): its parents' (a GA child's) and the
 * baseline's mappings, records evaluated before this generation. */
static void set_seed_recs(adse_search *s, int rec, const int *parents)
{
    adse__record *r = &s->records[rec];
    int cand[3] = {parents[0], parents[1], s->baseline_rec};
    r->n_seed_recs = 0;
    for (int k = 0; k < 3; k++) {
        bool dup = cand[k] < 0 || cand[k] >= s->n_records || cand[k] == rec;
        for (int j = 0; j < r->n_seed_recs && !dup; j++)
            dup = r->seed_recs[j] == cand[k];
        if (!dup) r->seed_recs[r->n_seed_recs++] = cand[k];
    }
}

static bool grow_gens(adse_search *s)
{
    if (s->gen < s->cap_gens) return true;
    int cap = s->cap_gens ? s->cap_gens * 2 : 16;
    adse_search_generation *g = realloc(s->gens, (size_t)cap * sizeof *g);
    if (!g) return false;
    s->gens = g;
    s->cap_gens = cap;
    return true;
}

/* New record for gene values (screened: over-budget/invalid ones are final, the others
 * pending evaluation) at index *rec. */
static adse_status new_record(adse_search *s, const double *genes, bool *needs_eval, int *rec,
                              adse_err *err)
{
    adse_search_design d;
    memset(&d, 0, sizeof d);
    memcpy(d.genes, genes, sizeof d.genes);
    d.generation = -1;
    d.loss = INFINITY;
    adse_design_status ds;
    adse_status st = screen(s, genes, d.metrics, d.reason, sizeof d.reason, &ds, err);
    if (st) return st;
    d.status = ds;
    *needs_eval = ds == ADSE_DESIGN_OK;
    if (ds == ADSE_DESIGN_OVER_BUDGET) s->counters.over_budget++;
    if (ds == ADSE_DESIGN_INVALID) s->counters.invalid++;
    *rec = adse__cache_add(s, &d);
    return *rec < 0 ? nomem(err) : ADSE_OK;
}

/* Running out of memory while evaluating design d stops the search (its status would
 * depend on the machine, not on the design; docs/cluster.md section 4): the error names
 * the design and where it ran out. The gene list gets what the message leaves of
 * ADSE_ERR_MSG_MAX and ends in "..." when genes are left out, so that the reason and the
 * advice are never cut off. */
#define OUT_OF_MEMORY_FMT                                                                          \
    "out of memory evaluating design %s (%s); the search stops here: continue from the last "      \
    "checkpoint (--resume), e.g. with fewer threads"
adse_status adse__out_of_memory(const adse_search *s, const adse_search_design *d, adse_err *err)
{
    const char *why = d->reason[0] ? d->reason : "before its layers were mapped";
    int fixed = snprintf(NULL, 0, OUT_OF_MEMORY_FMT, "", why);
    size_t room =
        fixed >= 0 && fixed < ADSE_ERR_MSG_MAX - 1 ? ADSE_ERR_MSG_MAX - 1 - (size_t)fixed : 0;
    char genes[ADSE_ERR_MSG_MAX], item[2 * ADSE_NAME_MAX + 64], v[64];
    size_t used = 0;
    genes[0] = 0;
    for (int g = 0; g < s->spec.n_genes; g++) {
        int n = snprintf(item, sizeof item, "%s%s=%s", g ? " " : "", s->spec.genes[g].name,
                         adse_search_format_gene(s, g, d->genes[g], v, sizeof v));
        /* room for " ..." after it unless it is the last */
        size_t need = n < 0 ? SIZE_MAX : (size_t)n + (g + 1 < s->spec.n_genes ? 4 : 0);
        if (n < 0 || (size_t)n >= sizeof item || used + need > room) {
            snprintf(genes + used, sizeof genes - used, "%s...", g ? " " : "");
            break;
        }
        memcpy(genes + used, item, (size_t)n + 1);
        used += (size_t)n;
    }
    return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, OUT_OF_MEMORY_FMT, genes, why);
}
#undef OUT_OF_MEMORY_FMT

static adse_status finish_jobs(adse_search *s, const int *jobs, int n, const adse_status *status,
                               const adse_err *errs, bool fatal_mapper_errors, adse_err *err)
{
    const double *base = s->baseline_rec >= 0 ? s->records[s->baseline_rec].d.metrics : NULL;
    for (int i = 0; i < n; i++) {
        adse_search_design *d = &s->records[jobs[i]].d;
        s->counters.evaluations++;
        if (status[i] == ADSE_E_NOMEM) return adse__out_of_memory(s, d, err);
        if (status[i] != ADSE_OK && fatal_mapper_errors) {
            if (err) *err = errs[i];
            return status[i];
        }
        if (d->status == ADSE_DESIGN_NO_MAPPING) s->counters.no_mapping++;
        if (d->status == ADSE_DESIGN_INVALID) s->counters.invalid++;
        if (d->status == ADSE_DESIGN_OK && base) adse__score(s, d, base);
    }
    return ADSE_OK;
}

/* Baseline and references, once. */
static adse_status prepare(adse_search *s, adse_err *err)
{
    if (s->prepared) return ADSE_OK;
    int jobs[1 + ADSE_SEARCH_MAX_REFS];
    int n = 0;
    adse_search_design d;
    memset(&d, 0, sizeof d);
    memcpy(d.genes, s->baseline_genes, sizeof d.genes);
    d.generation = -1;
    d.loss = INFINITY;
    int r = adse__cache_add(s, &d);
    if (r < 0) return nomem(err);
    s->baseline_rec = jobs[n++] = r;
    for (int i = 0; i < s->spec.n_refs; i++) {
        const adse_search_ref *ref = &s->spec.refs[i];
        memcpy(d.genes, s->baseline_genes, sizeof d.genes);
        for (int g = 0; g < s->spec.n_genes; g++)
            if (ref->given[g]) d.genes[g] = ref->values[g];
        r = adse__cache_find(s, d.genes);
        if (r < 0) {
            if ((r = adse__cache_add(s, &d)) < 0) return nomem(err);
            jobs[n++] = r;
        }
        s->ref_rec[i] = r;
    }
    adse_status status[1 + ADSE_SEARCH_MAX_REFS];
    adse_err *errs = calloc((size_t)n, sizeof *errs);
    if (!errs) return nomem(err);
    adse_status st = adse__run_jobs(s, jobs, n, status, errs, err);
    if (!st && status[0] != ADSE_OK) {
        if (err) *err = errs[0];
        st = status[0];
    }
    free(errs);
    if (st) return st;
    const adse_search_design *b = &s->records[s->baseline_rec].d;
    if (b->status != ADSE_DESIGN_OK)
        return adse_err_set(err, ADSE_E_SPEC, s->spec.path, s->spec.design_line,
                            s->spec.design_column, "the baseline design cannot be evaluated: %s",
                            b->reason);
    for (int i = 0; i < n; i++) {
        adse_search_design *dd = &s->records[jobs[i]].d;
        if (dd->status == ADSE_DESIGN_OK) adse__score(s, dd, b->metrics);
    }
    s->counters.evaluations += (uint64_t)n;
    s->prepared = true;
    return ADSE_OK;
}

adse_status adse_search_step(adse_search *s, adse_err *err)
{
    adse_err_clear(err);
    if (!s) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_step: NULL");
    if (adse_search_finished(s)) return ADSE_OK;
    adse_status st = prepare(s, err);
    if (st) return st;
    if (!s->pop_ready && (st = first_generation(s, err))) return st;
    if (!grow_gens(s)) return nomem(err);
    int n = s->spec.ga.population;
    int *jobs = malloc((size_t)n * sizeof *jobs);
    int *recs = malloc((size_t)n * sizeof *recs);
    double *losses = malloc((size_t)n * sizeof *losses);
    adse_status *status = malloc((size_t)n * sizeof *status);
    adse_err *errs = calloc((size_t)n, sizeof *errs);
    if (!jobs || !recs || !losses || !status || !errs) {
        st = nomem(err);
        goto out;
    }
    adse_search_generation gs = {.best_loss = INFINITY, .mean_loss = NAN};
    int n_jobs = 0;
    for (int i = 0; i < n; i++) {
        const double *g = pop_at(s, i);
        int r = adse__cache_find(s, g);
        if (r >= 0) {
            s->counters.cache_hits++;
            gs.n_cached++;
        } else {
            bool needs;
            if ((st = new_record(s, g, &needs, &r, err))) goto out;
            if (needs) jobs[n_jobs++] = r;
            set_seed_recs(s, r, &s->pop_parents[2 * i]);
            gs.n_new++;
        }
        if (!s->records[r].in_history && !history_push(s, r, s->gen, i)) {
            st = nomem(err);
            goto out;
        }
        recs[i] = r;
    }
    if ((st = adse__run_jobs(s, jobs, n_jobs, status, errs, err))) goto out;
    if ((st = finish_jobs(s, jobs, n_jobs, status, errs, false, err))) goto out;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        losses[i] = s->records[recs[i]].d.loss;
        if (isfinite(losses[i])) {
            gs.n_feasible++;
            sum += losses[i];
            if (losses[i] < gs.best_loss) gs.best_loss = losses[i];
        }
    }
    if (gs.n_feasible) gs.mean_loss = sum / gs.n_feasible;
    s->gens[s->gen] = gs;
    s->gen++;
    if (s->gen < s->spec.ga.generations && (st = next_generation(s, recs, losses, err))) goto out;
    adse__report_progress(s, n_jobs, n_jobs);
out:
    free(jobs);
    free(recs);
    free(losses);
    free(status);
    free(errs);
    s->counters.seconds = s->seconds_before + (adse_clock_s() - s->session_start);
    return st;
}

adse_status adse_search_run(adse_search *s, adse_err *err)
{
    adse_err_clear(err);
    if (!s) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_run: NULL");
    while (!adse_search_finished(s)) {
        adse_status st = adse_search_step(s, err);
        if (st) return st;
        if (s->opts.stop_after >= 0 && s->gen > s->opts.stop_after) break;
    }
    return ADSE_OK;
}

int adse_search_generations_done(const adse_search *s)
{
    return s ? s->gen : 0;
}

bool adse_search_finished(const adse_search *s)
{
    return s && s->gen >= s->spec.ga.generations;
}

/* ---- results ------------------------------------------------------------------------- */

const adse_search_spec *adse_search_get_spec(const adse_search *s)
{
    return s ? &s->spec : NULL;
}

uint64_t adse_search_seed(const adse_search *s)
{
    return s ? s->seed : 0;
}

int adse_search_threads(const adse_search *s)
{
    return s ? s->threads : 0;
}

const adse_search_design *adse_search_baseline(const adse_search *s)
{
    return s && s->baseline_rec >= 0 ? &s->records[s->baseline_rec].d : NULL;
}

const adse_search_design *adse_search_reference(const adse_search *s, int i)
{
    if (!s || i < 0 || i >= s->spec.n_refs || s->ref_rec[i] < 0) return NULL;
    return &s->records[s->ref_rec[i]].d;
}

const adse_search_design *adse_search_best(const adse_search *s)
{
    if (!s) return NULL;
    const adse_search_design *best = NULL;
    for (int i = 0; i < s->n_history; i++) {
        const adse_search_design *d = &s->records[s->history[i]].d;
        if (isfinite(d->loss) && (!best || d->loss < best->loss)) best = d;
    }
    return best;
}

int adse_search_history_count(const adse_search *s)
{
    return s ? s->n_history : 0;
}

const adse_search_design *adse_search_history_at(const adse_search *s, int i)
{
    if (!s || i < 0 || i >= s->n_history) return NULL;
    return &s->records[s->history[i]].d;
}

int adse_search_generation_count(const adse_search *s)
{
    return s ? s->gen : 0;
}

const adse_search_generation *adse_search_generation_at(const adse_search *s, int i)
{
    if (!s || i < 0 || i >= s->gen) return NULL;
    return &s->gens[i];
}

adse_search_counters adse_search_get_counters(const adse_search *s)
{
    adse_search_counters c;
    memset(&c, 0, sizeof c);
    return s ? s->counters : c;
}

double adse_search_budget_limit(const adse_search *s, adse_search_budget_id b)
{
    if (!s || (unsigned)b >= ADSE_BUDGET_COUNT) return INFINITY;
    return s->limit[b];
}

int adse_search_layer_count(const adse_search *s)
{
    return s ? s->n_layers : 0;
}

const char *adse_search_layer_name(const adse_search *s, int i)
{
    if (!s || i < 0 || i >= s->n_layers) return NULL;
    return s->net ? s->net->layers[i].name : s->spec.layers[i].name;
}

double adse_search_layer_weight(const adse_search *s, int i)
{
    if (!s || i < 0 || i >= s->n_layers) return 0;
    return s->net ? (double)s->net->layers[i].count : s->spec.layers[i].weight;
}

const adse_network *adse_search_network(const adse_search *s)
{
    return s ? s->net : NULL;
}

const adse_network_layer_result *adse_search_layer_results(const adse_search *s,
                                                           const adse_search_design *d)
{
    if (!s || !d) return NULL;
    int rec = adse__cache_find(s, d->genes);
    if (rec < 0 || s->records[rec].d.status != ADSE_DESIGN_OK) return NULL;
    return s->records[rec].layer_results;
}

const adse_spec *adse_search_layer_spec(const adse_search *s, int i)
{
    if (!s || i < 0 || i >= s->n_layers) return NULL;
    return s->layers[i];
}

adse_status adse_search_design_arch(const adse_search *s, const double *genes, adse_arch *out,
                                    adse_err *err)
{
    adse_err_clear(err);
    if (!s || !genes || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_design_arch: NULL");
    return adse__design_arch(&s->designer, genes, out, err);
}

void adse_search_detail_free(adse_search_detail *d)
{
    if (!d) return;
    adse_spec_free(d->derived);
    free(d->mappings);
    free(d->results);
    free(d->stats);
    free(d);
}

adse_status adse_search_design_detail(adse_search *s, const adse_search_design *d,
                                      adse_search_detail **out, adse_err *err)
{
    adse_err_clear(err);
    if (!s || !d || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_design_detail: NULL");
    *out = NULL;
    int rec = adse__cache_find(s, d->genes);
    if (rec < 0 || s->records[rec].d.status != ADSE_DESIGN_OK)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_search_design_detail: not a feasible design of this search");
    adse_search_detail *det = calloc(1, sizeof *det);
    if (!det) return nomem(err);
    det->n_layers = s->n_layers;
    det->mappings = calloc((size_t)s->n_layers, sizeof *det->mappings);
    det->results = calloc((size_t)s->n_layers, sizeof *det->results);
    det->stats = calloc((size_t)s->n_layers, sizeof *det->stats);
    adse_mapper_result *mres = malloc(sizeof *mres);
    adse__record *r = &s->records[rec];
    /* a design restored from a checkpoint is re-mapped; its mappings and per-layer figures
       are kept in its record from then on */
    adse_network_layer_result *lres =
        r->mappings ? NULL : calloc((size_t)s->n_layers, sizeof *lres);
    adse_mapping *maps = r->mappings ? NULL : calloc((size_t)s->n_layers, sizeof *maps);
    adse_status st = ADSE_OK;
    if (!det->mappings || !det->results || !det->stats || !mres ||
        (!r->mappings && (!lres || !maps))) {
        st = nomem(err);
        goto out;
    }
    if ((st = adse__design_arch(&s->designer, d->genes, &det->arch, err))) goto out;
    /* a derived design's classic tree, for the writers (adse_spec_write_arch_yaml) */
    if ((st = adse__design_derive(&s->designer, s->layers[0], d->genes, &det->derived, err)))
        goto out;
    det->spec = det->derived ? det->derived : s->layers[0];
    for (int l = 0; l < s->n_layers; l++) {
        adse_model *model = NULL;
        if ((st = adse_model_create(&det->arch, &s->layers[l]->problem, NULL, &model, err)))
            goto out;
        if (r->mappings) {
            det->mappings[l] = r->mappings[l];
            adse_scratch *sc = adse_scratch_new(model);
            st = sc ? adse_model_evaluate(model, &det->mappings[l], sc, &det->results[l], err)
                    : nomem(err);
            adse_scratch_free(sc);
        } else {
            adse_mapper_settings ms = s->settings[l];
            ms.threads = s->threads;
            const adse_spec *ls;
            adse_spec *derived = NULL;
            st = adse__layer_inputs(s, d->genes, l, &ls, &derived, err);
            if (!st)
                st = map_layer(s, model, ls->has_constraints ? &ls->constraints : NULL, &ms, NULL,
                               0, mres, err);
            adse_spec_free(derived);
            if (!st && !mres->found)
                st = adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0, "layer '%s' no longer maps",
                                  adse_search_layer_name(s, l));
            if (!st) {
                det->mappings[l] = maps[l] = mres->best;
                det->results[l] = mres->result;
                det->stats[l] = mres->stats;
                lres[l] = adse_mapper_layer_result(mres);
            }
        }
        adse_model_free(model);
        if (st) goto out;
    }
    if (!r->mappings) {
        r->mappings = maps;
        r->layer_results = lres;
        maps = NULL;
        lres = NULL;
    }
out:
    free(mres);
    free(maps);
    free(lres);
    if (st) {
        adse_search_detail_free(det);
        return st;
    }
    *out = det;
    return ADSE_OK;
}

const char *adse_search_format_gene(const adse_search *s, int i, double v, char *buf, size_t size)
{
    if (!s || i < 0 || i >= s->spec.n_genes) {
        snprintf(buf, size, "?");
        return buf;
    }
    const adse_search_gene *g = &s->spec.genes[i];
    uint64_t x, y;
    if (g->attr == ADSE_GENE_MESH && adse_search_mesh_of(g, v, &x, &y)) {
        snprintf(buf, size, "%" PRIu64 "x%" PRIu64, x, y);
        return buf;
    }
    /* integers as integers (20, not 2e+01); otherwise the shortest text that reads back as
     * v (0.1, not 0.10000000000000001) */
    return adse__num_format(buf, size, v, ADSE__NUM_INTEGER);
}
