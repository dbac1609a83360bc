/*
 * adse/error.h: status codes and the caller-owned error record.
 *
 * Every fallible library function returns an adse_status and, on failure, fills the
 * adse_err the caller passed (it may be NULL). The message follows git's style: what is
 * wrong first, lowercase, no full stop, the subject in quotes. When the error comes from an
 * input file, file/line/column locate it (line and column are 1-based; 0 = unknown) and
 * adse_err_format() prints "file:line:col: message". The library never prints.
 * Thread-safety: an adse_err must not be shared between threads.
 */
#ifndef ADSE_ERROR_H
#define ADSE_ERROR_H

#include "adse/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum adse_status {
    ADSE_OK = 0,
    ADSE_E_IO,       /* a file could not be opened or read */
    ADSE_E_SYNTAX,   /* malformed YAML */
    ADSE_E_SPEC,     /* well-formed input with a wrong, missing or unknown field */
    ADSE_E_MAPPING,  /* a mapping that is impossible for this architecture/problem */
    ADSE_E_INVALID,  /* a valid mapping that does not fit (capacity, fanout, instances) */
    ADSE_E_NOMEM,    /* allocation failed */
    ADSE_E_INTERNAL, /* a bug in adse */
    ADSE_E_USAGE     /* wrong arguments to an API call */
} adse_status;

#define ADSE_ERR_FILE_MAX 512
#define ADSE_ERR_MSG_MAX 512

typedef struct adse_err {
    adse_status code;             /* ADSE_OK when no error was recorded */
    char file[ADSE_ERR_FILE_MAX]; /* input file the error is in, "" if none */
    int line;                     /* 1-based line in file, 0 if unknown */
    int column;                   /* 1-based column in file, 0 if unknown */
    char msg[ADSE_ERR_MSG_MAX];   /* the message, without location */
} adse_err;

/* Clears err (err may be NULL). */
ADSE_API void adse_err_clear(adse_err *err);

/* Records an error with an optional location (file may be NULL) and returns code, so that
 * callers can write `return adse_err_set(err, ADSE_E_SPEC, f, l, c, "...", ...)`. */
ADSE_API adse_status adse_err_set(adse_err *err, adse_status code, const char *file, int line,
                                  int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Writes "file:line:col: msg" (or just msg without a file) into buf; returns buf. */
ADSE_API const char *adse_err_format(const adse_err *err, char *buf, size_t size);

/* Short lowercase name of a status code, e.g. "syntax error". */
ADSE_API const char *adse_status_name(adse_status code);

#ifdef __cplusplus
}
#endif
#endif
