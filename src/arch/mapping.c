#include "adse/mapping.h"

#include <string.h>

void adse_mapping_init(adse_mapping *m, int n_levels, int n_dims, int n_ds)
{
    memset(m, 0, sizeof *m);
    m->n_levels = (uint8_t)n_levels;
    m->n_dims = (uint8_t)n_dims;
    m->n_ds = (uint8_t)n_ds;
    for (int i = 0; i < n_levels; i++) {
        for (int x = 0; x < n_dims; x++) {
            m->temporal[i][x] = 1;
            m->spatial[i][x] = 1;
            m->temporal_perm[i][x] = (uint8_t)x;
            m->spatial_perm[i][x] = (uint8_t)x;
        }
        m->split[i] = (uint8_t)n_dims;
    }
    for (int d = 0; d < n_ds; d++)
        m->keep[d] = (n_levels >= 32) ? ~0u : ((1u << n_levels) - 1u);
}
