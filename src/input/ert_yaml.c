/* `ERT:` / `ART:` (Accelergy v0.2-v0.4, model.md §7.1, §7.3) -> energies and areas of the arch.
 * The YAML is read here; the binding rule is the energy layer's (energy/bind.h). */
#include "input/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy/bind.h"
#include "util/grow.h"

/* Max energy per distinct action name of one table (names borrowed from the tree). */
typedef struct table_actions {
    adse_energy_action *v;
    int n, cap;
} table_actions;

static adse_status acts_add(table_actions *a, const char *name, double e, adse_err *err)
{
    for (int i = 0; i < a->n; i++) {
        if (strcmp(a->v[i].name, name) == 0) {
            if (e > a->v[i].energy_pj) a->v[i].energy_pj = e;
            return ADSE_OK;
        }
    }
    if (!adse__grow(&a->v, &a->cap, a->n + 1, sizeof *a->v))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    a->v[a->n].name = name;
    a->v[a->n].energy_pj = e;
    a->n++;
    return ADSE_OK;
}

static const adse_energy_action *acts_find(const table_actions *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, name) == 0) return &a->v[i];
    return NULL;
}

static adse_status read_energy(const adse__ynode *entry, const char *action, const char *table,
                               double *out, adse_err *err)
{
    if (!adse__ynode_is_map(entry))
        return adse__yerr(err, ADSE_E_SPEC, entry,
                          "entry of action '%s' in ERT table '%s' must be a mapping, got %s",
                          action, table, adse__ynode_kind_name(entry));
    const adse__ynode *e = adse__ymap_get(entry, "energy");
    if (!e)
        return adse__yerr(err, ADSE_E_SPEC, entry,
                          "missing 'energy' in action '%s' of ERT table '%s'", action, table);
    if (!adse__yscalar_double(e, out) || *out < 0)
        return adse__yerr(err, ADSE_E_SPEC, e,
                          "'energy' of action '%s' in ERT table '%s' must be a non-negative "
                          "number, got %s%s%s",
                          action, table, adse__ynode_is_scalar(e) ? "'" : "",
                          adse__ynode_is_scalar(e) ? e->text : adse__ynode_kind_name(e),
                          adse__ynode_is_scalar(e) ? "'" : "");
    return ADSE_OK;
}

/* The actions of a table, "a, b, c", for messages. */
static void action_list(const table_actions *acts, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < acts->n && used < size; i++) {
        int k = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", acts->v[i].name);
        if (k < 0) break;
        used += (size_t)k;
    }
}

/* A table that names the arithmetic unit but gives none of the actions Timeloop maps to a
 * compute leaves it at Timeloop's built-in energy, as in Timeloop; a warning says so, since
 * the table's numbers are then not used. (A storage table always prices its level: a read,
 * fill or update it lacks costs its largest action.) */
static void bind_table(adse_arch *arch, const char *component, const table_actions *acts,
                       uint32_t wire_energy_given, const adse__ynode *at, adse__warnings *w)
{
    char list[256];
    if (strcmp(component, "wire") == 0 || strcmp(component, "Wire") == 0) {
        /* Timeloop reads this one as a float and ignores a zero. */
        const adse_energy_action *t = acts_find(acts, "transfer_random");
        double e = t ? (double)(float)t->energy_pj : 0.0;
        if (e == 0.0) return;
        for (int i = 0; i < arch->n_levels; i++)
            if (!(wire_energy_given & (1u << i))) arch->levels[i].wire_energy_pj = e;
        return;
    }
    for (int i = 0; i < arch->n_levels; i++) {
        adse_buffer *b = &arch->levels[i];
        if (strcmp(b->name, component) == 0 && b->energy_source != ADSE_ENERGY_USER)
            adse__bind_buffer_actions(b, acts->v, acts->n, ADSE_ENERGY_ERT);
    }
    adse_arith *a = &arch->arith;
    if (strcmp(a->name, component) == 0 && a->energy_source != ADSE_ENERGY_USER &&
        !adse__bind_arith_actions(a, acts->v, acts->n, ADSE_ENERGY_ERT) && acts->n) {
        action_list(acts, list, sizeof list);
        adse__ywarn(w, at,
                    "ERT table '%s' gives no compute energy of '%s' (its actions: %s): it stays "
                    "Timeloop's built-in one, as in Timeloop",
                    at->text, component, list);
    }
}

/* ---- declared networks (docs/model.md, "Declared networks") ---------------------------------- */

/* Drops the ERT actions bound earlier to network n (Timeloop keeps the last table). */
static void net_unbind(adse_arch *arch, int n)
{
    int w = 0, we = 0;
    for (int a = 0; a < arch->n_net_actions; a++) {
        adse_net_action act = arch->net_actions[a];
        if (act.network == n) continue;
        for (int e = 0; e < act.n; e++)
            arch->net_entries[we + e] = arch->net_entries[act.first + e];
        act.first = (uint16_t)we;
        we += act.n;
        arch->net_actions[w++] = act;
    }
    arch->n_net_actions = (uint8_t)w;
    arch->n_net_entries = (uint16_t)we;
}

static adse_status net_add_entry(adse_arch *arch, int n, const char *action,
                                 const adse__ynode *entry, const char *table, adse_err *err)
{
    const adse_arch_network *net = &arch->networks[n];
    int a = 0;
    for (; a < arch->n_net_actions; a++)
        if (arch->net_actions[a].network == n && strcmp(arch->net_actions[a].name, action) == 0)
            break;
    if (a == arch->n_net_actions) {
        if (a == ADSE_MAX_NET_ACTIONS)
            return adse__yerr(err, ADSE_E_SPEC, entry,
                              "more than ADSE_MAX_NET_ACTIONS (%d) network actions in the ERT",
                              ADSE_MAX_NET_ACTIONS);
        adse_net_action *na = &arch->net_actions[arch->n_net_actions++];
        memset(na, 0, sizeof *na);
        na->network = (uint8_t)n;
        snprintf(na->name, sizeof na->name, "%s", action);
        na->first = arch->n_net_entries;
    }
    adse_net_action *na = &arch->net_actions[a];
    if (arch->n_net_entries == ADSE_MAX_NET_ENTRIES)
        return adse__yerr(err, ADSE_E_SPEC, entry,
                          "more than ADSE_MAX_NET_ENTRIES (%d) entries of network actions in the "
                          "ERT",
                          ADSE_MAX_NET_ENTRIES);
    /* Entries of one action are contiguous: move the later actions' entries up by one. */
    int at = na->first + na->n;
    for (int e = arch->n_net_entries; e > at; e--)
        arch->net_entries[e] = arch->net_entries[e - 1];
    for (int k = 0; k < arch->n_net_actions; k++)
        if (k != a && arch->net_actions[k].first >= at) arch->net_actions[k].first++;
    arch->n_net_entries++;
    na->n++;
    adse_net_entry *ne = &arch->net_entries[at];
    adse_status st = read_energy(entry, action, table, &ne->energy_pj, err);
    if (st) return st;
    ne->dest = -1;
    const adse__ynode *args = adse__ymap_get(entry, "arguments");
    if (net->mcast_arg[0] && adse__ynode_is_map(args)) {
        const adse__ynode *v = adse__ymap_get(args, net->mcast_arg);
        uint64_t u;
        if (v && adse__yscalar_u64(v, &u) && u <= UINT32_MAX) ne->dest = (int64_t)u;
    }
    return ADSE_OK;
}

/* Binds the actions of table `table` (its component name comp) that network transfers use:
 * action_name and action_name_<data space>, every entry in file order. */
static adse_status bind_network_table(adse_arch *arch, const char *comp, const adse__ynode *actions,
                                      const char *table, adse_err *err)
{
    for (int n = 0; n < arch->n_networks; n++) {
        adse_arch_network *net = &arch->networks[n];
        if (strcmp(net->name, comp) != 0 || strcmp(net->klass, "SimpleMulticast") != 0) continue;
        net_unbind(arch, n);
        net->ert_bound = true;
        size_t an = strlen(net->action_name);
        adse_status st = ADSE_OK;
        if (adse__ynode_is_seq(actions)) {
            for (int i = 0; i < actions->n && !st; i++) {
                const adse__ynode *a = actions->items[i];
                const char *name = adse__ymap_get(a, "name")->text;
                if (strncmp(name, net->action_name, an) != 0 || (name[an] && name[an] != '_'))
                    continue;
                st = net_add_entry(arch, n, name, a, table, err);
            }
        } else if (adse__ynode_is_map(actions)) {
            for (int i = 0; i < actions->n && !st; i++) {
                const adse__ypair *p = &actions->pairs[i];
                const char *name = p->key->text;
                if (strncmp(name, net->action_name, an) != 0 || (name[an] && name[an] != '_'))
                    continue;
                if (adse__ynode_is_seq(p->value)) {
                    for (int k = 0; k < p->value->n && !st; k++)
                        st = net_add_entry(arch, n, name, p->value->items[k], table, err);
                } else {
                    st = net_add_entry(arch, n, name, p->value, table, err);
                }
            }
        }
        if (st) return st;
    }
    return ADSE_OK;
}

static adse_status table_name(const adse__ynode *n, const char *what, adse_err *err)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
        return adse__yerr(err, ADSE_E_SPEC, n, "'name' of an %s table must be a scalar, got %s",
                          what, adse__ynode_kind_name(n));
    return ADSE_OK;
}

/* Collects the actions of one table. List form (v0.3/v0.4): actions = [{name, energy, ...}].
 * Map form (v0.2): actions = {action: [{energy, ...}] | {energy, ...}}. */
static adse_status collect_actions(const adse__ynode *actions, const char *table,
                                   table_actions *out, adse_err *err)
{
    adse_status st = ADSE_OK;
    if (adse__ynode_is_null(actions)) return ADSE_OK;
    if (adse__ynode_is_seq(actions)) {
        for (int i = 0; i < actions->n && !st; i++) {
            const adse__ynode *a = actions->items[i];
            if (!adse__ynode_is_map(a))
                return adse__yerr(err, ADSE_E_SPEC, a,
                                  "action of ERT table '%s' must be a mapping, got %s", table,
                                  adse__ynode_kind_name(a));
            const adse__ynode *name = adse__ymap_get(a, "name");
            if (!name)
                return adse__yerr(err, ADSE_E_SPEC, a,
                                  "missing 'name' in an action of ERT table '%s'", table);
            if (!adse__ynode_is_scalar(name) || adse__ynode_is_null(name))
                return adse__yerr(err, ADSE_E_SPEC, name,
                                  "'name' of an action in ERT table '%s' must be a scalar, got %s",
                                  table, adse__ynode_kind_name(name));
            double e;
            st = read_energy(a, name->text, table, &e, err);
            if (!st) st = acts_add(out, name->text, e, err);
        }
        return st;
    }
    if (adse__ynode_is_map(actions)) {
        for (int i = 0; i < actions->n && !st; i++) {
            const adse__ypair *p = &actions->pairs[i];
            const char *action = p->key->text;
            if (adse__ynode_is_seq(p->value)) {
                for (int k = 0; k < p->value->n && !st; k++) {
                    double e;
                    st = read_energy(p->value->items[k], action, table, &e, err);
                    if (!st) st = acts_add(out, action, e, err);
                }
            } else {
                double e;
                st = read_energy(p->value, action, table, &e, err);
                if (!st) st = acts_add(out, action, e, err);
            }
        }
        return st;
    }
    return adse__yerr(err, ADSE_E_SPEC, actions,
                      "'actions' of ERT table '%s' must be a list, got %s", table,
                      adse__ynode_kind_name(actions));
}

static adse_status expect_tables(const adse__ynode *top, const char *what,
                                 const adse__ynode **tables, adse_err *err)
{
    if (!adse__ynode_is_map(top))
        return adse__yerr(err, ADSE_E_SPEC, top, "'%s' must be a mapping, got %s", what,
                          adse__ynode_kind_name(top));
    const adse__ynode *v = adse__ymap_get(top, "version");
    if (v && !adse__ynode_is_scalar(v))
        return adse__yerr(err, ADSE_E_SPEC, v, "'version' of the %s must be a scalar, got %s", what,
                          adse__ynode_kind_name(v));
    *tables = adse__ymap_get(top, "tables");
    if (!*tables) return adse__yerr(err, ADSE_E_SPEC, top, "missing 'tables' in the %s", what);
    if (adse__ynode_is_null(*tables)) return ADSE_OK;
    if (!adse__ynode_is_seq(*tables) && !adse__ynode_is_map(*tables))
        return adse__yerr(err, ADSE_E_SPEC, *tables, "'tables' of the %s must be a list, got %s",
                          what, adse__ynode_kind_name(*tables));
    return ADSE_OK;
}

adse_status adse__ert_bind(adse_arch *arch, const adse__ynode *ert, uint32_t wire_energy_given,
                           adse__warnings *warnings, adse_err *err)
{
    const adse__ynode *tables;
    adse_status st = expect_tables(ert, "ERT", &tables, err);
    if (st || adse__ynode_is_null(tables)) return st;

    table_actions acts = {0};
    bool list_form = adse__ynode_is_seq(tables);
    for (int i = 0; i < tables->n && !st; i++) {
        const adse__ynode *name, *actions;
        if (list_form) {
            const adse__ynode *t = tables->items[i];
            if (!adse__ynode_is_map(t)) {
                st = adse__yerr(err, ADSE_E_SPEC, t, "ERT table must be a mapping, got %s",
                                adse__ynode_kind_name(t));
                break;
            }
            name = adse__ymap_get(t, "name");
            if (!name) {
                st = adse__yerr(err, ADSE_E_SPEC, t, "missing 'name' in an ERT table");
                break;
            }
            actions = adse__ymap_get(t, "actions");
            if (!actions) {
                st = adse__yerr(err, ADSE_E_SPEC, t, "missing 'actions' in ERT table '%s'",
                                adse__ynode_is_scalar(name) ? name->text : "?");
                break;
            }
        } else {
            name = tables->pairs[i].key;
            actions = tables->pairs[i].value;
        }
        st = table_name(name, "ERT", err);
        if (st) break;
        acts.n = 0;
        st = collect_actions(actions, name->text, &acts, err);
        if (st || !arch) continue;
        char comp[ADSE_NAME_MAX];
        adse__ert_component_name(name->text, comp, sizeof comp);
        bind_table(arch, comp, &acts, wire_energy_given, name, warnings);
        st = bind_network_table(arch, comp, actions, name->text, err);
    }
    free(acts.v);
    return st;
}

static adse_status read_area(const adse__ynode *n, const char *table, double *out, adse_err *err)
{
    if (!adse__yscalar_double(n, out) || *out < 0)
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "'area' of ART table '%s' must be a non-negative number, got %s%s%s",
                          table, adse__ynode_is_scalar(n) ? "'" : "",
                          adse__ynode_is_scalar(n) ? n->text : adse__ynode_kind_name(n),
                          adse__ynode_is_scalar(n) ? "'" : "");
    return ADSE_OK;
}

static void bind_area(adse_arch *arch, const char *table, double area)
{
    /* Timeloop reads ART areas into a float; keep that rounding so printed areas and
     * totals match its output (e.g. 217363.36892 -> 217363.375). */
    area = adse__area_as_float(area);
    char comp[ADSE_NAME_MAX];
    adse__ert_component_name(table, comp, sizeof comp);
    for (int i = 0; i < arch->n_levels; i++) {
        if (strcmp(arch->levels[i].name, comp) == 0) {
            arch->levels[i].area_um2 = area;
            arch->levels[i].area_source = ADSE_ENERGY_ERT;
        }
    }
    if (strcmp(arch->arith.name, comp) == 0) {
        arch->arith.area_um2 = area;
        arch->arith.area_source = ADSE_ENERGY_ERT;
    }
}

adse_status adse__art_bind(adse_arch *arch, const adse__ynode *art, adse_err *err)
{
    const adse__ynode *tables;
    adse_status st = expect_tables(art, "ART", &tables, err);
    if (st || adse__ynode_is_null(tables)) return st;
    for (int i = 0; i < tables->n; i++) {
        const adse__ynode *name, *area;
        if (adse__ynode_is_seq(tables)) {
            const adse__ynode *t = tables->items[i];
            if (!adse__ynode_is_map(t))
                return adse__yerr(err, ADSE_E_SPEC, t, "ART table must be a mapping, got %s",
                                  adse__ynode_kind_name(t));
            name = adse__ymap_get(t, "name");
            if (!name) return adse__yerr(err, ADSE_E_SPEC, t, "missing 'name' in an ART table");
            st = table_name(name, "ART", err);
            if (st) return st;
            area = adse__ymap_get(t, "area");
            if (!area)
                return adse__yerr(err, ADSE_E_SPEC, t, "missing 'area' in ART table '%s'",
                                  name->text);
        } else {
            /* v0.2 map form: name: area, or name: {area: x}. */
            name = tables->pairs[i].key;
            area = tables->pairs[i].value;
            if (adse__ynode_is_map(area)) {
                const adse__ynode *a = adse__ymap_get(area, "area");
                if (!a)
                    return adse__yerr(err, ADSE_E_SPEC, area, "missing 'area' in ART table '%s'",
                                      name->text);
                area = a;
            }
        }
        double v;
        st = read_area(area, name->text, &v, err);
        if (st) return st;
        if (arch) bind_area(arch, name->text, v);
    }
    return ADSE_OK;
}
