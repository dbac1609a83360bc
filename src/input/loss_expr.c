/* The metric names of the hardware-search spec and the loss-expression compiler
 * (input/loss_expr.h): text such as "energy/baseline.energy + 0.5*cycles", parsed by the
 * input layer's one expression parser (jinja_internal.h, Python's grammar, bounded depth),
 * -> the stack program of adse_search_loss; what the program cannot do (other operators,
 * strings, comparisons, ...) is an error at its character. */
#include "input/loss_expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "input/jinja_internal.h"
#include "util/numtext.h"

/* ---- metric names -------------------------------------------------------------------- */

static const char *const metric_names[ADSE_SM_COUNT] = {
    "cycles", "energy", "gflops", "utilization", "edp", "area", "onchip_bits", "pes"};

const char *adse_search_metric_name(adse_search_metric m)
{
    return (unsigned)m < ADSE_SM_COUNT ? metric_names[m] : "?";
}

/* Metric of a name, with the aliases energy_pj and area_um2; -1 if none. */
int adse__search_metric_id(const char *s, size_t len)
{
    static const struct {
        const char *name;
        int id;
    } aliases[] = {{"energy_pj", ADSE_SM_ENERGY}, {"area_um2", ADSE_SM_AREA}};
    for (int m = 0; m < ADSE_SM_COUNT; m++)
        if (strlen(metric_names[m]) == len && strncmp(metric_names[m], s, len) == 0) return m;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strlen(aliases[i].name) == len && strncmp(aliases[i].name, s, len) == 0)
            return aliases[i].id;
    return -1;
}

/* ---- loss expression ------------------------------------------------------------------ */

#define EXPR_MAX_STACK 64
#define EXPR_MAX_DEPTH 128 /* the parser's nesting units: parentheses, calls and signs */

typedef struct compiler {
    const adse__ynode *node; /* the expression scalar, for positions */
    adse_search_loss *loss;
    int depth;        /* stack depth of the program so far */
    const char *what; /* "loss expression", "objective 'x'": the messages' prefix */
    adse_err *err;
} compiler;

static adse_status cerr_at(compiler *k, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static adse_status cerr_at(compiler *k, size_t off, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    adse__c_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return adse__yerr_at(k->err, ADSE_E_SPEC, adse__ynode_char_pos(k->node, off), "%s: %s", k->what,
                         msg);
}

/* Where e starts in the text (a.b.c: at a). */
static size_t offset(const compiler *k, const jexpr *e)
{
    while (e->k == E_ATTR)
        e = e->a;
    return adse__jtext_offset(k->node->text, k->node->len, e->line, e->col);
}

static adse_status emit(compiler *k, const jexpr *at, adse_search_op op, int stack_delta)
{
    if (k->loss->n_ops == ADSE_SEARCH_EXPR_MAX)
        return cerr_at(k, offset(k, at), "longer than ADSE_SEARCH_EXPR_MAX instructions");
    k->loss->ops[k->loss->n_ops++] = op;
    k->depth += stack_delta;
    if (k->depth > EXPR_MAX_STACK) return cerr_at(k, offset(k, at), "nested too deeply");
    return ADSE_OK;
}

static const struct {
    const char *name;
    adse_search_opcode op;
    int args; /* 1, or 2: two or more, folded pairwise */
} funcs[] = {{"min", ADSE_OP_MIN, 2},
             {"max", ADSE_OP_MAX, 2},
             {"log", ADSE_OP_LOG, 1},
             {"sqrt", ADSE_OP_SQRT, 1},
             {"abs", ADSE_OP_ABS, 1}};
#define N_FUNCS (int)(sizeof funcs / sizeof funcs[0])

static int func_of(const char *name)
{
    for (int f = 0; f < N_FUNCS; f++)
        if (strcmp(name, funcs[f].name) == 0) return f;
    return -1;
}

static adse_status metric(compiler *k, const jexpr *at, const char *word, bool base)
{
    const char *mname = base ? word + 9 : word; /* "baseline." */
    int m = adse__search_metric_id(mname, strlen(mname));
    if (m < 0)
        return cerr_at(k, offset(k, at),
                       "unknown name '%s' (metrics: cycles, energy, gflops, utilization, "
                       "edp, area, onchip_bits, pes, each also as baseline.<metric>; "
                       "functions: min, max, log, sqrt, abs)",
                       word);
    return emit(
        k, at, (adse_search_op){.code = ADSE_OP_METRIC, .metric = (uint8_t)m, .baseline = base}, 1);
}

/* a.b.c of names, as written (false when e is not one). */
static bool dotted(const jexpr *e, char *buf, size_t size)
{
    if (e->k == E_NAME) return (size_t)snprintf(buf, size, "%s", e->name) < size;
    if (e->k != E_ATTR || !dotted(e->a, buf, size)) return false;
    size_t n = strlen(buf);
    return (size_t)snprintf(buf + n, size - n, ".%s", e->name) < size - n;
}

static adse_status compile(compiler *k, const jexpr *e)
{
    adse_status st;
    char word[64];
    switch (e->k) {
    case E_LIT:
        if (e->lit.k == J_INT || e->lit.k == J_FLOAT) {
            double v = e->lit.k == J_INT ? (double)e->lit.i : e->lit.f;
            if (!isfinite(v)) return cerr_at(k, offset(k, e), "bad number");
            return emit(k, e, (adse_search_op){.code = ADSE_OP_NUM, .value = v}, 1);
        }
        break;
    case E_NAME:
    case E_ATTR:
        if (!dotted(e, word, sizeof word)) break;
        if (func_of(word) >= 0) return cerr_at(k, offset(k, e), "expected '(' after '%s'", word);
        return metric(k, e, word, strncmp(word, "baseline.", 9) == 0);
    case E_NEG:
    case E_POS:
        if ((st = compile(k, e->a))) return st;
        return e->k == E_POS ? ADSE_OK : emit(k, e, (adse_search_op){.code = ADSE_OP_NEG}, 0);
    case E_BIN: {
        static const char ops[] = "+-*/";
        static const adse_search_opcode codes[] = {ADSE_OP_ADD, ADSE_OP_SUB, ADSE_OP_MUL,
                                                   ADSE_OP_DIV};
        const char *o = e->op ? strchr(ops, e->op) : NULL;
        if (!o) break;
        if ((st = compile(k, e->a)) || (st = compile(k, e->b))) return st;
        return emit(k, e, (adse_search_op){.code = (uint8_t)codes[o - ops]}, -1);
    }
    case E_CALL: {
        int f = e->a->k == E_NAME ? func_of(e->a->name) : -1;
        if (f < 0) {
            if (!dotted(e->a, word, sizeof word)) break;
            bool base = strncmp(word, "baseline.", 9) == 0;
            const char *mname = base ? word + 9 : word;
            if (adse__search_metric_id(mname, strlen(mname)) < 0)
                return metric(k, e, word, base); /* the unknown name's message */
            return cerr_at(k, offset(k, e), "'%s' is not a function", word);
        }
        if (funcs[f].args == 1 && e->n_args != 1)
            return cerr_at(k, offset(k, e), "'%s' takes one argument", funcs[f].name);
        if (funcs[f].args == 2 && e->n_args < 2)
            return cerr_at(k, offset(k, e), "'%s' takes two or more arguments", funcs[f].name);
        for (int i = 0; i < e->n_args; i++) {
            if ((st = compile(k, e->args[i]))) return st;
            if (i > 0 && (st = emit(k, e, (adse_search_op){.code = (uint8_t)funcs[f].op}, -1)))
                return st;
        }
        if (funcs[f].args == 1)
            return emit(k, e, (adse_search_op){.code = (uint8_t)funcs[f].op}, 0);
        return ADSE_OK;
    }
    default: break;
    }
    /* anything else: the character where it stands (an operator, a quote, a bracket, a word;
     * a comparison's first operator ends before its second operand) */
    size_t off = offset(k, e);
    if (e->k == E_CMP) {
        const char *t = k->node->text;
        off = offset(k, e->args[1]);
        while (off > 0 && (t[off - 1] == ' ' || t[off - 1] == '\t'))
            off--;
        while (off > 1 && strchr("<>=!", t[off - 2]))
            off--;
        off = off ? off - 1 : 0;
    }
    if (off >= k->node->len) return cerr_at(k, off, "unexpected end");
    char c[2] = {k->node->text[off], 0};
    return cerr_at(k, off, "unexpected '%s'", c);
}

adse_status adse__loss_compile_expression(const adse__ynode *n, const char *what,
                                          adse_search_loss *loss, adse_err *err)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
        return adse__yerr(err, ADSE_E_SPEC, n, "the %s must be a string, got %s", what,
                          adse__ynode_kind_name(n));
    loss->is_expression = true;
    loss->n_ops = 0;
    jhooks h = {.subset = "loss expressions",
                .kind = "loss expressions",
                .max_depth = EXPR_MAX_DEPTH}; /* parsed only */
    jctx c = {.hooks = &h, .err = err, .file = ""};
    jexpr *e;
    adse_status st = adse__jparse_expr(&c, n->text, n->len, &e);
    if (st == ADSE_E_SPEC) {
        size_t off = adse__jtext_offset(n->text, n->len, err->line, err->column);
        st =
            adse__yerr_at(err, ADSE_E_SPEC, adse__ynode_char_pos(n, off), "%s: %s", what, err->msg);
    } else if (!st) {
        compiler k = {.node = n, .loss = loss, .what = what, .err = err};
        st = compile(&k, e);
    }
    adse__arena_free(&c.arena);
    if (st) return st;
    snprintf(loss->text, sizeof loss->text, "%s", n->text);
    return ADSE_OK;
}
