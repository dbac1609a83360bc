#include "adse/workload.h"

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
