/* adse_spec_load(): files -> document tree -> typed specs (see adse/spec.h). */
#include "adse/spec.h"

#include "adse/limits.h"
#include "adse/search_spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy/bind.h"
#include "input/compound.h"
#include "input/internal.h"
#include "input/v04.h"
#include "input/jinja.h"

/* Top-level keys the loader converts, and keys it keeps in the tree for other tools
 * (Accelergy's inputs and summaries, timeloopfe's bookkeeping). */
static const char *const used_keys[] = {"architecture",
                                        "arch",
                                        "problem",
                                        "mapping",
                                        "ERT",
                                        "ART",
                                        "mapper",
                                        "mapspace",
                                        "mapspace_constraints",
                                        "architecture_constraints",
                                        "arch_constraints",
                                        "constraints",
                                        NULL};
static const char *const kept_keys[] = {"compound_components",
                                        "globals",
                                        "variables",
                                        "dumped_by_timeloop_front_end",
                                        "ERT_summary",
                                        "ART_summary",
                                        "model",
                                        "sparse_optimizations",
                                        "components",
                                        "flattened_architecture",
                                        NULL};

const adse__ydoc *adse__spec_doc(const adse_spec *spec)
{
    return spec && spec->internal ? spec->internal->doc : NULL;
}

const adse__ypair *adse__arch_top_pair(const adse__ydoc *doc)
{
    /* Timeloop's model and mapper look for `arch` first. */
    const adse__ypair *p = adse__ydoc_top_pair(doc, "arch");
    return p ? p : adse__ydoc_top_pair(doc, "architecture");
}

static adse_status check_top_keys(const adse__ydoc *doc, adse_err *err)
{
    for (int i = 0; i < adse__ydoc_top_count(doc); i++) {
        const adse__ynode *k = adse__ydoc_top_at(doc, i)->key;
        /* timeloopfe ignores every top-level key whose name contains "ignore" (the layer
         * shapes keep their base problem there, for an anchor) */
        if (!adse__ykey_in(k->text, used_keys) && !adse__ykey_in(k->text, kept_keys) &&
            !strstr(k->text, "ignore"))
            return adse__yerr(err, ADSE_E_SPEC, k, "unknown top-level key '%s'", k->text);
    }
    return ADSE_OK;
}

/* Names in per_dataspace_bandwidth_consumption_scale must be data spaces of the problem. */
static adse_status check_bw_scales(const adse_arch *a, const adse__arch_extra *extra,
                                   const adse_problem *p, adse_err *err)
{
    for (int i = 0; i < a->n_levels; i++) {
        const adse_buffer *b = &a->levels[i];
        for (int k = 0; k < b->n_bw_scales; k++)
            if (adse_problem_ds_id(p, b->bw_scale_names[k]) < 0)
                return adse__yerr(err, ADSE_E_SPEC, extra->bw_scale_nodes[i][k],
                                  "unknown data space '%s' in "
                                  "per_dataspace_bandwidth_consumption_scale of '%s'",
                                  b->bw_scale_names[k], b->name);
    }
    return ADSE_OK;
}

static bool has_technology(const adse_est_attrs *est)
{
    for (int i = 0; i < est->n; i++)
        if (adse__ykey_eq(est->names[i], "technology")) return true;
    return false;
}

/* A component without a technology that the estimator cannot price keeps Timeloop's
 * built-in energy and area, which is what Timeloop gives it, with a warning, when it gives
 * its own energy (vector_access_energy: only its area is missing) or when the architecture
 * has no technology anywhere (the 2019-2020 tutorials ran timeloop-model without
 * Accelergy). Otherwise a missing technology stays the estimator's error. Returns whether
 * it keeps them. */
static bool keep_fallback(adse_energy_source *energy, adse_energy_source *area,
                          adse_status estimate, const char *name, adse_srcpos pos,
                          adse__warnings *w)
{
    if (estimate == ADSE_OK) return false;
    bool e = *energy == ADSE_ENERGY_ESTIMATOR, a = *area == ADSE_ENERGY_ESTIMATOR;
    adse__warn(w, pos.file, pos.line, pos.column,
               "'%s' has no 'technology', which the estimator needs: its %s Timeloop's built-in "
               "%s, as in timeloop-model without Accelergy",
               name,
               e && a ? "energy and area are"
               : e    ? "energy is"
                      : "area is",
               e && a ? "ones" : "one");
    if (e) *energy = ADSE_ENERGY_FALLBACK;
    if (a) *area = ADSE_ENERGY_FALLBACK;
    return true;
}

static bool may_keep_fallback(adse_energy_source energy, adse_energy_source area,
                              const adse_est_attrs *est, bool any_tech)
{
    return (energy == ADSE_ENERGY_ESTIMATOR || area == ADSE_ENERGY_ESTIMATOR) &&
           !has_technology(est) && (energy == ADSE_ENERGY_USER || !any_tech);
}

/* A compound class of the files that adse's estimator also models, used to price a
 * component: the definition wins (it is what Accelergy would use), said once per class. */
static void warn_shadowed(const adse__compounds *cc, const char *klass, const char *comp,
                          const char **said, int *n_said, adse__warnings *w)
{
    const adse__ynode *def = adse__compounds_class(cc, klass);
    if (!def || !adse_energy_class_supported(klass)) return;
    for (int i = 0; i < *n_said; i++)
        if (strcmp(said[i], klass) == 0) return;
    said[(*n_said)++] = klass;
    adse__ywarn(w, def,
                "compound class '%s' defined here replaces adse's built-in model of that class: "
                "'%s' (and every other component of the class) is priced from this definition, "
                "its subcomponents by the estimator",
                klass, comp);
}

/* How try_definition went for a component. */
enum { DEF_NONE, DEF_PRICED, DEF_SET_ASIDE };

/* Prices a component (b, or the arithmetic level m) whose class the files define, into *r:
 * DEF_PRICED. A version 0.3 definition of a class the estimator also models that adse's
 * primitives cannot price (Accelergy 0.3 plug-in actions) is set aside for the built-in
 * model, with a warning (adse__compounds_fall_back): DEF_SET_ASIDE. Any other failure, and a
 * class without a definition, DEF_NONE: the error is reported when pricing. */
static int try_definition(adse__compounds *cc, const adse_energy_options *opt, const adse_buffer *b,
                          const adse_arith *m, adse_energy_result *r, adse__warnings *w)
{
    const char *klass = b ? (b->est.klass[0] ? b->est.klass : b->klass)
                          : (m->est.klass[0] ? m->est.klass : m->klass);
    if (!adse__compounds_class(cc, klass)) return DEF_NONE;
    adse_err e;
    adse_err_clear(&e);
    adse_status st =
        b ? adse_energy_estimate_buffer(b, opt, r, &e) : adse_energy_estimate_arith(m, opt, r, &e);
    if (st == ADSE_OK) return DEF_PRICED;
    char *hint = strstr(e.msg, "; a version 0.3 class"); /* the error's advice, moot here */
    if (hint) *hint = '\0';
    return adse__compounds_fall_back(cc, klass, b ? b->name : m->name, e.msg, w) ? DEF_SET_ASIDE
                                                                                 : DEF_NONE;
}

static bool needs_estimate(adse_energy_source energy, adse_energy_source area)
{
    return energy == ADSE_ENERGY_FALLBACK || area == ADSE_ENERGY_FALLBACK;
}

/* Every energy and area still at Timeloop's fallback (no ERT/ART entry, no user attribute)
 * goes to the estimator, except for components keep_fallback() leaves to Timeloop's. */
static adse_status use_estimator(adse_arch *a, const adse_energy_options *opt, adse__compounds *cc,
                                 adse__warnings *w, adse_err *err)
{
    /* What the definitions priced, bound below without pricing those components again. A
     * definition set aside changes the price of every component priced before it whose class
     * or subcomponent's class it defined: those are priced again. */
    adse_energy_result priced[ADSE_MAX_LEVELS + 1];
    const adse_energy_result *known[ADSE_MAX_LEVELS] = {NULL}, *known_arith = NULL;
    for (int i = a->n_levels - 1; i >= 0 && cc; i--) {
        const adse_buffer *b = &a->levels[i];
        if (!needs_estimate(b->energy_source, b->area_source)) continue;
        int d = try_definition(cc, opt, b, NULL, &priced[i], w);
        if (d == DEF_SET_ASIDE) memset(known, 0, sizeof known);
        known[i] = d == DEF_PRICED ? &priced[i] : NULL;
    }
    if (cc && needs_estimate(a->arith.energy_source, a->arith.area_source)) {
        int d = try_definition(cc, opt, NULL, &a->arith, &priced[ADSE_MAX_LEVELS], w);
        if (d == DEF_SET_ASIDE) memset(known, 0, sizeof known);
        known_arith = d == DEF_PRICED ? &priced[ADSE_MAX_LEVELS] : NULL;
    }
    const char *said[ADSE_MAX_LEVELS + 1];
    int n_said = 0;
    for (int i = a->n_levels - 1; i >= 0 && cc; i--) {
        const adse_buffer *b = &a->levels[i];
        if (needs_estimate(b->energy_source, b->area_source))
            warn_shadowed(cc, b->est.klass[0] ? b->est.klass : b->klass, b->name, said, &n_said, w);
    }
    if (cc && needs_estimate(a->arith.energy_source, a->arith.area_source))
        warn_shadowed(cc, a->arith.est.klass[0] ? a->arith.est.klass : a->arith.klass,
                      a->arith.name, said, &n_said, w);
    adse_energy_result r;
    adse_err ignored;
    bool any_tech = has_technology(&a->arith.est);
    for (int i = 0; i < a->n_levels; i++)
        any_tech = any_tech || has_technology(&a->levels[i].est);
    for (int i = 0; i < a->n_levels; i++) {
        adse_buffer *b = &a->levels[i];
        if (b->energy_source == ADSE_ENERGY_FALLBACK) b->energy_source = ADSE_ENERGY_ESTIMATOR;
        if (b->area_source == ADSE_ENERGY_FALLBACK) b->area_source = ADSE_ENERGY_ESTIMATOR;
        if (may_keep_fallback(b->energy_source, b->area_source, &b->est, any_tech))
            keep_fallback(&b->energy_source, &b->area_source,
                          known[i] ? ADSE_OK : adse_energy_estimate_buffer(b, opt, &r, &ignored),
                          b->name, b->pos, w);
    }
    adse_arith *m = &a->arith;
    if (m->energy_source == ADSE_ENERGY_FALLBACK) m->energy_source = ADSE_ENERGY_ESTIMATOR;
    if (m->area_source == ADSE_ENERGY_FALLBACK) m->area_source = ADSE_ENERGY_ESTIMATOR;
    if (may_keep_fallback(m->energy_source, m->area_source, &m->est, any_tech))
        keep_fallback(&m->energy_source, &m->area_source,
                      known_arith ? ADSE_OK : adse_energy_estimate_arith(m, opt, &r, &ignored),
                      m->name, m->pos, w);
    return adse__energy_reprice_known(a, opt, known, known_arith, err);
}

/* The first sparse feature a `sparse_optimizations` value asks for, as "'key' of 'target'"
 * in buf; false when it asks for none (null, no targets, targets without features). */
static bool sparse_feature(const adse__ynode *v, const adse__ynode **at, char *buf, size_t size)
{
    if (!adse__ynode_is_map(v)) {
        *at = v;
        snprintf(buf, size, "'sparse_optimizations'");
        return !adse__ynode_is_null(v);
    }
    const adse__ynode *targets = adse__ymap_get(v, "targets");
    for (int i = 0; adse__ynode_is_seq(targets) && i < targets->n; i++) {
        const adse__ynode *t = targets->items[i];
        const adse__ynode *name = adse__ymap_get(t, "name");
        for (int k = 0; adse__ynode_is_map(t) && k < t->n; k++) {
            const adse__ypair *p = &t->pairs[k];
            if (adse__ykey_eq(p->key->text, "name") || adse__ynode_is_null(p->value) ||
                (adse__ynode_is_seq(p->value) && p->value->n == 0))
                continue;
            *at = p->key;
            snprintf(buf, size, "'%s' of '%s'", p->key->text,
                     adse__ynode_is_scalar(name) ? name->text : "?");
            return true;
        }
    }
    /* Anything besides targets (and timeloopfe's version) is a feature we do not know. */
    for (int k = 0; k < v->n; k++) {
        const adse__ypair *p = &v->pairs[k];
        if (adse__ykey_eq(p->key->text, "targets") || adse__ykey_eq(p->key->text, "version") ||
            adse__ynode_is_null(p->value))
            continue;
        *at = p->key;
        snprintf(buf, size, "'%s'", p->key->text);
        return true;
    }
    return false;
}

/* Sparse modeling (section 2.6 of Timeloop v3's input-format pages) is not supported: refused, or
 * ignored on request. Densities alone do not change Timeloop's numbers (it evaluates the
 * dense problem unless sparse_optimizations ask otherwise): a warning. */
static adse_status check_sparse(adse_spec *spec, const adse__ydoc *doc, adse_err *err)
{
    adse__warnings *w = &spec->internal->warnings;
    const adse__ypair *sp = adse__ydoc_top_pair(doc, "sparse_optimizations");
    const adse__ynode *at = NULL;
    char what[2 * ADSE_NAME_MAX + 32];
    bool sparse = sp && sparse_feature(sp->value, &at, what, sizeof what);
    if (sparse && !spec->options.ignore_sparse)
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "sparse modeling is not supported yet: %s in 'sparse_optimizations' "
                          "(--ignore-sparse evaluates the dense problem instead)",
                          what);
    if (sparse) {
        adse__ywarn(w, at,
                    "%s in 'sparse_optimizations' ignored on request (--ignore-sparse): the "
                    "numbers are the dense problem's",
                    what);
        spec->problem.sparse_ignored = spec->has_problem;
    }
    const adse__ynode *prob = adse__ydoc_top(doc, "problem");
    const adse__ynode *inst = adse__ymap_get(prob, "instance");
    const adse__ypair *dens = adse__ymap_pair(adse__ynode_is_map(inst) ? inst : prob, "densities");
    if (!sparse && dens && adse__ynode_is_map(dens->value) && dens->value->n > 0)
        adse__ywarn(w, dens->key,
                    "'densities' ignored: without 'sparse_optimizations' the numbers are the "
                    "dense problem's, as in Timeloop");
    return ADSE_OK;
}

/* Timeloop's `model` section: verbose and out_prefix are logging; auto_bypass_on_failure
 * would change which mappings evaluate, which adse does not model. */
static adse_status check_model_section(const adse__ydoc *doc, adse_err *err)
{
    const adse__ynode *m = adse__ydoc_top(doc, "model");
    const adse__ynode *ab = adse__ymap_get(m, "auto_bypass_on_failure");
    bool yes = false;
    if (ab && !adse__ynode_is_null(ab) && (!adse__yscalar_bool(ab, &yes) || yes))
        return adse__yerr(err, ADSE_E_SPEC, ab,
                          "'auto_bypass_on_failure' in 'model' is not supported (Timeloop then "
                          "bypasses the levels a mapping does not fit)");
    return ADSE_OK;
}

static adse_status convert(adse_spec *spec, adse_err *err)
{
    const adse__ydoc *doc = spec->internal->doc;
    adse_status st = check_top_keys(doc, err);
    if (!st) st = check_model_section(doc, err);
    if (st) return st;
    adse_constraints_init(&spec->constraints, 0, 0, 0);
    adse_mapper_settings_init(&spec->mapper);

    adse__arch_extra *extra = calloc(1, sizeof *extra);
    if (!extra) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");

    /* Accelergy's compound classes, before the architecture: the loader keeps what they read
     * with each component of such a class, and the estimator asks them first */
    if ((st = adse__compounds_read(spec->internal->doc, &spec->internal->warnings,
                                   &spec->internal->compounds, err)))
        goto out;
    /* the files' classes or none: never a hook of another spec whose options were copied */
    spec->options.estimator.classes = adse__compounds_hook(spec->internal->compounds);
    const adse__ypair *arch = adse__arch_top_pair(doc);
    const adse__ypair *arch2 = adse__ydoc_top_pair(doc, "architecture");
    if (arch && arch2 && arch2 != arch)
        adse__ywarn(&spec->internal->warnings, arch2->key,
                    "'architecture' ignored: 'arch' is given too, and Timeloop reads 'arch'");
    if (arch) {
        if ((st = adse__arch_from_yaml(arch, &spec->internal->v04, &spec->arch, extra,
                                       &spec->internal->paths, spec->internal->compounds,
                                       &spec->internal->warnings, err)))
            goto out;
        spec->has_arch = true;
        for (int i = 0; i < extra->n_unbound_nets; i++)
            adse__ywarn(&spec->internal->warnings, extra->unbound_nets[i],
                        "network '%s' is declared but no level binds it (network_read, "
                        "network_fill, ...): it carries no traffic and no energy, as in Timeloop",
                        adse__ymap_get(extra->unbound_nets[i], "name")->text);
    }
    const adse__ypair *prob = adse__ydoc_top_pair(doc, "problem");
    if (spec->options.problem) { /* a layer of a network: the files' problem is not read */
        spec->problem = *spec->options.problem;
        spec->has_problem = true;
        spec->options.problem = NULL; /* borrowed only during the load */
    } else if (prob) {
        if ((st = adse__problem_from_yaml(prob, &spec->problem, &spec->internal->warnings, err)))
            goto out;
        spec->has_problem = true;
    }
    if (spec->has_arch && spec->has_problem &&
        (st = check_bw_scales(&spec->arch, extra, &spec->problem, err)))
        goto out;
    if ((st = check_sparse(spec, doc, err))) goto out;

    const adse__ypair *ert = adse__ydoc_top_pair(doc, "ERT");
    if (ert) {
        if ((st = adse__ert_bind(spec->has_arch ? &spec->arch : NULL, ert->value,
                                 extra->wire_energy_given, &spec->internal->warnings, err)))
            goto out;
        spec->has_ert = spec->has_arch;
    }
    const adse__ypair *art = adse__ydoc_top_pair(doc, "ART");
    if (art) {
        if ((st = adse__art_bind(spec->has_arch ? &spec->arch : NULL, art->value, err))) goto out;
        spec->has_art = spec->has_arch;
    }
    if (spec->has_arch && spec->options.energy == ADSE_ENERGY_MODE_ESTIMATOR &&
        (st = use_estimator(&spec->arch, &spec->options.estimator, spec->internal->compounds,
                            &spec->internal->warnings, err)))
        goto out;

    const adse__ypair *map = adse__ydoc_top_pair(doc, "mapping");
    if (map && !spec->options.ignore_mapping) {
        bool empty = adse__ynode_is_null(map->value) ||
                     (adse__ynode_is_seq(map->value) && map->value->n == 0);
        if (!empty && (!spec->has_arch || !spec->has_problem)) {
            st = adse__yerr(err, ADSE_E_SPEC, map->key,
                            "'mapping' needs an 'architecture' and a 'problem'");
            goto out;
        }
        if (!empty && (st = adse__mapping_from_yaml(map, &spec->arch, &spec->problem,
                                                    &spec->mapping, &spec->has_mapping, err)))
            goto out;
    }
    /* Constraints name levels, dimensions and data spaces: without an architecture and a
     * problem there is nothing to convert them against (e.g. `adse energy`). */
    if (spec->has_arch && spec->has_problem &&
        (st = adse__constraints_from_yaml(doc, &spec->arch, &spec->problem, &spec->constraints,
                                          &spec->has_constraints, err)))
        goto out;
    const adse__ypair *mapper = adse__ydoc_top_pair(doc, "mapper");
    if (mapper) {
        adse_err merr;
        adse_err_clear(&merr);
        st = adse__mapper_from_yaml(mapper, &spec->mapper, &merr);
        if (st == ADSE_E_SPEC && spec->options.mapper_unused) {
            /* timeloopfe copies mapper-only options into every file it writes */
            adse__warn(&spec->internal->warnings, merr.file, merr.line, merr.column,
                       "%s (ignored: no mapper runs)", merr.msg);
            adse_mapper_settings_init(&spec->mapper);
        } else if (st) {
            *err = merr;
            goto out;
        } else {
            spec->has_mapper = true;
        }
    }
    st = ADSE_OK;
out:
    free(extra);
    return st;
}

void adse_spec_options_init(adse_spec_options *opts)
{
    if (!opts) return;
    opts->energy = ADSE_ENERGY_MODE_ESTIMATOR;
    adse_energy_options_init(&opts->estimator);
    opts->ignore_mapping = false;
    opts->ignore_sparse = false;
    opts->mapper_unused = false;
    opts->problem = NULL;
    opts->template_vars = NULL;
    opts->n_template_vars = 0;
    opts->node_sets = NULL;
    opts->n_node_sets = 0;
}

static adse_status spec_new(const adse_spec_options *opts, const adse__ydoc *base, adse_spec **out,
                            adse_err *err)
{
    if (opts && opts->energy != ADSE_ENERGY_MODE_ESTIMATOR &&
        opts->energy != ADSE_ENERGY_MODE_TIMELOOP_FALLBACK)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_load: unknown energy mode %d",
                            (int)opts->energy);
    /* -D values are checked even when no file is a template */
    if (opts && opts->n_template_vars > 0) {
        adse_status st = adse__jinja_check_defines(opts->template_vars, opts->n_template_vars, err);
        if (st) return st;
    }
    if (opts && opts->n_node_sets > 0) {
        adse_status st = adse__v04_check_sets(opts->node_sets, opts->n_node_sets, err);
        if (st) return st;
    }
    adse_spec *spec = calloc(1, sizeof *spec);
    if (!spec) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (opts)
        spec->options = *opts;
    else
        adse_spec_options_init(&spec->options);
    spec->internal = calloc(1, sizeof *spec->internal);
    if (!spec->internal) {
        free(spec);
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    spec->internal->problem_given = opts && opts->problem;
    /* a derived spec's document is a fork (adse_spec_derive) */
    adse_status st = base ? adse__ydoc_fork(base, &spec->internal->doc, err)
                          : adse__ydoc_new(&spec->internal->doc, err);
    if (st) {
        adse_spec_free(spec);
        return st;
    }
    *out = spec;
    return ADSE_OK;
}

/* A top-level key given in two texts: the later value is used whole (Timeloop's merge of its
 * input files; timeloopfe merges some keys' contents instead), never silently. */
static void warn_replaced(adse_spec *spec)
{
    const adse__ydoc *doc = spec->internal->doc;
    for (int i = 0; i < adse__ydoc_replaced_count(doc); i++) {
        const adse__ynode *earlier;
        const adse__ynode *k = adse__ydoc_replaced_at(doc, i, &earlier);
        /* Accelergy's compound-component lists, one per file by convention; adse reads
         * every file's (input/compound.h), so nothing is lost */
        static const char *const unread[] = {"compound_components", "components", NULL};
        if (adse__ykey_in(adse__ynode_text(k), unread)) continue;
        adse_srcpos e = adse__ynode_pos(earlier);
        adse__ywarn(&spec->internal->warnings, k,
                    "top-level key '%s' given again: this value replaces the whole one at "
                    "%s:%d (the input files are merged at the top level, later files win)",
                    adse__ynode_text(k), e.file ? e.file : "<input>", e.line);
    }
}

/* any_template: some input was rendered as a Jinja2 template (else template variables are
 * not used, which is said). */
static adse_status finish(adse_spec *spec, adse_status st, bool any_template, adse_spec **out,
                          adse_err *err)
{
    if (st == ADSE_OK) warn_replaced(spec);
    for (int i = 0; st == ADSE_OK && !any_template && i < spec->options.n_template_vars; i++) {
        const char *d = spec->options.template_vars[i];
        adse__warn(&spec->internal->warnings, NULL, 0, 0,
                   "template variable '%.*s' is not used: no input is a Jinja2 template",
                   (int)strcspn(d, "="), d);
    }
    if (st == ADSE_OK && spec->options.n_node_sets > 0)
        st = adse__v04_apply_sets(spec->internal->doc, spec->options.node_sets,
                                  spec->options.n_node_sets, err);
    const adse__ypair *arch = st == ADSE_OK ? adse__arch_top_pair(spec->internal->doc) : NULL;
    if (arch && adse__ynode_is_map(arch->value) && adse__ymap_pair(arch->value, "nodes"))
        st = adse__ydoc_fork(spec->internal->doc, &spec->internal->source, err);
    if (st == ADSE_OK)
        st = adse__v04_translate(spec->internal->doc, &spec->internal->warnings,
                                 &spec->internal->v04, err);
    spec->options.template_vars = NULL; /* borrowed only during the load */
    spec->options.n_template_vars = 0;
    spec->options.node_sets = NULL;
    spec->options.n_node_sets = 0;
    if (st == ADSE_OK) st = convert(spec, err);
    if (st != ADSE_OK) {
        adse_spec_free(spec);
        return st;
    }
    *out = spec;
    return ADSE_OK;
}

adse_status adse_spec_load_strings(const char *const *texts, const char *const *names, int n,
                                   adse_spec **out, adse_err *err)
{
    return adse_spec_load_strings_opts(texts, names, n, NULL, out, err);
}

adse_status adse_spec_load_strings_opts(const char *const *texts, const char *const *names, int n,
                                        const adse_spec_options *opts, adse_spec **out,
                                        adse_err *err)
{
    adse_err_clear(err);
    if (!out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_load_strings: out is NULL");
    *out = NULL;
    if (n < 0 || (n > 0 && !texts))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_load_strings: no texts");
    adse_spec *spec;
    adse_status st = spec_new(opts, NULL, &spec, err);
    if (st) return st;
    bool any_template = false;
    for (int i = 0; i < n && st == ADSE_OK; i++) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "<input %d>", i + 1);
        const char *name = names && names[i] ? names[i] : fallback;
        const char *text = texts[i] ? texts[i] : "";
        adse__jopts jo = {spec->options.template_vars, spec->options.n_template_vars, true};
        any_template = any_template || adse__jinja_wanted(name, text, strlen(text));
        st = adse__jinja_load(spec->internal->doc, name, text, strlen(text), &jo, err);
    }
    return finish(spec, st, any_template, out, err);
}

adse_status adse__read_file(const char *path, char **text, size_t *len, adse_err *err)
{
    return adse__read_file_max(path, ADSE_YAML_MAX_BYTES, "ADSE_YAML_MAX_BYTES", text, len, err);
}

adse_status adse_spec_load(const char *const *files, int n_files, adse_spec **out, adse_err *err)
{
    return adse_spec_load_opts(files, n_files, NULL, out, err);
}

adse_status adse_spec_load_opts(const char *const *files, int n_files,
                                const adse_spec_options *opts, adse_spec **out, adse_err *err)
{
    adse_err_clear(err);
    if (!out) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_load: out is NULL");
    *out = NULL;
    if (n_files < 0 || (n_files > 0 && !files))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_load: no files");
    adse_spec *spec;
    adse_status st = spec_new(opts, NULL, &spec, err);
    if (st) return st;
    bool any_template = false;
    for (int i = 0; i < n_files && st == ADSE_OK; i++) {
        if (!files[i]) {
            st = adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_load: file %d is NULL", i);
            break;
        }
        char *text = NULL;
        size_t len = 0;
        st = adse__read_file(files[i], &text, &len, err);
        if (st) break;
        adse__jopts jo = {spec->options.template_vars, spec->options.n_template_vars, false};
        any_template = any_template || adse__jinja_wanted(files[i], text, len);
        st = adse__jinja_load(spec->internal->doc, files[i], text, len, &jo, err);
        free(text);
    }
    return finish(spec, st, any_template, out, err);
}

adse_status adse_spec_derive(const adse_spec *base, const char *const *node_sets, int n,
                             adse_spec **out, adse_err *err)
{
    adse_err_clear(err);
    if (!out) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_derive: out is NULL");
    *out = NULL;
    if (!base || !base->internal || n < 0 || (n > 0 && !node_sets))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_spec_derive: no base or sets");
    if (!base->internal->source)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_spec_derive: the architecture is not timeloopfe's v0.4 'nodes' "
                            "architecture");
    adse_spec_options o = base->options;
    o.template_vars = NULL; /* rendered already: the source holds the result */
    o.n_template_vars = 0;
    o.node_sets = node_sets;
    o.n_node_sets = n;
    o.problem = base->internal->problem_given ? &base->problem : NULL;
    o.estimator.classes = NULL; /* the derived spec's own compound classes */
    adse_spec *spec;
    adse_status st = spec_new(&o, base->internal->source, &spec, err);
    if (st) return st;
    return finish(spec, ADSE_OK, true, out, err);
}

const char *adse_spec_table_name(const adse_spec *spec, int level)
{
    if (!spec || !spec->has_arch || !spec->internal) return NULL;
    if (level == -1) return spec->internal->paths.arith;
    if (level < 0 || level >= spec->arch.n_levels) return NULL;
    return spec->internal->paths.levels[level];
}

void adse_spec_free(adse_spec *spec)
{
    if (!spec) return;
    if (spec->internal) {
        adse__compounds_free(spec->internal->compounds);
        adse__ydoc_free(spec->internal->source);
        adse__ydoc_free(spec->internal->doc);
        adse__arch_paths_free(&spec->internal->paths);
        adse__warnings_free(&spec->internal->warnings);
    }
    free(spec->internal);
    free(spec);
}

int adse_spec_fanouts(const adse_spec *spec, adse_spec_fanout *out, int max)
{
    if (!spec || !spec->internal || !spec->internal->v04.root_attrs) return -1;
    const adse__v04_info *v = &spec->internal->v04;
    for (int i = 0; i < v->n_fanouts && i < max; i++) {
        out[i].name = v->fanouts[i].name;
        out[i].mesh_x = v->fanouts[i].mesh_x;
        out[i].mesh_y = v->fanouts[i].mesh_y;
        out[i].at = adse__ynode_pos(v->fanouts[i].at);
    }
    return v->n_fanouts;
}

bool adse_spec_v04_attribute_read(const adse_spec *spec, const char *node, adse_gene_attr attr,
                                  const char **key, adse_srcpos *at)
{
    if (!spec || !spec->internal || !node) return false;
    const adse__v04_info *v = &spec->internal->v04;
    const adse__arch_aliases *a = &adse__arch_alias;
    const char *const *names = attr == ADSE_GENE_DEPTH        ? a->depth
                               : attr == ADSE_GENE_WIDTH      ? a->width
                               : attr == ADSE_GENE_BLOCK_SIZE ? a->block_size
                               : attr == ADSE_GENE_WORD_BITS  ? a->word_bits
                               : attr == ADSE_GENE_READ_BW    ? a->read_bw
                               : attr == ADSE_GENE_WRITE_BW   ? a->write_bw
                                                              : NULL;
    if (!names) return false;
    for (int i = 0; i < v->n_reads; i++) {
        if (strcmp(v->reads[i].node, node) != 0 || !adse__ykey_in(v->reads[i].key, names)) continue;
        if (key) *key = v->reads[i].key;
        if (at) *at = adse__ynode_pos(v->reads[i].at);
        return true;
    }
    if (v->reads_cut) { /* not all reads are known: it may be read */
        if (key) *key = NULL;
        if (at) *at = (adse_srcpos){0};
    }
    return v->reads_cut;
}

int adse_spec_warning_count(const adse_spec *spec)
{
    if (!spec || !spec->internal) return 0;
    const adse__warnings *w = &spec->internal->warnings;
    return w->n + (w->dropped > 0);
}

const adse_err *adse_spec_warning(const adse_spec *spec, int i)
{
    if (!spec || !spec->internal || i < 0) return NULL;
    adse__warnings *w = &spec->internal->warnings;
    if (i < w->n) return &w->items[i];
    if (i == w->n && w->dropped > 0) {
        /* The one record that says how many could not be stored. */
        static const adse_err nomem = {ADSE_E_NOMEM, "", 0, 0,
                                       "further warnings were dropped: out of memory"};
        return &nomem;
    }
    return NULL;
}
