/*
 * estimate_sram.c: the CACTI SRAM model and the Stillmaker-Baas technology scaling.
 *
 * SRAM: Accelergy's CACTI plug-in (accelergy-cacti-plug-in 291018b, CactiSRAM) calls
 * CACTI 7 at 22/32/45/65/90 nm with the width rounded up to a multiple of 8 and at least 32
 * bits, the depth at least 64 * n_banks, the bank count rounded up to a power of two; it
 * then scales the result back (energy * (0.7 ws + 0.3) * ds^0.78, area and leakage * ws*ds)
 * and interpolates linearly between the two neighbouring nodes. Here CACTI is replaced by
 * log-bilinear interpolation in ln(width) x ln(depth) of the embedded sweep (exact on the
 * grid), 2-port results by the 2-port/1-port ratio measured at 32/45 nm, and banked results
 * by the banked/1-bank ratio measured at 45 nm, width 64. Everything is multiplicative, so
 * the order of the factors does not matter beyond rounding.
 */
#include <math.h>

#include "adse/energy.h"
#include "estimate_internal.h"

#define MAX_WIDTH_BITS 2048.0 /* two octaves beyond the grid's 512 */
#define MAX_DEPTH 262144.0    /* two octaves beyond the grid's 65536 */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Raw 1-port, 1-bank CACTI values at grid node n for (ln2 width, ln2 depth). */
static void grid_values(int n, double lw, double ld, double v[ADSE__NQ], unsigned *flags)
{
    double x = lw - 5.0, y = ld - 6.0; /* 32 = 2^5, 64 = 2^6 */
    int i = clampi((int)floor(x), 0, ADSE__SRAM_WIDTHS - 2);
    int j = clampi((int)floor(y), 0, ADSE__SRAM_DEPTHS - 2);
    double fx = x - i, fy = y - j;
    if (x > ADSE__SRAM_WIDTHS - 1 || y > ADSE__SRAM_DEPTHS - 1)
        *flags |= ADSE_ENERGY_F_EXTRAPOLATED;
    if ((fx == 0.0 || fx == 1.0) && (fy == 0.0 || fy == 1.0)) {
        const adse__sram_point *p = &adse__sram_grid[n][i + (int)fx][j + (int)fy];
        for (int q = 0; q < ADSE__NQ; q++)
            v[q] = p->v[q];
        return;
    }
    *flags |= ADSE_ENERGY_F_INTERPOLATED;
    const adse__sram_point *p00 = &adse__sram_grid[n][i][j], *p10 = &adse__sram_grid[n][i + 1][j];
    const adse__sram_point *p01 = &adse__sram_grid[n][i][j + 1];
    const adse__sram_point *p11 = &adse__sram_grid[n][i + 1][j + 1];
    for (int q = 0; q < ADSE__NQ; q++) {
        double a = p00->ln[q] + fx * (p10->ln[q] - p00->ln[q]);
        double b = p01->ln[q] + fx * (p11->ln[q] - p01->ln[q]);
        v[q] = exp(a + fy * (b - a));
    }
}

/* Multiplies v by the 2-port / 1-port ratio (ln-bilinear, clamped to the 2-port grid). */
static void apply_ports(int n, double lw, double ld, double v[ADSE__NQ], unsigned *flags)
{
    double node = adse__sram_nodes_nm[n];
    int p = node <= adse__sram2p_nodes_nm[0] ? 0 : 1; /* 22, 32 -> 32 nm; 45, 65, 90 -> 45 nm */
    if (node != adse__sram2p_nodes_nm[p]) *flags |= ADSE_ENERGY_F_PORTS;
    double x = lw - 5.0, y = (ld - 6.0) / 2.0;
    double xc = fmin(fmax(x, 0.0), ADSE__SRAM2P_WIDTHS - 1);
    double yc = fmin(fmax(y, 0.0), ADSE__SRAM2P_DEPTHS - 1);
    int i = clampi((int)floor(xc), 0, ADSE__SRAM2P_WIDTHS - 2);
    int j = clampi((int)floor(yc), 0, ADSE__SRAM2P_DEPTHS - 2);
    double fx = xc - i, fy = yc - j;
    if (xc != x || yc != y || (fx != 0.0 && fx != 1.0) || (fy != 0.0 && fy != 1.0))
        *flags |= ADSE_ENERGY_F_PORTS;
    const adse__sram_ratio *r00 = &adse__sram2p_grid[p][i][j];
    const adse__sram_ratio *r10 = &adse__sram2p_grid[p][i + 1][j];
    const adse__sram_ratio *r01 = &adse__sram2p_grid[p][i][j + 1];
    const adse__sram_ratio *r11 = &adse__sram2p_grid[p][i + 1][j + 1];
    for (int q = 0; q < ADSE__NQ; q++) {
        double a = r00->ln_ratio[q] + fx * (r10->ln_ratio[q] - r00->ln_ratio[q]);
        double b = r01->ln_ratio[q] + fx * (r11->ln_ratio[q] - r01->ln_ratio[q]);
        v[q] *= exp(a + fy * (b - a));
    }
}

/* Multiplies v by the banked / 1-bank ratio for 2^k banks (linear in ln depth, clamped). */
static void apply_banks(int n, double lw, double ld, int k, double v[ADSE__NQ], unsigned *flags)
{
    double y = (ld - log2(ADSE__SRAMB_D0)) / 2.0;
    double yc = fmin(fmax(y, 0.0), ADSE__SRAMB_DEPTHS - 1);
    int j = clampi((int)floor(yc), 0, ADSE__SRAMB_DEPTHS - 2);
    double fy = yc - j;
    bool exact = adse__sram_nodes_nm[n] == 45.0 && lw == log2(ADSE__SRAMB_WIDTH) && yc == y &&
                 (fy == 0.0 || fy == 1.0);
    if (!exact) *flags |= ADSE_ENERGY_F_BANKS;
    for (int q = 0; q < ADSE__NQ; q++) {
        double a = adse__sramb_grid[j][k].ln_ratio[q], b = adse__sramb_grid[j + 1][k].ln_ratio[q];
        v[q] *= exp(a + fy * (b - a));
    }
}

static void node_values(int n, double lw, double ld, int ports, int bank_log2, double v[ADSE__NQ],
                        unsigned *flags)
{
    grid_values(n, lw, ld, v, flags);
    if (ports == 2) apply_ports(n, lw, ld, v, flags);
    if (bank_log2 > 0) apply_banks(n, lw, ld, bank_log2, v, flags);
}

int adse__sram_estimate(double tech_nm, double width, double depth, int ports, int banks,
                        adse__sram_result *out)
{
    unsigned flags = 0;
    double ws_bits = fmax(ceil(width / 8.0) * 8.0, 32.0);
    double ds_rows = fmax(depth, 64.0 * banks);
    if (ws_bits > MAX_WIDTH_BITS) return -1;
    if (ds_rows > MAX_DEPTH) return -2;
    if (ports < 1 || ports > 2) return -3;
    int bank_log2 = 0;
    while ((1 << bank_log2) < banks && bank_log2 < 30)
        bank_log2++;
    if (bank_log2 >= ADSE__SRAMB_BANKS) return -4;

    double widthscale = width / ws_bits, depthscale = depth / ds_rows;
    double lw = log2(ws_bits), ld = log2(ds_rows);
    double v[ADSE__NQ];
    const double *nodes = adse__sram_nodes_nm;
    const double lo_node = nodes[0], hi_node = nodes[ADSE__SRAM_NODES - 1];
    if (tech_nm < lo_node) {
        /* below 22 nm: energy ~ sqrt(t), area ~ t, FinFET leakage 0.79 (IRDS 2022) */
        double s = tech_nm / lo_node;
        node_values(0, lw, ld, ports, bank_log2, v, &flags);
        v[ADSE__Q_READ] *= sqrt(s);
        v[ADSE__Q_WRITE] *= sqrt(s);
        v[ADSE__Q_AREA] *= s;
        v[ADSE__Q_LEAK] *= sqrt(s) * 0.79;
    } else if (tech_nm > hi_node) {
        double s = (tech_nm / hi_node) * (tech_nm / hi_node);
        node_values(ADSE__SRAM_NODES - 1, lw, ld, ports, bank_log2, v, &flags);
        for (int q = 0; q < ADSE__NQ; q++)
            v[q] *= s;
    } else {
        int hi = 0;
        while (nodes[hi] < tech_nm)
            hi++;
        if (nodes[hi] == tech_nm) {
            node_values(hi, lw, ld, ports, bank_log2, v, &flags);
        } else {
            double vl[ADSE__NQ], vh[ADSE__NQ];
            double a = (tech_nm - nodes[hi - 1]) / (nodes[hi] - nodes[hi - 1]);
            node_values(hi - 1, lw, ld, ports, bank_log2, vl, &flags);
            node_values(hi, lw, ld, ports, bank_log2, vh, &flags);
            for (int q = 0; q < ADSE__NQ; q++)
                v[q] = (1.0 - a) * vl[q] + a * vh[q];
        }
    }
    double dyn = (widthscale * 0.7 + 0.3) * pow(depthscale, 1.56 / 2.0);
    out->read_pj = v[ADSE__Q_READ] * dyn;
    out->write_pj = v[ADSE__Q_WRITE] * dyn;
    out->leak_mw = v[ADSE__Q_LEAK] * banks * (widthscale * depthscale);
    out->area_um2 = v[ADSE__Q_AREA] * (widthscale * depthscale);
    out->flags = flags;
    return 0;
}

/* ---- Stillmaker-Baas ------------------------------------------------------------------- */

/* Fractional index of a node in the descending node list (it must be within the list).
 * Accelergy (accelergy-library-plug-in scaling.py, hwcomponents techscaling.py) computes
 * larger + (smaller - larger) * (t - s) / (l - s), i.e. it walks from the LARGER node by
 * the fraction measured from the SMALLER one: 22 nm gets index 4.17 (near 32 nm) instead
 * of 4.83. adse reproduces that unless `fixed`. */
static double node_index(double t, bool fixed)
{
    int larger = 0, smaller = 0;
    for (int i = 0; i < ADSE__TECH_NODES; i++) {
        if (t <= adse__tech_nodes_nm[i]) larger = i;
        if (t >= adse__tech_nodes_nm[i]) {
            smaller = i;
            break;
        }
    }
    if (larger == smaller) return larger;
    double l = adse__tech_nodes_nm[larger], s = adse__tech_nodes_nm[smaller];
    if (fixed) return smaller + (larger - smaller) * ((t - s) / (l - s));
    return larger + (smaller - larger) * ((t - s) / (l - s));
}

/* hwcomponents: nodes outside 7..130 nm are clamped and the rest scales with t. */
static double constrain(double t, double *scale)
{
    double lo = adse__tech_nodes_nm[ADSE__TECH_NODES - 1], hi = adse__tech_nodes_nm[0];
    *scale = t < lo ? t / lo : t > hi ? t / hi : 1.0;
    return t < lo ? lo : t > hi ? hi : t;
}

static double energy_poly(double x)
{
    /* sum(E[i][k] * vdd ** (2 - k)) with vdd = 0.8, interpolated in the index, in the same
     * order of operations as hwcomponents so results are bit-identical */
    const double vdd = 0.8, pw[3] = {vdd * vdd, vdd, 1.0}; /* vdd * vdd == vdd ** 2 */
    int f = (int)floor(x), c = (int)ceil(x);
    double frac = x - floor(x), pf = 0.0, pc = 0.0;
    for (int k = 0; k < 3; k++) {
        pf += adse__tech_energy_poly[f][k] * pw[k];
        pc += adse__tech_energy_poly[c][k] * pw[k];
    }
    return pf * (1.0 - frac) + pc * frac;
}

void adse__tech_scale(double from_nm, double to_nm, bool fixed, double *energy, double *area)
{
    if (from_nm == to_nm) {
        *energy = *area = 1.0;
        return;
    }
    double sf, st;
    double f = constrain(fmax(from_nm, 1.0), &sf), t = constrain(fmax(to_nm, 1.0), &st);
    double x = node_index(f, fixed), y = node_index(t, fixed);
    *energy = energy_poly(y) / energy_poly(x) * sqrt(st / sf);

    /* area: bilinear in the [from][to] matrix, then linear in the clamped-away factor */
    double cf = constrain(from_nm, &sf), ct = constrain(to_nm, &st);
    x = node_index(cf, fixed);
    y = node_index(ct, fixed);
    int xf = (int)floor(x), xc = (int)ceil(x), yf = (int)floor(y), yc = (int)ceil(y);
    double ax = x - floor(x), ay = y - floor(y);
    double s = adse__tech_area[xf][yf] * (1.0 - ax) * (1.0 - ay);
    s += adse__tech_area[xf][yc] * (1.0 - ax) * ay;
    s += adse__tech_area[xc][yf] * ax * (1.0 - ay);
    s += adse__tech_area[xc][yc] * ax * ay;
    *area = (st / sf) * s;
}
