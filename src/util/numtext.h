/*
 * util/numtext.h: numbers as text, independent of the process locale (internal).
 *
 * A host program may call setlocale(LC_ALL, "de_DE.UTF-8"); printf's "%g" and strtod()
 * would then write and expect "0,5". Every file adse reads or writes (YAML, JSON, CSV,
 * checkpoints, Timeloop text) and every message it formats uses '.' whatever the locale:
 * numbers go through adse__num_format / adse__num_parse, messages through
 * adse__c_snprintf, and writers that print with "%f"-style formats run inside an
 * adse__c_locale scope. The scope switches only the calling thread (POSIX uselocale), so it
 * is safe beside other threads and restores the caller's locale on leave.
 * Thread-safety: all functions are reentrant; a scope is entered and left on one thread.
 */
#ifndef ADSE_UTIL_NUMTEXT_H
#define ADSE_UTIL_NUMTEXT_H

#include <stdarg.h>
#include <stddef.h>

/* Big enough for any adse__num_format text ("-2.2250738585072014e-308" plus ".0"). */
#define ADSE__NUM_BUF 32

enum {
    /* keep a '.' in the mantissa ("12288.0", "1.0e+21") so that YAML 1.1 readers and typed
     * JSON readers see a real */
    ADSE__NUM_POINT = 1,
    /* integral values below 2^53 as plain digits ("1000000000000000", not "1e+15") */
    ADSE__NUM_INTEGER = 2,
    /* Python's repr(float): the same shortest digits, an exponent only below 1e-4 or from
     * 1e16 on ("1e-05", "0.0001", "2.0", "1e+16"); the other flags are ignored */
    ADSE__NUM_PYTHON = 4,
};

/* Writes the shortest decimal text that adse__num_parse reads back as exactly v ("0.1", not
 * "0.10000000000000001"; "1e+21"), shaped by flags (ADSE__NUM_*); NaN and infinities as
 * "nan", "inf", "-inf" (callers whose format cannot express them test isfinite first).
 * Returns buf; size should be ADSE__NUM_BUF (shorter buffers get a truncated text). */
char *adse__num_format(char *buf, size_t size, double v, unsigned flags);

/* strtod() in the C locale: same contract (leading blanks, hex, inf/nan, ERANGE in errno,
 * *end past the number, or s when there is none). Plain decimals of up to 15 significant
 * digits take an exact fast path that touches no locale state. */
double adse__num_parse(const char *s, char **end);

/* snprintf / vsnprintf in the C locale. */
int adse__c_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int adse__c_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* A scope in which the calling thread uses the C locale (for writers that fprintf "%f");
 * leave restores the thread's previous locale. Scopes nest. */
typedef struct adse__c_locale {
    void *prev; /* the thread's locale before enter (a locale_t), NULL if unchanged */
    void *c;    /* the C locale object in use */
} adse__c_locale;
void adse__c_locale_enter(adse__c_locale *scope);
void adse__c_locale_leave(adse__c_locale *scope);

#endif
