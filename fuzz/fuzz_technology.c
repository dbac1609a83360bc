/*
 * fuzz/fuzz_technology.c: adse_energy_technology_nm (the estimator's parser of a
 * `technology` attribute: "45nm", "0.045um", "45e-9", ...) on fuzzer input; an accepted
 * node is then scaled to and from 45 nm.
 */
#include "fuzz_common.h"

#include "adse/energy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    if (!text) return 0;
    double nm = 0, e = 0, a = 0;
    adse_err err;
    if (adse_energy_technology_nm(text, &nm, &err) == ADSE_OK) {
        (void)adse_energy_tech_scale(nm, 45, NULL, &e, &a, &err);
        (void)adse_energy_tech_scale(45, nm, NULL, &e, &a, &err);
    }
    free(text);
    return 0;
}
