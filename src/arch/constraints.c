#include "adse/constraints.h"

#include <string.h>

void adse_constraints_init(adse_constraints *c, int n_levels, int n_dims, int n_ds)
{
    memset(c, 0, sizeof *c);
    c->n_levels = (uint8_t)n_levels;
    c->n_dims = (uint8_t)n_dims;
    c->n_ds = (uint8_t)n_ds;
    for (int i = 0; i < ADSE_MAX_LEVELS; i++) {
        c->temporal[i].split = -1;
        c->spatial[i].split = -1;
    }
}

void adse_mapper_settings_init(adse_mapper_settings *s)
{
    memset(s, 0, sizeof *s);
    s->n_metrics = 1;
    s->metrics[0] = ADSE_METRIC_EDP;
}
