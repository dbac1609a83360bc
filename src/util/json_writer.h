/*
 * util/json_writer.h: a small streaming JSON writer (internal).
 *
 * The writer keeps a stack of open containers and whether each already holds a member, so
 * callers only say what comes next (begin/end object or array, key, value) and commas,
 * colons and indentation follow. Strings are escaped per RFC 8259 (quote, backslash and
 * control characters; other bytes pass through, so UTF-8 stays UTF-8). Doubles are written
 * as the shortest text that reads back to the same double, with a '.' so typed readers
 * see a real (util/numtext.h, independent of the locale); NaN and infinities, which JSON cannot
 * express, become null. Integers are written exactly. Nesting deeper than ADSE__JSON_MAX_DEPTH or a
 * key outside an object marks the writer failed instead of writing invalid JSON; output errors of
 * the FILE* are reported by adse__json_finish(). Thread-safety: one writer per thread; it owns no
 * memory (the FILE* is borrowed).
 */
#ifndef ADSE_UTIL_JSON_WRITER_H
#define ADSE_UTIL_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define ADSE__JSON_MAX_DEPTH 32

typedef struct adse__json {
    FILE *f;                               /* borrowed output stream */
    int indent;                            /* spaces per level; 0 = compact, one line */
    int depth;                             /* number of open containers */
    bool in_object[ADSE__JSON_MAX_DEPTH];  /* container kind per depth */
    bool has_member[ADSE__JSON_MAX_DEPTH]; /* a member was written at that depth */
    bool after_key;                        /* a key was written, its value is next */
    bool failed;                           /* misuse detected (see header comment) */
} adse__json;

/* Starts a document on f. indent = 0 writes compact JSON on one line. */
void adse__json_init(adse__json *w, FILE *f, int indent);

void adse__json_begin_object(adse__json *w);
void adse__json_end_object(adse__json *w);
void adse__json_begin_array(adse__json *w);
void adse__json_end_array(adse__json *w);

/* Writes the key of the next object member. */
void adse__json_key(adse__json *w, const char *key);

void adse__json_string(adse__json *w, const char *s);
void adse__json_uint(adse__json *w, uint64_t v);
void adse__json_int(adse__json *w, int64_t v);
void adse__json_double(adse__json *w, double v);
void adse__json_bool(adse__json *w, bool v);
void adse__json_null(adse__json *w);

/* Convenience: key followed by a value. */
void adse__json_kv_string(adse__json *w, const char *key, const char *s);
void adse__json_kv_uint(adse__json *w, const char *key, uint64_t v);
void adse__json_kv_int(adse__json *w, const char *key, int64_t v);
void adse__json_kv_double(adse__json *w, const char *key, double v);
void adse__json_kv_bool(adse__json *w, const char *key, bool v);

/* Writes the final newline. Returns false if the writer was misused, containers are still
 * open, or the stream reported an error. */
bool adse__json_finish(adse__json *w);

#endif
