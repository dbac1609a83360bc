#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/numtext.h"

void adse_err_clear(adse_err *err)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
}

adse_status adse__err_vset(adse_err *err, adse_status code, const char *file, int line, int column,
                           const char *fmt, va_list ap)
{
    if (!err) return code;
    /* file and fmt's arguments may point into *err (rewriting an error in place) */
    char msg[ADSE_ERR_MSG_MAX], where[sizeof err->file];
    adse__c_vsnprintf(msg, sizeof msg, fmt, ap);
    snprintf(where, sizeof where, "%s", file ? file : "");
    err->code = code;
    memcpy(err->file, where, sizeof err->file);
    err->line = file ? line : 0;
    err->column = file ? column : 0;
    memcpy(err->msg, msg, sizeof err->msg);
    return code;
}

adse_status adse_err_set(adse_err *err, adse_status code, const char *file, int line, int column,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse_status st = adse__err_vset(err, code, file, line, column, fmt, ap);
    va_end(ap);
    return st;
}

const char *adse_err_format(const adse_err *err, char *buf, size_t size)
{
    if (!err || !size) return buf;
    if (err->file[0] && err->line > 0)
        snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line, err->column, err->msg);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, size, "%s", err->msg);
    return buf;
}

const char *adse_status_name(adse_status code)
{
    switch (code) {
    case ADSE_OK: return "ok";
    case ADSE_E_IO: return "i/o error";
    case ADSE_E_SYNTAX: return "syntax error";
    case ADSE_E_SPEC: return "spec error";
    case ADSE_E_MAPPING: return "mapping error";
    case ADSE_E_INVALID: return "invalid mapping";
    case ADSE_E_NOMEM: return "out of memory";
    case ADSE_E_INTERNAL: return "internal error";
    case ADSE_E_USAGE: return "usage error";
    }
    return "unknown error";
}
