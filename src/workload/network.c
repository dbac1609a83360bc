/* A network workload: distinct layers with multiplicities and the ops not modeled. */
#include "adse/network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

adse_network *adse_network_new(const char *name)
{
    adse_network *net = calloc(1, sizeof *net);
    if (net) snprintf(net->name, sizeof net->name, "%s", name ? name : "");
    return net;
}

void adse_network_free(adse_network *net)
{
    if (!net) return;
    free(net->layers);
    free(net->skipped);
    free(net);
}

adse_status adse_network_add_layer(adse_network *net, const char *name, const char *op,
                                   const adse_problem *problem, adse_err *err)
{
    for (int i = 0; i < net->n_layers; i++) {
        adse_network_layer *l = &net->layers[i];
        if (strcmp(l->op, op) == 0 && adse_problem_equal(&l->problem, problem)) {
            if (l->count == UINT64_MAX)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0, "too many layers");
            l->count++;
            return ADSE_OK;
        }
    }
    return adse_network_append_layer(net, name, op, problem, 1, err);
}

adse_status adse_network_append_layer(adse_network *net, const char *name, const char *op,
                                      const adse_problem *problem, uint64_t count, adse_err *err)
{
    if (count == 0)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "layer '%s' with count 0", name);
    if (!adse__grow(&net->layers, &net->cap_layers, net->n_layers + 1, sizeof *net->layers))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_network_layer *l = &net->layers[net->n_layers++];
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name);
    snprintf(l->op, sizeof l->op, "%s", op);
    l->problem = *problem;
    l->count = count;
    return ADSE_OK;
}

adse_status adse_network_add_skipped(adse_network *net, const char *op, adse_err *err)
{
    for (int i = 0; i < net->n_skipped; i++)
        if (strcmp(net->skipped[i].op, op) == 0) {
            net->skipped[i].count++;
            return ADSE_OK;
        }
    if (!adse__grow(&net->skipped, &net->cap_skipped, net->n_skipped + 1, sizeof *net->skipped))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_network_skip *s = &net->skipped[net->n_skipped++];
    snprintf(s->op, sizeof s->op, "%s", op);
    s->count = 1;
    return ADSE_OK;
}

bool adse_network_total_macs(const adse_network *net, uint64_t *macs)
{
    uint64_t total = 0;
    for (int i = 0; i < net->n_layers; i++) {
        uint64_t m = adse_problem_macs(&net->layers[i].problem), c = net->layers[i].count;
        if (m && c > UINT64_MAX / m) return false;
        if (m * c > UINT64_MAX - total) return false;
        total += m * c;
    }
    *macs = total;
    return true;
}

uint64_t adse_network_layer_count(const adse_network *net)
{
    uint64_t n = 0;
    for (int i = 0; i < net->n_layers; i++)
        n += net->layers[i].count;
    return n;
}

void adse_network_totals_compute(const adse_network *net, const adse_network_layer_result *res,
                                 adse_network_totals *t)
{
    memset(t, 0, sizeof *t);
    t->optimal = true;
    double busy = 0; /* sum of count x cycles x utilization */
    for (int i = 0; i < net->n_layers; i++) {
        uint64_t c = net->layers[i].count;
        t->cycles += c * res[i].cycles;
        t->energy_pj += (double)c * res[i].energy_pj;
        t->macs += c * adse_problem_macs(&net->layers[i].problem);
        t->total_ops += c * res[i].total_ops;
        busy += (double)c * (double)res[i].cycles * res[i].utilization;
        t->optimal = t->optimal && res[i].optimal;
    }
    t->edp = (double)t->cycles * t->energy_pj / 1e12;
    t->utilization = t->cycles ? busy / (double)t->cycles : 0;
}
