#include "adse/workload.h"

#include <stdint.h>
#include <stdio.h>
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

int adse_problem_coef_id(const adse_problem *p, const char *name)
{
    for (int i = 0; i < p->n_coefs; i++)
        if (strcmp(p->coef_names[i], name) == 0) return i;
    return -1;
}

void adse_problem_resolve_coefs(adse_problem *p)
{
    for (int d = 0; d < p->n_ds; d++)
        for (int k = 0; k < p->ds[d].n_ranks; k++)
            for (int t = 0; t < p->ds[d].ranks[k].n_terms; t++) {
                uint8_t c = p->ds[d].named[k][t];
                if (c) p->ds[d].ranks[k].terms[t].coef = p->coef_values[c - 1];
            }
}

/* One single-term rank. */
static adse_rank rank1(int dim)
{
    return (adse_rank){.n_terms = 1, .terms = {{.dim = (uint8_t)dim, .coef = 1}}};
}

/* Rank k of ds as the sliding window dilation * filter + stride * output (coefficient ids). */
static void window(adse_dataspace *ds, int k, int filter, int dilation, int out, int stride)
{
    ds->ranks[k] = (adse_rank){
        .n_terms = 2,
        .terms = {{.dim = (uint8_t)filter, .coef = 1}, {.dim = (uint8_t)out, .coef = 1}}};
    ds->named[k][0] = (uint8_t)(dilation + 1);
    ds->named[k][1] = (uint8_t)(stride + 1);
}

/* A convolution shape over the dimension letters dims: C input channels, out (K or M)
 * output channels, R/S filter width/height, P/Q output width/height, N batch and, when
 * present, G groups (each with its own weights, input and output channels). */
static void conv_shape(adse_problem *p, const char *name, const char *dims, char out_ch)
{
    static const char *const coefs[] = {"Wstride", "Hstride", "Wdilation", "Hdilation"};
    enum { WSTRIDE, HSTRIDE, WDILATION, HDILATION };
    memset(p, 0, sizeof *p);
    snprintf(p->shape_name, sizeof p->shape_name, "%s", name);
    p->n_dims = (uint8_t)strlen(dims);
    memcpy(p->dim_names, dims, p->n_dims);
    for (int x = 0; x < p->n_dims; x++)
        p->bounds[x] = 1;
    p->n_coefs = 4;
    for (int i = 0; i < 4; i++) {
        snprintf(p->coef_names[i], sizeof p->coef_names[i], "%s", coefs[i]);
        p->coef_values[i] = 1;
    }
    int R = adse_problem_dim_id(p, 'R'), S = adse_problem_dim_id(p, 'S');
    int P = adse_problem_dim_id(p, 'P'), Q = adse_problem_dim_id(p, 'Q');
    int C = adse_problem_dim_id(p, 'C'), K = adse_problem_dim_id(p, out_ch);
    int N = adse_problem_dim_id(p, 'N'), G = adse_problem_dim_id(p, 'G');
    int g = G >= 0 ? 1 : 0;
    p->n_ds = 3;
    adse_dataspace *w = &p->ds[0], *in = &p->ds[1], *out = &p->ds[2];
    snprintf(w->name, sizeof w->name, "Weights");
    if (g) w->ranks[0] = rank1(G);
    w->ranks[g + 0] = rank1(C);
    w->ranks[g + 1] = rank1(K);
    w->ranks[g + 2] = rank1(R);
    w->ranks[g + 3] = rank1(S);
    w->n_ranks = (uint8_t)(4 + g);
    snprintf(in->name, sizeof in->name, "Inputs");
    in->ranks[0] = rank1(N);
    if (g) in->ranks[1] = rank1(G);
    in->ranks[g + 1] = rank1(C);
    window(in, g + 2, R, WDILATION, P, WSTRIDE);
    window(in, g + 3, S, HDILATION, Q, HSTRIDE);
    in->n_ranks = (uint8_t)(4 + g);
    snprintf(out->name, sizeof out->name, "Outputs");
    out->ranks[0] = rank1(N);
    if (g) out->ranks[1] = rank1(G);
    out->ranks[g + 1] = rank1(K);
    out->ranks[g + 2] = rank1(Q);
    out->ranks[g + 3] = rank1(P);
    out->n_ranks = (uint8_t)(4 + g);
    out->read_write = true;
    for (int d = 0; d < p->n_ds; d++)
        for (int k = 0; k < p->ds[d].n_ranks; k++)
            for (int t = 0; t < p->ds[d].ranks[k].n_terms; t++)
                p->ds[d].relevant_mask |= 1u << p->ds[d].ranks[k].terms[t].dim;
}

void adse_problem_init_cnn_layer(adse_problem *p)
{
    conv_shape(p, ADSE_SHAPE_CNN_LAYER, "RSPQCKN", 'K');
}

void adse_problem_init_layer(adse_problem *p, bool grouped)
{
    if (grouped)
        conv_shape(p, ADSE_SHAPE_GROUPED_LAYER, "CMRSNPQG", 'M');
    else
        conv_shape(p, ADSE_SHAPE_LAYER, "CMRSNPQ", 'M');
}

bool adse_problem_equal(const adse_problem *a, const adse_problem *b)
{
    if (strcmp(a->shape_name, b->shape_name) != 0 || a->n_dims != b->n_dims ||
        a->n_coefs != b->n_coefs || a->n_ds != b->n_ds)
        return false;
    if (memcmp(a->dim_names, b->dim_names, a->n_dims) != 0) return false;
    for (int x = 0; x < a->n_dims; x++)
        if (a->bounds[x] != b->bounds[x]) return false;
    for (int c = 0; c < a->n_coefs; c++)
        if (strcmp(a->coef_names[c], b->coef_names[c]) != 0 ||
            a->coef_values[c] != b->coef_values[c])
            return false;
    for (int d = 0; d < a->n_ds; d++) {
        const adse_dataspace *x = &a->ds[d], *y = &b->ds[d];
        if (strcmp(x->name, y->name) != 0 || x->n_ranks != y->n_ranks ||
            x->read_write != y->read_write)
            return false;
        for (int k = 0; k < x->n_ranks; k++) {
            if (x->ranks[k].n_terms != y->ranks[k].n_terms) return false;
            for (int t = 0; t < x->ranks[k].n_terms; t++) {
                const adse_term *s = &x->ranks[k].terms[t], *u = &y->ranks[k].terms[t];
                if (s->dim != u->dim || s->coef != u->coef || x->named[k][t] != y->named[k][t])
                    return false;
            }
        }
    }
    return true;
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
