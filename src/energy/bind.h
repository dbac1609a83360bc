/*
 * energy/bind.h: per-action energies and areas of the architecture levels (internal).
 *
 * Two sources, applied in this order by the spec loader:
 *   1. Timeloop's built-in fallback (PAT, pat-public/src/pat/pat.cpp): every buffer and the
 *      arithmetic level get an energy from their geometry, areas 0. A user
 *      `vector_access_energy` (buffer) or `energy` (arithmetic) attribute replaces it
 *      (source USER).
 *   2. An Accelergy ERT/ART (spec 7.1, 7.3), bound by component name: the table name's last
 *      dotted segment with any `[a..b]` suffix removed. Per action the energy is the max
 *      over its entries (argument variants); buffer read <- random_read|read,
 *      fill <- random_fill|random_write|fill|write, update <- random_update|random_write|
 *      update|write, leak <- leak (first present wins; an action with no entry keeps its
 *      fallback value); compute <- mac_random|mult_random|mac|mult|compute. The printed
 *      vector access energy is the max over all actions of the table / cluster_size. A table
 *      named `wire`/`Wire` sets wire_energy_pj (max of its transfer_random entries, read as
 *      a float and ignored when 0, as Timeloop does) for every level without its own
 *      wire_energy attribute (Timeloop would override the attribute too). Tables matching no
 *      level are ignored. USER energies are never replaced by the ERT (for a buffer with a
 *      user vector_access_energy not even its leak). ART areas are per instance and rounded
 *      to float, because Timeloop reads them into a float and prints that value.
 * Energies in pJ per vector access (per compute for the arithmetic level), areas in um^2.
 * Thread-safety: pure functions of their arguments.
 */
#ifndef ADSE_ENERGY_BIND_H
#define ADSE_ENERGY_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/error.h"
#include "spec/tree.h"

/* PAT: DRAM access of width_bits bits: 200 * width / 16 pJ. */
double adse__pat_dram_energy(uint64_t width_bits);
/* PAT: SRAM access of a height x width_bits array:
 * y * width / 16 with y = 1 + (5 / 99.5) * (height * width / 8192 - 0.5). */
double adse__pat_sram_energy(uint64_t height, uint64_t width_bits);
/* PAT: a bits_a x bits_b multiplier: (bits_a / 16) * (bits_b / 16) pJ. */
double adse__pat_mult_energy(uint32_t bits_a, uint32_t bits_b);

/* Sets b's energies to the fallback (source FALLBACK): DRAM -> pat DRAM energy of
 * word_bits * block_size; SRAM -> pat SRAM energy of width word_bits * block_size *
 * cluster_size and height ceil(size / block_size), divided by cluster_size, 0 when the size
 * is unspecified or 0. e_read = e_fill = e_update = vector_access_energy, e_leak = 0.
 * Requires the derived geometry (block, cluster, size) to be set. Area is left alone. */
void adse__energy_fallback_buffer(adse_buffer *b);

/* Sets the arithmetic energy to (word_bits/16)^2 (source FALLBACK). */
void adse__energy_fallback_arith(adse_arith *a);

/* The component name an ERT/ART table name binds to, e.g.
 * "system.chip.PE[0..15].spad" -> "spad", "top.DRAM[1..1]" -> "DRAM". */
void adse__ert_component_name(const char *table_name, char *out, size_t size);

/* Binds the `ERT:` value ert (v0.2 map form or v0.3/v0.4 list form) to arch. arch may be
 * NULL to only check the table's structure. wire_energy_given: bit i set when level i has
 * its own wire_energy attribute. */
adse_status adse__ert_bind(adse_arch *arch, const adse__ynode *ert, uint32_t wire_energy_given,
                           adse_err *err);

/* Binds the `ART:` value art to arch (may be NULL: check only). */
adse_status adse__art_bind(adse_arch *arch, const adse__ynode *art, adse_err *err);

#endif
