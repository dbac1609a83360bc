/* A list of load-time warnings (util/warnings.h). */
#include "util/warnings.h"

#include "util/error.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numtext.h"

void adse__warn(adse__warnings *w, const char *file, int line, int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse__vwarn(w, file, line, column, fmt, ap);
    va_end(ap);
}

void adse__vwarn(adse__warnings *w, const char *file, int line, int column, const char *fmt,
                 va_list ap)
{
    if (!w) return;
    adse_err rec;
    adse_err_clear(&rec);
    adse__err_vset(&rec, ADSE_OK, file, line, column, fmt, ap);
    for (int i = 0; i < w->n; i++) {
        const adse_err *o = &w->items[i];
        if (o->line == rec.line && o->column == rec.column && !strcmp(o->file, rec.file) &&
            !strcmp(o->msg, rec.msg))
            return;
    }
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 8;
        adse_err *items = realloc(w->items, (size_t)cap * sizeof *items);
        if (!items) {
            w->dropped++;
            return;
        }
        w->items = items;
        w->cap = cap;
    }
    assert(w->n < w->cap); /* grown above: room for one more */
    w->items[w->n++] = rec;
}

void adse__warnings_free(adse__warnings *w)
{
    if (!w) return;
    free(w->items);
    memset(w, 0, sizeof *w);
}
