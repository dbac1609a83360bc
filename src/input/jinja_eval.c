/* Running a template's statements (input/jinja_internal.h): Jinja2's evaluation with
 * StrictUndefined (an undefined name is an error wherever its value is used, except as the
 * input of `default` and the tests `defined` / `undefined`), `set` in the innermost scope
 * (a for loop's body is a scope of its own, an if's is not), and the filters and tests of
 * docs/templates.md. With jctx.hooks, one bare expression (adse__jeval) over the caller's
 * names, functions and document nodes. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/jinja_internal.h"
#include "util/error.h"
#include "util/numtext.h"
#include "util/grow.h"

adse_status adse__jerr(jctx *c, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse_status code = strcmp(fmt, "out of memory") == 0 ? ADSE_E_NOMEM : ADSE_E_SPEC;
    adse__err_vset(c->err, code, c->file, line, col, fmt, ap);
    va_end(ap);
    return code;
}

adse_status adse__jmsg(jctx *c, int line, int col, const char *msg)
{
    if (msg == adse__joverflow)
        return adse__jerr(c, line, col, "integer overflow (adse's %s have 64-bit integers)",
                          c->hooks ? c->hooks->kind : "templates");
    return adse__jerr(c, line, col, "%s", msg);
}

static adse_status eerr(jctx *c, const jexpr *e, const char *msg)
{
    return adse__jmsg(c, e->line, e->col, msg);
}

static adse_status nomem(jctx *c)
{
    return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

static adse_status memory_budget(jctx *c, int line, int col)
{
    if (c->arena.bytes > ADSE_JINJA_MAX_BYTES)
        return adse__jerr(c, line, col, "%s needs more than ADSE_JINJA_MAX_BYTES (%zu MiB)",
                          c->hooks ? "expression" : "template", ADSE_JINJA_MAX_BYTES >> 20);
    return ADSE_OK;
}

static adse_status budget(jctx *c, int line, int col)
{
    if (++c->steps > ADSE_JINJA_MAX_STEPS)
        return adse__jerr(c, line, col,
                          "template runs more than ADSE_JINJA_MAX_STEPS (%d) loop iterations and "
                          "statements",
                          ADSE_JINJA_MAX_STEPS);
    return memory_budget(c, line, col);
}

/* ---- names -------------------------------------------------------------------------- */

static const char *subset(const jctx *c)
{
    return c->hooks ? c->hooks->subset : "adse's template subset";
}

static bool lookup(jctx *c, const char *name, jval *out)
{
    if (c->hooks) return c->hooks->lookup(c, name, out);
    for (const jscope *s = c->scope; s; s = s->up)
        for (int i = s->n - 1; i >= 0; i--)
            if (strcmp(s->vars[i].name, name) == 0) {
                *out = s->vars[i].v;
                return true;
            }
    for (int i = 0; i < c->sh->n_defines; i++)
        if (strcmp(c->sh->defines[i].name, name) == 0) {
            *out = c->sh->defines[i].v;
            return true;
        }
    return false;
}

static adse_status assign(jctx *c, const char *name, const jval *v)
{
    jscope *s = c->scope;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->vars[i].name, name) == 0) {
            s->vars[i].v = *v;
            return ADSE_OK;
        }
    return adse__jvar_push(&s->vars, &s->n, &s->cap, name, v) ? ADSE_OK : nomem(c);
}

bool adse__jvar_push(jvar **vars, int *n, int *cap, const char *name, const jval *v)
{
    if (!adse__grow(vars, cap, *n + 1, sizeof **vars)) return false;
    (*vars)[*n] = (jvar){.name = name, .v = *v};
    (*n)++;
    return true;
}

/* ---- expressions -------------------------------------------------------------------- */

static adse_status eval(jctx *c, const jexpr *e, jval *out);

/* A value that must be defined (StrictUndefined). */
static adse_status need(jctx *c, const jexpr *e, const jval *v)
{
    if (v->k != J_UNDEF) return ADSE_OK;
    if (v->b) return adse__jerr(c, e->line, e->col, "%s", v->s); /* a whole message */
    if (c->hooks) return adse__jerr(c, e->line, e->col, "name '%s' is not defined", v->s);
    return adse__jerr(c, e->line, e->col, "'%s' is undefined", v->s ? v->s : "?");
}

static adse_status eval_def(jctx *c, const jexpr *e, jval *out)
{
    adse_status st = eval(c, e, out);
    return st ? st : need(c, e, out);
}

static adse_status make_str(jctx *c, jbuf *b, jval *out)
{
    if (b->failed) {
        free(b->p);
        return adse_err_set(c->err, ADSE_E_SPEC, c->file, 0, 0,
                            "template string longer than ADSE_YAML_MAX_BYTES");
    }
    const char *s = adse__arena_strndup(&c->arena, b->p ? b->p : "", b->n);
    size_t n = b->n;
    free(b->p);
    if (!s) return nomem(c);
    *out = (jval){.k = J_STR, .s = s, .n = n};
    return ADSE_OK;
}

static jval str_val(const char *s)
{
    return (jval){.k = J_STR, .s = s, .n = strlen(s)};
}

static adse_status eval_seq(jctx *c, const jexpr *e, jval *out)
{
    int n = e->k == E_DICT ? e->n_args / 2 : e->n_args;
    jval *items = adse__arena_alloc(&c->arena, (size_t)(n ? n : 1) * sizeof *items);
    jval *keys =
        e->k == E_DICT ? adse__arena_alloc(&c->arena, (size_t)(n ? n : 1) * sizeof *keys) : NULL;
    if (!items || (e->k == E_DICT && !keys)) return nomem(c);
    int m = 0; /* a repeated key keeps its first place and takes the last value (Python) */
    for (int i = 0; i < n; i++) {
        adse_status st;
        if (e->k == E_LIST) {
            if ((st = eval_def(c, e->args[i], &items[i]))) return st;
            m++;
            continue;
        }
        jval k, v;
        if ((st = eval_def(c, e->args[2 * i], &k)) || (st = eval_def(c, e->args[2 * i + 1], &v)))
            return st;
        if (k.k == J_LIST || k.k == J_DICT)
            return eerr(c, e->args[2 * i], "unhashable dictionary key (a list or a dict)");
        int j = 0;
        while (j < m && !adse__jval_eq(&keys[j], &k))
            j++;
        keys[j] = k;
        items[j] = v;
        if (j == m) m++;
    }
    *out =
        (jval){.k = e->k == E_DICT ? J_DICT : J_LIST, .items = items, .keys = keys, .n = (size_t)m};
    return ADSE_OK;
}

static const char *const dict_methods[] = {"items", "keys",  "values",     "get",      "update",
                                           "pop",   "copy",  "setdefault", "append",   "extend",
                                           "split", "strip", "replace",    "format",   "join",
                                           "upper", "lower", "startswith", "endswith", NULL};

/* Jinja's getattr / getitem: an entry, or undefined (an error once used). */
static adse_status subscript(jctx *c, const jexpr *e, const jval *obj, const jval *key, jval *out)
{
    if (obj->k == J_NODE) return c->hooks->item(c, e, obj, key, out);
    char name[128];
    jbuf kb = {0};
    adse__jval_repr(key, &kb);
    snprintf(name, sizeof name, "%s", kb.p ? kb.p : "");
    free(kb.p);
    if (obj->k == J_DICT) {
        for (size_t i = 0; i < obj->n; i++)
            if (adse__jval_eq(&obj->keys[i], key)) {
                *out = obj->items[i];
                return ADSE_OK;
            }
    } else if ((obj->k == J_LIST || obj->k == J_STR) && (key->k == J_INT || key->k == J_BOOL)) {
        int64_t i = key->k == J_BOOL ? key->b : key->i, n = (int64_t)obj->n;
        if (i < 0) i += n;
        if (i >= 0 && i < n) {
            if (obj->k == J_LIST) {
                *out = obj->items[i];
                return ADSE_OK;
            }
            const char *s = adse__arena_strndup(&c->arena, obj->s + i, 1);
            if (!s) return nomem(c);
            *out = (jval){.k = J_STR, .s = s, .n = 1};
            return ADSE_OK;
        }
    } else if (obj->k == J_STR && key->k == J_STR) {
        for (int k = 0; dict_methods[k]; k++)
            if (strcmp(key->s, dict_methods[k]) == 0)
                return adse__jerr(c, e->line, e->col, "the method '%s' is outside %s", key->s,
                                  subset(c));
    }
    if (obj->k == J_DICT && key->k == J_STR)
        for (int k = 0; dict_methods[k]; k++)
            if (strcmp(key->s, dict_methods[k]) == 0)
                return adse__jerr(c, e->line, e->col, "the method '%s' is outside %s", key->s,
                                  subset(c));
    char what[300];
    jbuf ob = {0};
    adse__jval_repr(obj, &ob);
    snprintf(what, sizeof what, "%.80s%s has no entry %.100s", ob.p ? ob.p : "",
             ob.n > 80 ? "..." : "", name);
    free(ob.p);
    const char *s = adse__arena_strndup(&c->arena, what, strlen(what));
    if (!s) return nomem(c);
    *out = (jval){.k = J_UNDEF, .s = s, .b = true};
    return ADSE_OK;
}

static adse_status to_text(jctx *c, const jval *v, jval *out)
{
    if (v->k == J_STR) {
        *out = *v;
        return ADSE_OK;
    }
    jbuf b = {0};
    adse__jval_str(v, &b);
    return make_str(c, &b, out);
}

/* Jinja's int and float filters: a number, a string that reads as one, else the default
 * (0 / 0.0). */
static jval to_number(const jval *v, bool want_float)
{
    double d = 0;
    bool ok = false;
    int64_t i = 0;
    if (v->k == J_INT || v->k == J_BOOL) {
        i = v->k == J_BOOL ? v->b : v->i;
        d = (double)i;
        ok = true;
    } else if (v->k == J_FLOAT) {
        d = v->f;
        ok = isfinite(d) || want_float;
        i = ok && fabs(d) < 9.2e18 ? (int64_t)d : 0;
    } else if (v->k == J_STR && v->n > 0 && v->n < 64) {
        char buf[72], *end;
        snprintf(buf, sizeof buf, "%s", v->s);
        const char *p = buf;
        while (isspace((unsigned char)*p))
            p++;
        long long ll = strtoll(p, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (end != p && !*end) {
            i = ll;
            d = (double)ll;
            ok = true;
        } else {
            d = adse__num_parse(p, &end);
            while (isspace((unsigned char)*end))
                end++;
            if (end != p && !*end) {
                ok = true;
                i = isfinite(d) && fabs(d) < 9.2e18 ? (int64_t)d : 0;
            }
        }
    }
    if (want_float) return (jval){.k = J_FLOAT, .f = ok ? d : 0.0};
    return (jval){.k = J_INT, .i = ok ? i : 0};
}

static adse_status filter(jctx *c, const jexpr *e, jval *out)
{
    const char *f = e->name;
    int n = e->n_args - 1;
    jval in, a[4];
    adse_status st = eval(c, e->args[0], &in);
    if (st) return st;
    if (n > 4) return adse__jerr(c, e->line, e->col, "too many arguments to the filter '%s'", f);
    for (int i = 0; i < n; i++)
        if ((st = eval_def(c, e->args[i + 1], &a[i]))) return st;
    if (strcmp(f, "default") == 0 || strcmp(f, "d") == 0) {
        if (n > 2) return adse__jerr(c, e->line, e->col, "'%s' takes at most 2 arguments", f);
        bool boolean = n == 2 && adse__jval_truth(&a[1]);
        if (in.k == J_UNDEF || (boolean && !adse__jval_truth(&in)))
            *out = n >= 1 ? a[0] : str_val("");
        else
            *out = in;
        return ADSE_OK;
    }
    if ((st = need(c, e->args[0], &in))) return st;
    if (n > (strcmp(f, "join") == 0 ? 1 : 0))
        return adse__jerr(c, e->line, e->col,
                          "these arguments to the filter '%s' are outside adse's template subset",
                          f);
    if (strcmp(f, "length") == 0 || strcmp(f, "count") == 0) {
        if (in.k != J_STR && in.k != J_LIST && in.k != J_DICT)
            return adse__jerr(c, e->line, e->col, "object of type '%s' has no len()",
                              adse__jval_type(&in));
        size_t len = in.k == J_STR ? adse__jstr_chars(in.s, in.n) : in.n;
        *out = (jval){.k = J_INT, .i = (int64_t)len};
        return ADSE_OK;
    }
    if (strcmp(f, "int") == 0 || strcmp(f, "float") == 0) {
        *out = to_number(&in, f[0] == 'f');
        return ADSE_OK;
    }
    if (strcmp(f, "string") == 0) return to_text(c, &in, out);
    if (strcmp(f, "abs") == 0) {
        if (in.k == J_FLOAT)
            *out = (jval){.k = J_FLOAT, .f = fabs(in.f)};
        else if (in.k == J_INT || in.k == J_BOOL) {
            int64_t i = in.k == J_BOOL ? in.b : in.i;
            if (i == INT64_MIN) return eerr(c, e, adse__joverflow);
            *out = (jval){.k = J_INT, .i = i < 0 ? -i : i};
        } else
            return adse__jerr(c, e->line, e->col, "bad operand type for abs(): '%s'",
                              adse__jval_type(&in));
        return ADSE_OK;
    }
    if (strcmp(f, "lower") == 0 || strcmp(f, "upper") == 0) {
        jval s;
        if ((st = to_text(c, &in, &s))) return st;
        char *p = adse__arena_strndup(&c->arena, s.s, s.n);
        if (!p) return nomem(c);
        for (size_t i = 0; i < s.n; i++)
            p[i] =
                (char)(f[0] == 'l' ? tolower((unsigned char)p[i]) : toupper((unsigned char)p[i]));
        *out = (jval){.k = J_STR, .s = p, .n = s.n};
        return ADSE_OK;
    }
    if (strcmp(f, "join") == 0) {
        if (in.k != J_LIST && in.k != J_DICT && in.k != J_STR)
            return adse__jerr(c, e->line, e->col, "'%s' object is not iterable",
                              adse__jval_type(&in));
        jval sep = str_val("");
        if (n == 1 && (st = to_text(c, &a[0], &sep))) return st;
        jbuf b = {0};
        for (size_t i = 0; i < in.n; i++) {
            if (i) adse__jbuf_add(&b, sep.s, sep.n);
            if (in.k == J_STR)
                adse__jbuf_add(&b, in.s + i, 1);
            else
                adse__jval_str(in.k == J_LIST ? &in.items[i] : &in.keys[i], &b);
        }
        return make_str(c, &b, out);
    }
    return adse__jerr(c, e->line, e->col, "the filter '%s' is outside adse's template subset", f);
}

static adse_status test(jctx *c, const jexpr *e, jval *out)
{
    jval v;
    adse_status st = eval(c, e->a, &v);
    if (st) return st;
    const char *t = e->name;
    bool r;
    if (strcmp(t, "defined") == 0 || strcmp(t, "undefined") == 0) {
        r = (v.k != J_UNDEF) == (t[0] == 'd');
    } else {
        if ((st = need(c, e->a, &v))) return st;
        if (strcmp(t, "none") == 0)
            r = v.k == J_NONE;
        else if (strcmp(t, "number") == 0)
            r = v.k == J_INT || v.k == J_FLOAT || v.k == J_BOOL;
        else if (strcmp(t, "string") == 0)
            r = v.k == J_STR;
        else if (strcmp(t, "mapping") == 0)
            r = v.k == J_DICT;
        else
            return adse__jerr(c, e->line, e->col, "the test '%s' is outside adse's template subset",
                              t);
    }
    *out = (jval){.k = J_BOOL, .b = e->op == 'n' ? !r : r};
    return ADSE_OK;
}

/* range(stop), range(start, stop[, step]) as a list, at most ADSE_JINJA_MAX_STEPS long. */
static adse_status range(jctx *c, const jexpr *e, const jval *a, int n, jval *out)
{
    int64_t v[3] = {0, 0, 1};
    if (n < 1 || n > 3) return eerr(c, e, "range() takes 1 to 3 arguments");
    for (int i = 0; i < n; i++) {
        if (a[i].k != J_INT && a[i].k != J_BOOL)
            return adse__jerr(c, e->line, e->col, "'%s' object cannot be interpreted as an integer",
                              adse__jval_type(&a[i]));
        v[n == 1 ? 1 : i] = a[i].k == J_BOOL ? a[i].b : a[i].i;
    }
    if (v[2] == 0) return eerr(c, e, "range() arg 3 must not be zero");
    __int128 span = v[2] > 0 ? (__int128)v[1] - v[0] : (__int128)v[0] - v[1];
    __int128 step = v[2] > 0 ? v[2] : -(__int128)v[2];
    __int128 count = span <= 0 ? 0 : (span + step - 1) / step;
    if (count > ADSE_JINJA_MAX_STEPS)
        return adse__jerr(c, e->line, e->col, "range() longer than ADSE_JINJA_MAX_STEPS (%d)",
                          ADSE_JINJA_MAX_STEPS);
    jval *items = adse__arena_alloc(&c->arena, (size_t)(count ? count : 1) * sizeof *items);
    if (!items) return nomem(c);
    for (int64_t i = 0; i < (int64_t)count; i++)
        items[i] = (jval){.k = J_INT, .i = v[0] + i * v[2]};
    *out = (jval){.k = J_LIST, .items = items, .n = (size_t)count};
    return budget(c, e->line, e->col);
}

static adse_status call(jctx *c, const jexpr *e, jval *out)
{
    if (e->a->k == E_ATTR)
        return adse__jerr(c, e->a->line, e->a->col, "the method '%s' is outside %s", e->a->name,
                          subset(c));
    if (e->a->k != E_NAME)
        return adse__jerr(c, e->line, e->col, "calling a value is outside %s", subset(c));
    const char *name = e->a->name;
    jval args[8];
    if (e->n_args > 8) return adse__jerr(c, e->line, e->col, "too many arguments to '%s'", name);
    adse_status st;
    for (int i = 0; i < e->n_args; i++)
        if ((st = eval_def(c, e->args[i], &args[i]))) return st;
    if (c->hooks && c->hooks->call(c, e, name, args, e->n_args, out, &st)) return st;
    jval fn;
    if (lookup(c, name, &fn))
        return adse__jerr(c, e->line, e->col, "'%s' is %s, not a function", name,
                          adse__jval_type(&fn));
    if (c->hooks) return adse__jerr(c, e->line, e->col, "unknown function '%s'", name);
    if (strcmp(name, "range") == 0) return range(c, e, args, e->n_args, out);
    if (adse__jfile_call(c, name, args, e->n_args, e->line, e->col, out, &st)) return st;
    return adse__jerr(c, e->line, e->col, "'%s' is undefined (not a function of %s)", name,
                      subset(c));
}

static adse_status compare(jctx *c, const jexpr *e, jval *out)
{
    jval a, b;
    adse_status st = eval_def(c, e->args[0], &a);
    if (st) return st;
    for (int i = 0; i + 1 < e->n_args; i++) {
        if ((st = eval_def(c, e->args[i + 1], &b))) return st;
        int op = e->ops[i];
        bool r;
        if (op == 'e' || op == 'n') {
            r = adse__jval_eq(&a, &b) == (op == 'e');
        } else {
            jval v;
            const char *msg = op == 'x' || op == 'i' ? adse__jval_binop(&c->arena, 'i', &a, &b, &v)
                                                     : adse__jval_binop(&c->arena, op, &a, &b, &v);
            if (msg) return eerr(c, e->args[i + 1], msg);
            r = op == 'x' ? !v.b : v.b;
        }
        if (!r) {
            *out = (jval){.k = J_BOOL, .b = false};
            return ADSE_OK;
        }
        a = b;
    }
    *out = (jval){.k = J_BOOL, .b = true};
    return ADSE_OK;
}

static adse_status eval(jctx *c, const jexpr *e, jval *out)
{
    adse_status st;
    jval a, b;
    switch (e->k) {
    case E_LIT: *out = e->lit; return ADSE_OK;
    case E_NAME:
        if (!lookup(c, e->name, out)) *out = (jval){.k = J_UNDEF, .s = e->name};
        return ADSE_OK;
    case E_LIST:
    case E_DICT: return eval_seq(c, e, out);
    case E_NEG:
    case E_POS:
        if ((st = eval_def(c, e->a, &a))) return st;
        if (a.k == J_FLOAT) {
            *out = (jval){.k = J_FLOAT, .f = e->k == E_NEG ? -a.f : a.f};
            return ADSE_OK;
        }
        if (a.k == J_INT || a.k == J_BOOL) {
            int64_t i = a.k == J_BOOL ? a.b : a.i;
            if (e->k == E_NEG && i == INT64_MIN) return eerr(c, e, adse__joverflow);
            *out = (jval){.k = J_INT, .i = e->k == E_NEG ? -i : i};
            return ADSE_OK;
        }
        return adse__jerr(c, e->line, e->col, "bad operand type for unary %c: '%s'",
                          e->k == E_NEG ? '-' : '+', adse__jval_type(&a));
    case E_NOT:
        if ((st = eval_def(c, e->a, &a))) return st;
        *out = (jval){.k = J_BOOL, .b = !adse__jval_truth(&a)};
        return ADSE_OK;
    case E_AND:
    case E_OR:
        if ((st = eval_def(c, e->a, &a))) return st;
        if (adse__jval_truth(&a) == (e->k == E_OR)) {
            *out = a;
            return ADSE_OK;
        }
        return eval_def(c, e->b, out);
    case E_BIN: {
        if ((st = eval_def(c, e->a, &a)) || (st = eval_def(c, e->b, &b))) return st;
        if (e->op == 'c') {
            jbuf buf = {0};
            adse__jval_str(&a, &buf);
            adse__jval_str(&b, &buf);
            return make_str(c, &buf, out);
        }
        const char *msg = adse__jval_binop(&c->arena, e->op, &a, &b, out);
        return msg ? eerr(c, e, msg) : memory_budget(c, e->line, e->col); /* a + a + ... */
    }
    case E_CMP: return compare(c, e, out);
    case E_ATTR:
        if ((st = eval_def(c, e->a, &a))) return st;
        b = str_val(e->name);
        return subscript(c, e, &a, &b, out);
    case E_ITEM:
        if ((st = eval_def(c, e->a, &a)) || (st = eval_def(c, e->b, &b))) return st;
        return subscript(c, e, &a, &b, out);
    case E_CALL: return call(c, e, out);
    case E_FILTER: return filter(c, e, out);
    case E_TEST: return test(c, e, out);
    case E_COND:
        if ((st = eval_def(c, e->b, &b))) return st;
        if (adse__jval_truth(&b)) return eval(c, e->a, out);
        if (e->c) return eval(c, e->c, out);
        *out =
            (jval){.k = J_UNDEF, .s = "the 'if' expression is false and has no 'else'", .b = true};
        return ADSE_OK;
    }
    return eerr(c, e, "internal error: unknown expression");
}

adse_status adse__jeval(jctx *c, const jexpr *e, jval *out)
{
    return eval_def(c, e, out);
}

/* ---- statements --------------------------------------------------------------------- */

static adse_status exec_body(jctx *c, const jnode *n);

static adse_status push_scope(jctx *c, jscope *s)
{
    memset(s, 0, sizeof *s);
    s->up = c->scope;
    c->scope = s;
    return ADSE_OK;
}

static void pop_scope(jctx *c)
{
    jscope *s = c->scope;
    c->scope = s->up;
    free(s->vars);
}

static adse_status loop_var(jctx *c, size_t i, size_t n, jval *out)
{
    static const char *const names[] = {"index", "index0", "revindex", "revindex0",
                                        "first", "last",   "length"};
    jval *keys = adse__arena_alloc(&c->arena, 7 * sizeof *keys);
    jval *vals = adse__arena_alloc(&c->arena, 7 * sizeof *vals);
    if (!keys || !vals) return nomem(c);
    int64_t v[] = {(int64_t)i + 1, (int64_t)i, (int64_t)(n - i), (int64_t)(n - i - 1)};
    for (int k = 0; k < 7; k++)
        keys[k] = str_val(names[k]);
    for (int k = 0; k < 4; k++)
        vals[k] = (jval){.k = J_INT, .i = v[k]};
    vals[4] = (jval){.k = J_BOOL, .b = i == 0};
    vals[5] = (jval){.k = J_BOOL, .b = i + 1 == n};
    vals[6] = (jval){.k = J_INT, .i = (int64_t)n};
    *out = (jval){.k = J_DICT, .keys = keys, .items = vals, .n = 7};
    return ADSE_OK;
}

static adse_status exec_for(jctx *c, const jnode *n)
{
    jval it;
    adse_status st = eval_def(c, n->e, &it);
    if (st) return st;
    if (it.k != J_LIST && it.k != J_DICT)
        return adse__jerr(c, n->e->line, n->e->col,
                          "a for loop over %s is outside adse's template subset (lists and dicts)",
                          adse__jval_type(&it));
    for (size_t i = 0; i < it.n && !st; i++) {
        jscope s;
        push_scope(c, &s);
        jval lv;
        if (!(st = budget(c, n->line, n->col)) && !(st = loop_var(c, i, it.n, &lv)) &&
            !(st = assign(c, "loop", &lv)) &&
            !(st = assign(c, n->name, it.k == J_LIST ? &it.items[i] : &it.keys[i])))
            st = exec_body(c, n->bodies[0]);
        pop_scope(c);
    }
    if (!st && it.n == 0 && n->else_body) {
        jscope s;
        push_scope(c, &s);
        st = exec_body(c, n->else_body);
        pop_scope(c);
    }
    return st;
}

static adse_status exec_body(jctx *c, const jnode *n)
{
    if (++c->depth > ADSE_JINJA_MAX_DEPTH)
        return adse__jerr(c, n ? n->line : 0, n ? n->col : 0,
                          "statements nested deeper than ADSE_JINJA_MAX_DEPTH%s", "");
    adse_status st = ADSE_OK;
    for (; n && !st; n = n->next) {
        if ((st = budget(c, n->line, n->col))) break;
        switch (n->k) {
        case N_DATA: st = adse__jemit(c, n->text, n->len, n->line, n->col, true, NULL); break;
        case N_OUTPUT: {
            jval v, s;
            if ((st = eval_def(c, n->e, &v)) || (st = to_text(c, &v, &s))) break;
            st = adse__jemit(c, s.s, s.n, n->e->line, n->e->col, false, s.origin);
            break;
        }
        case N_SET: {
            jval v;
            if (!(st = eval(c, n->e, &v))) st = assign(c, n->name, &v);
            break;
        }
        case N_IF: {
            const jnode *body = n->else_body;
            for (int i = 0; i < n->n_conds; i++) {
                jval v;
                if ((st = eval_def(c, n->conds[i], &v))) break;
                if (adse__jval_truth(&v)) {
                    body = n->bodies[i];
                    break;
                }
            }
            if (!st) st = exec_body(c, body);
            break;
        }
        case N_FOR: st = exec_for(c, n); break;
        }
    }
    c->depth--;
    return st;
}

adse_status adse__jexec(jctx *c, const jnode *body)
{
    jscope top;
    push_scope(c, &top);
    adse_status st = exec_body(c, body);
    pop_scope(c);
    return st;
}
