#include "adse/report.h"

#include "report/report_internal.h"

#include <string.h>

const char *adse_report_sparse_note(const adse_problem *p)
{
    return p && p->sparse_ignored
               ? "Dense evaluation: sparse features ignored on request (--ignore-sparse)"
               : NULL;
}

void adse__report_build_nest(const adse_mapping *m, adse__nest *out)
{
    memset(out, 0, sizeof *out);
    int n = 0;
    for (int i = 0; i < m->n_levels && i < ADSE_MAX_LEVELS; i++) {
        out->level_begin[i] = n;
        for (int k = 0; k < m->n_dims; k++) {
            int x = m->spatial_perm[i][k];
            if (x >= m->n_dims || m->spatial[i][x] <= 1) continue;
            out->loops[n++] = (adse__loop){(uint8_t)x, m->spatial[i][x],
                                           k < m->split[i] ? ADSE__LOOP_X : ADSE__LOOP_Y};
        }
        for (int k = 0; k < m->n_dims; k++) {
            int x = m->temporal_perm[i][k];
            if (x >= m->n_dims || m->temporal[i][x] <= 1) continue;
            out->loops[n++] = (adse__loop){(uint8_t)x, m->temporal[i][x], ADSE__LOOP_T};
        }
        out->level_end[i] = n;
    }
    out->n_loops = n;
}

bool adse__report_level_shown(const adse_arch *a, const adse_result *r, int level)
{
    (void)a;
    if (level < 0) return r->computes != 0 || r->mac_energy_pj != 0;
    const adse_level_stats *ls = &r->levels[level];
    return ls->accesses != 0 || ls->energy_pj != 0;
}

int adse__report_name_align(const adse_arch *a)
{
    /* Timeloop aligns on every level and network name: the inferred legacy networks
     * "<outer> <==> <inner>" of connections without network_read, and every declared one. */
    adse_connection conn[ADSE_MAX_LEVELS];
    bool bound = adse_arch_connections(a, conn, NULL) == ADSE_OK;
    size_t max = strlen(a->arith.name);
    const char *inner = a->arith.name;
    for (int i = 0; i < a->n_levels; i++) {
        const char *outer = a->levels[i].name;
        size_t lo = strlen(outer);
        size_t ln = lo + strlen(" <==> ") + strlen(inner);
        if (lo > max) max = lo;
        if (ln > max && (!bound || conn[i].read_fill < 0)) max = ln;
        inner = outer;
    }
    for (int i = 0; i < a->n_networks; i++)
        if (strlen(a->networks[i].name) > max) max = strlen(a->networks[i].name);
    return (int)max + 1;
}
