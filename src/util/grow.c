/* util/grow.c: heap arrays that double (see grow.h). */
#include "util/grow.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool adse__grow(void *arrp, int *cap, int need, size_t elem)
{
    if (need <= *cap) return true;
    int nc = *cap > 0 ? *cap : 8;
    while (nc < need) {
        if (nc > INT_MAX / 2) return false;
        nc *= 2;
    }
    if (elem && (size_t)nc > SIZE_MAX / elem) return false;
    /* the caller's pointer is read and written as bytes: it may point to any object type */
    void *arr;
    memcpy(&arr, arrp, sizeof arr);
    void *grown = realloc(arr, (size_t)nc * elem);
    if (!grown) return false;
    memcpy(arrp, &grown, sizeof grown);
    *cap = nc;
    return true;
}
