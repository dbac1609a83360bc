/*
 * estimate_arch.c: pricing the components of an adse_arch with the estimator, and
 * re-pricing an architecture in place (see energy.h).
 *
 * The typed geometry of a component goes first in the attribute list and the estimator
 * takes the first occurrence of a name, so the typed fields win over any stored string of
 * the same name; the loader does not store those anyway. Numbers are formatted into stack
 * buffers: nothing is allocated.
 */
#include <inttypes.h>
#include <stdio.h>

#include "adse/energy.h"
#include "energy/bind.h"

#define GEOMETRY_ATTRS 4

static size_t add_stored(const adse_est_attrs *est, adse_energy_attr *attrs, size_t n)
{
    for (int i = 0; i < est->n && i < ADSE_MAX_EST_ATTRS; i++) {
        attrs[n].name = est->names[i];
        attrs[n].value = est->values[i];
        n++;
    }
    return n;
}

adse_status adse_energy_estimate_buffer(const adse_buffer *b, const adse_energy_options *opt,
                                        adse_energy_result *out, adse_err *err)
{
    if (!b || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_energy_estimate_buffer: NULL buffer or result");
    adse_energy_attr attrs[GEOMETRY_ATTRS + ADSE_MAX_EST_ATTRS];
    char width[24], depth[24], word_bits[16], block[16];
    size_t n = 0;
    snprintf(width, sizeof width, "%" PRIu64, adse_buffer_row_bits(b));
    attrs[n++] = (adse_energy_attr){"width", width};
    if (b->size_specified) {
        snprintf(depth, sizeof depth, "%" PRIu64, adse_buffer_rows(b));
        attrs[n++] = (adse_energy_attr){"depth", depth};
    }
    snprintf(word_bits, sizeof word_bits, "%" PRIu32, b->word_bits);
    attrs[n++] = (adse_energy_attr){"word_bits", word_bits};
    snprintf(block, sizeof block, "%" PRIu32, b->block_size);
    attrs[n++] = (adse_energy_attr){"block_size", block};
    n = add_stored(&b->est, attrs, n);
    adse_energy_component c = {.klass = b->est.klass[0] ? b->est.klass : b->klass,
                               .name = b->name,
                               .attrs = attrs,
                               .n_attrs = n,
                               .instances = b->instances ? b->instances : 1,
                               .file = b->pos.file,
                               .line = b->pos.line,
                               .column = b->pos.column};
    return adse_energy_estimate(&c, opt, out, err);
}

adse_status adse_energy_estimate_arith(const adse_arith *a, const adse_energy_options *opt,
                                       adse_energy_result *out, adse_err *err)
{
    if (!a || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_energy_estimate_arith: NULL arithmetic level or result");
    adse_energy_attr attrs[1 + ADSE_MAX_EST_ATTRS];
    char word_bits[16];
    size_t n = 0;
    snprintf(word_bits, sizeof word_bits, "%" PRIu32, a->word_bits);
    attrs[n++] = (adse_energy_attr){"datawidth", word_bits};
    n = add_stored(&a->est, attrs, n);
    adse_energy_component c = {.klass = a->est.klass[0] ? a->est.klass : a->klass,
                               .name = a->name,
                               .attrs = attrs,
                               .n_attrs = n,
                               .instances = a->instances ? a->instances : 1,
                               .file = a->pos.file,
                               .line = a->pos.line,
                               .column = a->pos.column};
    return adse_energy_estimate(&c, opt, out, err);
}

adse_status adse_energy_reprice(adse_arch *arch, const adse_energy_options *opt, adse_err *err)
{
    return adse__energy_reprice_known(arch, opt, NULL, NULL, err);
}

adse_status adse__energy_reprice_known(adse_arch *arch, const adse_energy_options *opt,
                                       const adse_energy_result *const *known,
                                       const adse_energy_result *known_arith, adse_err *err)
{
    if (!arch) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_energy_reprice: NULL");
    adse_energy_result own;
    const adse_energy_result *r = &own;
    /* outermost first: the order of the YAML, so the first error is the first in the file */
    int n = arch->n_levels < ADSE_MAX_LEVELS ? arch->n_levels : ADSE_MAX_LEVELS;
    for (int i = n - 1; i >= 0; i--) {
        adse_buffer *b = &arch->levels[i];
        bool energy = b->energy_source == ADSE_ENERGY_ESTIMATOR;
        bool area = b->area_source == ADSE_ENERGY_ESTIMATOR;
        if (!energy && !area) continue;
        r = known && known[i] ? known[i] : &own;
        if (r == &own) {
            adse_status st = adse_energy_estimate_buffer(b, opt, &own, err);
            if (st != ADSE_OK) return st;
        }
        if (energy) adse__bind_buffer_actions(b, r->actions, r->n_actions, ADSE_ENERGY_ESTIMATOR);
        if (area) b->area_um2 = adse__area_as_float(r->area_um2);
    }
    adse_arith *a = &arch->arith;
    bool energy = a->energy_source == ADSE_ENERGY_ESTIMATOR;
    bool area = a->area_source == ADSE_ENERGY_ESTIMATOR;
    if (energy || area) {
        r = known_arith ? known_arith : &own;
        if (r == &own) {
            adse_status st = adse_energy_estimate_arith(a, opt, &own, err);
            if (st != ADSE_OK) return st;
        }
        /* the estimator's own classes all have `compute`; a class defined in the files
         * (adse_energy_options.classes) may give none of the actions Timeloop binds */
        if (energy && !adse__bind_arith_actions(a, r->actions, r->n_actions, ADSE_ENERGY_ESTIMATOR))
            return adse_err_set(err, ADSE_E_SPEC, a->pos.file, a->pos.line, a->pos.column,
                                "%s '%s': its class gives none of the actions Timeloop binds "
                                "for a compute (mac_random, mult_random, mac, mult, compute)",
                                r->klass, a->name);
        if (area) a->area_um2 = adse__area_as_float(r->area_um2);
    }
    return ADSE_OK;
}
