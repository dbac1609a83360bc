/*
 * input/loss_expr.h: the metric names of the search spec and the loss-expression compiler
 * (internal to the input layer; loss_expr.c).
 *
 * The search-spec loader (search_yaml.c) calls these for `loss:` and `objectives:`. A compiled
 * expression is a stack program (adse_search_loss.ops) whose stack never exceeds 64 entries and
 * whose nesting of parentheses, calls and signs is bounded, so that evaluating it cannot overflow.
 */
#ifndef ADSE_INPUT_LOSS_EXPR_H
#define ADSE_INPUT_LOSS_EXPR_H

#include <stddef.h>

#include "adse/search_spec.h"
#include "input/tree.h"

/* The metric named by s[0..len) (also the aliases energy_pj and area_um2); -1 if none. */
int adse__search_metric_id(const char *s, size_t len);

/* Compiles the expression scalar n into loss (is_expression, ops, text). Errors are
 * ADSE_E_SPEC at the column of the offending character, prefixed by what ("loss
 * expression: ...", "objective 'x': ..."). */
adse_status adse__loss_compile_expression(const adse__ynode *n, const char *what,
                                          adse_search_loss *loss, adse_err *err);

#endif
