/* The bump allocator (util/arena.h). */
#include "util/arena.h"

#include <stdlib.h>
#include <string.h>

struct adse__arena_block {
    adse__arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

#define ARENA_BLOCK_BYTES (64 * 1024)

void *adse__arena_alloc(adse__arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (size == 0) size = sizeof(max_align_t);
    adse__arena_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK_BYTES ? size : ARENA_BLOCK_BYTES;
        adse__arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb) return NULL;
        nb->used = 0;
        nb->cap = cap;
        /* A big one-off block goes behind the current one so the current keeps filling. */
        if (b && size > ARENA_BLOCK_BYTES) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    a->bytes += size;
    memset(p, 0, size);
    return p;
}

char *adse__arena_strndup(adse__arena *a, const char *s, size_t len)
{
    char *p = adse__arena_alloc(a, len + 1);
    if (!p) return NULL;
    if (len) memcpy(p, s, len);
    p[len] = 0;
    return p;
}

void adse__arena_free(adse__arena *a)
{
    adse__arena_block *b = a->head;
    while (b) {
        adse__arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->bytes = 0;
}
