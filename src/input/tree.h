/*
 * input/tree.h: the YAML document tree of the spec loader (internal to the library).
 *
 * The tree is built from libyaml's parser events (tree.c is the only file that includes
 * <yaml.h>). Nodes are scalars, sequences and mappings; each records the file, line and
 * column (1-based) where it starts. Invariants once a document is loaded:
 *   - aliases point at the anchored node itself (the tree is a DAG, never cyclic);
 *   - `<<` merge keys are resolved: a mapping holds its explicit pairs plus the merged
 *     pairs whose key it does not define itself (explicit keys win; among several merged
 *     mappings the earlier one wins, as in the YAML merge-key spec);
 *   - accelergy's recursive merge key `<<<` (timeloopfe's files) is resolved too: the
 *     mapping under it is merged key by key, mappings under a key both hold merged the
 *     same way, explicit values winning;
 *   - tags are kept as written (`!Component`, `!Container`, `!!str` as libyaml resolves it,
 *     `tag:yaml.org,2002:str`): timeloopfe's v0.4 architecture tells node kinds apart by them;
 *     `!include_loaded` in a rendered template (adse__ysource) stands for the value
 *     timeloopfe's include() loaded and is replaced by that value's nodes (positions in
 *     the included file);
 *   - mapping keys are scalars and unique within one mapping, where keys that differ only
 *     in '-' versus '_' count as the same key (the loader treats them as one: `word-bits`
 *     is `word_bits`); every lookup below compares keys that way.
 * Several files are merged at the top level as Timeloop does: a later file's top-level key
 * replaces an earlier file's value of that key (the pair then points at the later file).
 * Limits (adse/limits.h), each a clear ADSE_E_SPEC error at the offending node, so that no
 * input can exhaust the stack, memory or time of the loader or of a reader that walks the
 * tree recursively: a text of at most ADSE_YAML_MAX_BYTES, collections nested at most
 * ADSE_YAML_MAX_DEPTH deep, and at most ADSE_YAML_MAX_NODES nodes in the document with every
 * alias expanded (a "billion laughs" of nested aliases is refused, not expanded). Duplicate
 * keys and merge keys are resolved by sorting, in O(n log n) for a mapping of n keys.
 * All nodes live in one arena owned by the adse__ydoc and are immutable after loading. While
 * a spec loads, the builder functions below add nodes made by the loader itself (the classic
 * tree a v0.4 specification translates to, v04.h); each takes the position of the node it
 * derives from, so that messages about it point at what the user wrote, and the nodes built
 * per doc count towards ADSE_YAML_MAX_NODES like parsed ones.
 * Ownership: adse__ydoc_new returns an owned doc, freed with adse__ydoc_free (NULL ok);
 * every node and string pointer returned below is borrowed from the doc.
 * Thread-safety: a loaded doc is immutable and may be read from any thread.
 */
#ifndef ADSE_SPEC_TREE_H
#define ADSE_SPEC_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/error.h"
#include "adse/limits.h"
#include "adse/spec.h"
#include "util/warnings.h"

typedef enum adse__ykind {
    ADSE__YSCALAR = 0, /* a scalar; null is a plain scalar "", "~" or "null" */
    ADSE__YSEQ,        /* a sequence (list) */
    ADSE__YMAP         /* a mapping */
} adse__ykind;

typedef struct adse__ynode adse__ynode;

typedef struct adse__ypair {
    const adse__ynode *key;   /* a scalar */
    const adse__ynode *value; /* any node */
} adse__ypair;

struct adse__ynode {
    adse__ykind kind;
    const char *file;          /* file name as given to the loader (owned by the doc) */
    int line;                  /* 1-based line of the node's first character */
    int column;                /* 1-based column */
    const char *text;          /* scalar: the value, NUL-terminated; NULL otherwise */
    size_t len;                /* scalar: bytes in text */
    bool plain;                /* scalar: written without quotes */
    int n;                     /* sequence: items; mapping: pairs; 0 for scalars */
    const adse__ynode **items; /* sequence items, in order */
    const adse__ypair *pairs;  /* mapping pairs, in document order */
    size_t expanded;           /* nodes of this subtree with every alias expanded (keys
                                  included), <= ADSE_YAML_MAX_NODES */
    const char *tag;           /* the node's tag as written ("!Component"), or NULL */
    int cap;                   /* builder only: slots allocated for items / pairs */
};

typedef struct adse__ydoc adse__ydoc;

/* ---- building ------------------------------------------------------------------------ */

adse_status adse__ydoc_new(adse__ydoc **out, adse_err *err);
void adse__ydoc_free(adse__ydoc *doc);

/* A new doc whose top level (and list of replaced top-level keys) is base's as it stands:
 * its nodes are base's, shared, so base must outlive it and stay as it is (a loaded doc is
 * immutable; a later top-level change of either doc does not reach the other). What the
 * fork builds is its own. adse_spec_derive (spec.c) translates such a fork of a spec's
 * document before its v0.4 translation again, without reading the files again. */
adse_status adse__ydoc_fork(const adse__ydoc *base, adse__ydoc **out, adse_err *err);

/* Parses one YAML text (one document; an empty text is an empty document) and merges its
 * top-level mapping into doc. name is used in positions and messages (copied). Malformed
 * YAML gives ADSE_E_SYNTAX with libyaml's line, column and problem text; a top level that
 * is not a mapping gives ADSE_E_SPEC. */
adse_status adse__ydoc_add(adse__ydoc *doc, const char *text, size_t len, const char *name,
                           adse_err *err);
/* Top-level keys that a later text gave again (it replaced the earlier value, as Timeloop
 * merges its input files): the i-th such key, *earlier set to the key it replaced. */
int adse__ydoc_replaced_count(const adse__ydoc *doc);
const adse__ynode *adse__ydoc_replaced_at(const adse__ydoc *doc, int i,
                                          const adse__ynode **earlier);
/* The value the i-th such key replaced (Accelergy's compound-component lists, one per
 * file, are all read: input/compound.c). */
const adse__ynode *adse__ydoc_replaced_value(const adse__ydoc *doc, int i);

/* ---- building nodes (while a spec loads) ---------------------------------------------- */

/* A new scalar with a copy of text, at the position of at (NULL: no position); plain
 * scalars read "", "~" and "null" as null, quoted ones never. NULL when out of memory or
 * past ADSE_YAML_MAX_NODES (adse__ydoc_build_status says which). */
adse__ynode *adse__ynew_scalar(adse__ydoc *doc, const adse__ynode *at, const char *text,
                               bool plain);
/* A new empty mapping / sequence at the position of at. */
adse__ynode *adse__ynew_map(adse__ydoc *doc, const adse__ynode *at);
adse__ynode *adse__ynew_seq(adse__ydoc *doc, const adse__ynode *at);
/* A new mapping at map's position with its tag and pairs (the values shared), to change
 * without touching map, which other nodes may share. */
adse__ynode *adse__ymap_copy(adse__ydoc *doc, const adse__ynode *map);
/* Sets key (a copy of the text; the key node takes the position of key_at, else map's)
 * to value in map: replaces the value of an equal key (adse__ykey_eq), else appends.
 * false when out of memory or past the limit. */
bool adse__ymap_set(adse__ydoc *doc, adse__ynode *map, const char *key, const adse__ynode *key_at,
                    const adse__ynode *value);
/* Appends item to seq. */
bool adse__yseq_push(adse__ydoc *doc, adse__ynode *seq, const adse__ynode *item);
/* Sets a top-level key of doc (replacing its value, or appending a new pair). */
bool adse__ydoc_set_top(adse__ydoc *doc, const char *key, const adse__ynode *key_at,
                        const adse__ynode *value);
/* Removes a top-level key (nothing if absent). */
void adse__ydoc_del_top(adse__ydoc *doc, const char *key);
/* Why the last builder call returned NULL/false: ADSE_E_NOMEM or ADSE_E_SPEC (past
 * ADSE_YAML_MAX_NODES built nodes), with the message in err. */
adse_status adse__ydoc_build_status(const adse__ydoc *doc, const adse__ynode *at, adse_err *err);

/* Where the bytes of a rendered text (input/jinja.h) came from: segment i covers the text
 * offsets [off, next segment's off) of one line. exact: the byte at off + k was copied
 * from column column + k of line of file; otherwise the whole segment is the output of
 * the expression at (line, column). file is owned by the doc (adse__ydoc_intern). */
typedef struct adse__yseg {
    size_t off;
    const char *file;
    int line, column;
    bool exact;
} adse__yseg;

typedef struct adse__ysource {
    const adse__yseg *segs; /* sorted by off, the first at 0; n_segs 0: the text's own */
    size_t n_segs;
    /* Replaces a scalar tagged `!include_loaded` (its text NAME.KEY...) with a node of
     * the doc (owned by the doc); NULL: such a tag is an error. */
    adse_status (*include)(void *ctx, const adse__ynode *scalar, const adse__ynode **out,
                           adse_err *err);
    void *ctx;
} adse__ysource;

/* adse__ydoc_add for a rendered template: positions through source (may be NULL). */
adse_status adse__ydoc_add_source(adse__ydoc *doc, const char *text, size_t len, const char *name,
                                  const adse__ysource *source, adse_err *err);

/* Parses one YAML text into nodes of doc without merging it into the top level (an
 * included file); *root is its root node, NULL for an empty document. */
adse_status adse__ydoc_parse(adse__ydoc *doc, const char *text, size_t len, const char *name,
                             const adse__ysource *source, const adse__ynode **root, adse_err *err);

/* A copy of s owned by the doc (NULL when out of memory). */
const char *adse__ydoc_intern(adse__ydoc *doc, const char *s);

/* ---- reading ------------------------------------------------------------------------- */

/* Top-level pairs, in order of first appearance over all files. */
int adse__ydoc_top_count(const adse__ydoc *doc);
const adse__ypair *adse__ydoc_top_at(const adse__ydoc *doc, int i);
/* The top-level pair with this key (its key node gives the position), or NULL. */
const adse__ypair *adse__ydoc_top_pair(const adse__ydoc *doc, const char *key);
/* The top-level value of key, or NULL. */
const adse__ynode *adse__ydoc_top(const adse__ydoc *doc, const char *key);

/* The document tree of a loaded spec (never NULL for a spec from adse_spec_load*). */
const adse__ydoc *adse__spec_doc(const adse_spec *spec);

bool adse__ynode_is_scalar(const adse__ynode *n);
bool adse__ynode_is_seq(const adse__ynode *n);
bool adse__ynode_is_map(const adse__ynode *n);
/* A plain "", "~", "null", "Null" or "NULL" (also true for n == NULL). */
bool adse__ynode_is_null(const adse__ynode *n);
/* Scalar text, or NULL when n is not a scalar. */
const char *adse__ynode_text(const adse__ynode *n);
/* Items of a sequence or pairs of a mapping; 0 otherwise. */
int adse__ynode_len(const adse__ynode *n);
/* Item i of a sequence, or NULL. */
const adse__ynode *adse__yseq_at(const adse__ynode *seq, int i);
/* Pair i of a mapping, or NULL. */
const adse__ypair *adse__ymap_at(const adse__ynode *map, int i);
/* The pair / value with this key ('-' and '_' compare equal), or NULL. */
const adse__ypair *adse__ymap_pair(const adse__ynode *map, const char *key);
const adse__ynode *adse__ymap_get(const adse__ynode *map, const char *key);
/* Where n starts. */
adse_srcpos adse__ynode_pos(const adse__ynode *n);
/* Where character off of scalar n stands: exact for a one-line scalar (plain or quoted,
 * without escapes), n's own position for a multi-line one (folded, literal). */
adse_srcpos adse__ynode_char_pos(const adse__ynode *n, size_t off);
/* "a scalar", "a list" or "a mapping". */
const char *adse__ynode_kind_name(const adse__ynode *n);

/* Keys equal when they match character by character with '-' and '_' equal. */
bool adse__ykey_eq(const char *a, const char *b);
/* Whether key equals (adse__ykey_eq) one of the NULL-terminated list. */
bool adse__ykey_in(const char *key, const char *const *list);

/* Edit distance (optimal string alignment) of the lowercase forms of two keys with '-'
 * read as '_', for "did you mean" hints; keys are compared up to 79 characters. */
int adse__ykey_distance(const char *a, const char *b);

/* Scalar conversions; false when n is not a scalar of that form. */
bool adse__yscalar_u64(const adse__ynode *n, uint64_t *out);  /* decimal, optional '+' */
bool adse__yscalar_i64(const adse__ynode *n, int64_t *out);   /* decimal, optional sign */
bool adse__yscalar_double(const adse__ynode *n, double *out); /* finite strtod number */
bool adse__yscalar_bool(const adse__ynode *n, bool *out);     /* true/false/yes/no/on/off */

/* ---- errors -------------------------------------------------------------------------- */

/* Records an error located at node at (may be NULL) and returns code. */
adse_status adse__yerr(adse_err *err, adse_status code, const adse__ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same at position at (a character inside a scalar: adse__ynode_char_pos, or a
 * position kept from an earlier node; at.file NULL for none). */
adse_status adse__yerr_at(adse_err *err, adse_status code, adse_srcpos at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records a warning at node at (NULL: no position) in w (util/warnings.h). */
void adse__ywarn(adse__warnings *w, const adse__ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The closest of candidates (NULL-terminated) to word, for "did you mean" hints: within
 * adse__ykey_distance 1 of a candidate of up to 5 characters, 2 of a longer one; NULL if
 * none is that close. */
const char *adse__yclosest(const char *word, const char *const *candidates);

/* Checks that key (a scalar node) is in allowed (NULL-terminated; compared with
 * adse__ykey_eq); otherwise ADSE_E_SPEC "unknown key 'k' in <where>" at the key, with
 * " (did you mean 'x'?)" when adse__yclosest finds one. */
adse_status adse__ycheck_key(const adse__ynode *key, const char *const *allowed, const char *where,
                             adse_err *err);

/* adse__ycheck_key for every key of map (nothing when map is not a mapping). */
adse_status adse__ycheck_keys(const adse__ynode *map, const char *const *allowed, const char *where,
                              adse_err *err);

/* Fails with ADSE_E_SPEC "'<what>' must be <kind>, got <kind of n>" unless n has the kind. */
adse_status adse__yexpect(const adse__ynode *n, adse__ykind kind, const char *what, adse_err *err);

#endif
