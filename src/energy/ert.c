/* Accelergy ERT/ART import (spec 7.1, 7.3), see energy.h. */
#include "energy/bind.h"

#include <stdio.h>
#include <stdlib.h>
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

/* Max energy per distinct action name of one table. */
typedef struct action_energy {
    const char *name; /* borrowed from the tree */
    double energy_pj;
} action_energy;

typedef struct table_actions {
    action_energy *v;
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
    if (a->n == a->cap) {
        int cap = a->cap ? a->cap * 2 : 8;
        action_energy *v = realloc(a->v, (size_t)cap * sizeof *v);
        if (!v) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n].name = name;
    a->v[a->n].energy_pj = e;
    a->n++;
    return ADSE_OK;
}

static const action_energy *acts_find(const table_actions *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, name) == 0) return &a->v[i];
    return NULL;
}

/* Energy of the first present action of names (NULL-terminated); false if none. */
static bool acts_first(const table_actions *a, const char *const *names, double *out)
{
    for (; *names; names++) {
        const action_energy *e = acts_find(a, *names);
        if (e) {
            *out = e->energy_pj;
            return true;
        }
    }
    return false;
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

static const char *const read_names[] = {"random_read", "read", NULL};
static const char *const fill_names[] = {"random_fill", "random_write", "fill", "write", NULL};
static const char *const update_names[] = {"random_update", "random_write", "update", "write",
                                           NULL};
static const char *const leak_names[] = {"leak", NULL};
static const char *const compute_names[] = {"mac_random", "mult_random", "mac",
                                            "mult",       "compute",     NULL};

static void bind_table(adse_arch *arch, const char *component, const table_actions *acts,
                       uint32_t wire_energy_given)
{
    if (strcmp(component, "wire") == 0 || strcmp(component, "Wire") == 0) {
        /* Timeloop reads this one as a float and ignores a zero. */
        const action_energy *t = acts_find(acts, "transfer_random");
        double e = t ? (double)(float)t->energy_pj : 0.0;
        if (e == 0.0) return;
        for (int i = 0; i < arch->n_levels; i++)
            if (!(wire_energy_given & (1u << i))) arch->levels[i].wire_energy_pj = e;
        return;
    }
    double max_all = 0.0;
    for (int i = 0; i < acts->n; i++)
        if (acts->v[i].energy_pj > max_all) max_all = acts->v[i].energy_pj;

    for (int i = 0; i < arch->n_levels; i++) {
        adse_buffer *b = &arch->levels[i];
        if (strcmp(b->name, component) != 0 || b->energy_source == ADSE_ENERGY_USER) continue;
        acts_first(acts, read_names, &b->e_read);
        acts_first(acts, fill_names, &b->e_fill);
        acts_first(acts, update_names, &b->e_update);
        acts_first(acts, leak_names, &b->e_leak);
        b->vector_access_energy = max_all / (double)b->cluster_size;
        b->energy_source = ADSE_ENERGY_ERT;
    }
    adse_arith *a = &arch->arith;
    if (strcmp(a->name, component) == 0 && a->energy_source != ADSE_ENERGY_USER) {
        acts_first(acts, compute_names, &a->e_compute);
        a->energy_source = ADSE_ENERGY_ERT;
    }
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
                           adse_err *err)
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
        bind_table(arch, comp, &acts, wire_energy_given);
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
    area = (double)(float)area;
    char comp[ADSE_NAME_MAX];
    adse__ert_component_name(table, comp, sizeof comp);
    for (int i = 0; i < arch->n_levels; i++)
        if (strcmp(arch->levels[i].name, comp) == 0) arch->levels[i].area_um2 = area;
    if (strcmp(arch->arith.name, comp) == 0) arch->arith.area_um2 = area;
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
