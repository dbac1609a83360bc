/*
 * report/map_txt.c: Timeloop's timeloop-model.map.txt (Nest::PrettyPrint, model.md §10.2).
 *
 * Outermost storage level first. Each level prints a header "<name> [ DS:tile (util) ... ] "
 * naming the data spaces it keeps; both numbers are the utilized capacity (they coincide
 * for the dense, perfectly factorized mappings adse models). A dashed line as long as the
 * header without its trailing space precedes the first loop (or the final "<< Compute >>") that
 * follows a header; a blank line precedes a header that follows a loop; loops are indented two
 * spaces per printed loop above them; unit loops (including Timeloop's dummy loops) are not
 * printed, as Timeloop master does.
 */
#include "adse/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

typedef struct printer {
    FILE *f;
    int depth;         /* loops printed so far */
    size_t header_len; /* length of the last header, 0 once a loop followed it */
    bool any_loop;     /* the previous printed line was a loop */
} printer;

static void header(printer *pr, const char *text)
{
    if (pr->any_loop) fputc('\n', pr->f);
    fprintf(pr->f, "%s\n", text);
    pr->header_len = strlen(text);
    pr->any_loop = false;
}

static void before_body_line(printer *pr)
{
    if (pr->header_len) {
        for (size_t k = 0; k + 1 < pr->header_len; k++)
            fputc('-', pr->f);
        fputc('\n', pr->f);
        pr->header_len = 0;
    }
    fputc('|', pr->f);
    for (int k = 0; k < 2 * pr->depth + 1; k++)
        fputc(' ', pr->f);
}

adse_status adse_report_write_map(FILE *f, const adse_arch *a, const adse_problem *p,
                                  const adse_mapping *m, const adse_result *r)
{
    if (!f || !a || !p || !m || !r || r->fail != ADSE_FAIL_NONE) return ADSE_E_USAGE;
    if (m->n_levels != a->n_levels || m->n_dims != p->n_dims) return ADSE_E_USAGE;

    adse__nest nest;
    adse__report_build_nest(m, &nest);
    printer pr = {f, 0, 0, false};
    char text[ADSE_NAME_MAX * (ADSE_MAX_DATASPACES + 1) + 64 * ADSE_MAX_DATASPACES];

    for (int i = a->n_levels - 1; i >= 0; i--) {
        size_t n = (size_t)snprintf(text, sizeof text, "%s [ ", a->levels[i].name);
        for (int d = 0; d < p->n_ds && n < sizeof text; d++) {
            const adse_ds_stats *s = &r->levels[i].ds[d];
            if (!s->kept) continue;
            n += (size_t)snprintf(text + n, sizeof text - n, "%s:%" PRIu64 " (%" PRIu64 ") ",
                                  p->ds[d].name, s->utilized_capacity, s->utilized_capacity);
        }
        if (n < sizeof text) snprintf(text + n, sizeof text - n, "] ");
        header(&pr, text);
        for (int l = nest.level_end[i] - 1; l >= nest.level_begin[i]; l--) {
            const adse__loop *lp = &nest.loops[l];
            before_body_line(&pr);
            fprintf(f, "for %c in [0:%" PRIu64 ")%s\n", p->dim_names[lp->dim], lp->bound,
                    lp->kind == ADSE__LOOP_X   ? " (Spatial-X)"
                    : lp->kind == ADSE__LOOP_Y ? " (Spatial-Y)"
                                               : "");
            pr.depth++;
            pr.any_loop = true;
        }
    }
    before_body_line(&pr);
    fprintf(f, "<< Compute >>\n");
    return ferror(f) ? ADSE_E_IO : ADSE_OK;
}
