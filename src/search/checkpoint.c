/* Checkpoints of a search: the whole state as line-oriented text, doubles as the shortest
 * decimal text that reads back bit for bit (util/numtext.h; the hexadecimal %a of older
 * checkpoints reads too), so that a restored search continues bit for bit. Mappings are not
 * saved: a design's
 * detail re-maps its layers after a restore (the mapper is deterministic). */
#define _POSIX_C_SOURCE 200809L
#include "search/search_internal.h"
#include "util/numtext.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CKPT_MAGIC "adse-search-checkpoint 2"   /* 2 adds the "archive" line */
#define CKPT_MAGIC_1 "adse-search-checkpoint 1" /* still read: no archive (the seed GA's) */
#define CKPT_LINE 8192

static void put_double(FILE *f, double v)
{
    if (isnan(v))
        fputs(" nan", f);
    else if (isinf(v))
        fputs(v > 0 ? " inf" : " -inf", f);
    else
        fprintf(f, " %a", v); /* exact; the caller holds a C-locale scope (no ',') */
}

static adse_status save(const adse_search *s, FILE *f, adse_err *err)
{
    adse_err_clear(err);
    if (!s || !f) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "checkpoint_save: NULL");
    const adse_search_spec *sp = &s->spec;
    fprintf(f, "%s\n", CKPT_MAGIC);
    fprintf(f, "spec %016" PRIx64 " %d %d %d\n", sp->text_hash, sp->n_genes, sp->ga.population,
            sp->ga.generations);
    fprintf(f, "seed %" PRIu64 "\n", s->seed);
    fprintf(f, "state %d %d %d %d %d", s->gen, s->prepared, s->pop_ready, s->baseline_rec,
            sp->n_refs);
    for (int i = 0; i < sp->n_refs; i++)
        fprintf(f, " %d", s->ref_rec[i]);
    fputc('\n', f);
    fprintf(f, "rng %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n", s->rng.s[0],
            s->rng.s[1], s->rng.s[2], s->rng.s[3]);
    const adse_search_counters *c = &s->counters;
    fprintf(f, "counters %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64,
            c->evaluations, c->cache_hits, c->rejected, c->over_budget, c->invalid, c->no_mapping);
    put_double(f, s->seconds_before + (adse_clock_s() - s->session_start));
    fputc('\n', f);
    fprintf(f, "gens %d\n", s->gen);
    for (int g = 0; g < s->gen; g++) {
        const adse_search_generation *gs = &s->gens[g];
        fputs("g", f);
        put_double(f, gs->best_loss);
        put_double(f, gs->mean_loss);
        fprintf(f, " %d %d %d\n", gs->n_feasible, gs->n_new, gs->n_cached);
    }
    fprintf(f, "records %d\n", s->n_records);
    for (int r = 0; r < s->n_records; r++) {
        const adse__record *rec = &s->records[r];
        const adse_search_design *d = &rec->d;
        fprintf(f, "r %d %d %d %d", (int)d->status, d->generation, d->index, rec->in_history);
        put_double(f, d->loss);
        for (int m = 0; m < ADSE_SM_COUNT; m++)
            put_double(f, d->metrics[m]);
        for (int g = 0; g < sp->n_genes; g++)
            put_double(f, d->genes[g]);
        fputc('\n', f);
        fputs("reason ", f);
        for (const char *ch = d->reason; *ch; ch++)
            fputc(*ch == '\n' ? ' ' : *ch, f);
        fputc('\n', f);
    }
    fprintf(f, "history %d\n", s->n_history);
    for (int i = 0; i < s->n_history; i++)
        fprintf(f, "%d%c", s->history[i], (i % 16 == 15 || i == s->n_history - 1) ? '\n' : ' ');
    fprintf(f, "pop %d\n", s->pop_ready ? sp->ga.population : 0);
    for (int i = 0; s->pop_ready && i < sp->ga.population; i++) {
        fputs("p", f);
        for (int g = 0; g < sp->n_genes; g++)
            put_double(f, s->pop[(size_t)i * ADSE_SEARCH_MAX_GENES + g]);
        fputc('\n', f);
    }
    fprintf(f, "archive %d", s->n_archive); /* nsga2's survivors, record indices */
    for (int i = 0; i < s->n_archive; i++)
        fprintf(f, " %d", s->archive[i]);
    fputs("\nend\n", f);
    if (fflush(f) != 0 || ferror(f))
        return adse_err_set(err, ADSE_E_IO, NULL, 0, 0, "cannot write the checkpoint: %s",
                            strerror(errno));
    return ADSE_OK;
}

adse_status adse_search_checkpoint_save(const adse_search *s, FILE *f, adse_err *err)
{
    /* Doubles go out as C99 hex floats (exact, one printf each); the scope keeps their
     * point a '.' whatever the host's locale. The loader reads hex and decimal alike. */
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    adse_status st = save(s, f, err);
    adse__c_locale_leave(&scope);
    return st;
}

/* ---- loading ------------------------------------------------------------------------- */

typedef struct reader {
    FILE *f;
    char line[CKPT_LINE];
    int lineno;
    char *p; /* parse position in line */
} reader;

static bool next_line(reader *r)
{
    if (!fgets(r->line, sizeof r->line, r->f)) return false;
    r->lineno++;
    size_t n = strlen(r->line);
    if (n && r->line[n - 1] == '\n') r->line[n - 1] = 0;
    r->p = r->line;
    return true;
}

static bool word(reader *r, const char *w)
{
    size_t n = strlen(w);
    while (*r->p == ' ')
        r->p++;
    if (strncmp(r->p, w, n) != 0 || (r->p[n] != ' ' && r->p[n] != 0)) return false;
    r->p += n;
    return true;
}

static bool get_i64(reader *r, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(r->p, &end, 10);
    if (end == r->p || errno) return false;
    r->p = end;
    *v = x;
    return true;
}

static bool get_int(reader *r, int *v)
{
    int64_t x;
    if (!get_i64(r, &x) || x < INT32_MIN || x > INT32_MAX) return false;
    *v = (int)x;
    return true;
}

static bool get_u64(reader *r, uint64_t *v, int base)
{
    char *end;
    while (*r->p == ' ')
        r->p++;
    if (*r->p == '-') return false;
    errno = 0;
    unsigned long long x = strtoull(r->p, &end, base);
    if (end == r->p || errno) return false;
    r->p = end;
    *v = x;
    return true;
}

static bool get_double(reader *r, double *v)
{
    char *end;
    *v = adse__num_parse(r->p, &end);
    if (end == r->p) return false;
    r->p = end;
    return true;
}

static adse_status bad(const reader *r, adse_err *err, const char *what)
{
    return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0, "checkpoint line %d: %s", r->lineno, what);
}

/* What a checkpoint holds, read in full before the search's state is replaced. */
typedef struct ckpt {
    int gen, prepared, pop_ready, base_rec, n_refs;
    int ref_rec[ADSE_SEARCH_MAX_REFS];
    adse__rng rng;
    adse_search_counters c;
    int ng; /* generations summarised */
    adse_search_generation *gens;
    int n_recs, n_hist, np;
    adse__record *recs;
    int *hist;
    double *pop;
    int version;   /* 1 or 2 */
    int n_archive; /* version 2 */
    int *archive;
} ckpt;

#define NEED(cond, what)                                                                           \
    do {                                                                                           \
        if (!(cond)) return bad(r, err, what);                                                     \
    } while (0)

/* The magic, spec, seed, state, rng and counters lines. */
static adse_status read_header(reader *r, const adse_search *s, ckpt *k, adse_err *err)
{
    const adse_search_spec *sp = &s->spec;
    uint64_t hash, seed;
    int n_genes, pop_n, gens_n;
    NEED(next_line(r) && (strcmp(r->line, CKPT_MAGIC) == 0 || strcmp(r->line, CKPT_MAGIC_1) == 0),
         "not an adse search checkpoint");
    k->version = strcmp(r->line, CKPT_MAGIC) == 0 ? 2 : 1;
    NEED(next_line(r) && word(r, "spec") && get_u64(r, &hash, 16) && get_int(r, &n_genes) &&
             get_int(r, &pop_n) && get_int(r, &gens_n),
         "bad 'spec' line");
    if (hash != sp->text_hash || n_genes != sp->n_genes || pop_n != sp->ga.population ||
        gens_n != sp->ga.generations)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "the checkpoint was made with another search spec (or an edited one)");
    NEED(next_line(r) && word(r, "seed") && get_u64(r, &seed, 10), "bad 'seed' line");
    if (seed != s->seed)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "the checkpoint was made with seed %" PRIu64 ", not %" PRIu64, seed,
                            s->seed);
    NEED(next_line(r) && word(r, "state") && get_int(r, &k->gen) && get_int(r, &k->prepared) &&
             get_int(r, &k->pop_ready) && get_int(r, &k->base_rec) && get_int(r, &k->n_refs) &&
             k->n_refs == sp->n_refs && k->gen >= 0 && k->gen <= sp->ga.generations,
         "bad 'state' line");
    for (int i = 0; i < k->n_refs; i++)
        NEED(get_int(r, &k->ref_rec[i]), "bad 'state' line");
    adse__rng *g = &k->rng;
    NEED(next_line(r) && word(r, "rng") && get_u64(r, &g->s[0], 16) && get_u64(r, &g->s[1], 16) &&
             get_u64(r, &g->s[2], 16) && get_u64(r, &g->s[3], 16),
         "bad 'rng' line");
    adse_search_counters *c = &k->c;
    NEED(next_line(r) && word(r, "counters") && get_u64(r, &c->evaluations, 10) &&
             get_u64(r, &c->cache_hits, 10) && get_u64(r, &c->rejected, 10) &&
             get_u64(r, &c->over_budget, 10) && get_u64(r, &c->invalid, 10) &&
             get_u64(r, &c->no_mapping, 10) && get_double(r, &c->seconds),
         "bad 'counters' line");
    return ADSE_OK;
}

/* The per-generation summaries ("gens", one "g" line each). */
static adse_status read_gens(reader *r, ckpt *k, adse_err *err)
{
    NEED(next_line(r) && word(r, "gens") && get_int(r, &k->ng) && k->ng == k->gen,
         "bad 'gens' line");
    k->gens = calloc((size_t)(k->ng > 0 ? k->ng : 1), sizeof *k->gens);
    NEED(k->gens, "out of memory");
    for (int g = 0; g < k->ng; g++) {
        adse_search_generation *gs = &k->gens[g];
        NEED(next_line(r) && word(r, "g") && get_double(r, &gs->best_loss) &&
                 get_double(r, &gs->mean_loss) && get_int(r, &gs->n_feasible) &&
                 get_int(r, &gs->n_new) && get_int(r, &gs->n_cached),
             "bad 'g' line");
    }
    return ADSE_OK;
}

/* The records ("records", an "r" and a "reason" line each). */
static adse_status read_records(reader *r, const adse_search_spec *sp, ckpt *k, adse_err *err)
{
    NEED(next_line(r) && word(r, "records") && get_int(r, &k->n_recs) && k->n_recs >= 0,
         "bad 'records' line");
    k->recs = calloc((size_t)(k->n_recs > 0 ? k->n_recs : 1), sizeof *k->recs);
    NEED(k->recs, "out of memory");
    for (int i = 0; i < k->n_recs; i++) {
        adse_search_design *d = &k->recs[i].d;
        int status, inh;
        NEED(next_line(r) && word(r, "r") && get_int(r, &status) && status >= 0 && status <= 3 &&
                 get_int(r, &d->generation) && get_int(r, &d->index) && get_int(r, &inh) &&
                 get_double(r, &d->loss),
             "bad 'r' line");
        d->status = (adse_design_status)status;
        k->recs[i].in_history = inh != 0;
        for (int m = 0; m < ADSE_SM_COUNT; m++)
            NEED(get_double(r, &d->metrics[m]), "bad 'r' line");
        for (int g = 0; g < sp->n_genes; g++)
            NEED(get_double(r, &d->genes[g]), "bad 'r' line");
        NEED(next_line(r) && strncmp(r->line, "reason ", 7) == 0, "bad 'reason' line");
        snprintf(d->reason, sizeof d->reason, "%s", r->line + 7);
    }
    return ADSE_OK;
}

/* The history (record indices, 16 a line), the population and the "end" line. */
static adse_status read_history_and_pop(reader *r, const adse_search_spec *sp, ckpt *k,
                                        adse_err *err)
{
    NEED(next_line(r) && word(r, "history") && get_int(r, &k->n_hist) && k->n_hist >= 0 &&
             k->n_hist <= k->n_recs,
         "bad 'history' line");
    k->hist = malloc((size_t)(k->n_hist > 0 ? k->n_hist : 1) * sizeof *k->hist);
    NEED(k->hist, "out of memory");
    for (int i = 0; i < k->n_hist; i++) {
        if (i % 16 == 0) NEED(next_line(r), "truncated history");
        NEED(get_int(r, &k->hist[i]) && k->hist[i] >= 0 && k->hist[i] < k->n_recs,
             "bad history entry");
    }
    NEED(next_line(r) && word(r, "pop") && get_int(r, &k->np) &&
             (k->np == 0 || k->np == sp->ga.population),
         "bad 'pop' line");
    k->pop = calloc((size_t)sp->ga.population * ADSE_SEARCH_MAX_GENES, sizeof *k->pop);
    NEED(k->pop, "out of memory");
    for (int i = 0; i < k->np; i++) {
        NEED(next_line(r) && word(r, "p"), "bad 'p' line");
        for (int g = 0; g < sp->n_genes; g++)
            NEED(get_double(r, &k->pop[(size_t)i * ADSE_SEARCH_MAX_GENES + g]), "bad 'p' line");
    }
    k->archive = calloc((size_t)sp->ga.population, sizeof *k->archive);
    NEED(k->archive, "out of memory");
    if (k->version >= 2) {
        NEED(next_line(r) && word(r, "archive") && get_int(r, &k->n_archive) && k->n_archive >= 0 &&
                 k->n_archive <= sp->ga.population,
             "bad 'archive' line");
        for (int i = 0; i < k->n_archive; i++)
            NEED(get_int(r, &k->archive[i]) && k->archive[i] >= 0 && k->archive[i] < k->n_recs,
                 "bad 'archive' line");
    }
    NEED(next_line(r) && strcmp(r->line, "end") == 0, "missing 'end' (truncated checkpoint)");
    return ADSE_OK;
}

/* What the saver writes: record indices in range, a prepared search has evaluated its
 * baseline and references, and a ready population has every design. */
static adse_status check_consistent(const reader *r, const adse_search_spec *sp, const ckpt *k,
                                    adse_err *err)
{
    NEED(k->base_rec >= -1 && k->base_rec < k->n_recs, "bad baseline record");
    for (int i = 0; i < k->n_refs; i++)
        NEED(k->ref_rec[i] >= -1 && k->ref_rec[i] < k->n_recs, "bad reference record");
    if (k->prepared) {
        NEED(k->base_rec >= 0, "bad baseline record");
        for (int i = 0; i < k->n_refs; i++)
            NEED(k->ref_rec[i] >= 0, "bad reference record");
    }
    NEED(k->np == (k->pop_ready ? sp->ga.population : 0), "bad 'pop' line");
    return ADSE_OK;
}

#undef NEED

/* Replaces the state of s by k's (taking k's generations and population). */
static adse_status commit(adse_search *s, ckpt *k, adse_err *err)
{
    for (int i = 0; i < s->n_records; i++) {
        free(s->records[i].mappings);
        free(s->records[i].layer_results);
    }
    s->n_records = 0;
    s->n_history = 0;
    for (int i = 0; i < 2 * s->spec.ga.population; i++)
        s->pop_parents[i] = -1; /* warm-start links are not saved (they never change results) */
    free(s->table);
    s->table = NULL;
    s->table_cap = 0;
    for (int i = 0; i < k->n_recs; i++) {
        if (adse__cache_add(s, &k->recs[i].d) < 0)
            return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        s->records[i].in_history = k->recs[i].in_history;
    }
    if (k->n_hist > s->cap_history) {
        int *h = realloc(s->history, (size_t)k->n_hist * sizeof *h);
        if (!h) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        s->history = h;
        s->cap_history = k->n_hist;
    }
    if (k->n_hist) memcpy(s->history, k->hist, (size_t)k->n_hist * sizeof *k->hist);
    s->n_history = k->n_hist;
    free(s->gens);
    s->gens = k->gens;
    s->cap_gens = k->ng > 0 ? k->ng : 1;
    k->gens = NULL;
    free(s->pop);
    s->pop = k->pop;
    k->pop = NULL;
    s->gen = k->gen;
    s->prepared = k->prepared != 0;
    s->pop_ready = k->pop_ready != 0;
    s->baseline_rec = k->base_rec;
    for (int i = 0; i < k->n_refs; i++)
        s->ref_rec[i] = k->ref_rec[i];
    memcpy(s->archive, k->archive, (size_t)s->spec.ga.population * sizeof *s->archive);
    s->n_archive = k->n_archive;
    /* objectives are not saved: scored again from the metrics, as the run scored them */
    if (s->baseline_rec >= 0 && s->records[s->baseline_rec].d.status == ADSE_DESIGN_OK) {
        const double *base = s->records[s->baseline_rec].d.metrics;
        for (int i = 0; i < s->n_records; i++)
            if (s->records[i].d.status == ADSE_DESIGN_OK) adse__score(s, &s->records[i].d, base);
    }
    s->rng = k->rng;
    s->counters = k->c;
    s->seconds_before = k->c.seconds;
    s->session_start = adse_clock_s();
    return ADSE_OK;
}

adse_status adse_search_checkpoint_load(adse_search *s, FILE *f, adse_err *err)
{
    adse_err_clear(err);
    if (!s || !f) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "checkpoint_load: NULL");
    reader *r = calloc(1, sizeof *r);
    if (!r) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    r->f = f;
    ckpt k;
    memset(&k, 0, sizeof k);
    adse_status st;
    if (!(st = read_header(r, s, &k, err)) && !(st = read_gens(r, &k, err)) &&
        !(st = read_records(r, &s->spec, &k, err)) &&
        !(st = read_history_and_pop(r, &s->spec, &k, err)) &&
        !(st = check_consistent(r, &s->spec, &k, err)))
        st = commit(s, &k, err);
    free(r);
    free(k.gens);
    free(k.recs);
    free(k.hist);
    free(k.pop);
    free(k.archive);
    return st;
}
