#include "adse/arch.h"

#include <string.h>

static void child_mesh(const adse_arch *a, int i, uint32_t *mx, uint32_t *my)
{
    if (i == 0) {
        *mx = a->arith.mesh_x;
        *my = a->arith.mesh_y;
    } else {
        *mx = a->levels[i - 1].mesh_x;
        *my = a->levels[i - 1].mesh_y;
    }
}

uint32_t adse_arch_fanout_x(const adse_arch *a, int i)
{
    uint32_t mx, my;
    child_mesh(a, i, &mx, &my);
    return mx / a->levels[i].mesh_x;
}

uint32_t adse_arch_fanout_y(const adse_arch *a, int i)
{
    uint32_t mx, my;
    child_mesh(a, i, &mx, &my);
    return my / a->levels[i].mesh_y;
}

int adse_arch_level_id(const adse_arch *a, const char *name)
{
    for (int i = 0; i < a->n_levels; i++)
        if (strcmp(a->levels[i].name, name) == 0) return i;
    return -1;
}
