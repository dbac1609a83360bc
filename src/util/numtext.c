/* Numbers as text, independent of the process locale (util/numtext.h). */
#define _POSIX_C_SOURCE 200809L
#include "util/numtext.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(locale_t) <= sizeof(void *), "locale_t fits a pointer");

void adse__c_locale_enter(adse__c_locale *scope)
{
    /* glibc returns its static C locale object here (no allocation); elsewhere the object
     * is allocated and freed on leave */
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    scope->c = (void *)c;
    scope->prev = NULL;
    if (c == (locale_t)0) return; /* out of memory: keep the thread's locale */
    scope->prev = (void *)uselocale(c);
}

void adse__c_locale_leave(adse__c_locale *scope)
{
    if (scope->c == NULL) return;
    uselocale((locale_t)scope->prev);
    freelocale((locale_t)scope->c);
    scope->c = NULL;
}

int adse__c_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    int n = vsnprintf(buf, size, fmt, ap);
    adse__c_locale_leave(&scope);
    return n;
}

int adse__c_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = adse__c_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Clinger's fast path: up to 15 significant digits and |exponent| <= 22 are exact with one
 * correctly rounded multiplication or division, i.e. the same double strtod() returns.
 * Anything else (blanks, hex, inf/nan, more digits) is left to strtod(). */
static bool fast_number(const char *s, double *v, const char **end)
{
    static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+') p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) return false; /* hex: strtod */
    uint64_t m = 0;
    int digits = 0, exp10 = 0;
    bool any = false;
    for (; *p >= '0' && *p <= '9'; p++) {
        any = true;
        if (m == 0 && *p == '0') continue;
        if (++digits > 15) return false;
        m = m * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            any = true;
            exp10--;
            if (m == 0 && *p == '0') continue;
            if (++digits > 15) return false;
            m = m * 10 + (uint64_t)(*p - '0');
        }
    }
    if (!any) return false;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        bool eneg = *q == '-';
        if (*q == '-' || *q == '+') q++;
        if (!(*q >= '0' && *q <= '9')) return false;
        int e = 0;
        for (; *q >= '0' && *q <= '9'; q++)
            if ((e = e * 10 + (*q - '0')) > 400) return false;
        exp10 += eneg ? -e : e;
        p = q;
    }
    if (m == 0) exp10 = 0;
    if (exp10 < -22 || exp10 > 22) return false;
    double d = (double)m;
    d = exp10 < 0 ? d / p10[-exp10] : d * p10[exp10];
    *v = neg ? -d : d;
    *end = p;
    return true;
}

double adse__num_parse(const char *s, char **end)
{
    double v;
    const char *e;
    if (fast_number(s, &v, &e)) {
        if (end) *end = (char *)e;
        return v;
    }
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    v = strtod(s, end);
    adse__c_locale_leave(&scope);
    return v;
}

/* %.*g at precision prec, in the C locale (the caller's scope). */
static bool round_trips(char *buf, size_t size, double v, int prec)
{
    snprintf(buf, size, "%.*g", prec, v);
    return strtod(buf, NULL) == v;
}

/* Python's repr of v from its shortest digits: %.*e at prec - 1 gives "d.ddde+XX". */
static void python_repr(char *buf, size_t size, double v, int prec)
{
    char e[40];
    snprintf(e, sizeof e, "%.*e", prec - 1, v);
    const char *p = e;
    char digits[24];
    int n = 0;
    bool neg = *p == '-';
    if (neg) p++;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && n < 20) digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    char out[48];
    int k = 0;
    if (neg) out[k++] = '-';
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 < 0) {
            out[k++] = '0';
            out[k++] = '.';
            for (int z = 0; z < -exp10 - 1; z++)
                out[k++] = '0';
            for (int d = 0; d < n; d++)
                out[k++] = digits[d];
        } else {
            for (int d = 0; d <= exp10; d++)
                out[k++] = d < n ? digits[d] : '0';
            out[k++] = '.';
            if (n > exp10 + 1)
                for (int d = exp10 + 1; d < n; d++)
                    out[k++] = digits[d];
            else
                out[k++] = '0';
        }
        out[k] = 0;
    } else {
        out[k++] = digits[0];
        if (n > 1) {
            out[k++] = '.';
            for (int d = 1; d < n; d++)
                out[k++] = digits[d];
        }
        snprintf(out + k, sizeof out - (size_t)k, "e%c%02d", exp10 < 0 ? '-' : '+',
                 exp10 < 0 ? -exp10 : exp10);
    }
    snprintf(buf, size, "%s", out);
}

char *adse__num_format(char *buf, size_t size, double v, unsigned flags)
{
    if (!size) return buf;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return buf;
    }
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    if ((flags & ADSE__NUM_INTEGER) && !(flags & ADSE__NUM_PYTHON) && v == floor(v) &&
        fabs(v) < 9007199254740992.0) {
        snprintf(buf, size, "%.0f", v);
    } else {
        /* Round-tripping is monotonic in the digit count p (the nearest p-digit decimal is at
         * least as close as the nearest (p-1)-digit one). For a normal double, 15 digits
         * (DBL_DIG) already give the shortest text whenever some p <= 15 round-trips: that
         * text s is within half an ulp (2^-53 relative) of v, less than half a unit of the
         * 15th digit (5e-16 relative), so v rounded to 15 digits is s padded with zeros,
         * which %g strips. So at most three tries, 15, 16, 17; subnormals (fewer bits)
         * bisect over 1..17. */
        int lo = 15, hi = 17;
        if (v != 0 && fabs(v) < DBL_MIN) lo = 1;
        while (lo < hi) {
            int mid = lo == 15 ? 15 : (lo + hi) / 2;
            if (round_trips(buf, size, v, mid))
                hi = mid;
            else
                lo = mid + 1;
        }
        if (flags & ADSE__NUM_PYTHON)
            python_repr(buf, size, v, lo);
        else
            snprintf(buf, size, "%.*g", lo, v);
    }
    adse__c_locale_leave(&scope);
    if (flags & ADSE__NUM_PYTHON) return buf;
    if (!(flags & ADSE__NUM_POINT) || strchr(buf, '.')) return buf;
    /* "12288" -> "12288.0", "1e+21" -> "1.0e+21" */
    size_t len = strlen(buf);
    if (len + 3 > size) return buf;
    char *e = strchr(buf, 'e');
    if (!e) e = buf + len;
    memmove(e + 2, e, strlen(e) + 1);
    e[0] = '.';
    e[1] = '0';
    return buf;
}
