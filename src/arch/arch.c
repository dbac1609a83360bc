#include "adse/arch.h"

#include <inttypes.h>
#include <math.h>
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

/* Block and cluster sizes from the width (BufferLevel::ParseSpecs); those given are kept. */
static adse_status derive_block_cluster(adse_buffer *b, adse_err *err)
{
    uint64_t wb = b->word_bits, width = b->width_bits;
    uint64_t block = b->block_size_given ? b->block_size : 1;
    uint64_t cluster = b->cluster_size_given ? b->cluster_size : 1;
    if (wb < 1 || block < 1 || cluster < 1)
        return adse_err_set(
            err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
            "word_bits, block_size and cluster_size of '%s' must be positive, got %" PRIu64
            ", %" PRIu64 ", %" PRIu64,
            b->name, wb, block, cluster);
    if (width) {
        if (width % (wb * block))
            return adse_err_set(err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
                                "width %" PRIu64 " of '%s' is not a multiple of word_bits * "
                                "block_size (%" PRIu64 " * %" PRIu64 ")",
                                width, b->name, wb, block);
        if (b->block_size_given && b->cluster_size_given) {
            if (width / (wb * block) != cluster)
                return adse_err_set(err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
                                    "block_size * word_bits * cluster_size of '%s' (%" PRIu64
                                    " * %" PRIu64 " * %" PRIu64 ") is not its width %" PRIu64,
                                    b->name, block, wb, cluster, width);
        } else if (b->cluster_size_given) {
            if (width % (cluster * wb))
                return adse_err_set(err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
                                    "width %" PRIu64 " of '%s' is not a multiple of cluster_size "
                                    "* word_bits (%" PRIu64 " * %" PRIu64 ")",
                                    width, b->name, cluster, wb);
            block = width / cluster / wb;
        } else if (b->block_size_given) {
            cluster = width / (wb * block);
        } else {
            block = width / wb;
            cluster = 1;
        }
    }
    b->block_size = (uint32_t)block;
    b->cluster_size = (uint32_t)cluster;
    if (b->is_dram && b->cluster_size != 1)
        return adse_err_set(err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
                            "cluster_size of DRAM '%s' must be 1, got %" PRIu32, b->name,
                            b->cluster_size);
    return ADSE_OK;
}

adse_status adse_buffer_derive_geometry(adse_buffer *b, adse_err *err)
{
    adse_status st = derive_block_cluster(b, err);
    if (st) return st;
    b->size_specified = b->size_given != ADSE_SIZE_NONE;
    switch (b->size_given) {
    case ADSE_SIZE_DEPTH: b->size_words = b->depth * b->block_size; break;
    case ADSE_SIZE_ENTRIES: b->size_words = b->entries; break;
    case ADSE_SIZE_KB: b->size_words = b->size_kb * 1024 * 8 / b->word_bits; break;
    case ADSE_SIZE_NONE: b->size_words = 0; break;
    }
    b->effective_size =
        b->size_specified ? (uint64_t)floor((double)b->size_words / b->multiple_buffering) : 0;
    if (!b->network_word_bits_given) b->network_word_bits = b->word_bits;
    return ADSE_OK;
}

uint64_t adse_buffer_row_bits(const adse_buffer *b)
{
    return b->width_bits ? b->width_bits : (uint64_t)b->word_bits * b->block_size * b->cluster_size;
}

uint64_t adse_buffer_rows(const adse_buffer *b)
{
    if (!b->size_specified) return 0;
    if (b->depth || !b->block_size) return b->depth;
    return (b->size_words + b->block_size - 1) / b->block_size;
}

static adse_status check_mesh(adse_err *err, const char *name, adse_srcpos pos, uint32_t instances,
                              uint32_t mesh_x, uint32_t mesh_y)
{
    if (mesh_x < 1 || mesh_y < 1 || (uint64_t)mesh_x * mesh_y != instances)
        return adse_err_set(err, ADSE_E_SPEC, pos.file, pos.line, pos.column,
                            "'%s' mesh %" PRIu32 "x%" PRIu32 " does not match its %" PRIu32
                            " instances",
                            name, mesh_x, mesh_y, instances);
    return ADSE_OK;
}

adse_status adse_arch_validate(const adse_arch *a, adse_err *err)
{
    if (a->n_levels < 1 || a->n_levels > ADSE_MAX_LEVELS)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "architecture has %d storage levels (need 1..%d)", a->n_levels,
                            ADSE_MAX_LEVELS);
    const adse_arith *m = &a->arith;
    adse_status st = check_mesh(err, m->name, m->pos, m->instances, m->mesh_x, m->mesh_y);
    for (int i = 0; i < a->n_levels && !st; i++) {
        const adse_buffer *b = &a->levels[i];
        st = check_mesh(err, b->name, b->pos, b->instances, b->mesh_x, b->mesh_y);
    }
    if (st) return st;
    for (int i = 0; i < a->n_levels; i++) {
        const adse_buffer *p = &a->levels[i];
        const char *cname = i == 0 ? m->name : a->levels[i - 1].name;
        adse_srcpos cpos = i == 0 ? m->pos : a->levels[i - 1].pos;
        uint32_t cx, cy;
        child_mesh(a, i, &cx, &cy);
        if (cx % p->mesh_x || cy % p->mesh_y)
            return adse_err_set(err, ADSE_E_SPEC, cpos.file, cpos.line, cpos.column,
                                "mesh of '%s' (%" PRIu32 "x%" PRIu32 ") is not a multiple of the "
                                "mesh of its parent '%s' (%" PRIu32 "x%" PRIu32 ")",
                                cname, cx, cy, p->name, p->mesh_x, p->mesh_y);
        if (p->block_size < 1 || p->cluster_size < 1)
            return adse_err_set(err, ADSE_E_SPEC, p->pos.file, p->pos.line, p->pos.column,
                                "'%s' has block size %" PRIu32 " and cluster size %" PRIu32,
                                p->name, p->block_size, p->cluster_size);
    }
    return ADSE_OK;
}
