/*
 * gen_energy_tables: writes src/energy/estimate_tables.c from the CSV files in
 * data/energy/ (origins in data/energy/README.md).
 *
 *   gen_energy_tables DATA_DIR OUT_FILE           writes OUT_FILE
 *   gen_energy_tables --check DATA_DIR OUT_FILE   exits 1 if OUT_FILE is not up to date
 *
 * Run it through the CMake target `gen_energy_tables`. The output is committed so that the
 * library never reads a CSV at build, run or test time. The generator is strict: a row it
 * does not expect, a missing grid point or a malformed number is an error, so a changed
 * CSV cannot silently produce a partial table. Numbers are copied as the CSV tokens (the
 * C compiler then rounds them exactly as Python's float() does); logarithms are computed
 * here with %.17g.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_internal.h"

#define MAX_ROWS 512
#define MAX_COLS 16

typedef struct csv {
    char path[1024];
    char *text;                     /* the file, split in place */
    int n_rows;                     /* data rows (header excluded) */
    int n_cols;                     /* header columns */
    char *head[MAX_COLS];           /* header cells */
    char *cell[MAX_ROWS][MAX_COLS]; /* data cells ("" when a row is short) */
} csv;

static const char *g_data_dir;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gen_energy_tables: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* Splits one CSV record starting at *p (RFC 4180 quoting); returns the number of cells. */
static int split_record(char **p, char **cells, int max)
{
    int n = 0;
    char *s = *p;
    for (;;) {
        char *out = s, *start = s;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s) die("unterminated quote");
                if (*s == '"' && s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *out++ = *s++;
                }
            }
            while (*s && *s != ',' && *s != '\n' && *s != '\r')
                s++;
        } else {
            while (*s && *s != ',' && *s != '\n' && *s != '\r')
                *out++ = *s++;
        }
        char sep = *s;
        *out = 0;
        if (n < max) cells[n++] = start;
        if (sep == ',') {
            s++;
            continue;
        }
        if (sep == '\r') {
            s++;
            if (*s == '\n') s++;
        } else if (sep == '\n') {
            s++;
        }
        break;
    }
    *p = s;
    return n;
}

static void csv_load(csv *c, const char *name)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s/%s", g_data_dir, name);
    FILE *f = fopen(c->path, "rb");
    if (!f) die("cannot open '%s': %s", c->path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    c->text = malloc((size_t)n + 1);
    if (!c->text || fread(c->text, 1, (size_t)n, f) != (size_t)n) die("cannot read '%s'", c->path);
    c->text[n] = 0;
    fclose(f);
    char *p = c->text;
    c->n_cols = split_record(&p, c->head, MAX_COLS);
    while (*p) {
        if (*p == '\n' || *p == '\r' || *p == '#') { /* blank line or trailing comment */
            if (*p == '#') break;
            p++;
            continue;
        }
        if (c->n_rows == MAX_ROWS) die("'%s': more than %d rows", c->path, MAX_ROWS);
        char **row = c->cell[c->n_rows];
        int k = split_record(&p, row, MAX_COLS);
        for (int i = k; i < MAX_COLS; i++)
            row[i] = "";
        c->n_rows++;
    }
}

static int csv_col(const csv *c, const char *name, int required)
{
    for (int i = 0; i < c->n_cols; i++)
        if (strcmp(c->head[i], name) == 0) return i;
    if (required) die("'%s': no column '%s'", c->path, name);
    return -1;
}

/* Validates a numeric token; returns its value. */
static double num(const csv *c, int row, int col)
{
    const char *s = c->cell[row][col];
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v))
        die("'%s' row %d column '%s': '%s' is not a number", c->path, row + 2, c->head[col], s);
    return v;
}

static const char *tok(const csv *c, int row, int col)
{
    (void)num(c, row, col);
    return c->cell[row][col];
}

static int log2_index(double v, double base, int n)
{
    double r = v / base;
    int k = 0;
    while (k < 30 && (double)(1 << k) < r)
        k++;
    if ((double)(1 << k) != r || k >= n) return -1;
    return k;
}

/* ---- output ---------------------------------------------------------------------------- */

static FILE *g_out;

static void __attribute__((format(printf, 1, 2))) out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g_out, fmt, ap);
    va_end(ap);
}

static void out_num(const char *token)
{
    /* Integers become "N.0" so every literal is a double, whatever the CSV spelling. */
    if (strpbrk(token, ".eE"))
        out("%s", token);
    else
        out("%s.0", token);
}

static void out_ln(double v)
{
    if (v <= 0) die("logarithm of non-positive value %g", v);
    out("%.17g", log(v));
}

/* ---- SRAM ------------------------------------------------------------------------------ */

typedef struct sram_cell {
    int set;
    const char *tok[ADSE__NQ];
    double v[ADSE__NQ];
} sram_cell;

static sram_cell grid1[ADSE__SRAM_NODES][ADSE__SRAM_WIDTHS][ADSE__SRAM_DEPTHS];
static sram_cell grid2[ADSE__SRAM2P_NODES][ADSE__SRAM2P_WIDTHS][ADSE__SRAM2P_DEPTHS];
static sram_cell gridb[ADSE__SRAMB_DEPTHS][ADSE__SRAMB_BANKS];
static const int sram_nodes[ADSE__SRAM_NODES] = {22, 32, 45, 65, 90};
static const int sram2p_nodes[ADSE__SRAM2P_NODES] = {32, 45};

static void emit_cell_values(const sram_cell *c)
{
    out("{");
    for (int q = 0; q < ADSE__NQ; q++) {
        if (q) out(", ");
        out_num(c->tok[q]);
    }
    out("}");
}

static void gen_sram(void)
{
    static csv c;
    csv_load(&c, "cacti7_sram_sweep.csv");
    int ct = csv_col(&c, "tech_nm", 1), cw = csv_col(&c, "width_bits", 1);
    int cd = csv_col(&c, "depth", 1), cp = csv_col(&c, "n_rw_ports", 1);
    int cb = csv_col(&c, "n_banks", 1);
    int cq[ADSE__NQ] = {csv_col(&c, "read_pJ", 1), csv_col(&c, "write_pJ", 1),
                        csv_col(&c, "leak_mW", 1), csv_col(&c, "area_um2", 1)};
    for (int r = 0; r < c.n_rows; r++) {
        int t = (int)num(&c, r, ct), ports = (int)num(&c, r, cp), banks = (int)num(&c, r, cb);
        double w = num(&c, r, cw), d = num(&c, r, cd);
        sram_cell *cell = NULL;
        if (ports == 1 && banks == 1) {
            int n = -1;
            for (int i = 0; i < ADSE__SRAM_NODES; i++)
                if (sram_nodes[i] == t) n = i;
            int i = log2_index(w, ADSE__SRAM_W0, ADSE__SRAM_WIDTHS);
            int j = log2_index(d, ADSE__SRAM_D0, ADSE__SRAM_DEPTHS);
            if (n >= 0 && i >= 0 && j >= 0) cell = &grid1[n][i][j];
        } else if (ports == 2 && banks == 1) {
            int n = -1;
            for (int i = 0; i < ADSE__SRAM2P_NODES; i++)
                if (sram2p_nodes[i] == t) n = i;
            int i = log2_index(w, ADSE__SRAM_W0, ADSE__SRAM2P_WIDTHS);
            int j2 = log2_index(d, ADSE__SRAM_D0, 2 * ADSE__SRAM2P_DEPTHS);
            if (n >= 0 && i >= 0 && j2 >= 0 && j2 % 2 == 0) cell = &grid2[n][i][j2 / 2];
        } else if (ports == 1 && t == 45 && w == ADSE__SRAMB_WIDTH) {
            int j2 = log2_index(d, ADSE__SRAMB_D0, 2 * ADSE__SRAMB_DEPTHS);
            int k = log2_index(banks, 1, ADSE__SRAMB_BANKS);
            if (j2 >= 0 && j2 % 2 == 0 && k > 0) cell = &gridb[j2 / 2][k];
        }
        if (!cell) die("'%s' row %d: point outside the expected grids", c.path, r + 2);
        if (cell->set) die("'%s' row %d: duplicate point", c.path, r + 2);
        cell->set = 1;
        for (int q = 0; q < ADSE__NQ; q++) {
            cell->tok[q] = tok(&c, r, cq[q]);
            cell->v[q] = num(&c, r, cq[q]);
            if (cell->v[q] <= 0) die("'%s' row %d: non-positive value", c.path, r + 2);
        }
    }

    out("const double adse__sram_nodes_nm[ADSE__SRAM_NODES] = {");
    for (int n = 0; n < ADSE__SRAM_NODES; n++)
        out("%s%d.0", n ? ", " : "", sram_nodes[n]);
    out("};\n\n");
    out("/* {read pJ, write pJ, leak mW per bank, area um^2}, then their logarithms. */\n");
    out("const adse__sram_point adse__sram_grid[ADSE__SRAM_NODES][ADSE__SRAM_WIDTHS]"
        "[ADSE__SRAM_DEPTHS] = {\n");
    for (int n = 0; n < ADSE__SRAM_NODES; n++) {
        out("    { /* %d nm */\n", sram_nodes[n]);
        for (int i = 0; i < ADSE__SRAM_WIDTHS; i++) {
            out("        { /* width %d */\n", 32 << i);
            for (int j = 0; j < ADSE__SRAM_DEPTHS; j++) {
                const sram_cell *cl = &grid1[n][i][j];
                if (!cl->set)
                    die("cacti7_sram_sweep.csv: missing %d nm %dx%d", sram_nodes[n], 32 << i,
                        64 << j);
                out("            {");
                emit_cell_values(cl);
                out(",\n             {");
                for (int q = 0; q < ADSE__NQ; q++) {
                    if (q) out(", ");
                    out_ln(cl->v[q]);
                }
                out("}}, /* depth %d */\n", 64 << j);
            }
            out("        },\n");
        }
        out("    },\n");
    }
    out("};\n\n");

    out("const double adse__sram2p_nodes_nm[ADSE__SRAM2P_NODES] = {");
    for (int n = 0; n < ADSE__SRAM2P_NODES; n++)
        out("%s%d.0", n ? ", " : "", sram2p_nodes[n]);
    out("};\n\n");
    out("/* 2 read-write ports: raw values, then ln(2-port / 1-port) at the same size. */\n");
    out("const adse__sram_ratio adse__sram2p_grid[ADSE__SRAM2P_NODES][ADSE__SRAM2P_WIDTHS]"
        "[ADSE__SRAM2P_DEPTHS] = {\n");
    for (int n = 0; n < ADSE__SRAM2P_NODES; n++) {
        int n1 = 0;
        while (sram_nodes[n1] != sram2p_nodes[n])
            n1++;
        out("    { /* %d nm */\n", sram2p_nodes[n]);
        for (int i = 0; i < ADSE__SRAM2P_WIDTHS; i++) {
            out("        { /* width %d */\n", 32 << i);
            for (int j = 0; j < ADSE__SRAM2P_DEPTHS; j++) {
                const sram_cell *cl = &grid2[n][i][j];
                const sram_cell *base = &grid1[n1][i][2 * j];
                if (!cl->set)
                    die("cacti7_sram_sweep.csv: missing 2-port %d nm %dx%d", sram2p_nodes[n],
                        32 << i, 64 << (2 * j));
                out("            {");
                emit_cell_values(cl);
                out(",\n             {");
                for (int q = 0; q < ADSE__NQ; q++) {
                    if (q) out(", ");
                    out("%.17g", log(cl->v[q] / base->v[q]));
                }
                out("}}, /* depth %d */\n", 64 << (2 * j));
            }
            out("        },\n");
        }
        out("    },\n");
    }
    out("};\n\n");

    out("/* 45 nm, width %d, n banks: raw values (standby leakage per bank), then\n"
        " * ln(banked / 1 bank) at the same size. */\n",
        ADSE__SRAMB_WIDTH);
    out("const adse__sram_ratio adse__sramb_grid[ADSE__SRAMB_DEPTHS][ADSE__SRAMB_BANKS] = {\n");
    int n45 = 2, iw = log2_index(ADSE__SRAMB_WIDTH, ADSE__SRAM_W0, ADSE__SRAM_WIDTHS);
    for (int j = 0; j < ADSE__SRAMB_DEPTHS; j++) {
        int jd = log2_index(ADSE__SRAMB_D0 * (1 << (2 * j)), ADSE__SRAM_D0, ADSE__SRAM_DEPTHS);
        const sram_cell *base = &grid1[n45][iw][jd];
        gridb[j][0] = *base;
        out("    { /* depth %d */\n", (int)ADSE__SRAMB_D0 << (2 * j));
        for (int k = 0; k < ADSE__SRAMB_BANKS; k++) {
            const sram_cell *cl = &gridb[j][k];
            if (!cl->set)
                die("cacti7_sram_sweep.csv: missing 45 nm %dx%d with %d banks", ADSE__SRAMB_WIDTH,
                    (int)ADSE__SRAMB_D0 << (2 * j), 1 << k);
            out("        {");
            emit_cell_values(cl);
            out(",\n         {");
            for (int q = 0; q < ADSE__NQ; q++) {
                if (q) out(", ");
                out("%.17g", k ? log(cl->v[q] / base->v[q]) : 0.0);
            }
            out("}}, /* %d banks */\n", 1 << k);
        }
        out("    },\n");
    }
    out("};\n\n");
}

/* ---- technology scaling ---------------------------------------------------------------- */

static void gen_tech(void)
{
    static csv a, e;
    csv_load(&a, "tech_area_scaling_stillmaker2017.csv");
    csv_load(&e, "tech_energy_vdd_poly_stillmaker2017.csv");
    if (a.n_rows != ADSE__TECH_NODES || a.n_cols != ADSE__TECH_NODES + 1)
        die("'%s': expected a %dx%d matrix", a.path, ADSE__TECH_NODES, ADSE__TECH_NODES);
    if (e.n_rows != ADSE__TECH_NODES) die("'%s': expected %d rows", e.path, ADSE__TECH_NODES);
    int en = csv_col(&e, "node_nm", 1);
    int ec[3] = {csv_col(&e, "a_Vdd2", 1), csv_col(&e, "b_Vdd", 1), csv_col(&e, "c", 1)};
    out("const double adse__tech_nodes_nm[ADSE__TECH_NODES] = {");
    for (int i = 0; i < ADSE__TECH_NODES; i++) {
        /* the node lists of the two files and of the matrix header must agree */
        double n = num(&a, i, 0);
        if (strtod(a.head[i + 1], NULL) != n || num(&e, i, en) != n)
            die("node lists of the Stillmaker tables disagree at row %d", i + 2);
        if (i) out(", ");
        out_num(a.cell[i][0]);
    }
    out("};\n\n/* area factor [from][to] */\n");
    out("const double adse__tech_area[ADSE__TECH_NODES][ADSE__TECH_NODES] = {\n");
    for (int i = 0; i < ADSE__TECH_NODES; i++) {
        out("    {");
        for (int j = 0; j < ADSE__TECH_NODES; j++) {
            if (j) out(", ");
            out_num(tok(&a, i, j + 1));
        }
        out("}, /* from %s nm */\n", a.cell[i][0]);
    }
    out("};\n\n/* energy polynomial a Vdd^2 + b Vdd + c per node */\n");
    out("const double adse__tech_energy_poly[ADSE__TECH_NODES][3] = {\n");
    for (int i = 0; i < ADSE__TECH_NODES; i++) {
        out("    {");
        for (int k = 0; k < 3; k++) {
            if (k) out(", ");
            out_num(tok(&e, i, ec[k]));
        }
        out("}, /* %s nm */\n", e.cell[i][en]);
    }
    out("};\n\n");
}

/* ---- DRAM ------------------------------------------------------------------------------ */

static void gen_dram(void)
{
    static csv c;
    csv_load(&c, "dram_energy_per_bit.csv");
    int ct = csv_col(&c, "dram_type", 1), cv = csv_col(&c, "pJ_per_bit", 1);
    int cr = csv_col(&c, "source_repo", 1);
    int n = 0;
    out("/* accelergy-cacti-plug-in CactiDRAM.type2energy */\n");
    out("const adse__dram_type adse__dram_types[ADSE__DRAM_TYPES] = {\n");
    for (int r = 0; r < c.n_rows; r++) {
        if (strcmp(c.cell[r][cr], "Accelergy-Project/accelergy-cacti-plug-in") != 0) continue;
        if (!c.cell[r][cv][0]) continue;
        if (++n > ADSE__DRAM_TYPES) die("'%s': more than %d DRAM types", c.path, ADSE__DRAM_TYPES);
        out("    {\"%s\", ", c.cell[r][ct]);
        out_num(tok(&c, r, cv));
        out("},\n");
    }
    if (n != ADSE__DRAM_TYPES) die("'%s': expected %d DRAM types", c.path, ADSE__DRAM_TYPES);
    out("};\n\n");
}

/* ---- Aladdin plug-in tables -------------------------------------------------------------- */

static void gen_aladdin(void)
{
    static const char *names[ADSE__AL_N] = {"adder",       "multiplier",
                                            "fp_sp_adder", "fp_sp_multiplier",
                                            "fp_dp_adder", "fp_dp_multiplier"};
    out("/* Aladdin plug-in: {latency ns, dynamic pJ, idle pJ, area um^2} per row */\n");
    out("const adse__aladdin_table adse__aladdin[ADSE__AL_N] = {\n");
    for (int t = 0; t < ADSE__AL_N; t++) {
        static csv c;
        char file[64];
        snprintf(file, sizeof file, "%s.csv", names[t]);
        csv_load(&c, file);
        int cl = csv_col(&c, "latency(ns)", 1), cd = csv_col(&c, "dynamic energy(pJ)", 1);
        int ci = csv_col(&c, "idle energy(pJ)", 1), ca = csv_col(&c, "area(um^2)", 1);
        if (c.n_rows < 1 || c.n_rows > ADSE__ALADDIN_ROWS_MAX) die("'%s': bad row count", c.path);
        out("    {\"%s\", %d, {\n", names[t], c.n_rows);
        for (int r = 0; r < c.n_rows; r++) {
            out("        {");
            out_num(tok(&c, r, cl));
            out(", ");
            out_num(tok(&c, r, cd));
            out(", ");
            out_num(tok(&c, r, ci));
            out(", ");
            out_num(tok(&c, r, ca));
            out("},\n");
        }
        out("    }},\n");
        free(c.text);
    }
    out("};\n\n");
}

/* ---- Library plug-in tables ------------------------------------------------------------ */

static int is_read_like(const char *a)
{
    return !strcmp(a, "read") || !strcmp(a, "add") || !strcmp(a, "multiply") ||
           !strcmp(a, "compare") || !strcmp(a, "count");
}

static void gen_library(void)
{
    static const char *names[ADSE__LIB_N] = {"aladdin_adder", "aladdin_multiplier",
                                             "aladdin_register", "aladdin_comparator",
                                             "aladdin_counter"};
    out("/* Library plug-in: name, tech nm, cycle s, width, width_a, width_b, read, write,\n"
        " * update, leak (pJ), area (um^2) */\n");
    out("const adse__library_table adse__library[ADSE__LIB_N] = {\n");
    for (int t = 0; t < ADSE__LIB_N; t++) {
        static csv c;
        char file[64];
        snprintf(file, sizeof file, "%s.csv", names[t]);
        csv_load(&c, file);
        int ct = csv_col(&c, "technology", 1), cc = csv_col(&c, "global_cycle_seconds", 1);
        int cw = csv_col(&c, "width|datawidth", 1);
        int cwa = csv_col(&c, "width_a|datawidth_a", 0),
            cwb = csv_col(&c, "width_b|datawidth_b", 0);
        int ce = csv_col(&c, "energy", 0);
        if (ce < 0) ce = csv_col(&c, "energy(pJ)", 0);
        if (ce < 0) ce = csv_col(&c, "dynamic energy(pJ)", 1);
        int ca = csv_col(&c, "area", 0);
        if (ca < 0) ca = csv_col(&c, "area(um^2)", 1);
        int cact = csv_col(&c, "action", 1);
        const char *e[4] = {NULL, NULL, NULL, NULL}; /* read write update leak */
        int e_row[4] = {-1, -1, -1, -1};
        const char *area = NULL, *tech = NULL, *cycle = NULL, *w = NULL, *wa = "0", *wb = "0";
        for (int r = 0; r < c.n_rows; r++) {
            char acts[256];
            snprintf(acts, sizeof acts, "%s", c.cell[r][cact]);
            if (!area) {
                area = tok(&c, r, ca);
                tech = c.cell[r][ct];
                cycle = tok(&c, r, cc);
                w = tok(&c, r, cw);
                if (cwa >= 0) wa = tok(&c, r, cwa);
                if (cwb >= 0) wb = tok(&c, r, cwb);
            } else if (num(&c, r, ca) != strtod(area, NULL) || strcmp(tech, c.cell[r][ct]) != 0 ||
                       num(&c, r, cw) != strtod(w, NULL)) {
                die("'%s' row %d: rows disagree on area, technology or width", c.path, r + 2);
            }
            for (char *a = strtok(acts, "|"); a; a = strtok(NULL, "|")) {
                int k = is_read_like(a)        ? 0
                        : !strcmp(a, "write")  ? 1
                        : !strcmp(a, "update") ? 2
                        : !strcmp(a, "leak")   ? 3
                                               : -1;
                if (k < 0) die("'%s' row %d: unknown action '%s'", c.path, r + 2, a);
                if (e[k] && e_row[k] != r)
                    die("'%s' row %d: action '%s' given twice", c.path, r + 2, a);
                e[k] = tok(&c, r, ce);
                e_row[k] = r;
            }
        }
        for (int k = 0; k < 4; k++)
            if (!e[k]) die("'%s': read, write, update and leak must all be given", c.path);
        char *end;
        double tn = strtod(tech, &end);
        if (strcmp(end, "nm") != 0 || tn <= 0) die("'%s': technology '%s'", c.path, tech);
        char tech_num[64];
        snprintf(tech_num, sizeof tech_num, "%.*s", (int)(end - tech), tech);
        out("    {\"%s\", ", names[t]);
        out_num(tech_num);
        out(", ");
        const char *vals[9] = {cycle, w, wa, wb, e[0], e[1], e[2], e[3], area};
        for (int k = 0; k < 9; k++) {
            out_num(vals[k]);
            out(k < 8 ? ", " : "},\n");
        }
        free(c.text);
    }
    out("};\n\n");
}

/* ---- NeuroSim adder fit ---------------------------------------------------------------- */

static void gen_neurosim(void)
{
    static csv c;
    csv_load(&c, "neurosim_intadder_fit.csv");
    if (c.n_rows != ADSE__NEUROSIM_NODES)
        die("'%s': expected %d rows", c.path, ADSE__NEUROSIM_NODES);
    const char *cols[6] = {"tech_nm",          "energy_pJ_per_bit", "energy_pJ_offset",
                           "area_um2_per_bit", "area_um2_offset",   "leak_pJ_per_bit_per_ns"};
    out("/* NeuroSim intadder: tech nm, pJ/bit, pJ, um^2/bit, um^2, leak pJ/bit per ns */\n");
    out("const adse__neurosim_adder adse__neurosim[ADSE__NEUROSIM_NODES] = {\n");
    double prev = 0;
    for (int r = 0; r < c.n_rows; r++) {
        if (num(&c, r, csv_col(&c, "tech_nm", 1)) <= prev) die("'%s': nodes not ascending", c.path);
        prev = num(&c, r, csv_col(&c, "tech_nm", 1));
        out("    {");
        for (int k = 0; k < 6; k++) {
            if (k) out(", ");
            out_num(tok(&c, r, csv_col(&c, cols[k], 1)));
        }
        out("},\n");
    }
    out("};\n");
}

static int check_against(FILE *gen, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open '%s': %s", path, strerror(errno));
    rewind(gen);
    int a, b;
    long off = 0;
    do {
        a = fgetc(gen);
        b = fgetc(f);
        off++;
    } while (a == b && a != EOF);
    fclose(f);
    if (a != b) {
        fprintf(stderr,
                "gen_energy_tables: '%s' is out of date (differs at byte %ld); run the "
                "CMake target gen_energy_tables and commit it\n",
                path, off);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int check = argc == 4 && strcmp(argv[1], "--check") == 0;
    if (argc != 3 && !check) {
        fprintf(stderr, "usage: gen_energy_tables [--check] DATA_DIR OUT_FILE\n");
        return 2;
    }
    g_data_dir = argv[1 + check];
    const char *target = argv[2 + check];
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", target);
    g_out = check ? tmpfile() : fopen(tmp, "w");
    if (!g_out) die("cannot write '%s': %s", check ? "a temporary file" : tmp, strerror(errno));
    out("/*\n * estimate_tables.c: GENERATED by tools/gen_energy_tables.c from the CSV files"
        "\n * in data/energy (origins in data/energy/README.md). Do not edit: change the CSV"
        "\n * files, run the CMake target gen_energy_tables and commit this file.\n */\n");
    out("#include \"estimate_internal.h\"\n\n");
    gen_sram();
    gen_tech();
    gen_dram();
    gen_aladdin();
    gen_library();
    gen_neurosim();
    if (check) {
        int rc = check_against(g_out, target);
        fclose(g_out);
        return rc;
    }
    if (fclose(g_out) != 0) die("cannot write '%s'", tmp);
    if (rename(tmp, target) != 0)
        die("cannot rename '%s' to '%s': %s", tmp, target, strerror(errno));
    return 0;
}
