/*
 * input/v04_expr.h: timeloopfe's attribute expressions (internal to the input layer).
 *
 * In a v0.4 specification an unquoted attribute or variable that is not a YAML number, bool
 * or null is a Python expression, evaluated by timeloopfe (accelergy's
 * parse_expression_for_arithmetic) over the variables, the attributes of the containers
 * above and the node's earlier attributes; a quoted scalar is a string, never evaluated, and
 * an expression that fails is an error. This evaluator takes the subset the exercises use:
 * numbers, quoted strings, True/False/None, names, `a.b` and `a['b']` / `a[0]` references
 * into the document (`spec.problem.instance.C`), + - * / // % **, comparisons (chained),
 * not/and/or, `x if c else y`, list literals, and min, max, len, abs, round, int, float,
 * ceil, floor, log, log2, log10, sqrt, exp, pow. Anything else is an error at the character
 * where it stands. Evaluation allocates nothing; a scope holds the names in order of
 * definition (a later one shadows an earlier one).
 */
#ifndef ADSE_INPUT_V04_EXPR_H
#define ADSE_INPUT_V04_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "adse/error.h"
#include "input/tree.h"

typedef enum adse__v04_vkind {
    ADSE__V_NUM,
    ADSE__V_STR,
    ADSE__V_BOOL,
    ADSE__V_NONE,
    ADSE__V_NODE, /* a mapping or list of the document (NULL node: the top level, `spec`) */
    ADSE__V_LIST, /* a list literal of numbers */
    ADSE__V_ERR
} adse__v04_vkind;

#define ADSE__V04_LIST_MAX 16

typedef struct adse__v04_val {
    adse__v04_vkind kind;
    double num;      /* NUM, BOOL (0/1) */
    bool is_int;     /* NUM: an integer (Python int) */
    const char *str; /* STR: borrowed text (not NUL-terminated) */
    size_t len;      /* STR: bytes */
    const adse__ynode *node;
    int n_list;
    double list[ADSE__V04_LIST_MAX];
    size_t err_at; /* ERR: offset in the expression */
    char err[160]; /* ERR: message */
} adse__v04_val;

typedef struct adse__v04_sym {
    const char *name; /* borrowed */
    adse__v04_val v;
} adse__v04_sym;

typedef struct adse__v04_scope {
    const adse__ydoc *doc;
    adse__v04_sym *syms; /* malloc'd */
    int n, cap;
} adse__v04_scope;

void adse__v04_scope_free(adse__v04_scope *s);
/* Defines name (borrowed) as v; false when out of memory. */
bool adse__v04_scope_set(adse__v04_scope *s, const char *name, const adse__v04_val *v);

/* The value of scalar n in scope: quoted -> string, YAML null/bool/number as such, anything
 * else evaluated (error at the offending character, naming what). */
adse_status adse__v04_value(const adse__v04_scope *s, const adse__ynode *n, const char *what,
                            adse__v04_val *out, adse_err *err);

/* n itself when it needs no evaluation, else a new scalar (at n) holding its value
 * (integers as digits, other numbers as the shortest round-trip text). *v gets the value. */
adse_status adse__v04_eval_node(adse__ydoc *doc, const adse__v04_scope *s, const adse__ynode *n,
                                const char *what, const adse__ynode **out, adse__v04_val *v,
                                adse_err *err);

/* Evaluates pair p's value (adse__v04_eval_node, what naming it in messages), sets it under
 * p's key in the mapping into, and defines the key in s. */
adse_status adse__v04_eval_pair(adse__ydoc *doc, adse__v04_scope *s, adse__ynode *into,
                                const adse__ypair *p, const char *what, adse_err *err);

#endif
