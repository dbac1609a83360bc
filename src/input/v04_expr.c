/* timeloopfe's attribute expressions: a recursive-descent evaluator (see v04_expr.h).
 * Errors are values (ADSE__V_ERR) so that `x if c else y`, `and` and `or` fail only when
 * the failing side is the one chosen, as in Python. */
#include "input/v04_expr.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numtext.h"

#define MAX_NEST 64 /* parentheses and references deep */

typedef struct parser {
    const char *s;
    size_t pos, len;
    const adse__v04_scope *scope;
    int depth; /* parentheses, lists and sub-expressions open */
    int refs;  /* references followed to reach this expression */
} parser;

static adse_status value(const adse__v04_scope *s, const adse__ynode *n, const char *what,
                         adse__v04_val *out, adse_err *err, int refs);

static adse__v04_val num(double v, bool is_int)
{
    adse__v04_val r;
    memset(&r, 0, sizeof r);
    r.kind = ADSE__V_NUM;
    r.num = v;
    r.is_int = is_int;
    return r;
}

static adse__v04_val boolean(bool b)
{
    adse__v04_val r = num(b, true);
    r.kind = ADSE__V_BOOL;
    return r;
}

static adse__v04_val verr(size_t at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static adse__v04_val verr(size_t at, const char *fmt, ...)
{
    adse__v04_val r;
    memset(&r, 0, sizeof r);
    r.kind = ADSE__V_ERR;
    r.err_at = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r.err, sizeof r.err, fmt, ap);
    va_end(ap);
    return r;
}

static const char *kind_name(const adse__v04_val *v)
{
    switch (v->kind) {
    case ADSE__V_NUM: return "a number";
    case ADSE__V_STR: return "a string";
    case ADSE__V_BOOL: return "a bool";
    case ADSE__V_NONE: return "None";
    case ADSE__V_NODE: return "a mapping or list";
    case ADSE__V_LIST: return "a list";
    case ADSE__V_ERR: return "an error";
    }
    return "?";
}

static bool numeric(const adse__v04_val *v)
{
    return v->kind == ADSE__V_NUM || v->kind == ADSE__V_BOOL;
}

static void skip(parser *p)
{
    while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
        p->pos++;
}

static bool accept(parser *p, const char *tok)
{
    skip(p);
    size_t n = strlen(tok);
    if (p->pos + n > p->len || strncmp(p->s + p->pos, tok, n) != 0) return false;
    /* a keyword must not run into an identifier; an operator must not be a prefix of a
     * longer one ('*' of '**', '/' of '//', '<' of '<=') */
    char next = p->pos + n < p->len ? p->s[p->pos + n] : 0;
    if (isalpha((unsigned char)tok[0]) && (isalnum((unsigned char)next) || next == '_'))
        return false;
    if ((strcmp(tok, "*") == 0 && next == '*') || (strcmp(tok, "/") == 0 && next == '/') ||
        ((strcmp(tok, "<") == 0 || strcmp(tok, ">") == 0 || strcmp(tok, "=") == 0) && next == '='))
        return false;
    p->pos += n;
    return true;
}

static adse__v04_val expr(parser *p);

/* ---- references and names ------------------------------------------------------------ */

/* The value of a scalar node met through a reference. */
static adse__v04_val of_node(parser *p, const adse__ynode *n, size_t at)
{
    if (!n) return verr(at, "no such key");
    if (n->kind != ADSE__YSCALAR) {
        adse__v04_val r;
        memset(&r, 0, sizeof r);
        r.kind = ADSE__V_NODE;
        r.node = n;
        return r;
    }
    if (p->refs >= MAX_NEST) return verr(at, "references nested too deep");
    adse__v04_val r;
    adse_err e;
    /* the referenced scalar, in the same scope */
    if (value(p->scope, n, "a reference", &r, &e, p->refs + 1) != ADSE_OK)
        return verr(at, "the referenced value: %s", e.msg);
    return r;
}

static adse__v04_val member(parser *p, const adse__v04_val *base, const char *key, size_t klen,
                            size_t at)
{
    char k[128];
    if (klen >= sizeof k) return verr(at, "key too long");
    memcpy(k, key, klen);
    k[klen] = 0;
    if (base->kind != ADSE__V_NODE) return verr(at, "'%s' of %s", k, kind_name(base));
    if (!base->node) return of_node(p, adse__ydoc_top(p->scope->doc, k), at);
    if (base->node->kind != ADSE__YMAP) return verr(at, "'%s' of a list", k);
    const adse__ynode *v = adse__ymap_get(base->node, k);
    if (!v) return verr(at, "no key '%s' there", k);
    return of_node(p, v, at);
}

static adse__v04_val lookup(parser *p, const char *name, size_t len, size_t at)
{
    if (len == 4 && strncmp(name, "True", 4) == 0) return boolean(true);
    if (len == 5 && strncmp(name, "False", 5) == 0) return boolean(false);
    if (len == 4 && strncmp(name, "None", 4) == 0) {
        adse__v04_val r;
        memset(&r, 0, sizeof r);
        r.kind = ADSE__V_NONE;
        return r;
    }
    const adse__v04_scope *s = p->scope;
    for (int i = s->n - 1; i >= 0; i--)
        if (strlen(s->syms[i].name) == len && strncmp(s->syms[i].name, name, len) == 0)
            return s->syms[i].v;
    if (len == 4 && strncmp(name, "spec", 4) == 0) {
        adse__v04_val r;
        memset(&r, 0, sizeof r);
        r.kind = ADSE__V_NODE; /* node NULL: the top level */
        return r;
    }
    if (len == 2 && strncmp(name, "pi", 2) == 0) return num(3.14159265358979323846, false);
    return verr(at, "name '%.*s' is not defined", (int)len, name);
}

/* ---- functions ----------------------------------------------------------------------- */

static int list_values(const adse__v04_val *v, double *out, int max)
{
    if (v->kind == ADSE__V_LIST) {
        memcpy(out, v->list, (size_t)v->n_list * sizeof *out);
        return v->n_list;
    }
    if (v->kind == ADSE__V_NODE && v->node && v->node->kind == ADSE__YSEQ) {
        int n = 0;
        for (int i = 0; i < v->node->n && n < max; i++)
            if (!adse__yscalar_double(v->node->items[i], &out[n++])) return -1;
        return n;
    }
    return -1;
}

static adse__v04_val call(const char *f, size_t flen, adse__v04_val *a, int n, size_t at)
{
#define IS(name) (flen == strlen(name) && strncmp(f, name, flen) == 0)
    for (int i = 0; i < n; i++)
        if (a[i].kind == ADSE__V_ERR) return a[i];
    if (IS("len")) {
        if (n != 1) return verr(at, "len() takes one argument");
        if (a[0].kind == ADSE__V_STR) return num((double)a[0].len, true);
        if (a[0].kind == ADSE__V_LIST) return num(a[0].n_list, true);
        if (a[0].kind == ADSE__V_NODE && a[0].node) return num(a[0].node->n, true);
        return verr(at, "len() of %s", kind_name(&a[0]));
    }
    if (IS("min") || IS("max")) {
        bool mx = IS("max");
        double vals[ADSE__V04_LIST_MAX * 4];
        int m = 0;
        bool all_int = true;
        if (n == 1) {
            m = list_values(&a[0], vals, (int)(sizeof vals / sizeof *vals));
            if (m < 0) return verr(at, "%s() of %s", mx ? "max" : "min", kind_name(&a[0]));
            for (int i = 0; i < m; i++)
                all_int &= vals[i] == floor(vals[i]);
        } else {
            for (int i = 0; i < n; i++) {
                if (!numeric(&a[i]))
                    return verr(at, "%s() of %s", mx ? "max" : "min", kind_name(&a[i]));
                vals[m++] = a[i].num;
                all_int &= a[i].is_int;
            }
        }
        if (m == 0) return verr(at, "%s() of nothing", mx ? "max" : "min");
        double best = vals[0];
        for (int i = 1; i < m; i++)
            if (mx ? vals[i] > best : vals[i] < best) best = vals[i];
        return num(best, all_int);
    }
    for (int i = 0; i < n; i++)
        if (!numeric(&a[i])) return verr(at, "%.*s() of %s", (int)flen, f, kind_name(&a[i]));
    double x = n > 0 ? a[0].num : 0;
    if (IS("pow")) {
        if (n != 2) return verr(at, "pow() takes two arguments");
        return num(pow(x, a[1].num), a[0].is_int && a[1].is_int && a[1].num >= 0);
    }
    if (IS("round") && n == 2) {
        double m = pow(10, a[1].num);
        return num(nearbyint(x * m) / m, false);
    }
    if (n != 1) return verr(at, "%.*s() takes one argument", (int)flen, f);
    if (IS("abs")) return num(fabs(x), a[0].is_int);
    if (IS("round")) return num(nearbyint(x), true); /* Python: half to even */
    if (IS("int")) return num(trunc(x), true);
    if (IS("float")) return num(x, false);
    if (IS("ceil")) return num(ceil(x), true);
    if (IS("floor")) return num(floor(x), true);
    if (IS("sqrt")) return x < 0 ? verr(at, "sqrt() of a negative number") : num(sqrt(x), false);
    if (IS("exp")) return num(exp(x), false);
    if (IS("log") || IS("log2") || IS("log10")) {
        if (x <= 0) return verr(at, "%.*s() of a number <= 0", (int)flen, f);
        return num(IS("log") ? log(x) : IS("log2") ? log2(x) : log10(x), false);
    }
    return verr(at, "unknown function '%.*s'", (int)flen, f);
#undef IS
}

/* ---- the grammar --------------------------------------------------------------------- */

static adse__v04_val atom(parser *p)
{
    skip(p);
    size_t at = p->pos;
    if (p->pos >= p->len) return verr(at, "expression ends too early");
    char c = p->s[p->pos];
    if (c == '(' || c == '[') {
        if (++p->depth > MAX_NEST) return verr(at, "expression nested too deep");
        p->pos++;
        adse__v04_val r;
        if (c == '(') {
            r = expr(p);
            if (!accept(p, ")")) return r.kind == ADSE__V_ERR ? r : verr(p->pos, "expected ')'");
        } else {
            memset(&r, 0, sizeof r);
            r.kind = ADSE__V_LIST;
            if (!accept(p, "]")) {
                do {
                    adse__v04_val x = expr(p);
                    if (x.kind == ADSE__V_ERR) return x;
                    if (!numeric(&x)) return verr(at, "list items must be numbers");
                    if (r.n_list >= ADSE__V04_LIST_MAX) return verr(at, "list too long");
                    r.list[r.n_list++] = x.num;
                } while (accept(p, ","));
                if (!accept(p, "]")) return verr(p->pos, "expected ']'");
            }
        }
        p->depth--;
        return r;
    }
    if (c == '\'' || c == '"') {
        size_t e = p->pos + 1;
        while (e < p->len && p->s[e] != c)
            e++;
        if (e >= p->len) return verr(at, "unterminated string");
        adse__v04_val r;
        memset(&r, 0, sizeof r);
        r.kind = ADSE__V_STR;
        r.str = p->s + p->pos + 1;
        r.len = e - p->pos - 1;
        p->pos = e + 1;
        return r;
    }
    if (isdigit((unsigned char)c) || c == '.') {
        char buf[64];
        size_t n = 0;
        while (p->pos + n < p->len && n < sizeof buf - 1 &&
               (isalnum((unsigned char)p->s[p->pos + n]) || p->s[p->pos + n] == '.' ||
                ((p->s[p->pos + n] == '-' || p->s[p->pos + n] == '+') && n > 0 &&
                 (p->s[p->pos + n - 1] == 'e' || p->s[p->pos + n - 1] == 'E'))))
            n++;
        memcpy(buf, p->s + p->pos, n);
        buf[n] = 0;
        char *end;
        errno = 0;
        double v = adse__num_parse(buf, &end);
        if (*end || errno == ERANGE || (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')))
            return verr(at, "bad number '%s'", buf);
        p->pos += n;
        return num(v, strpbrk(buf, ".eE") == NULL);
    }
    if (isalpha((unsigned char)c) || c == '_') {
        size_t n = 0;
        while (p->pos + n < p->len &&
               (isalnum((unsigned char)p->s[p->pos + n]) || p->s[p->pos + n] == '_'))
            n++;
        const char *name = p->s + p->pos;
        p->pos += n;
        if (accept(p, "(")) {
            adse__v04_val args[4];
            int na = 0;
            if (!accept(p, ")")) {
                do {
                    if (na == 4) return verr(at, "too many arguments");
                    args[na++] = expr(p);
                } while (accept(p, ","));
                if (!accept(p, ")")) return verr(p->pos, "expected ')'");
            }
            return call(name, n, args, na, at);
        }
        return lookup(p, name, n, at);
    }
    return verr(at, "unexpected '%c'", c);
}

static adse__v04_val postfix(parser *p)
{
    adse__v04_val v = atom(p);
    for (;;) {
        skip(p);
        size_t at = p->pos;
        if (accept(p, ".")) {
            skip(p);
            size_t s = p->pos;
            while (p->pos < p->len && (isalnum((unsigned char)p->s[p->pos]) || p->s[p->pos] == '_'))
                p->pos++;
            if (p->pos == s) return verr(at, "expected a name after '.'");
            if (v.kind == ADSE__V_ERR) continue;
            v = member(p, &v, p->s + s, p->pos - s, s);
        } else if (p->pos < p->len && p->s[p->pos] == '[' && v.kind != ADSE__V_LIST) {
            p->pos++;
            adse__v04_val k = expr(p);
            if (!accept(p, "]")) return verr(p->pos, "expected ']'");
            if (v.kind == ADSE__V_ERR) continue;
            if (k.kind == ADSE__V_STR) {
                v = member(p, &v, k.str, k.len, at);
            } else if (k.kind == ADSE__V_NUM && k.is_int && v.kind == ADSE__V_NODE && v.node &&
                       v.node->kind == ADSE__YSEQ) {
                int i = (int)k.num;
                if (i < 0) i += v.node->n;
                v = i >= 0 && i < v.node->n ? of_node(p, v.node->items[i], at)
                                            : verr(at, "index out of range");
            } else {
                v = verr(at, "bad index");
            }
        } else {
            return v;
        }
    }
}

static adse__v04_val unary(parser *p);

static adse__v04_val power(parser *p)
{
    adse__v04_val a = postfix(p);
    size_t at = p->pos;
    if (!accept(p, "**")) return a;
    adse__v04_val b = unary(p);
    if (a.kind == ADSE__V_ERR) return a;
    if (b.kind == ADSE__V_ERR) return b;
    if (!numeric(&a) || !numeric(&b))
        return verr(at, "'**' of %s", kind_name(numeric(&a) ? &b : &a));
    return num(pow(a.num, b.num), a.is_int && b.is_int && b.num >= 0);
}

static adse__v04_val unary(parser *p)
{
    size_t at = p->pos;
    if (accept(p, "-") || accept(p, "+")) {
        bool neg = p->s[p->pos - 1] == '-';
        adse__v04_val v = unary(p);
        if (v.kind == ADSE__V_ERR) return v;
        if (!numeric(&v)) return verr(at, "sign of %s", kind_name(&v));
        return num(neg ? -v.num : v.num, v.is_int);
    }
    return power(p);
}

static adse__v04_val binary(size_t at, const char *op, adse__v04_val a, adse__v04_val b)
{
    if (a.kind == ADSE__V_ERR) return a;
    if (b.kind == ADSE__V_ERR) return b;
    if (!numeric(&a) || !numeric(&b))
        return verr(at, "'%s' of %s", op, kind_name(numeric(&a) ? &b : &a));
    bool ints = a.is_int && b.is_int;
    switch (op[0]) {
    case '+': return num(a.num + b.num, ints);
    case '-': return num(a.num - b.num, ints);
    case '*': return num(a.num * b.num, ints);
    case '%':
        if (b.num == 0) return verr(at, "modulo by zero");
        return num(a.num - floor(a.num / b.num) * b.num, ints);
    default:
        if (b.num == 0) return verr(at, "division by zero");
        if (op[1] == '/') return num(floor(a.num / b.num), ints);
        return num(a.num / b.num, false);
    }
}

static adse__v04_val term(parser *p)
{
    adse__v04_val v = unary(p);
    for (;;) {
        skip(p);
        size_t at = p->pos;
        const char *op = accept(p, "//")  ? "//"
                         : accept(p, "*") ? "*"
                         : accept(p, "/") ? "/"
                         : accept(p, "%") ? "%"
                                          : NULL;
        if (!op) return v;
        v = binary(at, op, v, unary(p));
    }
}

static adse__v04_val arith(parser *p)
{
    adse__v04_val v = term(p);
    for (;;) {
        skip(p);
        size_t at = p->pos;
        const char *op = accept(p, "+") ? "+" : accept(p, "-") ? "-" : NULL;
        if (!op) return v;
        v = binary(at, op, v, term(p));
    }
}

static bool values_equal(const adse__v04_val *a, const adse__v04_val *b)
{
    if (numeric(a) && numeric(b)) return a->num == b->num;
    if (a->kind == ADSE__V_STR && b->kind == ADSE__V_STR)
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    if (a->kind == ADSE__V_NONE && b->kind == ADSE__V_NONE) return true;
    return false;
}

static adse__v04_val comparison(parser *p)
{
    adse__v04_val a = arith(p);
    adse__v04_val result = boolean(true);
    bool any = false;
    for (;;) {
        skip(p);
        size_t at = p->pos;
        static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
        int op = -1;
        for (int i = 0; i < 6 && op < 0; i++)
            if (accept(p, ops[i])) op = i;
        if (op < 0) return any ? result : a;
        any = true;
        adse__v04_val b = arith(p);
        if (a.kind == ADSE__V_ERR) return a;
        if (b.kind == ADSE__V_ERR) return b;
        bool r;
        if (op == 2 || op == 3) {
            r = values_equal(&a, &b) == (op == 2);
        } else {
            if (!numeric(&a) || !numeric(&b))
                return verr(at, "'%s' of %s", ops[op], kind_name(numeric(&a) ? &b : &a));
            r = op == 0   ? a.num <= b.num
                : op == 1 ? a.num >= b.num
                : op == 4 ? a.num < b.num
                          : a.num > b.num;
        }
        if (result.kind != ADSE__V_ERR && !r) result = boolean(false);
        a = b;
    }
}

static bool truthy(const adse__v04_val *v)
{
    switch (v->kind) {
    case ADSE__V_NUM:
    case ADSE__V_BOOL: return v->num != 0;
    case ADSE__V_STR: return v->len > 0;
    case ADSE__V_NONE: return false;
    case ADSE__V_LIST: return v->n_list > 0;
    case ADSE__V_NODE: return !v->node || v->node->n > 0;
    case ADSE__V_ERR: return false;
    }
    return false;
}

static adse__v04_val not_expr(parser *p)
{
    if (accept(p, "not")) {
        adse__v04_val v = not_expr(p);
        return v.kind == ADSE__V_ERR ? v : boolean(!truthy(&v));
    }
    return comparison(p);
}

static adse__v04_val and_expr(parser *p)
{
    adse__v04_val v = not_expr(p);
    while (accept(p, "and")) {
        adse__v04_val b = not_expr(p);
        if (v.kind != ADSE__V_ERR && truthy(&v)) v = b; /* Python: a if not a else b */
    }
    return v;
}

static adse__v04_val or_expr(parser *p)
{
    adse__v04_val v = and_expr(p);
    while (accept(p, "or")) {
        adse__v04_val b = and_expr(p);
        if (v.kind == ADSE__V_ERR || !truthy(&v)) v = b;
    }
    return v;
}

static adse__v04_val expr(parser *p)
{
    if (++p->depth > MAX_NEST) return verr(p->pos, "expression nested too deep");
    adse__v04_val v = or_expr(p);
    if (accept(p, "if")) {
        adse__v04_val c = or_expr(p);
        if (!accept(p, "else")) return verr(p->pos, "expected 'else'");
        adse__v04_val other = expr(p);
        if (c.kind == ADSE__V_ERR)
            v = c;
        else if (!truthy(&c))
            v = other;
    }
    p->depth--;
    return v;
}

/* ---- entry points -------------------------------------------------------------------- */

void adse__v04_scope_free(adse__v04_scope *s)
{
    free(s->syms);
    s->syms = NULL;
    s->n = s->cap = 0;
}

bool adse__v04_scope_set(adse__v04_scope *s, const char *name, const adse__v04_val *v)
{
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 32;
        adse__v04_sym *ns = realloc(s->syms, (size_t)nc * sizeof *ns);
        if (!ns) return false;
        s->syms = ns;
        s->cap = nc;
    }
    s->syms[s->n].name = name;
    s->syms[s->n].v = *v;
    s->n++;
    return true;
}

adse_status adse__v04_value(const adse__v04_scope *s, const adse__ynode *n, const char *what,
                            adse__v04_val *out, adse_err *err)
{
    return value(s, n, what, out, err, 0);
}

static adse_status value(const adse__v04_scope *s, const adse__ynode *n, const char *what,
                         adse__v04_val *out, adse_err *err, int refs)
{
    memset(out, 0, sizeof *out);
    if (n->kind != ADSE__YSCALAR) {
        out->kind = ADSE__V_NODE;
        out->node = n;
        return ADSE_OK;
    }
    if (!n->plain) {
        out->kind = ADSE__V_STR;
        out->str = n->text;
        out->len = n->len;
        return ADSE_OK;
    }
    if (adse__ynode_is_null(n)) {
        out->kind = ADSE__V_NONE;
        return ADSE_OK;
    }
    bool b;
    double d;
    int64_t i;
    if (adse__yscalar_bool(n, &b)) {
        *out = boolean(b);
        return ADSE_OK;
    }
    if (adse__yscalar_i64(n, &i)) {
        *out = num((double)i, true);
        return ADSE_OK;
    }
    if (adse__yscalar_double(n, &d)) {
        *out = num(d, false);
        return ADSE_OK;
    }
    parser p = {.s = n->text, .len = n->len, .scope = s, .refs = refs};
    adse__v04_val v = expr(&p);
    skip(&p);
    if (v.kind != ADSE__V_ERR && p.pos < p.len) v = verr(p.pos, "unexpected '%c'", p.s[p.pos]);
    if (v.kind == ADSE__V_ERR)
        return adse__yerr_at(err, ADSE_E_SPEC, adse__ynode_char_pos(n, v.err_at),
                             "cannot evaluate %s '%s': %s (quote it to give a string)", what,
                             n->text, v.err);
    if (v.kind == ADSE__V_NUM && !isfinite(v.num))
        return adse__yerr(err, ADSE_E_SPEC, n, "%s '%s' is not a finite number", what, n->text);
    *out = v;
    return ADSE_OK;
}

adse_status adse__v04_eval_node(adse__ydoc *doc, const adse__v04_scope *s, const adse__ynode *n,
                                const char *what, const adse__ynode **out, adse__v04_val *v,
                                adse_err *err)
{
    *out = n;
    adse_status st = adse__v04_value(s, n, what, v, err);
    if (st) return st;
    bool literal = n->kind != ADSE__YSCALAR || !n->plain || adse__ynode_is_null(n);
    double d;
    bool b;
    if (literal || adse__yscalar_double(n, &d) || adse__yscalar_bool(n, &b)) return ADSE_OK;
    char buf[ADSE__NUM_BUF + 8];
    const char *text = buf;
    bool plain = true;
    switch (v->kind) {
    case ADSE__V_NUM:
        if (v->is_int && fabs(v->num) < 9007199254740992.0)
            snprintf(buf, sizeof buf, "%lld", (long long)v->num);
        else
            adse__num_format(buf, sizeof buf, v->num, 0);
        break;
    case ADSE__V_BOOL: text = v->num ? "true" : "false"; break;
    case ADSE__V_NONE: text = "null"; break;
    case ADSE__V_STR: {
        char *copy = malloc(v->len + 1);
        if (!copy) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(copy, v->str, v->len);
        copy[v->len] = 0;
        const adse__ynode *r = adse__ynew_scalar(doc, n, copy, false);
        free(copy);
        if (!r) return adse__ydoc_build_status(doc, n, err);
        *out = r;
        return ADSE_OK;
    }
    case ADSE__V_NODE:
        if (v->node) *out = v->node;
        return ADSE_OK;
    default:
        return adse__yerr(err, ADSE_E_SPEC, n, "%s '%s' gives %s, not a value", what, n->text,
                          kind_name(v));
    }
    const adse__ynode *r = adse__ynew_scalar(doc, n, text, plain);
    if (!r) return adse__ydoc_build_status(doc, n, err);
    *out = r;
    return ADSE_OK;
}

adse_status adse__v04_eval_pair(adse__ydoc *doc, adse__v04_scope *s, adse__ynode *into,
                                const adse__ypair *p, const char *what, adse_err *err)
{
    const adse__ynode *v;
    adse__v04_val x;
    adse_status st = adse__v04_eval_node(doc, s, p->value, what, &v, &x, err);
    if (st) return st;
    if (!adse__ymap_set(doc, into, p->key->text, p->key, v))
        return adse__ydoc_build_status(doc, p->key, err);
    if (!adse__v04_scope_set(s, p->key->text, &x))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    return ADSE_OK;
}
