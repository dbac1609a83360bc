/*
 * fuzz/fuzz_spec.c: adse_spec_load_strings_opts on fuzzer input, then what follows a
 * successful load: table names, the estimator's energy reports, the model on a loaded
 * mapping (every report writer), or a short mapper run on the loaded constraints.
 *
 * Built twice: FUZZ_MERGE 0 (harness `spec`: the input is one YAML text) and FUZZ_MERGE 1
 * (`spec_merge`: the input is two texts separated by a line "#%%", merged as two files).
 * An optional first line "#fuzz: WORD..." picks the options (an ordinary YAML comment, so
 * corpus files stay valid YAML): ignore_mapping, fallback (ADSE_ENERGY_MODE_TIMELOOP_FALLBACK),
 * legacy (ADSE_TRANSLATION_LEGACY), nolink (disable_link_transfers).
 */
#include "fuzz_common.h"

#include "adse/adse.h"
#include "adse/mapper.h"
#include "adse/model.h"
#include "adse/report.h"
#include "adse/search_spec.h"
#include "adse/spec.h"

#ifndef FUZZ_MERGE
#define FUZZ_MERGE 0
#endif

static bool has_word(const char *line, size_t len, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(line + i, w, n) == 0) return true;
    return false;
}

static void downstream(const adse_spec *spec, const adse_model_options *mo)
{
    FILE *out = fuzz_devnull();
    if (!out) return;
    adse_err err;
    /* adse convert: the whole document, v0.4 translation included */
    (void)adse_spec_write_yaml(out, spec, NULL, NULL, &err);
    if (spec->has_arch) {
        for (int i = -1; i <= spec->arch.n_levels; i++)
            (void)adse_spec_table_name(spec, i);
        for (int fmt = ADSE_ENERGY_REPORT_TABLE; fmt <= ADSE_ENERGY_REPORT_ART; fmt++)
            (void)adse_report_energy(out, (adse_energy_report_format)fmt, spec, NULL, &err);
        /* the search's writer of the architecture tree (walks the document recursively) */
        (void)adse_spec_write_arch_yaml(out, spec, &spec->arch, &err);
    }
    if (!spec->has_arch || !spec->has_problem) return;
    adse_model *model = NULL;
    if (adse_model_create(&spec->arch, &spec->problem, mo, &model, &err) != ADSE_OK) return;
    if (spec->has_mapping) {
        adse_scratch *sc = adse_scratch_new(model);
        adse_result *r = malloc(sizeof *r);
        if (sc && r && adse_model_evaluate(model, &spec->mapping, sc, r, &err) == ADSE_OK) {
            char line[256];
            (void)adse_report_summary_line(r, line, sizeof line);
            (void)adse_report_stats_txt(out, model, &spec->mapping, r);
            (void)adse_report_map_txt(out, model, &spec->mapping, r);
            (void)adse_report_json(out, model, &spec->mapping, r);
            (void)adse_report_write_stats(out, &spec->arch, &spec->problem, &spec->mapping, r);
        }
        (void)adse_report_map_yaml(out, model, &spec->mapping);
        free(r);
        adse_scratch_free(sc);
    } else if (adse_problem_macs(&spec->problem) <= (1u << 20)) {
        /* the constraints' consumer: a short single-threaded mapper run */
        adse_mapper_settings ms = spec->mapper;
        ms.threads = 1;
        ms.time_limit_s = 0.02;
        adse_mapper_result *mr = malloc(sizeof *mr);
        if (mr &&
            adse_mapper_run(model, spec->has_constraints ? &spec->constraints : NULL, &ms, mr,
                            &err) == ADSE_OK &&
            mr->found) {
            (void)adse_report_mapper_json(out, model, mr);
            (void)adse_report_map_yaml(out, model, &mr->best);
        }
        free(mr);
    }
    adse_model_free(model);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    if (!text) return 0;
    adse_spec_options opts;
    adse_spec_options_init(&opts);
    adse_model_options mo;
    adse_model_options_init(&mo);
    if (strncmp(text, "#fuzz:", 6) == 0) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);
        opts.ignore_mapping = has_word(text, len, "ignore_mapping");
        if (has_word(text, len, "fallback")) opts.energy = ADSE_ENERGY_MODE_TIMELOOP_FALLBACK;
        if (has_word(text, len, "legacy")) mo.translation = ADSE_TRANSLATION_LEGACY;
        mo.disable_link_transfers = has_word(text, len, "nolink");
    }
    const char *texts[2] = {text, NULL};
    const char *names[2] = {"a.yaml", "b.yaml"};
    int n = 1;
#if FUZZ_MERGE
    char *sep = strstr(text, "\n#%%\n");
    if (sep) {
        *sep = 0;
        texts[1] = sep + 5;
        n = 2;
    }
#endif
    adse_spec *spec = NULL;
    adse_err err;
    if (adse_spec_load_strings_opts(texts, names, n, &opts, &spec, &err) == ADSE_OK)
        downstream(spec, &mo);
    adse_spec_free(spec);
    free(text);
    return 0;
}
