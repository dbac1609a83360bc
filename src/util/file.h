/*
 * util/file.h: reading a whole file into memory (internal).
 *
 * The one file reader of the library (the YAML, template and ONNX loaders) and of the fuzz
 * replay driver. Ownership: the caller frees *text. Thread-safety: reentrant.
 */
#ifndef ADSE_UTIL_FILE_H
#define ADSE_UTIL_FILE_H

#include <stddef.h>

#include "adse/error.h"

/* Reads a whole file into a malloc'd buffer (*text, not NUL-terminated beyond *len bytes
 * unless the file is; caller frees). A file above max_bytes is an ADSE_E_SPEC error naming
 * the limit max_name (an endless file such as /dev/zero stops there too). Errors name the
 * path. */
adse_status adse__read_file_max(const char *path, size_t max_bytes, const char *max_name,
                                char **text, size_t *len, adse_err *err);

#endif
