/*
 * util/warnings.h: a list of warnings collected while loading inputs (internal).
 *
 * The library never prints; what it accepts but a user should know about (values that
 * disagree between aliases, keys it tolerates and ignores, evaluations that leave a feature
 * out on request) is recorded here as adse_err records (code ADSE_OK, file/line/column of
 * the input, message in git's style) and read back through the public API of the object
 * that owns the list (adse_spec_warning). A warning identical to one already recorded
 * (same position and message) is kept once. If memory runs out, later warnings are
 * counted in `dropped` rather than lost silently.
 */
#ifndef ADSE_UTIL_WARNINGS_H
#define ADSE_UTIL_WARNINGS_H

#include <stdarg.h>

#include "adse/error.h"

typedef struct adse__warnings {
    adse_err *items; /* owned; n records */
    int n;
    int cap;
    int dropped; /* warnings that could not be stored (out of memory) */
} adse__warnings;

/* Records a warning at file:line:column (file may be NULL). */
void adse__warn(adse__warnings *w, const char *file, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The same with the arguments in ap. */
void adse__vwarn(adse__warnings *w, const char *file, int line, int column, const char *fmt,
                 va_list ap) __attribute__((format(printf, 5, 0)));

/* Frees the records and clears w (w may be NULL). */
void adse__warnings_free(adse__warnings *w);

#endif
