/*
 * input/v04_expr.h: timeloopfe's attribute expressions (internal to the input layer).
 *
 * In a v0.4 specification an unquoted attribute or variable that is not a YAML number, bool
 * or null is a Python expression, evaluated by timeloopfe (accelergy's
 * parse_expression_for_arithmetic) over the variables, the attributes of the containers
 * above and the node's earlier attributes; a quoted scalar is a string, never evaluated, and
 * an expression that fails is an error. The expressions are parsed and evaluated by the
 * template engine's expression evaluator (jinja_internal.h) with Python's names (True,
 * False, None) and without Jinja's filters, tests and '~': numbers, strings, lists, dicts,
 * + - * / // % **, comparisons (chained), in, not/and/or, `x if c else y`; this file adds
 * the names (the scope, the architecture's nodes, `spec`: the document as J_NODE values,
 * `pi`), `a.b` / `a['b']` /
 * `a[0]` into the document's nodes and the functions min, max, len, abs, round, int, float,
 * ceil, floor, log, log2, log10, sqrt, exp, pow. Anything else is an error at the character
 * where it stands. A scope holds the names in order of definition (a later one shadows an
 * earlier one); the values it keeps live in its arena.
 */
#ifndef ADSE_INPUT_V04_EXPR_H
#define ADSE_INPUT_V04_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "adse/error.h"
#include "input/jinja_internal.h"
#include "input/tree.h"

/* Expressions parsed once (adse__v04_parse_once), for scalars evaluated again and again:
 * the compound classes, priced for every component and every design of a search. Filled by
 * one thread, then only read (any thread). */
typedef struct adse__v04_parsed adse__v04_parsed;

typedef struct adse__v04_scope {
    const adse__ydoc *doc;
    const adse__v04_parsed *parsed; /* NULL, or parsed expressions to use (borrowed) */
    jvar *syms; /* malloc'd; names borrowed, values' strings, lists and dicts in the arena
                   below or the document */
    int n, cap;
    adse__arena arena; /* the values kept (zero-initialised: empty) */
    /* The architecture's nodes by name (timeloopfe binds every node's name to the node):
     * looked up after syms[n_vars..n) (the containers' and the node's attributes) and
     * before syms[0..n_vars) (the variables). nodes[i] is node i as expressions see it, a
     * mapping {name, attributes (its own, evaluated), spatial: {meshX, meshY}}; NULL while
     * it is not evaluated yet. Borrowed; n_nodes 0 outside an architecture. */
    int n_vars;
    int n_nodes;
    const char *const *node_names;
    const adse__ynode *const *nodes;
    /* Reads of a node's attributes by expressions, told to on_read (NULL: not recorded): by
     * bare name inside the node whose attributes are being evaluated (own_node, its own
     * attributes syms[own_from..n); own_node NULL otherwise), or as NODE.attributes.KEY;
     * at is the expression that reads it. */
    const char *own_node;
    int own_from;
    void (*on_read)(void *user, const char *node, const char *key, const adse__ynode *at);
    void *read_user;
} adse__v04_scope;

void adse__v04_scope_free(adse__v04_scope *s);

/* A new empty set (NULL when out of memory); free with adse__v04_parsed_free (NULL ok). */
adse__v04_parsed *adse__v04_parsed_new(void);
void adse__v04_parsed_free(adse__v04_parsed *p);
/* Parses scalar n into p when it is an expression (not a quoted string, null, bool or
 * number); a text that does not parse is left out (evaluating it reports the error).
 * ADSE_E_NOMEM is the only failure. */
adse_status adse__v04_parse_once(adse__v04_parsed *p, const adse__ynode *n, adse_err *err);
/* Defines name (borrowed) as v; false when out of memory. */
bool adse__v04_scope_set(adse__v04_scope *s, const char *name, const jval *v);

/* The value of scalar n in scope: quoted -> string, YAML null/bool/number as such, anything
 * else evaluated (error at the offending character, naming what). */
adse_status adse__v04_value(adse__v04_scope *s, const adse__ynode *n, const char *what, jval *out,
                            adse_err *err);

/* n itself when it needs no evaluation, else a new scalar (at n) holding its value
 * (integers as digits, other numbers as the shortest round-trip text). *v gets the value. */
adse_status adse__v04_eval_node(adse__ydoc *doc, adse__v04_scope *s, const adse__ynode *n,
                                const char *what, const adse__ynode **out, jval *v, adse_err *err);

/* Evaluates pair p's value (adse__v04_eval_node, what naming it in messages), sets it under
 * p's key in the mapping into, and defines the key in s. */
adse_status adse__v04_eval_pair(adse__ydoc *doc, adse__v04_scope *s, adse__ynode *into,
                                const adse__ypair *p, const char *what, adse_err *err);

#endif
