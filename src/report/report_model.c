/*
 * report/report_model.c: the model-taking writers of adse/report.h. Kept apart from the
 * writers themselves so that code rendering a result without a model (tests, tools) does
 * not link the model.
 */
#include "adse/report.h"

adse_status adse_report_stats_txt(FILE *f, const adse_model *model, const adse_mapping *mapping,
                                  const adse_result *r)
{
    if (!model) return ADSE_E_USAGE;
    return adse_report_write_stats(f, adse_model_arch(model), adse_model_problem(model), mapping,
                                   r);
}

adse_status adse_report_map_txt(FILE *f, const adse_model *model, const adse_mapping *mapping,
                                const adse_result *r)
{
    if (!model) return ADSE_E_USAGE;
    return adse_report_write_map(f, adse_model_arch(model), adse_model_problem(model), mapping, r);
}

adse_status adse_report_json(FILE *f, const adse_model *model, const adse_mapping *mapping,
                             const adse_result *r)
{
    if (!model) return ADSE_E_USAGE;
    return adse_report_write_json(f, adse_model_arch(model), adse_model_problem(model), mapping, r);
}
