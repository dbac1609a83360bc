/* The record cache of the hardware search (adse__cache_find, adse__cache_add,
 * search/search_internal.h): records indexed by their gene values in an open-addressing
 * table, so that a design met again is not evaluated again. */
#include "search/search_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/intmath.h"

static uint64_t hash_genes(const double *g, int n)
{
    uint64_t h = ADSE_FNV_BASIS;
    for (int i = 0; i < n; i++) {
        double v = g[i] == 0 ? 0.0 : g[i]; /* -0 == 0 */
        uint64_t u;
        memcpy(&u, &v, sizeof u);
        for (int k = 0; k < 8; k++)
            h = adse__fnv(h, (u >> (8 * k)) & 0xff);
    }
    return h ^ (h >> 29);
}

static bool same_genes(const double *a, const double *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

int adse__cache_find(const adse_search *s, const double *genes)
{
    if (!s->table_cap) return -1;
    uint32_t mask = s->table_cap - 1;
    for (uint32_t i = (uint32_t)hash_genes(genes, s->spec.n_genes) & mask;; i = (i + 1) & mask) {
        int32_t r = s->table[i];
        if (r == 0) return -1;
        if (same_genes(s->records[r - 1].d.genes, genes, s->spec.n_genes)) return r - 1;
    }
}

static bool table_grow(adse_search *s)
{
    uint32_t cap = s->table_cap ? s->table_cap * 2 : 1024;
    int32_t *t = calloc(cap, sizeof *t);
    if (!t) return false;
    for (int r = 0; r < s->n_records; r++) {
        uint32_t i = (uint32_t)hash_genes(s->records[r].d.genes, s->spec.n_genes) & (cap - 1);
        while (t[i])
            i = (i + 1) & (cap - 1);
        t[i] = r + 1;
    }
    free(s->table);
    s->table = t;
    s->table_cap = cap;
    return true;
}

int adse__cache_add(adse_search *s, const adse_search_design *d)
{
    if (s->n_records == s->cap_records) {
        int cap = s->cap_records ? s->cap_records * 2 : 256;
        adse__record *r = realloc(s->records, (size_t)cap * sizeof *r);
        if (!r) return -1;
        s->records = r;
        s->cap_records = cap;
    }
    if ((uint64_t)(s->n_records + 1) * 2 > s->table_cap && !table_grow(s)) return -1;
    int idx = s->n_records++;
    adse__record *rec = &s->records[idx];
    memset(rec, 0, sizeof *rec);
    rec->d = *d;
    uint32_t mask = s->table_cap - 1;
    uint32_t i = (uint32_t)hash_genes(d->genes, s->spec.n_genes) & mask;
    while (s->table[i])
        i = (i + 1) & mask;
    s->table[i] = idx + 1;
    return idx;
}
