/*
 * Networks (docs/model.md, "Declared networks") against Timeloop v3.0.3's own outputs.
 *
 * tests/data/networks/<case>/ holds the inputs and Timeloop's timeloop-model.stats.txt
 * (origins in tests/data/README.md). For each case adse evaluates the same files with the
 * LEGACY translation rule (v3.0.3's) and must give Timeloop's cycles exactly, its total
 * energy within 0.1%, and for every declared network and data space Timeloop's ingresses,
 * multicast factor, fanout and energy (read from the reference's Networks section). Also: a
 * small design counted by hand, the mapper's objective, and the refusals (features adse
 * does not model) on small texts.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

/* ---- the reference stats.txt -------------------------------------------------------- */

/* Value after "label : " on the first line at or after *pos (within the text) whose
 * trimmed text starts with label; advances *pos past it. */
static bool field_after(const char *text, const char **pos, const char *label, double *out)
{
    const char *p = *pos;
    size_t n = strlen(label);
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        const char *q = p;
        while (*q == ' ')
            q++;
        if (strncmp(q, label, n) == 0 && (q[n] == ' ' || q[n] == ':')) {
            const char *c = strchr(q, ':');
            if (c && (!eol || c < eol)) {
                *out = strtod(c + 1, NULL);
                *pos = eol ? eol + 1 : q + strlen(q);
                return true;
            }
        }
        p = eol ? eol + 1 : NULL;
    }
    (void)text;
    return false;
}

typedef struct ref_net_ds {
    double fanout, multicast, ingresses, energy_total;
} ref_net_ds;

/* Timeloop's STATS of data space ds in the block of network name. */
static bool ref_network(const char *text, const char *name, const char *ds, ref_net_ds *out)
{
    const char *p = strstr(text, "\nNetworks\n");
    if (!p) return false;
    char line[256];
    snprintf(line, sizeof line, "\n%s\n", name);
    p = strstr(p, line);
    if (!p) return false;
    const char *end = strstr(p + 1, "\nNetwork ");
    snprintf(line, sizeof line, "\n    %s:\n", ds);
    p = strstr(p, line);
    if (!p || (end && p > end)) return false;
    return field_after(text, &p, "Fanout", &out->fanout) &&
           field_after(text, &p, "Multicast factor", &out->multicast) &&
           field_after(text, &p, "Ingresses", &out->ingresses) &&
           field_after(text, &p, "Energy (total)", &out->energy_total);
}

static double ref_summary(const char *text, const char *label)
{
    const char *p = strstr(text, "\nSummary Stats\n");
    double v = -1;
    assert_non_null(p);
    assert_true(field_after(text, &p, label, &v));
    return v;
}

/* ---- running a case ------------------------------------------------------------------- */

typedef struct net_case {
    const char *dir;
    const char *ref; /* folder of Timeloop's outputs in dir */
    const char *files[6];
    const char *networks[4]; /* declared networks to compare */
} net_case;

static void run_case(const net_case *c, adse_result *r, adse_spec **spec_out)
{
    char rel[512];
    const char *paths[6];
    int n = 0;
    for (; c->files[n]; n++) {
        snprintf(rel, sizeof rel, "networks/%s/%s", c->dir, c->files[n]);
        paths[n] = testutil_path(rel);
    }
    adse_spec *spec = testutil_load_files_ok(paths, n, NULL);
    adse_model_options o;
    adse_model_options_init(&o);
    o.translation = ADSE_TRANSLATION_LEGACY;
    adse_model *m = NULL;
    adse_err err;
    adse_err_clear(&err);
    assert_adse_ok(adse_model_create(&spec->arch, &spec->problem, &o, &m, &err), &err, "%s",
                   c->dir);
    adse_scratch *s = adse_scratch_new(m);
    assert_non_null(s);
    assert_adse_ok(adse_model_evaluate(m, &spec->mapping, s, r, &err), &err, "%s", c->dir);
    adse_scratch_free(s);
    adse_model_free(m);
    *spec_out = spec;
}

/* Returns the result's total energy (pJ) after checking it against Timeloop's output. */
static double check_case(const net_case *c)
{
    adse_result *r = malloc(sizeof *r);
    assert_non_null(r);
    adse_spec *spec;
    run_case(c, r, &spec);
    char rel[512];
    snprintf(rel, sizeof rel, "networks/%s/%s/timeloop-model.stats.txt", c->dir, c->ref);
    char *ref = testutil_read_file(testutil_path(rel));
    assert_non_null(ref);

    assert_int_equal(r->cycles, (uint64_t)ref_summary(ref, "Cycles"));
    /* The summary prints uJ with two decimals: 0.1% or that rounding. */
    double e_ref = ref_summary(ref, "Energy") * 1e6;
    double tol = 0.001 > 0.005e6 / e_ref ? 0.001 : 0.005e6 / e_ref;
    assert_double_rel(r->energy_pj, e_ref, tol, "total energy");

    const adse_arch *a = &spec->arch;
    for (int k = 0; c->networks[k]; k++) {
        int n = 0;
        while (n < a->n_networks && strcmp(a->networks[n].name, c->networks[k]) != 0)
            n++;
        assert_true(n < a->n_networks);
        const adse_net_stats *ns = &r->networks[n];
        assert_true(ns->evaluated);
        for (int d = 0; d < spec->problem.n_ds; d++) {
            ref_net_ds want;
            if (!ref_network(ref, c->networks[k], spec->problem.ds[d].name, &want))
                fail_msg("%s: no STATS of %s / %s in the reference", c->dir, c->networks[k],
                         spec->problem.ds[d].name);
            const adse_net_ds_stats *st = &ns->ds[d];
            char what[256];
            snprintf(what, sizeof what, "%s %s %s ingresses", c->dir, c->networks[k],
                     spec->problem.ds[d].name);
            assert_double_rel(st->ingresses, want.ingresses, 1e-9, what);
            if (st->ingresses > 0) {
                assert_int_equal(st->multicast, (uint64_t)want.multicast);
                assert_int_equal(st->fanout, (uint64_t)want.fanout);
            }
            snprintf(what, sizeof what, "%s %s %s energy", c->dir, c->networks[k],
                     spec->problem.ds[d].name);
            double got = st->energy_per_instance_pj * (double)st->utilized_instances;
            if (want.energy_total == 0)
                assert_true(got == 0);
            else
                assert_double_rel(got, want.energy_total, 1e-6, what);
        }
    }
    double e = r->energy_pj;
    free(ref);
    free(r);
    adse_spec_free(spec);
    return e;
}

/* simple_pim (2020 example designs): DAC and ADC SimpleMulticast networks between the
 * global buffer and the crossbar, per-data-space ERT actions chosen by num_destinations,
 * a chain of bypassing levels; the issue-13 case: Timeloop v3.0.3 gives 210,281 cycles and
 * 1,219.86 uJ, 717.38 uJ of it in the networks. */
static void test_simple_pim(void **state)
{
    (void)state;
    net_case c = {"simple_pim",
                  "timeloop-v3.0.3",
                  {"arch.yaml", "prob.yaml", "map.yaml", "ERT.yaml", "ART.yaml", NULL},
                  {"A2D_NoC", "D2A_NoC", NULL}};
    assert_double_rel(check_case(&c), 1219.86e6, 0.001, "issue 13 energy");
    net_case r = {"simple_pim",
                  "timeloop-v3.0.3-r-inner",
                  {"arch.yaml", "prob.yaml", "map-r-inner.yaml", "ERT.yaml", "ART.yaml", NULL},
                  {"A2D_NoC", "D2A_NoC", NULL}};
    check_case(&r);
}

/* Hand-made: multicast factors 2 and 8 (a diagonal-multicast histogram with two bins, of
 * which Timeloop charges the last), a read network that also carries the updates, a network
 * between spads and MACs with per-data-space actions, fill latency, and Weights crossing a
 * network of a level that bypasses them. */
static void test_multicast(void **state)
{
    (void)state;
    net_case c = {"multicast",
                  "timeloop-v3.0.3",
                  {"arch.yaml", "prob.yaml", "map.yaml", "ERT.yaml", "ART.yaml", NULL},
                  {"GLB_NoC", "PE_NoC", NULL}};
    check_case(&c);
}

/* ---- refusals ------------------------------------------------------------------------- */

/* A printf format (a macro so that -Wformat=2 checks its arguments). */
#define ARCH_TEXT                                                                                  \
    "architecture:\n"                                                                              \
    "  version: 0.3\n"                                                                             \
    "  subtree:\n"                                                                                 \
    "    - name: sys\n"                                                                            \
    "      local:\n"                                                                               \
    "        - name: DRAM\n"                                                                       \
    "          class: DRAM\n"                                                                      \
    "          attributes: {width: 64, datawidth: 8%s}\n"                                          \
    "        - name: NoC\n"                                                                        \
    "          class: %s\n"                                                                        \
    "          attributes: {action_name: transfer}\n"                                              \
    "      subtree:\n"                                                                             \
    "        - name: PE[0..3]\n"                                                                   \
    "          local:\n"                                                                           \
    "            - name: spad\n"                                                                   \
    "              class: regfile\n"                                                               \
    "              attributes: {depth: 64, width: 8, datawidth: 8, "                               \
    "meshX: 4%s}\n"                                                                                \
    "            - name: mac\n"                                                                    \
    "              class: intmac\n"                                                                \
    "              attributes: {datawidth: 8, meshX: 4}\n"

static const char *prob_text = "problem:\n"
                               "  shape:\n"
                               "    name: MV\n"
                               "    dimensions: [M, K]\n"
                               "    data-spaces:\n"
                               "      - {name: A, projection: [[[M]], [[K]]]}\n"
                               "      - {name: X, projection: [[[K]]]}\n"
                               "      - {name: Y, projection: [[[M]]], read-write: true}\n"
                               "  instance: {M: 4, K: 8}\n";

static const char *map_text =
    "mapping:\n"
    "  - {target: spad, type: temporal, factors: M=1 K=8, permutation: KM}\n"
    "  - {target: DRAM, type: spatial, factors: M=4 K=1, permutation: MK, split: 1}\n"
    "  - {target: DRAM, type: temporal, factors: M=1 K=1, permutation: MK}\n";

/* A printf format (a macro so that -Wformat=2 checks its arguments). */
#define ERT_TEXT                                                                                   \
    "ERT:\n"                                                                                       \
    "  version: 0.3\n"                                                                             \
    "  tables:\n"                                                                                  \
    "    - name: sys.NoC\n"                                                                        \
    "      actions:\n"                                                                             \
    "        - {name: transfer, arguments: {n: 1}, energy: 2.0}\n"                                 \
    "%s"

/* Loads (and, if load succeeds, creates the model and evaluates) the texts; returns the
 * first error's message in msg, or "" when everything succeeds. */
static adse_status try_texts(const char *dram_extra, const char *klass, const char *spad_extra,
                             const char *ert_extra, bool with_ert, char *msg, size_t size)
{
    char arch[4096], ert[1024];
    snprintf(arch, sizeof arch, ARCH_TEXT, dram_extra, klass, spad_extra);
    snprintf(ert, sizeof ert, ERT_TEXT, ert_extra);
    const char *texts[4] = {arch, prob_text, map_text, ert};
    const char *names[4] = {"arch.yaml", "prob.yaml", "map.yaml", "ert.yaml"};
    adse_spec *spec = NULL;
    adse_err err;
    adse_err_clear(&err);
    msg[0] = 0;
    adse_status st = adse_spec_load_strings_opts(texts, names, with_ert ? 4 : 3,
                                                 testutil_fallback_options(), &spec, &err);
    adse_model *m = NULL;
    if (!st) st = adse_model_create(&spec->arch, &spec->problem, NULL, &m, &err);
    if (!st) {
        adse_scratch *s = adse_scratch_new(m);
        adse_result *r = malloc(sizeof *r);
        st = adse_model_evaluate(m, &spec->mapping, s, r, &err);
        free(r);
        adse_scratch_free(s);
    }
    if (st) adse_err_format(&err, msg, size);
    adse_model_free(m);
    adse_spec_free(spec);
    return st;
}

static void expect_error(adse_status st, const char *msg, const char *const *parts)
{
    if (st == ADSE_OK) fail_msg("expected an error containing '%s'", parts[0]);
    for (int i = 0; parts[i]; i++)
        if (!strstr(msg, parts[i])) fail_msg("error '%s' lacks '%s'", msg, parts[i]);
}

static void test_refusals(void **state)
{
    (void)state;
    char msg[1200];
    const char *bind = ", network_read: NoC";
    const char *fill = ", network_fill: NoC";
    /* The working case first: the same texts load, and the network gets energy. */
    assert_int_equal(try_texts(bind, "SimpleMulticast", fill, "", true, msg, sizeof msg), ADSE_OK);
    /* A class adse does not model, bound. */
    adse_status st = try_texts(bind, "ReductionTree", fill, "", true, msg, sizeof msg);
    expect_error(st, msg, (const char *[]){"arch.yaml:8:", "network_read", "ReductionTree", NULL});
    /* Declared but unbound: a warning, not an error. */
    assert_int_equal(try_texts("", "ReductionTree", "", "", true, msg, sizeof msg), ADSE_OK);
    /* Parent and child disagree. */
    st = try_texts(bind, "SimpleMulticast", "", "", true, msg, sizeof msg);
    expect_error(st, msg, (const char *[]){"arch.yaml:15:", "network_fill", "spad", NULL});
    /* An undeclared network. */
    st = try_texts(", network_read: Nope", "SimpleMulticast", fill, "", true, msg, sizeof msg);
    expect_error(st, msg, (const char *[]){"arch.yaml:8:", "'Nope'", "not declared", NULL});
    /* No ERT table for a network that carries traffic. */
    st = try_texts(bind, "SimpleMulticast", fill, "", false, msg, sizeof msg);
    expect_error(st, msg, (const char *[]){"arch.yaml:9:", "no ERT table", "'NoC'", NULL});
    /* Several entries and no multicast_factor_argument. */
    st = try_texts(bind, "SimpleMulticast", fill,
                   "        - {name: transfer, arguments: {n: 2}, energy: 3.0}\n", true, msg,
                   sizeof msg);
    expect_error(st, msg, (const char *[]){"multicast_factor_argument", "'transfer'", NULL});
    /* Legacy network energy. */
    st = try_texts(", energy_per_hop: 1.5", "SimpleMulticast", "", "", true, msg, sizeof msg);
    expect_error(st, msg,
                 (const char *[]){"arch.yaml:6:", "energy_per_hop", "DRAM <==> spad", NULL});
    st = try_texts(", router_energy: 0.5", "SimpleMulticast", "", "", true, msg, sizeof msg);
    expect_error(st, msg, (const char *[]){"router_energy", NULL});
    st = try_texts(", wire_energy: 0.5", "SimpleMulticast", "", "", true, msg, sizeof msg);
    expect_error(st, msg, (const char *[]){"wire_energy", NULL});
    /* A given energy_per_hop of 0 prices nothing (Timeloop's energy is 0 too). */
    assert_int_equal(try_texts(", energy_per_hop: 0, wire_energy: 0.5", "SimpleMulticast", "", "",
                               true, msg, sizeof msg),
                     ADSE_OK);
    /* Distributed multicast. */
    st = try_texts(", network_type: M:N", "SimpleMulticast", "", "", true, msg, sizeof msg);
    expect_error(st, msg, (const char *[]){"M:N", "not modeled", NULL});
}

/* Latency and energy of the small design, by hand: DRAM reads X 8 times (K8 at the spad,
 * one group of 4 children: multicast 4), A 32 times (4 groups of 1), updates Y 4 (4 groups
 * of 1). With one ERT entry the energy is that entry's whatever the multicast factor: 2 pJ
 * per transfer of the last bin. */
/* Loads four texts (fallback energies), evaluates their mapping; the result is malloc'd. */
static adse_result *eval_texts_ok(const char *const *texts)
{
    const char *names[4] = {"arch.yaml", "prob.yaml", "t3.yaml", "t4.yaml"};
    adse_spec *spec = testutil_load_strings_ok(texts, names, 4, testutil_fallback_options());
    adse_model *m = NULL;
    assert_int_equal(adse_model_create(&spec->arch, &spec->problem, NULL, &m, NULL), ADSE_OK);
    adse_scratch *s = adse_scratch_new(m);
    adse_result *r = malloc(sizeof *r);
    assert_non_null(r);
    assert_int_equal(adse_model_evaluate(m, &spec->mapping, s, r, NULL), ADSE_OK);
    adse_scratch_free(s);
    adse_model_free(m);
    adse_spec_free(spec);
    return r;
}

static void test_by_hand(void **state)
{
    (void)state;
    char arch[4096], ert[1024];
    snprintf(arch, sizeof arch, ARCH_TEXT, ", network_read: NoC, network_fill_latency: 7",
             "SimpleMulticast", ", network_fill: NoC");
    snprintf(ert, sizeof ert, ERT_TEXT, "");
    const char *texts[4] = {arch, prob_text, map_text, ert};
    adse_result *r = eval_texts_ok(texts);
    /* network_fill_latency belongs to the inferred network: not used here; the drain side
     * (no network_update) uses DRAM's network_drain_latency (0). */
    assert_int_equal(r->cycles, 8);
    const adse_net_stats *ns = &r->networks[0];
    assert_true(ns->evaluated);
    assert_int_equal(ns->level, 1);
    /* A: 32 transfers in 4 groups of 1. */
    assert_double_rel(ns->ds[0].ingresses, 32, 0, "A ingresses");
    assert_int_equal(ns->ds[0].multicast, 1);
    assert_double_rel(ns->ds[0].energy_per_instance_pj, 64, 1e-12, "A energy");
    /* X: 8 transfers, each to all 4 children. */
    assert_double_rel(ns->ds[1].ingresses, 8, 0, "X ingresses");
    assert_int_equal(ns->ds[1].multicast, 4);
    assert_double_rel(ns->ds[1].energy_per_instance_pj, 16, 1e-12, "X energy");
    /* Y: 4 updates, one per child. */
    assert_double_rel(ns->ds[2].ingresses, 4, 0, "Y ingresses");
    assert_double_rel(ns->energy_pj, 64 + 16 + 8, 1e-12, "network energy");
    assert_double_rel(r->network_energy_pj, 88, 1e-12, "network share");
    free(r);
}

/* The mapper's objective includes network energy: on a 6-mapping space (the 4 PEs split
 * M and K) where transfers to one PE cost 50 pJ and multicasts 1 pJ, its optimum is the
 * cheapest mapping by total energy, not by the energy of levels and MACs alone. */
static void test_mapper_objective(void **state)
{
    (void)state;
    char arch[4096];
    snprintf(arch, sizeof arch, ARCH_TEXT, ", network_read: NoC", "SimpleMulticast",
             ", network_fill: NoC");
    char *mc = strstr(arch, "{action_name: transfer}");
    assert_non_null(mc);
    char tail[4096];
    snprintf(tail, sizeof tail, "{action_name: transfer, multicast_factor_argument: n}%s",
             mc + strlen("{action_name: transfer}"));
    strcpy(mc, tail);
    const char *ert = "ERT:\n"
                      "  version: 0.3\n"
                      "  tables:\n"
                      "    - name: sys.NoC\n"
                      "      actions:\n"
                      "        - {name: transfer, arguments: {n: 1}, energy: 50.0}\n"
                      "        - {name: transfer, arguments: {n: 2}, energy: 1.0}\n"
                      "        - {name: transfer, arguments: {n: 4}, energy: 1.0}\n";
    const char *cons = "constraints:\n"
                       "  - {target: DRAM, type: temporal, factors: M=1 K=1}\n"
                       "  - {target: DRAM, type: datatype, keep: [A, X, Y]}\n"
                       "  - {target: spad, type: datatype, keep: [A, X, Y]}\n"
                       "  - {target: spad, type: temporal, permutation: KM}\n"
                       "  - {target: DRAM, type: spatial, permutation: MK, split: 2}\n";
    static const int split[6][2] = {{1, 1}, {1, 2}, {1, 4}, {2, 1}, {2, 2}, {4, 1}};
    double best_total = 1e300, best_levels = 1e300;
    int arg_total = -1, arg_levels = -1;
    for (int k = 0; k < 6; k++) {
        char map[1024];
        snprintf(map, sizeof map,
                 "mapping:\n"
                 "  - {target: spad, type: temporal, factors: M=%d K=%d, permutation: KM}\n"
                 "  - {target: DRAM, type: spatial, factors: M=%d K=%d, permutation: MK, "
                 "split: 2}\n"
                 "  - {target: DRAM, type: temporal, factors: M=1 K=1, permutation: MK}\n",
                 4 / split[k][0], 8 / split[k][1], split[k][0], split[k][1]);
        const char *texts[4] = {arch, prob_text, ert, map};
        adse_result *r = eval_texts_ok(texts);
        assert_true(r->network_energy_pj > 0);
        if (r->energy_pj < best_total) best_total = r->energy_pj, arg_total = k;
        double lv = r->energy_pj - r->network_energy_pj;
        if (lv < best_levels) best_levels = lv, arg_levels = k;
        free(r);
    }
    /* The design is only a test if the network changes the optimum. */
    assert_true(arg_total != arg_levels);

    const char *texts[4] = {arch, prob_text, ert, cons};
    const char *names[4] = {"arch.yaml", "prob.yaml", "ert.yaml", "cons.yaml"};
    adse_spec *spec = testutil_load_strings_ok(texts, names, 4, testutil_fallback_options());
    adse_model *m = NULL;
    assert_int_equal(adse_model_create(&spec->arch, &spec->problem, NULL, &m, NULL), ADSE_OK);
    adse_mapper_settings set;
    adse_mapper_settings_init(&set);
    set.n_metrics = 1;
    set.metrics[0] = ADSE_METRIC_ENERGY;
    set.threads = 1;
    adse_mapper_result *mr = malloc(sizeof *mr);
    adse_err err;
    adse_err_clear(&err);
    assert_int_equal(adse_mapper_run(m, &spec->constraints, &set, mr, &err), ADSE_OK);
    assert_true(mr->found);
    assert_true(mr->stats.optimal);
    assert_double_rel(mr->result.energy_pj, best_total, 1e-12, "mapper optimum");
    free(mr);
    adse_model_free(m);
    adse_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_pim),       cmocka_unit_test(test_multicast),
        cmocka_unit_test(test_refusals),         cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_mapper_objective),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
