/*
 * util/file.h: reading a whole file into memory (internal).
 *
 * The one file reader of the library (the YAML, template and ONNX loaders) and of the fuzz
 * replay driver, and the path rules of files that name other files (a network's problem
 * files, a search specification's inputs: relative to the naming file's folder) or take
 * their name from their file (its stem).
 * Ownership: the caller frees *text. Thread-safety: reentrant.
 */
#ifndef ADSE_UTIL_FILE_H
#define ADSE_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "adse/error.h"

/* Reads a whole file into a malloc'd buffer (*text, not NUL-terminated beyond *len bytes
 * unless the file is; caller frees). A file above max_bytes is an ADSE_E_SPEC error naming
 * the limit max_name (an endless file such as /dev/zero stops there too). Errors name the
 * path. */
adse_status adse__read_file_max(const char *path, size_t max_bytes, const char *max_name,
                                char **text, size_t *len, adse_err *err);

/* The folder of path into out[size]: "" when path names none, "/" for the root; false
 * (out "") when it does not fit. */
bool adse__path_dir(const char *path, char *out, size_t size);

/* path taken relative to the folder base_dir into out[size]: path itself when it is absolute
 * or base_dir is NULL, "" or "."; else "base_dir/path". snprintf's count (>= size: it did
 * not fit). */
int adse__path_join(char *out, size_t size, const char *base_dir, const char *path);

/* The file name of path without its folders and its last extension into out[size]
 * (truncated to fit): "a/conv1.yaml" -> "conv1", "b/res.v2.yaml" -> "res.v2", ".hidden" and
 * "noext" unchanged. The one rule for the names a file gives (a search's workload layer, a
 * network YAML's or an ONNX file's network). */
void adse__path_stem(const char *path, char *out, size_t size);

#endif
