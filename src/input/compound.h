/*
 * input/compound.h: Accelergy compound-component classes read from the YAML and priced by
 * adse's estimator (internal to the input layer; docs/energy.md section 10).
 *
 * A compound class (`compound_components:` classic, `components:` v0.4; versions 0.3 and
 * 0.4) has default attributes (expressions over the component's attributes, or
 * "must_specify"), subcomponents (name, possibly `name[a..b]`, class, attributes, area
 * scale) and actions, each a list of subcomponent actions (name, possibly `name[a..b]`,
 * with an energy scale `energy_scale` / `action_share` / `repeat` and arguments). An action's
 * energy is the sum of its subcomponent actions' energies, each times its scale and the
 * number of subcomponents it names, recursively down to primitive classes priced by
 * adse_energy_estimate(); the area is the sum of the subcomponents' areas times their count
 * and area scale. Expressions are evaluated with the v0.4 evaluator (v04_expr.h).
 *
 * Ownership: the definitions borrow nodes of the document they were read from, which must
 * outlive them (the spec owns both). Reading allocates; pricing allocates a scope per
 * compound instance. Thread-safety: read-only after adse__compounds_read; pricing may run
 * on any thread (nothing is mutated).
 */
#ifndef ADSE_INPUT_COMPOUND_H
#define ADSE_INPUT_COMPOUND_H

#include <stdbool.h>

#include "adse/energy.h"
#include "adse/error.h"
#include "input/tree.h"
#include "util/warnings.h"

typedef struct adse__compounds adse__compounds;

/* Reads every class of doc's `compound_components` and `components` values, those of every
 * file (a later file's list does not replace an earlier one's, as Accelergy reads all its
 * files); a class defined twice: the later one wins, with a warning. Structure errors name
 * the node and field. *out is NULL when doc defines no class. doc gets nodes for the range
 * expressions of names (`storage[1..width*depth]`). */
adse_status adse__compounds_read(adse__ydoc *doc, adse__warnings *w, adse__compounds **out,
                                 adse_err *err);

void adse__compounds_free(adse__compounds *c);

/* The hook to put in adse_energy_options.classes (points into c). */
const adse_energy_classes *adse__compounds_hook(const adse__compounds *c);

/* The definition of class klass (its `name` node), or NULL (c may be NULL). */
const adse__ynode *adse__compounds_class(const adse__compounds *c, const char *klass);

/* Whether a component attribute of this name may be read by a class (an attribute a class
 * declares or a name in one of its expressions): the loader keeps those with the estimator
 * attributes (adse_est_attrs) so that re-pricing sees them. c may be NULL. */
bool adse__compounds_reads(const adse__compounds *c, const char *name);

/* A version 0.3 class that adse's primitives cannot price (it calls an Accelergy 0.3
 * plug-in action such as an adder's 'count' or 'idle': reason says which), when the
 * estimator has a built-in model of a class of that name: the definition is set aside, with
 * a warning at it naming component comp, and the class is priced by the built-in model, as
 * before adse read compound components. False (nothing done) otherwise: the error stands. */
bool adse__compounds_fall_back(adse__compounds *c, const char *klass, const char *comp,
                               const char *reason, adse__warnings *w);

#endif
