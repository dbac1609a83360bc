/*
 * report/map_yaml.c: Timeloop's timeloop-mapper.map.yaml (Mapping::FormatAsYaml, model.md §10.3)
 * and the same directives as JSON (the "mapping" member of `adse map --json`).
 *
 * First one `datatype` directive per storage level, inner to outer, with `keep` and
 * `bypass` lists in data-space order; then per storage level, inner to outer, a `spatial`
 * directive when the level has non-unit spatial loops, and a `temporal` directive. Factors
 * list every dimension in id order as `D<n>`; a permutation lists the non-unit loops in
 * nest order (innermost first; for a spatial level the X loops, then the Y loops) and then
 * the unit-factor dimensions in id order, and `split` counts the non-unit X loops. The text
 * is what yaml-cpp's emitter writes for that document: two-space indents, `[]` for an empty
 * list, scalars plain unless YAML needs quotes, and no newline after the last line.
 */
#include "adse/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"
#include "util/json_writer.h"

void adse__report_directives(const adse_mapping *m, const adse_problem *p, adse__directives *out)
{
    memset(out, 0, sizeof *out);
    adse__nest nest;
    adse__report_build_nest(m, &nest);
    int n = 0;
    for (int i = 0; i < m->n_levels; i++)
        out->d[n++] = (adse__directive){.level = i, .kind = ADSE__DIR_DATATYPE};
    for (int i = 0; i < m->n_levels; i++) {
        for (int sp = 1; sp >= 0; sp--) {
            adse__directive dir = {.level = i, .kind = sp ? ADSE__DIR_SPATIAL : ADSE__DIR_TEMPORAL};
            bool unit[ADSE_MAX_DIMS];
            for (int x = 0; x < p->n_dims; x++)
                unit[x] = true;
            int k = 0, n_loops = 0;
            for (int l = nest.level_begin[i]; l < nest.level_end[i]; l++) {
                const adse__loop *lp = &nest.loops[l];
                if ((lp->kind == ADSE__LOOP_T) == (sp == 1)) continue;
                dir.perm[k++] = p->dim_names[lp->dim];
                unit[lp->dim] = false;
                if (lp->kind == ADSE__LOOP_X) dir.split++;
                n_loops++;
            }
            if (sp && n_loops == 0) continue; /* no spatial directive without spatial loops */
            for (int x = 0; x < p->n_dims; x++)
                if (unit[x]) dir.perm[k++] = p->dim_names[x];
            dir.perm[k] = 0;
            for (int x = 0; x < p->n_dims; x++)
                dir.factors[x] = sp ? m->spatial[i][x] : m->temporal[i][x];
            out->d[n++] = dir;
        }
    }
    out->n = n;
}

/* yaml-cpp's IsValidPlainScalar for block context, for the names adse writes. */
static bool plain_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
        strcmp(s, "NULL") == 0)
        return false;
    if (strchr(" \t\r\n,[]{}#&*!|>'\"%@`", s[0])) return false;
    if (strchr("-?:", s[0]) && (n == 1 || s[1] == ' ' || s[1] == '\t')) return false;
    if (s[n - 1] == ' ') return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '&') return false;
        if (c == ':' && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t')) return false;
        if (c == '#' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) return false;
    }
    return true;
}

static void put_scalar(FILE *f, const char *s)
{
    if (plain_ok(s)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\x%02x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

static void put_factors(FILE *f, const adse__directive *dir, const adse_problem *p)
{
    for (int x = 0; x < p->n_dims; x++)
        fprintf(f, "%s%c%" PRIu64, x ? " " : "", p->dim_names[x], dir->factors[x]);
}

static void put_ds_list(FILE *f, const adse_problem *p, uint32_t mask, bool keep)
{
    bool any = false;
    for (int d = 0; d < p->n_ds; d++) {
        if (((mask >> d) & 1u) != keep) continue;
        fputs("\n      - ", f);
        put_scalar(f, p->ds[d].name);
        any = true;
    }
    if (!any) fputs("\n      []", f);
}

static bool check_args(const adse_arch *a, const adse_problem *p, const adse_mapping *m)
{
    return a && p && m && m->n_levels == a->n_levels && m->n_dims == p->n_dims &&
           m->n_ds == p->n_ds && m->n_levels <= ADSE_MAX_LEVELS;
}

/* Bit d: level keeps data space d. */
static uint32_t keep_mask(const adse_mapping *m, const adse_problem *p, int level)
{
    uint32_t mask = 0;
    for (int d = 0; d < p->n_ds; d++)
        if (m->keep[d] & (1u << level)) mask |= 1u << d;
    return mask;
}

adse_status adse_report_write_map_yaml(FILE *f, const adse_arch *a, const adse_problem *p,
                                       const adse_mapping *m)
{
    if (!f || !check_args(a, p, m)) return ADSE_E_USAGE;
    adse__directives dirs;
    adse__report_directives(m, p, &dirs);
    fputs("mapping:", f);
    for (int k = 0; k < dirs.n; k++) {
        const adse__directive *dir = &dirs.d[k];
        fputs("\n  - target: ", f);
        put_scalar(f, a->levels[dir->level].name);
        if (dir->kind == ADSE__DIR_DATATYPE) {
            uint32_t mask = keep_mask(m, p, dir->level);
            fputs("\n    type: datatype\n    keep:", f);
            put_ds_list(f, p, mask, true);
            fputs("\n    bypass:", f);
            put_ds_list(f, p, mask, false);
            continue;
        }
        fprintf(f, "\n    type: %s\n    factors: ",
                dir->kind == ADSE__DIR_SPATIAL ? "spatial" : "temporal");
        put_factors(f, dir, p);
        fputs("\n    permutation: ", f);
        put_scalar(f, dir->perm);
        if (dir->kind == ADSE__DIR_SPATIAL) fprintf(f, "\n    split: %d", dir->split);
    }
    return ferror(f) ? ADSE_E_IO : ADSE_OK;
}

adse_status adse_report_map_yaml(FILE *f, const adse_model *model, const adse_mapping *mapping)
{
    if (!model) return ADSE_E_USAGE;
    return adse_report_write_map_yaml(f, adse_model_arch(model), adse_model_problem(model),
                                      mapping);
}

void adse__report_json_directives(adse__json *w, const adse_arch *a, const adse_problem *p,
                                  const adse_mapping *m)
{
    adse__directives dirs;
    adse__report_directives(m, p, &dirs);
    adse__json_begin_array(w);
    for (int k = 0; k < dirs.n; k++) {
        const adse__directive *dir = &dirs.d[k];
        adse__json_begin_object(w);
        adse__json_kv_string(w, "target", a->levels[dir->level].name);
        if (dir->kind == ADSE__DIR_DATATYPE) {
            adse__json_kv_string(w, "type", "datatype");
            uint32_t mask = keep_mask(m, p, dir->level);
            for (int keep = 1; keep >= 0; keep--) {
                adse__json_key(w, keep ? "keep" : "bypass");
                adse__json_begin_array(w);
                for (int d = 0; d < p->n_ds; d++)
                    if (((mask >> d) & 1u) == (uint32_t)keep) adse__json_string(w, p->ds[d].name);
                adse__json_end_array(w);
            }
        } else {
            adse__json_kv_string(w, "type",
                                 dir->kind == ADSE__DIR_SPATIAL ? "spatial" : "temporal");
            char factors[ADSE_MAX_DIMS * 24];
            size_t used = 0;
            for (int x = 0; x < p->n_dims && used < sizeof factors; x++)
                used += (size_t)snprintf(factors + used, sizeof factors - used, "%s%c%" PRIu64,
                                         x ? " " : "", p->dim_names[x], dir->factors[x]);
            adse__json_kv_string(w, "factors", factors);
            adse__json_kv_string(w, "permutation", dir->perm);
            if (dir->kind == ADSE__DIR_SPATIAL) adse__json_kv_int(w, "split", dir->split);
        }
        adse__json_end_object(w);
    }
    adse__json_end_array(w);
}
