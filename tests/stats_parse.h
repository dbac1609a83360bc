/*
 * tests/stats_parse.h: a reader for Timeloop's stats.txt, shared by test_report.c,
 * test_golden.c and test_cli.c (header-only: every function is static inline).
 *
 * The file is flattened into (section, level, data space, label, value) entries:
 *   section "levels": level = "=== name ===" of a Level block, ds = the "Weights:" sub-block
 *                     ("" for SPECS and level STATS lines); level_index = the Level number.
 *   section "oi":     Operational Intensity Stats; level "" for the totals, else the name.
 *   section "summary": "GFLOPs (@1GHz)", "Cycles", ... and "Computes".
 *   section "fj":     fJ/Compute lines, label = level/network name or "Total".
 *   section "pj":     the same for the pJ/Compute lines of older (2021) Timeloop builds.
 * The pre-2025 "MAPPING / Loop nest" block is skipped. Labels and values are trimmed.
 * Includers define _POSIX_C_SOURCE 200809L before any include (for dirent.h).
 */
#ifndef ADSE_TESTS_STATS_PARSE_H
#define ADSE_TESTS_STATS_PARSE_H

#include <dirent.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sp_entry {
    char section[12];
    char level[64];
    int level_index; /* -1 outside the Level blocks */
    char ds[32];
    char label[64];
    char value[64];
} sp_entry;

typedef struct sp_stats {
    int n;
    int cap;
    sp_entry *e;
    int n_levels;             /* Level blocks printed */
    char level_names[32][64]; /* in print order */
    int level_indices[32];
    int n_oi;              /* storage levels listed under Operational Intensity Stats */
    char oi_names[32][64]; /* inner to outer, hidden levels included */
} sp_stats;

static inline void sp_trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    size_t k = 0;
    while (s[k] == ' ')
        k++;
    if (k) memmove(s, s + k, n - k + 1);
}

/* Copies src into dst[size], truncating. */
static inline void sp_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static inline void sp_add(sp_stats *st, const char *section, const char *level, int idx,
                          const char *ds, const char *label, const char *value)
{
    if (st->n == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 256;
        st->e = realloc(st->e, (size_t)st->cap * sizeof *st->e);
    }
    sp_entry *e = &st->e[st->n++];
    memset(e, 0, sizeof *e);
    sp_copy(e->section, sizeof e->section, section);
    sp_copy(e->level, sizeof e->level, level);
    e->level_index = idx;
    sp_copy(e->ds, sizeof e->ds, ds);
    sp_copy(e->label, sizeof e->label, label);
    sp_copy(e->value, sizeof e->value, value);
    sp_trim(e->label);
    sp_trim(e->value);
}

/* Splits "label : value" at the first sep; returns false if sep is absent. */
static inline bool sp_split(const char *line, const char *sep, char *label, size_t ls, char *value,
                            size_t vs)
{
    const char *p = strstr(line, sep);
    if (!p) return false;
    size_t n = (size_t)(p - line);
    if (n >= ls) n = ls - 1;
    memcpy(label, line, n);
    label[n] = 0;
    snprintf(value, vs, "%s", p + strlen(sep));
    return true;
}

static inline void sp_free(sp_stats *st)
{
    free(st->e);
    memset(st, 0, sizeof *st);
}

/* Parses text (NUL-terminated). */
static inline void sp_parse(sp_stats *st, const char *text)
{
    memset(st, 0, sizeof *st);
    char section[12] = "";
    char level[64] = "";
    char ds[32] = "";
    int idx = -1;
    bool skipping_mapping = false;
    const char *p = text;
    char line[512];
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = 0;
        p = nl ? nl + 1 : p + n;

        if (skipping_mapping) {
            if (line[0] == 0) skipping_mapping = false;
            continue;
        }
        if (strcmp(line, "Buffer and Arithmetic Levels") == 0) {
            strcpy(section, "levels");
            continue;
        }
        if (strcmp(line, "Networks") == 0) {
            strcpy(section, "networks");
            continue;
        }
        if (strcmp(line, "Operational Intensity Stats") == 0) {
            strcpy(section, "oi");
            level[0] = 0;
            idx = -1;
            continue;
        }
        if (strcmp(line, "Summary Stats") == 0) {
            strcpy(section, "summary");
            continue;
        }
        if (strcmp(line, "fJ/Compute") == 0 || strcmp(line, "pJ/Compute") == 0) {
            strcpy(section, line[0] == 'f' ? "fj" : "pj");
            continue;
        }
        if (line[0] == 0 || strspn(line, "-") == strlen(line)) continue;
        if (strcmp(section, "levels") == 0) {
            if (strncmp(line, "Level ", 6) == 0) {
                idx = atoi(line + 6);
                continue;
            }
            if (strncmp(line, "=== ", 4) == 0) {
                size_t k = strlen(line);
                snprintf(level, sizeof level, "%.*s", (int)(k > 8 ? k - 8 : 0), line + 4);
                ds[0] = 0;
                if (st->n_levels < 32) {
                    sp_copy(st->level_names[st->n_levels], 64, level);
                    st->level_indices[st->n_levels] = idx;
                    st->n_levels++;
                }
                continue;
            }
            if (strcmp(line, "    MAPPING") == 0) {
                skipping_mapping = true;
                continue;
            }
            if (strcmp(line, "    SPECS") == 0 || strcmp(line, "    STATS") == 0) {
                ds[0] = 0;
                continue;
            }
            size_t k = strlen(line);
            if (k > 5 && line[k - 1] == ':' && strncmp(line, "    ", 4) == 0 && line[4] != ' ' &&
                !strchr(line + 4, ' ')) {
                snprintf(ds, sizeof ds, "%.*s", (int)(k - 5), line + 4);
                continue;
            }
            char label[128], value[128];
            if (sp_split(line, ": ", label, sizeof label, value, sizeof value))
                sp_add(st, section, level, idx, ds, label, value);
            continue;
        }
        if (strcmp(section, "oi") == 0) {
            if (strncmp(line, "=== ", 4) == 0) {
                size_t k = strlen(line);
                snprintf(level, sizeof level, "%.*s", (int)(k > 8 ? k - 8 : 0), line + 4);
                if (st->n_oi < 32) sp_copy(st->oi_names[st->n_oi++], 64, level);
                continue;
            }
            char label[128], value[128];
            if (sp_split(line, ": ", label, sizeof label, value, sizeof value))
                sp_add(st, section, level, -1, "", label, value);
            continue;
        }
        if (strcmp(section, "summary") == 0) {
            char label[128], value[128];
            if (sp_split(line, ": ", label, sizeof label, value, sizeof value) ||
                sp_split(line, " = ", label, sizeof label, value, sizeof value))
                sp_add(st, section, "", -1, "", label, value);
            continue;
        }
        if (strcmp(section, "fj") == 0 || strcmp(section, "pj") == 0) {
            char label[128], value[128];
            if (sp_split(line, "= ", label, sizeof label, value, sizeof value))
                sp_add(st, section, "", -1, "", label, value);
            continue;
        }
    }
}

/* The entry (section, level, ds, label), or NULL. level/ds "" match entries without one. */
static inline const sp_entry *sp_find(const sp_stats *st, const char *section, const char *level,
                                      const char *ds, const char *label)
{
    for (int i = 0; i < st->n; i++) {
        const sp_entry *e = &st->e[i];
        if (strcmp(e->section, section) == 0 && strcmp(e->level, level) == 0 &&
            strcmp(e->ds, ds) == 0 && strcmp(e->label, label) == 0)
            return e;
    }
    return NULL;
}

static inline bool sp_u64(const sp_stats *st, const char *section, const char *level,
                          const char *ds, const char *label, uint64_t *out)
{
    const sp_entry *e = sp_find(st, section, level, ds, label);
    if (!e) return false;
    *out = strtoull(e->value, NULL, 10);
    return true;
}

static inline bool sp_f64(const sp_stats *st, const char *section, const char *level,
                          const char *ds, const char *label, double *out)
{
    const sp_entry *e = sp_find(st, section, level, ds, label);
    if (!e) return false;
    *out = strtod(e->value, NULL);
    return true;
}

/* Index (Level number) of the printed level named name, or -1. */
static inline int sp_level_index(const sp_stats *st, const char *name)
{
    for (int i = 0; i < st->n_levels; i++)
        if (strcmp(st->level_names[i], name) == 0) return st->level_indices[i];
    return -1;
}

/* Whether data space ds appears in level's STATS. */
static inline bool sp_has_ds(const sp_stats *st, const char *level, const char *ds)
{
    for (int i = 0; i < st->n; i++)
        if (strcmp(st->e[i].section, "levels") == 0 && strcmp(st->e[i].level, level) == 0 &&
            strcmp(st->e[i].ds, ds) == 0)
            return true;
    return false;
}

/* Splits text into lines (pointers into a copy owned by *buf); drops the pre-2025 MAPPING
 * block and, if drop_area, the summary "Area:" line. Returns the number of lines. */
static inline int sp_lines(const char *text, bool drop_area, char **buf, char ***lines_out)
{
    size_t n = strlen(text);
    char *copy = malloc(n + 1);
    memcpy(copy, text, n + 1);
    int cap = 64, count = 0;
    char **lines = malloc((size_t)cap * sizeof *lines);
    bool skip = false;
    char *s = copy;
    while (*s) {
        char *nl = strchr(s, '\n');
        if (nl) *nl = 0;
        char *line = s;
        s = nl ? nl + 1 : s + strlen(s);
        if (skip) {
            if (line[0] == 0) skip = false;
            continue;
        }
        if (strcmp(line, "    MAPPING") == 0) {
            skip = true;
            continue;
        }
        if (drop_area && strncmp(line, "Area: ", 6) == 0) continue;
        if (count == cap) {
            cap *= 2;
            lines = realloc(lines, (size_t)cap * sizeof *lines);
        }
        lines[count++] = line;
    }
    *buf = copy;
    *lines_out = lines;
    return count;
}

static inline int sp_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of dir (without "." and ".."); returns the count and a
 * malloc'd array of malloc'd names in *out (free with sp_free_names). */
static inline int sp_list_dir(const char *dir, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0, cap = 0;
    char **names = NULL;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            names = realloc(names, (size_t)cap * sizeof *names);
        }
        size_t len = strlen(de->d_name);
        names[n] = malloc(len + 1);
        memcpy(names[n], de->d_name, len + 1);
        n++;
    }
    closedir(d);
    if (n) qsort(names, (size_t)n, sizeof *names, sp_cmp_str);
    *out = names;
    return n;
}

static inline void sp_free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static inline bool sp_file_exists(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    fclose(f);
    return true;
}

#endif
