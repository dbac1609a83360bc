/*
 * util/error.h: the va_list form of adse_err_set (internal).
 *
 * adse_err_set (adse/error.h) is the one way the library records an error with a source
 * position (file:line:column, file NULL for none). Layers that add their own context (a
 * node of the YAML tree, a prefix) wrap adse__err_vset instead of formatting into a buffer
 * of their own, so that each wrapper stays one printf-checked call.
 */
#ifndef ADSE_UTIL_ERROR_H
#define ADSE_UTIL_ERROR_H

#include <stdarg.h>

#include "adse/error.h"

/* adse_err_set with the arguments in ap (err may be NULL: only code is returned). */
adse_status adse__err_vset(adse_err *err, adse_status code, const char *file, int line, int column,
                           const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

#endif
