/* The split rule for executors that run a layer's mapper work items elsewhere (adse/mapper.h,
 * docs/mapper.md section 6.2): which layers are worth splitting, and the ranges of items
 * they are handed out in. The one statement of it: `adse map` on a network and `adse search`
 * under MPI both follow it (docs/cluster.md section 3). */
#include "mapper/mapper_internal.h"

#include <stdlib.h>
#include <string.h>

#define SPLIT_SPACE 1e12 /* mappings: a layer above it is split */
#define SPLIT_CHUNK 256  /* the largest range, in items */

adse_status adse_mapper_mapspace_size(const adse_model *model, const adse_constraints *constraints,
                                      const adse_mapper_settings *settings, double *size,
                                      adse_err *err)
{
    if (!model || !size)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "missing argument to the mapper");
    *size = 0;
    mspace *sp = calloc(1, sizeof *sp);
    if (!sp) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_status st = adse__space_init(sp, model, constraints, settings, err);
    if (st == ADSE_OK) *size = sp->size;
    adse__space_release(sp);
    free(sp);
    return st;
}

bool adse_mapper_split_pays(const adse_mapper_settings *settings, double mapspace_size)
{
    return (!settings || settings->time_limit_s <= 0) && mapspace_size > SPLIT_SPACE;
}

uint32_t adse_mapper_items_range(uint32_t k, uint32_t first, uint32_t n)
{
    if (first >= n) return 0;
    uint32_t c = k / 2 < 8 ? 1u << (k / 2) : SPLIT_CHUNK;
    return c < n - first ? c : n - first;
}

adse_status adse_mapper_seed_part(const adse_model *model, const adse_constraints *constraints,
                                  const adse_mapper_settings *settings, const adse_mapping *seeds,
                                  int n_seeds, adse_mapper_part *out, adse_err *err)
{
    if (!model || !out || n_seeds < 0 || (n_seeds > 0 && !seeds))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "missing argument to the mapper");
    adse_mapper_part_init(out);
    mspace *sp = calloc(1, sizeof *sp);
    adse_scratch *sc = adse_scratch_new(model);
    adse_result *res = malloc(sizeof *res);
    adse_status st = sp && sc && res ? adse__space_init(sp, model, constraints, settings, err)
                                     : adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    for (int k = 0; st == ADSE_OK && k < n_seeds; k++) {
        /* as the mapper offers a seed */
        adse_mapping c = seeds[k], m;
        mvals v, best;
        adse__canonical_orders(sp, &c);
        if (!adse__mapping_take(sp, sc, res, &c, &m, &v, NULL)) continue;
        memset(&best, 0, sizeof best);
        for (int i = 0; i < sp->set.n_metrics; i++)
            best.v[i] = out->value[i];
        if (out->found && !adse__lex_less(sp, &v, &best)) continue;
        out->found = true;
        for (int i = 0; i < ADSE_MAX_METRICS; i++)
            out->value[i] = i < sp->set.n_metrics ? v.v[i] : 0;
        out->pos = SEED_POS;
        out->best = m;
    }
    if (sp) adse__space_release(sp);
    free(sp);
    adse_scratch_free(sc);
    free(res);
    return st;
}
