#include "adse/workload.h"

#include <stdint.h>
#include <string.h>

uint64_t adse_problem_tile_size(const adse_problem *p, int d, const uint64_t *extent)
{
    const adse_dataspace *ds = &p->ds[d];
    uint64_t size = 1;
    for (int k = 0; k < ds->n_ranks; k++) {
        const adse_rank *r = &ds->ranks[k];
        int64_t span = 0;
        for (int t = 0; t < r->n_terms; t++) {
            int64_t c = r->terms[t].coef;
            span += (c < 0 ? -c : c) * (int64_t)(extent[r->terms[t].dim] - 1);
        }
        size *= (uint64_t)(span + 1);
    }
    return size;
}

uint64_t adse_problem_macs(const adse_problem *p)
{
    uint64_t n = 1;
    for (int x = 0; x < p->n_dims; x++)
        n *= p->bounds[x];
    return n;
}

int adse_problem_dim_id(const adse_problem *p, char name)
{
    for (int x = 0; x < p->n_dims; x++)
        if (p->dim_names[x] == name) return x;
    return -1;
}

int adse_problem_ds_id(const adse_problem *p, const char *name)
{
    for (int d = 0; d < p->n_ds; d++)
        if (strcmp(p->ds[d].name, name) == 0) return d;
    return -1;
}

/* Elements of data space d, or false when they exceed 2^63 - 1. */
static bool ds_fits(const adse_problem *p, int d)
{
    uint64_t size = 1;
    for (int k = 0; k < p->ds[d].n_ranks; k++) {
        uint64_t span = 0;
        for (int t = 0; t < p->ds[d].ranks[k].n_terms; t++) {
            const adse_term *term = &p->ds[d].ranks[k].terms[t];
            uint64_t c = (uint64_t)(term->coef < 0 ? -term->coef : term->coef);
            uint64_t ext = p->bounds[term->dim] - 1;
            if (c && ext > (uint64_t)INT64_MAX / c) return false;
            if (c * ext > (uint64_t)INT64_MAX - 1 - span) return false;
            span += c * ext;
        }
        if (span + 1 > (uint64_t)INT64_MAX / size) return false;
        size *= span + 1;
    }
    return true;
}

adse_status adse_problem_validate(const adse_problem *p, adse_err *err)
{
    if (p->n_dims < 1 || p->n_dims > ADSE_MAX_DIMS || p->n_ds < 1 || p->n_ds > ADSE_MAX_DATASPACES)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "problem has %d dimensions and %d data spaces (limits %d, %d)",
                            p->n_dims, p->n_ds, ADSE_MAX_DIMS, ADSE_MAX_DATASPACES);
    for (int x = 0; x < p->n_dims; x++)
        if (p->bounds[x] < 1)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0, "dimension '%c' has bound 0",
                                p->dim_names[x]);
    for (int d = 0; d < p->n_ds; d++) {
        const adse_dataspace *ds = &p->ds[d];
        if (ds->n_ranks < 1 || ds->n_ranks > ADSE_MAX_RANKS)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "data space '%s' has %d ranks (need 1..%d)", ds->name, ds->n_ranks,
                                ADSE_MAX_RANKS);
        for (int r = 0; r < ds->n_ranks; r++) {
            if (ds->ranks[r].n_terms < 1 || ds->ranks[r].n_terms > ADSE_MAX_TERMS)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "rank %d of data space '%s' has %d terms", r, ds->name,
                                    ds->ranks[r].n_terms);
            for (int k = 0; k < ds->ranks[r].n_terms; k++)
                if (ds->ranks[r].terms[k].dim >= p->n_dims)
                    return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                        "data space '%s' names dimension %d of %d", ds->name,
                                        ds->ranks[r].terms[k].dim, p->n_dims);
        }
    }
    uint64_t macs = 1;
    for (int x = 0; x < p->n_dims; x++) {
        if (p->bounds[x] > (uint64_t)INT64_MAX / macs)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "the problem is too large: its bounds multiply to more than "
                                "2^63 - 1 operations");
        macs *= p->bounds[x];
    }
    for (int d = 0; d < p->n_ds; d++)
        if (!ds_fits(p, d))
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "the problem is too large: data space '%s' has more than 2^63 - 1 "
                                "elements",
                                p->ds[d].name);
    return ADSE_OK;
}
