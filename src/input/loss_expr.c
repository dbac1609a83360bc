/* The metric names of the hardware-search spec and the loss-expression compiler
 * (input/loss_expr.h): text such as "energy/baseline.energy + 0.5*cycles" -> the stack
 * program of adse_search_loss (recursive descent, bounded depth). */
#include "input/loss_expr.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

typedef struct expr_parser {
    const char *text;
    size_t pos;
    const adse__ynode *node; /* for positions */
    adse_search_loss *loss;
    int depth, max_depth; /* stack depth of the program so far */
    int nest;             /* current nesting of parentheses, calls and signs */
    const char *what;     /* "loss expression", "objective 'x'": the messages' prefix */
    adse_err *err;
} expr_parser;

#define EXPR_MAX_STACK 64
#define EXPR_MAX_NEST                                                                              \
    64 /* parentheses, function calls and unary signs, nested: bounds the                          \
          recursion of the parser */

static adse_status expr_error(expr_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static adse_status expr_error(expr_parser *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    adse__c_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return adse__yerr_at(p->err, ADSE_E_SPEC, adse__ynode_char_pos(p->node, p->pos), "%s: %s",
                         p->what, msg);
}

static void expr_skip(expr_parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static adse_status expr_emit(expr_parser *p, adse_search_op op, int stack_delta)
{
    if (p->loss->n_ops == ADSE_SEARCH_EXPR_MAX)
        return expr_error(p, "longer than ADSE_SEARCH_EXPR_MAX instructions");
    p->loss->ops[p->loss->n_ops++] = op;
    p->depth += stack_delta;
    if (p->depth > p->max_depth) p->max_depth = p->depth;
    if (p->max_depth > EXPR_MAX_STACK) return expr_error(p, "nested too deeply");
    return ADSE_OK;
}

static adse_status expr_sum(expr_parser *p);

static adse_status expr_primary_nested(expr_parser *p);

/* Every recursion of the parser passes here: parentheses, arguments and signs nest. */
static adse_status expr_primary(expr_parser *p)
{
    if (p->nest >= EXPR_MAX_NEST) return expr_error(p, "nested too deeply");
    p->nest++;
    adse_status st = expr_primary_nested(p);
    p->nest--;
    return st;
}

static adse_status expr_primary_nested(expr_parser *p)
{
    expr_skip(p);
    const char *t = p->text + p->pos;
    adse_status st;
    if (*t == '(') {
        p->pos++;
        if ((st = expr_sum(p))) return st;
        expr_skip(p);
        if (p->text[p->pos] != ')') return expr_error(p, "expected ')'");
        p->pos++;
        return ADSE_OK;
    }
    if (isdigit((unsigned char)*t) || *t == '.') {
        char *end;
        errno = 0;
        double v = adse__num_parse(t, &end);
        if (end == t || errno == ERANGE || !isfinite(v)) return expr_error(p, "bad number");
        p->pos += (size_t)(end - t);
        return expr_emit(p, (adse_search_op){.code = ADSE_OP_NUM, .value = v}, 1);
    }
    if (isalpha((unsigned char)*t) || *t == '_') {
        size_t n = 0;
        while (isalnum((unsigned char)t[n]) || t[n] == '_' || t[n] == '.')
            n++;
        char word[64];
        if (n >= sizeof word) return expr_error(p, "name too long");
        memcpy(word, t, n);
        word[n] = 0;
        p->pos += n;
        expr_skip(p);
        static const struct {
            const char *name;
            adse_search_opcode op;
            int args;
        } funcs[] = {{"min", ADSE_OP_MIN, 2},
                     {"max", ADSE_OP_MAX, 2},
                     {"log", ADSE_OP_LOG, 1},
                     {"sqrt", ADSE_OP_SQRT, 1},
                     {"abs", ADSE_OP_ABS, 1}};
        for (size_t f = 0; f < sizeof funcs / sizeof funcs[0]; f++) {
            if (strcmp(word, funcs[f].name) != 0) continue;
            if (p->text[p->pos] != '(') return expr_error(p, "expected '(' after '%s'", word);
            p->pos++;
            int args = 0;
            for (;;) {
                if ((st = expr_sum(p))) return st;
                args++;
                /* min/max take two or more arguments: fold them pairwise */
                if (funcs[f].args == 2 && args >= 2 &&
                    (st = expr_emit(p, (adse_search_op){.code = (uint8_t)funcs[f].op}, -1)))
                    return st;
                expr_skip(p);
                if (p->text[p->pos] == ',') {
                    p->pos++;
                    continue;
                }
                if (p->text[p->pos] != ')')
                    return expr_error(p, "expected ',' or ')' in '%s'", word);
                p->pos++;
                break;
            }
            if (funcs[f].args == 1 && args != 1)
                return expr_error(p, "'%s' takes one argument", word);
            if (funcs[f].args == 2 && args < 2)
                return expr_error(p, "'%s' takes two or more arguments", word);
            if (funcs[f].args == 1)
                return expr_emit(p, (adse_search_op){.code = (uint8_t)funcs[f].op}, 0);
            return ADSE_OK;
        }
        bool base = strncmp(word, "baseline.", 9) == 0;
        const char *mname = base ? word + 9 : word;
        int m = adse__search_metric_id(mname, strlen(mname));
        if (m < 0)
            return expr_error(p,
                              "unknown name '%s' (metrics: cycles, energy, gflops, utilization, "
                              "edp, area, onchip_bits, pes, each also as baseline.<metric>; "
                              "functions: min, max, log, sqrt, abs)",
                              word);
        return expr_emit(
            p, (adse_search_op){.code = ADSE_OP_METRIC, .metric = (uint8_t)m, .baseline = base}, 1);
    }
    if (!*t) return expr_error(p, "unexpected end");
    char c[2] = {*t, 0};
    return expr_error(p, "unexpected '%s'", c);
}

static adse_status expr_unary(expr_parser *p)
{
    expr_skip(p);
    char c = p->text[p->pos];
    if (c == '-' || c == '+') {
        p->pos++;
        if (p->nest >= EXPR_MAX_NEST) return expr_error(p, "nested too deeply");
        p->nest++;
        adse_status st = expr_unary(p);
        p->nest--;
        if (st || c == '+') return st;
        return expr_emit(p, (adse_search_op){.code = ADSE_OP_NEG}, 0);
    }
    return expr_primary(p);
}

static adse_status expr_product(expr_parser *p)
{
    adse_status st = expr_unary(p);
    while (!st) {
        expr_skip(p);
        char c = p->text[p->pos];
        if (c != '*' && c != '/') break;
        p->pos++;
        if ((st = expr_unary(p))) break;
        st = expr_emit(p, (adse_search_op){.code = c == '*' ? ADSE_OP_MUL : ADSE_OP_DIV}, -1);
    }
    return st;
}

static adse_status expr_sum(expr_parser *p)
{
    adse_status st = expr_product(p);
    while (!st) {
        expr_skip(p);
        char c = p->text[p->pos];
        if (c != '+' && c != '-') break;
        p->pos++;
        if ((st = expr_product(p))) break;
        st = expr_emit(p, (adse_search_op){.code = c == '+' ? ADSE_OP_ADD : ADSE_OP_SUB}, -1);
    }
    return st;
}

adse_status adse__loss_compile_expression(const adse__ynode *n, const char *what,
                                          adse_search_loss *loss, adse_err *err)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
        return adse__yerr(err, ADSE_E_SPEC, n, "the %s must be a string, got %s", what,
                          adse__ynode_kind_name(n));
    expr_parser p = {.text = n->text, .node = n, .loss = loss, .what = what, .err = err};
    loss->is_expression = true;
    loss->n_ops = 0;
    adse_status st = expr_sum(&p);
    if (st) return st;
    expr_skip(&p);
    if (p.text[p.pos]) {
        char c[2] = {p.text[p.pos], 0};
        return expr_error(&p, "unexpected '%s'", c);
    }
    snprintf(loss->text, sizeof loss->text, "%s", n->text);
    return ADSE_OK;
}
