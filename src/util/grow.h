/*
 * util/grow.h: the one way a heap array grows (internal).
 *
 * Arrays that collect an unknown number of items (YAML nodes, tokens, classes, included
 * files) keep a count and a capacity and double the capacity when full; adse__grow is that
 * rule, written once.
 * Thread-safety: reentrant, no state.
 */
#ifndef ADSE_UTIL_GROW_H
#define ADSE_UTIL_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Makes room for need elements of elem bytes in the array *arrp points to (a T ** passed as
 * void *; capacity *cap, in elements): when need > *cap the array is reallocated to the
 * capacity doubled from *cap (from 8 when 0) until it holds need. False when out of memory
 * or need does not fit an int's worth of elements: the array and *cap are then unchanged
 * and still the caller's. */
bool adse__grow(void *arrp, int *cap, int need, size_t elem);

#endif
