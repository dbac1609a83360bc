/* Binding per-action energy tables to architecture levels (Timeloop's rule), see bind.h. */
#include "energy/bind.h"

#include <string.h>

void adse__ert_component_name(const char *table_name, char *out, size_t size)
{
    /* The last '.' outside brackets starts the component name ("PE[0..15]" holds dots). */
    const char *seg = table_name;
    int depth = 0;
    for (const char *p = table_name; *p; p++) {
        if (*p == '[')
            depth++;
        else if (*p == ']' && depth > 0)
            depth--;
        else if (*p == '.' && depth == 0)
            seg = p + 1;
    }
    size_t len = strlen(seg);
    if (len > 0 && seg[len - 1] == ']') {
        const char *open = strrchr(seg, '[');
        if (open) len = (size_t)(open - seg);
    }
    if (size == 0) return;
    if (len >= size) len = size - 1;
    memcpy(out, seg, len);
    out[len] = 0;
}

/* Energy of the first present action of names (NULL-terminated); false if none. */
static bool first_of(const adse_energy_action *acts, int n, const char *const *names, double *out)
{
    for (; *names; names++) {
        for (int i = 0; i < n; i++) {
            if (strcmp(acts[i].name, *names) == 0) {
                *out = acts[i].energy_pj;
                return true;
            }
        }
    }
    return false;
}

static const char *const read_names[] = {"random_read", "read", NULL};
static const char *const fill_names[] = {"random_fill", "random_write", "fill", "write", NULL};
static const char *const update_names[] = {"random_update", "random_write", "update", "write",
                                           NULL};
static const char *const leak_names[] = {"leak", NULL};
static const char *const compute_names[] = {"mac_random", "mult_random", "mac",
                                            "mult",       "compute",     NULL};

void adse__bind_buffer_actions(adse_buffer *b, const adse_energy_action *acts, int n,
                               adse_energy_source src)
{
    double max_all = 0.0;
    for (int i = 0; i < n; i++)
        if (acts[i].energy_pj > max_all) max_all = acts[i].energy_pj;
    /* A read, fill or update the table lacks costs the vector access energy, the largest
     * action per cluster member (BufferLevel::PopulateEnergyPerOp, v3.0.3 and master). */
    b->vector_access_energy = max_all / (double)b->cluster_size;
    double *ops[3] = {&b->e_read, &b->e_fill, &b->e_update};
    const char *const *names[3] = {read_names, fill_names, update_names};
    for (int k = 0; k < 3; k++)
        if (!first_of(acts, n, names[k], ops[k])) *ops[k] = b->vector_access_energy;
    first_of(acts, n, leak_names, &b->e_leak);
    b->energy_source = src;
}

bool adse__bind_arith_actions(adse_arith *a, const adse_energy_action *acts, int n,
                              adse_energy_source src)
{
    a->energy_source = src;
    return first_of(acts, n, compute_names, &a->e_compute);
}

double adse__area_as_float(double area_um2)
{
    return (double)(float)area_um2;
}
