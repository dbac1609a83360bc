/*
 * energy/bind.h: per-action energies and areas of the architecture levels (internal).
 *
 * Sources, applied in this order by the input loader (src/input/spec.c):
 *   1. Timeloop's built-in fallback (PAT, pat-public/src/pat/pat.cpp): every buffer and the
 *      arithmetic level get an energy from their geometry, areas 0. A user
 *      `vector_access_energy` (buffer) or `energy` (arithmetic) attribute replaces it
 *      (source USER).
 *   2. An Accelergy ERT/ART (model.md §7.1, §7.3), parsed by src/input/ert_yaml.c and bound by
 *      component name: the table name's last dotted segment with any `[a..b]` suffix removed
 *      (adse__ert_component_name). The binding rule is adse__bind_buffer_actions /
 *      adse__bind_arith_actions below.
 *   3. The built-in estimator (adse_energy_reprice in energy.h) for components that neither
 *      an ERT table nor a user attribute prices; its result is bound with the same rule, so
 *      an ERT written from it gives the same numbers.
 * Energies in pJ per vector access (per compute for the arithmetic level), areas in um^2.
 * This layer reads no YAML: it sees actions as (name, pJ) lists.
 * Thread-safety: pure functions of their arguments.
 */
#ifndef ADSE_ENERGY_BIND_H
#define ADSE_ENERGY_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/energy.h"
#include "adse/error.h"

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

/* Binds one table (acts[0..n-1], one entry per action name, the largest of any argument
 * variants) to storage level b as Timeloop binds an ERT table: read <- random_read|read,
 * fill <- random_fill|random_write|fill|write, update <- random_update|random_write|
 * update|write, leak <- leak (first present wins); vector_access_energy = the largest
 * action / cluster_size, which is also the energy of a read, fill or update the table
 * lacks (Timeloop's BufferLevel::PopulateEnergyPerOp); a missing leak keeps its value;
 * energy_source = src (a table with only `access` prices all three with it). */
void adse__bind_buffer_actions(adse_buffer *b, const adse_energy_action *acts, int n,
                               adse_energy_source src);

/* Binds one table to the arithmetic level: e_compute <- mac_random|mult_random|mac|mult|
 * compute (first present; none keeps the current value); energy_source = src. Returns
 * whether the table gave the compute energy. */
bool adse__bind_arith_actions(adse_arith *a, const adse_energy_action *acts, int n,
                              adse_energy_source src);

/* adse_energy_reprice (energy.h) with some components already priced: known[i] (storage
 * level i) and known_arith (the arithmetic level), where not NULL, are what
 * adse_energy_estimate_buffer / _arith give for that component with opt, and are bound
 * instead of pricing the component again (the spec loader's definitions, src/input/spec.c).
 * known may be NULL: none. */
adse_status adse__energy_reprice_known(adse_arch *arch, const adse_energy_options *opt,
                                       const adse_energy_result *const *known,
                                       const adse_energy_result *known_arith, adse_err *err);

/* An area as Timeloop holds it: ART areas are read into a float, and the printed per-level
 * areas and totals are that float's value (217363.36892 -> 217363.375). */
double adse__area_as_float(double area_um2);

#endif
