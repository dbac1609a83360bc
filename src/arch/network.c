/*
 * network.c: which network serves each connection between a storage level and its children,
 * as Timeloop's Topology::Spec binds them (docs/model.md, "Declared networks").
 *
 * A level's network_read (network_update) must be the network its child names as
 * network_fill (network_drain); the MACs name theirs network_operand / network_result.
 * Where the parent names none, the child must name none either and the connection uses the
 * inferred legacy network; without network_update the read-fill network serves the
 * drain-update direction too.
 */
#include <stdio.h>

#include "adse/arch.h"

static const char *net_name(const adse_arch *a, int n)
{
    return n > 0 ? a->networks[n - 1].name : "";
}

static adse_status mismatch(const adse_arch *a, int i, const char *pkey, int pn, const char *ckey,
                            int cn, adse_err *err)
{
    const adse_buffer *p = &a->levels[i];
    const char *child = i == 0 ? a->arith.name : a->levels[i - 1].name;
    adse_srcpos pos = i == 0 ? a->arith.pos : a->levels[i - 1].pos;
    if (!pn)
        return adse_err_set(err, ADSE_E_SPEC, pos.file, pos.line, pos.column,
                            "'%s' of '%s' names network '%s' but its parent '%s' has no '%s'", ckey,
                            child, net_name(a, cn), p->name, pkey);
    if (!cn)
        return adse_err_set(err, ADSE_E_SPEC, pos.file, pos.line, pos.column,
                            "'%s' of '%s' is network '%s' but its child '%s' has no '%s'", pkey,
                            p->name, net_name(a, pn), child, ckey);
    return adse_err_set(err, ADSE_E_SPEC, pos.file, pos.line, pos.column,
                        "'%s' of '%s' is network '%s' but '%s' of its child '%s' is '%s'", pkey,
                        p->name, net_name(a, pn), ckey, child, net_name(a, cn));
}

adse_status adse_arch_connections(const adse_arch *a, adse_connection conn[ADSE_MAX_LEVELS],
                                  adse_err *err)
{
    for (int i = 0; i < a->n_levels; i++) {
        const adse_buffer *p = &a->levels[i];
        int cf = i == 0 ? a->arith.net_operand : a->levels[i - 1].net_fill;
        int cd = i == 0 ? a->arith.net_result : a->levels[i - 1].net_drain;
        const char *fkey = i == 0 ? "network_operand" : "network_fill";
        const char *dkey = i == 0 ? "network_result" : "network_drain";
        if (p->net_read != cf) return mismatch(a, i, "network_read", p->net_read, fkey, cf, err);
        if (p->net_update != cd)
            return mismatch(a, i, "network_update", p->net_update, dkey, cd, err);
        conn[i].read_fill = (int8_t)(p->net_read - 1);
        conn[i].drain_update = (int8_t)((p->net_update ? p->net_update : p->net_read) - 1);
    }
    return ADSE_OK;
}
