#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void testutil_assert_rel(double got, double want, double rel_tol, const char *what,
                         const char *file, int line)
{
    double diff = fabs(got - want);
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    if (diff / scale > rel_tol || isnan(got)) {
        print_error("%s: got %.9g, want %.9g (relative tolerance %g)\n", what, got, want,
                    rel_tol);
        _fail(file, line);
    }
}

const char *testutil_data(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", ADSE_TEST_DATA_DIR, rel);
    return buf;
}

char *testutil_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}
