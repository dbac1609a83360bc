/*
 * util/arena.h: a bump allocator whose blocks are freed together (internal).
 *
 * Used where many small objects share one lifetime: the YAML document tree (input/tree.c)
 * and a template's syntax tree and values (input/jinja_*.c). Allocations are zeroed and
 * aligned for any type; `bytes` counts what was handed out, so that a user can cap it.
 * Ownership: the arena owns every block; adse__arena_free releases them all (an arena
 * that is all zeros is empty and valid). Thread-safety: one thread at a time.
 */
#ifndef ADSE_UTIL_ARENA_H
#define ADSE_UTIL_ARENA_H

#include <stddef.h>

typedef struct adse__arena_block adse__arena_block;

typedef struct adse__arena {
    adse__arena_block *head; /* the block being filled, then the older ones */
    size_t bytes;            /* bytes handed out so far (rounded up to the alignment) */
} adse__arena;

/* size zeroed bytes aligned for any type, or NULL when out of memory. */
void *adse__arena_alloc(adse__arena *a, size_t size);

/* A NUL-terminated copy of s[0..len), or NULL when out of memory. */
char *adse__arena_strndup(adse__arena *a, const char *s, size_t len);

/* Frees every block and empties a. */
void adse__arena_free(adse__arena *a);

#endif
