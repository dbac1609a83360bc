/* Timeloop's built-in fallback energies (pat-public/src/pat/pat.cpp), see energy.h. */
#include "energy/bind.h"

double adse__pat_dram_energy(uint64_t width_bits)
{
    return 200.0 * (double)width_bits / 16.0;
}

double adse__pat_sram_energy(uint64_t height, uint64_t width_bits)
{
    /* Eyeriss data points: 0.5 KB -> 1.0 unit, 100 KB -> 6.0 units, linear in between. */
    const double x0 = 0.5, y0 = 1.0, x1 = 100.0, y1 = 6.0;
    const double m = (y1 - y0) / (x1 - x0);
    double x = (double)width_bits * (double)height / (8.0 * 1024.0);
    double y = m * (x - x0) + y0;
    /* The baseline is a 16-bit access; scale by the access width. */
    return y * (double)width_bits / 16.0;
}

double adse__pat_mult_energy(uint32_t bits_a, uint32_t bits_b)
{
    return ((double)bits_a / 16.0) * ((double)bits_b / 16.0);
}

void adse__energy_fallback_buffer(adse_buffer *b)
{
    double e = 0.0;
    if (b->is_dram) {
        e = adse__pat_dram_energy((uint64_t)b->word_bits * b->block_size);
    } else if (b->size_specified && b->size_words > 0) {
        uint64_t width = (uint64_t)b->word_bits * b->block_size * b->cluster_size;
        uint64_t height = (b->size_words + b->block_size - 1) / b->block_size;
        e = adse__pat_sram_energy(height, width) / (double)b->cluster_size;
    }
    b->energy_source = ADSE_ENERGY_FALLBACK;
    b->e_read = b->e_fill = b->e_update = e;
    b->e_leak = 0.0;
    b->vector_access_energy = e;
}

void adse__energy_fallback_arith(adse_arith *a)
{
    a->energy_source = ADSE_ENERGY_FALLBACK;
    a->e_compute = adse__pat_mult_energy(a->word_bits, a->word_bits);
}
