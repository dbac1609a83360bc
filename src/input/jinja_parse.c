/* Templates -> statements and expressions (input/jinja_internal.h): Jinja2's lexer rules
 * (tags "{{ }}", "{% %}", "{# #}", '-' stripping the whitespace beside a tag, end markers
 * ignored inside brackets) and its grammar and operator precedence, for the subset of
 * docs/templates.md; with jctx.hooks, one bare Python expression (adse__jparse_expr). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/jinja_internal.h"
#include "util/error.h"
#include "util/numtext.h"
#include "util/grow.h"

/* ---- tokens ------------------------------------------------------------------------- */

typedef enum tkind {
    TK_EOF,
    TK_DATA,   /* template text between tags */
    TK_VBEGIN, /* {{ */
    TK_VEND,   /* }} */
    TK_BBEGIN, /* {% */
    TK_BEND,   /* %} */
    TK_NAME,
    TK_INT,
    TK_FLOAT,
    TK_STR,
    TK_OP /* op: one char, or 'F' //, 'P' **, 'e' ==, 'n' !=, 'l' <=, 'g' >= */
} tkind;

typedef struct tok {
    tkind k;
    int line, col;
    const char *s; /* DATA, NAME, STR: bytes (arena, NUL-terminated) */
    size_t n;
    int64_t i;
    double f;
    int op;
} tok;

typedef struct lexer {
    jctx *c;
    const char *t;
    size_t len, pos;
    size_t at;  /* offset whose line/col are known: */
    int line;   /* its line */
    size_t bol; /* start of its line */
    tok *toks;
    int n, cap;
} lexer;

static void where(lexer *lx, size_t off, int *line, int *col)
{
    if (off < lx->at) { /* not expected: positions are asked in order */
        lx->at = 0;
        lx->line = 1;
        lx->bol = 0;
    }
    for (; lx->at < off; lx->at++)
        if (lx->t[lx->at] == '\n') {
            lx->line++;
            lx->bol = lx->at + 1;
        }
    *line = lx->line;
    *col = (int)(off - lx->bol) + 1;
}

static adse_status lerr(lexer *lx, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static adse_status lerr(lexer *lx, size_t off, const char *fmt, ...)
{
    int line, col;
    where(lx, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    adse__err_vset(lx->c->err, ADSE_E_SPEC, lx->c->file, line, col, fmt, ap);
    va_end(ap);
    return ADSE_E_SPEC;
}

static tok *push(lexer *lx, tkind k, size_t off)
{
    if (!adse__grow(&lx->toks, &lx->cap, lx->n + 1, sizeof *lx->toks)) return NULL;
    tok *t = &lx->toks[lx->n++];
    memset(t, 0, sizeof *t);
    t->k = k;
    where(lx, off, &t->line, &t->col);
    return t;
}

static adse_status nomem(lexer *lx)
{
    return adse_err_set(lx->c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* Python's expressions rather than Jinja's (jctx.hooks). */
static bool python(const jctx *c)
{
    return c->hooks != NULL;
}

static const char *subset(const jctx *c)
{
    return c->hooks ? c->hooks->subset : "adse's template subset";
}

static int max_depth(const jctx *c)
{
    return c->hooks ? c->hooks->max_depth : ADSE_JINJA_MAX_DEPTH;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static size_t find_tag(const lexer *lx, size_t from)
{
    for (size_t i = from; i + 1 < lx->len; i++)
        if (lx->t[i] == '{' && (lx->t[i + 1] == '{' || lx->t[i + 1] == '%' || lx->t[i + 1] == '#'))
            return i;
    return lx->len;
}

/* A string literal at lx->pos: Python's escapes \n \t \r \\ \' \" \xNN; any other
 * backslash stays as written (as Python's unicode-escape leaves it). */
static adse_status lex_string(lexer *lx)
{
    size_t start = lx->pos;
    char q = lx->t[lx->pos++];
    jbuf b = {0};
    for (;;) {
        if (lx->pos >= lx->len) {
            free(b.p);
            return lerr(lx, start, "unterminated string literal%s", "");
        }
        char ch = lx->t[lx->pos++];
        if (ch == q) break;
        if (ch != '\\' || lx->pos >= lx->len) {
            adse__jbuf_add(&b, &ch, 1);
            continue;
        }
        char e = lx->t[lx->pos++], out = 0;
        switch (e) {
        case 'n': out = '\n'; break;
        case 't': out = '\t'; break;
        case 'r': out = '\r'; break;
        case '\\': out = '\\'; break;
        case '\'': out = '\''; break;
        case '"': out = '"'; break;
        case 'x':
            if (lx->pos + 2 <= lx->len && isxdigit((unsigned char)lx->t[lx->pos]) &&
                isxdigit((unsigned char)lx->t[lx->pos + 1]) && lx->t[lx->pos] < '8') {
                char hex[3] = {lx->t[lx->pos], lx->t[lx->pos + 1], 0};
                out = (char)strtol(hex, NULL, 16);
                lx->pos += 2;
                break;
            }
            free(b.p);
            return lerr(lx, lx->pos - 2, "escape '\\x' outside ASCII in a string literal%s", "");
        case '\n': continue; /* a backslash-newline joins the lines */
        default: adse__jbuf_add(&b, "\\", 1); out = e;
        }
        adse__jbuf_add(&b, &out, 1);
    }
    tok *t = push(lx, TK_STR, start);
    const char *s = t && !b.failed ? adse__arena_strndup(&lx->c->arena, b.p ? b.p : "", b.n) : NULL;
    size_t n = b.n;
    free(b.p);
    if (!s) return nomem(lx);
    t->s = s;
    t->n = n;
    return ADSE_OK;
}

/* Jinja's numbers: digits with '_' between them; a float needs digits after its '.' or an
 * exponent. */
static adse_status lex_number(lexer *lx)
{
    size_t start = lx->pos;
    char clean[128];
    size_t k = 0;
    bool is_float = false;
    const char *t = lx->t;
#define TAKE_DIGITS()                                                                              \
    while (lx->pos < lx->len &&                                                                    \
           (isdigit((unsigned char)t[lx->pos]) || (t[lx->pos] == '_' && lx->pos + 1 < lx->len &&   \
                                                   isdigit((unsigned char)t[lx->pos + 1])))) {     \
        if (t[lx->pos] != '_' && k < sizeof clean - 8) clean[k++] = t[lx->pos];                    \
        lx->pos++;                                                                                 \
    }
    TAKE_DIGITS();
    /* right after a '.', digits are an index ("x.0.1"), never a float (Jinja's lookbehind) */
    bool after_dot = start > 0 && t[start - 1] == '.';
    char next = lx->pos + 1 < lx->len ? t[lx->pos + 1] : 0;
    if (!after_dot && lx->pos < lx->len && t[lx->pos] == '.' &&
        (isdigit((unsigned char)next) ||
         (python(lx->c) && !isalpha((unsigned char)next) && next != '_'))) { /* Python's "2." */
        is_float = true;
        clean[k++] = t[lx->pos++];
        TAKE_DIGITS();
    }
    if (!after_dot && lx->pos < lx->len && (t[lx->pos] == 'e' || t[lx->pos] == 'E')) {
        size_t p = lx->pos + 1;
        if (p < lx->len && (t[p] == '+' || t[p] == '-')) p++;
        if (p < lx->len && isdigit((unsigned char)t[p])) {
            is_float = true;
            clean[k++] = 'e';
            if (t[lx->pos + 1] == '-') clean[k++] = '-';
            lx->pos = p;
            TAKE_DIGITS();
        }
    }
#undef TAKE_DIGITS
    clean[k] = 0;
    if (k >= sizeof clean - 9) return lerr(lx, start, "number literal too long%s", "");
    tok *tk = push(lx, is_float ? TK_FLOAT : TK_INT, start);
    if (!tk) return nomem(lx);
    if (is_float) {
        tk->f = adse__num_parse(clean, NULL);
    } else {
        errno = 0;
        long long v = strtoll(clean, NULL, 10);
        if (errno == ERANGE) return lerr(lx, start, "integer literal '%s' beyond 64 bits", clean);
        tk->i = v;
    }
    return ADSE_OK;
}

static int two_char_op(char a, char b)
{
    if (a == '/' && b == '/') return 'F';
    if (a == '*' && b == '*') return 'P';
    if (a == '=' && b == '=') return 'e';
    if (a == '!' && b == '=') return 'n';
    if (a == '<' && b == '=') return 'l';
    if (a == '>' && b == '=') return 'g';
    return 0;
}

/* Whether the last token ends a value (then '.' is an attribute, else a number may start). */
static bool after_value(const lexer *lx)
{
    if (lx->n == 0) return false;
    const tok *t = &lx->toks[lx->n - 1];
    return t->k == TK_NAME || t->k == TK_INT || t->k == TK_FLOAT || t->k == TK_STR ||
           (t->k == TK_OP && strchr(")]}", t->op));
}

/* The tokens of one tag, from lx->pos to its end marker ("}}" or "%}", '-' before it
 * stripping what follows: *lstrip); kind 0: a bare expression, to the end of the text. */
static adse_status lex_tag(lexer *lx, char kind, size_t tag_start, bool *lstrip)
{
    const char *t = lx->t;
    char close = kind == '{' ? '}' : '%';
    int depth = 0;
    bool py = python(lx->c);
    for (;;) {
        while (lx->pos < lx->len && is_space(t[lx->pos]))
            lx->pos++;
        if (lx->pos >= lx->len && kind == 0) return push(lx, TK_EOF, lx->len) ? ADSE_OK : nomem(lx);
        if (lx->pos >= lx->len)
            return kind == '{' ? lerr(lx, tag_start, "'{{' without its '}}'")
                               : lerr(lx, tag_start, "'{%%' without its '%%}'");
        size_t p = lx->pos;
        if (depth == 0 && kind != 0) {
            size_t q = p + ((t[p] == '-' || t[p] == '+') ? 1 : 0);
            if (q + 1 < lx->len && t[q] == close && t[q + 1] == '}') {
                *lstrip = t[p] == '-';
                if (!push(lx, kind == '{' ? TK_VEND : TK_BEND, p)) return nomem(lx);
                lx->pos = q + 2;
                return ADSE_OK;
            }
        }
        char ch = t[p];
        adse_status st = ADSE_OK;
        if (isalpha((unsigned char)ch) || ch == '_') {
            size_t e = p;
            while (e < lx->len && (isalnum((unsigned char)t[e]) || t[e] == '_'))
                e++;
            tok *tk = push(lx, TK_NAME, p);
            if (!tk || !(tk->s = adse__arena_strndup(&lx->c->arena, t + p, e - p)))
                return nomem(lx);
            tk->n = e - p;
            lx->pos = e;
        } else if (isdigit((unsigned char)ch) ||
                   (py && ch == '.' && p + 1 < lx->len && isdigit((unsigned char)t[p + 1]) &&
                    !after_value(lx))) { /* Python's ".5" */
            st = lex_number(lx);
        } else if (ch == '\'' || ch == '"') {
            st = lex_string(lx);
        } else {
            int op = p + 1 < lx->len ? two_char_op(ch, t[p + 1]) : 0;
            if (!op && !strchr(py ? "+-*/%()[]{},.:=<>" : "+-*/%~()[]{},.:|=<>", ch)) {
                char c1[2] = {ch, 0};
                return py ? lerr(lx, p, "unexpected '%s'", c1)
                          : lerr(lx, p, "unexpected character '%s' in a template tag", c1);
            }
            tok *tk = push(lx, TK_OP, p);
            if (!tk) return nomem(lx);
            tk->op = op ? op : ch;
            lx->pos = p + (op ? 2 : 1);
            if (strchr("([{", ch)) depth++;
            if (strchr(")]}", ch) && depth > 0) depth--;
        }
        if (st) return st;
    }
}

static adse_status lex(lexer *lx)
{
    const char *t = lx->t;
    bool lstrip = false;
    while (lx->pos <= lx->len) {
        size_t q = find_tag(lx, lx->pos);
        size_t ds = lx->pos, de = q;
        if (lstrip)
            while (ds < de && is_space(t[ds]))
                ds++;
        lstrip = false;
        if (q < lx->len && q + 2 < lx->len && t[q + 2] == '-')
            while (de > ds && is_space(t[de - 1]))
                de--;
        if (de > ds) {
            tok *tk = push(lx, TK_DATA, ds);
            if (!tk) return nomem(lx);
            tk->s = t + ds;
            tk->n = de - ds;
        }
        if (q >= lx->len) break;
        char kind = t[q + 1];
        size_t p = q + 2;
        if (p < lx->len && (t[p] == '-' || t[p] == '+')) p++;
        if (kind == '#') {
            size_t e = p;
            while (e + 1 < lx->len && !(t[e] == '#' && t[e + 1] == '}'))
                e++;
            if (e + 1 >= lx->len) return lerr(lx, q, "'{#' without its '#}'%s", "");
            lstrip = e > p && t[e - 1] == '-';
            lx->pos = e + 2;
            continue;
        }
        if (!push(lx, kind == '{' ? TK_VBEGIN : TK_BBEGIN, q)) return nomem(lx);
        lx->pos = p;
        adse_status st = lex_tag(lx, kind, q, &lstrip);
        if (st) return st;
    }
    tok *e = push(lx, TK_EOF, lx->len);
    return e ? ADSE_OK : nomem(lx);
}

/* ---- parser ------------------------------------------------------------------------- */

typedef struct parser {
    jctx *c;
    tok *t;
    int i;
    int depth;
} parser;

static tok *cur(parser *p)
{
    return &p->t[p->i];
}

static bool is_name(const tok *t, const char *name)
{
    return t->k == TK_NAME && strcmp(t->s, name) == 0;
}

static bool is_op(const tok *t, int op)
{
    return t->k == TK_OP && t->op == op;
}

static const char *tok_text(const tok *t, char *buf, size_t size)
{
    switch (t->k) {
    case TK_EOF: return "the end of the template";
    case TK_DATA: return "template text";
    case TK_VBEGIN: return "'{{'";
    case TK_VEND: return "'}}'";
    case TK_BBEGIN: return "'{%'";
    case TK_BEND: return "'%}'";
    case TK_NAME: snprintf(buf, size, "'%s'", t->s); return buf;
    case TK_INT:
    case TK_FLOAT: return "a number";
    case TK_STR: return "a string";
    case TK_OP: {
        const char *two = t->op == 'F'   ? "//"
                          : t->op == 'P' ? "**"
                          : t->op == 'e' ? "=="
                          : t->op == 'n' ? "!="
                          : t->op == 'l' ? "<="
                          : t->op == 'g' ? ">="
                                         : NULL;
        if (two)
            snprintf(buf, size, "'%s'", two);
        else
            snprintf(buf, size, "'%c'", t->op);
        return buf;
    }
    }
    return "?";
}

static adse_status perr(parser *p, const tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static adse_status perr(parser *p, const tok *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse__err_vset(p->c->err, ADSE_E_SPEC, p->c->file, t->line, t->col, fmt, ap);
    va_end(ap);
    return ADSE_E_SPEC;
}

static adse_status unexpected(parser *p, const char *expected)
{
    char buf[80], msg[200];
    if (python(p->c)) /* Python's wording, the expectation after it */
        snprintf(msg, sizeof msg, "unexpected %s (expected %s)",
                 cur(p)->k == TK_EOF ? "end" : tok_text(cur(p), buf, sizeof buf), expected);
    else
        snprintf(msg, sizeof msg, "expected %s, got %s", expected,
                 tok_text(cur(p), buf, sizeof buf));
    return perr(p, cur(p), "%s", msg);
}

static adse_status nomem_p(parser *p)
{
    return adse_err_set(p->c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

static adse_status too_deep(parser *p, const tok *t)
{
    if (python(p->c)) return perr(p, t, "nested too deeply%s", "");
    return perr(p, t, "expression nested deeper than ADSE_JINJA_MAX_DEPTH%s", "");
}

static jexpr *mk(parser *p, jekind k, const tok *at)
{
    jexpr *e = adse__arena_alloc(&p->c->arena, sizeof *e);
    if (!e) return NULL;
    e->k = k;
    e->line = at->line;
    e->col = at->col;
    return e;
}

static adse_status parse_expr(parser *p, jexpr **out);
static adse_status parse_or(parser *p, jexpr **out);
static adse_status parse_unary(parser *p, bool with_filter, jexpr **out);

/* Argument list after '(' (consumed): positional arguments only. */
static adse_status parse_args(parser *p, jexpr ***args, int *n)
{
    jexpr *tmp[64];
    int k = 0;
    while (!is_op(cur(p), ')')) {
        if (k > 0) {
            if (!is_op(cur(p), ',')) return unexpected(p, "',' or ')'");
            p->i++;
            if (is_op(cur(p), ')')) break;
        }
        if (cur(p)->k == TK_NAME && is_op(&p->t[p->i + 1], '='))
            return perr(p, cur(p), "keyword argument '%s=' is outside %s", cur(p)->s, subset(p->c));
        if (k == 64) return perr(p, cur(p), "more than 64 arguments%s", "");
        adse_status st = parse_expr(p, &tmp[k++]);
        if (st) return st;
    }
    p->i++;
    *args = adse__arena_alloc(&p->c->arena, (size_t)(k ? k : 1) * sizeof **args);
    if (!*args) return nomem_p(p);
    memcpy(*args, tmp, (size_t)k * sizeof **args);
    *n = k;
    return ADSE_OK;
}

/* Items of a list "[...]" or dict "{...}" after the opening bracket (consumed). */
static adse_status parse_items(parser *p, bool dict, jexpr *e)
{
    int close = dict ? '}' : ']';
    int cap = 8, k = 0;
    jexpr **items = malloc((size_t)cap * sizeof *items);
    if (!items) return nomem_p(p);
    adse_status st = ADSE_OK;
    while (!is_op(cur(p), close)) {
        if (k > 0) {
            if (!is_op(cur(p), ',')) {
                st = unexpected(p, dict ? "',' or '}'" : "',' or ']'");
                break;
            }
            p->i++;
            if (is_op(cur(p), close)) break;
        }
        if (k + 2 > cap) {
            cap *= 2;
            jexpr **ni = realloc(items, (size_t)cap * sizeof *ni);
            if (!ni) {
                st = nomem_p(p);
                break;
            }
            items = ni;
        }
        if ((st = parse_expr(p, &items[k++]))) break;
        if (dict) {
            if (!is_op(cur(p), ':')) {
                st = unexpected(p, "':'");
                break;
            }
            p->i++;
            if ((st = parse_expr(p, &items[k++]))) break;
        }
    }
    if (!st) {
        p->i++;
        e->args = adse__arena_alloc(&p->c->arena, (size_t)(k ? k : 1) * sizeof *e->args);
        if (!e->args)
            st = nomem_p(p);
        else
            memcpy(e->args, items, (size_t)k * sizeof *items);
        e->n_args = k;
    }
    free(items);
    return st;
}

static adse_status parse_primary(parser *p, jexpr **out)
{
    tok *t = cur(p);
    jexpr *e = NULL;
    adse_status st = ADSE_OK;
    switch (t->k) {
    case TK_NAME:
        p->i++;
        if (!(e = mk(p, E_LIT, t))) return nomem_p(p);
        if ((!python(p->c) && is_name(t, "true")) || is_name(t, "True"))
            e->lit = (jval){.k = J_BOOL, .b = true};
        else if ((!python(p->c) && is_name(t, "false")) || is_name(t, "False"))
            e->lit = (jval){.k = J_BOOL, .b = false};
        else if ((!python(p->c) && is_name(t, "none")) || is_name(t, "None"))
            e->lit = (jval){.k = J_NONE};
        else {
            e->k = E_NAME;
            e->name = t->s;
        }
        break;
    case TK_STR: {
        /* adjacent string literals are one string, as in Python */
        jbuf b = {0};
        while (cur(p)->k == TK_STR) {
            adse__jbuf_add(&b, cur(p)->s, cur(p)->n);
            p->i++;
        }
        const char *s = b.failed ? NULL : adse__arena_strndup(&p->c->arena, b.p ? b.p : "", b.n);
        size_t n = b.n;
        free(b.p);
        if (!s || !(e = mk(p, E_LIT, t))) return nomem_p(p);
        e->lit = (jval){.k = J_STR, .s = s, .n = n};
        break;
    }
    case TK_INT:
    case TK_FLOAT:
        p->i++;
        if (!(e = mk(p, E_LIT, t))) return nomem_p(p);
        e->lit = t->k == TK_INT ? (jval){.k = J_INT, .i = t->i} : (jval){.k = J_FLOAT, .f = t->f};
        break;
    case TK_OP:
        if (t->op == '(') {
            p->i++;
            if (is_op(cur(p), ')')) return perr(p, t, "tuples are outside %s", subset(p->c));
            if ((st = parse_expr(p, &e))) return st;
            if (is_op(cur(p), ',')) return perr(p, t, "tuples are outside %s", subset(p->c));
            if (!is_op(cur(p), ')')) return unexpected(p, "')'");
            p->i++;
            break;
        }
        if (t->op == '[' || t->op == '{') {
            p->i++;
            if (!(e = mk(p, t->op == '[' ? E_LIST : E_DICT, t))) return nomem_p(p);
            if ((st = parse_items(p, t->op == '{', e))) return st;
            break;
        }
        return unexpected(p, "an expression");
    default: return unexpected(p, "an expression");
    }
    *out = e;
    return ADSE_OK;
}

static adse_status parse_postfix(parser *p, jexpr **node)
{
    for (;;) {
        tok *t = cur(p);
        adse_status st;
        if (is_op(t, '.')) {
            p->i++;
            tok *n = cur(p);
            jexpr *e;
            if (n->k == TK_NAME) {
                if (!(e = mk(p, E_ATTR, t))) return nomem_p(p);
                e->name = n->s;
            } else if (n->k == TK_INT) {
                if (!(e = mk(p, E_ITEM, t)) || !(e->b = mk(p, E_LIT, n))) return nomem_p(p);
                e->b->lit = (jval){.k = J_INT, .i = n->i};
            } else {
                return unexpected(p, "a name after '.'");
            }
            p->i++;
            e->a = *node;
            *node = e;
        } else if (is_op(t, '[')) {
            p->i++;
            jexpr *e = mk(p, E_ITEM, t);
            if (!e) return nomem_p(p);
            if (is_op(cur(p), ':')) return perr(p, cur(p), "slices are outside %s", subset(p->c));
            if ((st = parse_expr(p, &e->b))) return st;
            if (is_op(cur(p), ':') || is_op(cur(p), ','))
                return perr(p, cur(p), "slices are outside %s", subset(p->c));
            if (!is_op(cur(p), ']')) return unexpected(p, "']'");
            p->i++;
            e->a = *node;
            *node = e;
        } else if (is_op(t, '(')) {
            p->i++;
            jexpr *e = mk(p, E_CALL, t);
            if (!e) return nomem_p(p);
            e->line = (*node)->line; /* messages point at the function's name */
            e->col = (*node)->col;
            e->a = *node;
            if ((st = parse_args(p, &e->args, &e->n_args))) return st;
            *node = e;
        } else {
            return ADSE_OK;
        }
    }
}

static adse_status parse_filters(parser *p, jexpr **node)
{
    for (;;) {
        tok *t = cur(p);
        adse_status st;
        if (is_op(t, '|')) {
            p->i++;
            tok *n = cur(p);
            if (n->k != TK_NAME) return unexpected(p, "a filter name after '|'");
            p->i++;
            jexpr *e = mk(p, E_FILTER, n);
            if (!e) return nomem_p(p);
            e->name = n->s;
            jexpr **args = NULL;
            int k = 0;
            if (is_op(cur(p), '(')) {
                p->i++;
                if ((st = parse_args(p, &args, &k))) return st;
            }
            e->args = adse__arena_alloc(&p->c->arena, (size_t)(k + 1) * sizeof *e->args);
            if (!e->args) return nomem_p(p);
            e->args[0] = *node;
            for (int j = 0; j < k; j++)
                e->args[j + 1] = args[j];
            e->n_args = k + 1;
            *node = e;
        } else if (is_name(t, "is")) {
            p->i++;
            jexpr *e = mk(p, E_TEST, t);
            if (!e) return nomem_p(p);
            if (is_name(cur(p), "not")) {
                e->op = 'n';
                p->i++;
            }
            tok *n = cur(p);
            if (n->k != TK_NAME) return unexpected(p, "a test name after 'is'");
            e->name = n->s;
            p->i++;
            if (is_op(cur(p), '(') || cur(p)->k == TK_INT || cur(p)->k == TK_STR ||
                cur(p)->k == TK_FLOAT)
                return perr(
                    p, n, "the test '%s' with an argument is outside adse's template subset", n->s);
            e->a = *node;
            *node = e;
        } else {
            return ADSE_OK;
        }
    }
}

static adse_status parse_unary(parser *p, bool with_filter, jexpr **out)
{
    tok *t = cur(p);
    adse_status st;
    if (++p->depth > max_depth(p->c)) return too_deep(p, t);
    jexpr *e = NULL;
    if (is_op(t, '-') || is_op(t, '+')) {
        p->i++;
        if (!(e = mk(p, t->op == '-' ? E_NEG : E_POS, t))) return nomem_p(p);
        if ((st = parse_unary(p, false, &e->a))) return st;
    } else if ((st = parse_primary(p, &e))) {
        return st;
    }
    if ((st = parse_postfix(p, &e))) return st;
    if (with_filter && !python(p->c) && (st = parse_filters(p, &e))) return st;
    p->depth--;
    *out = e;
    return ADSE_OK;
}

static adse_status binary(parser *p, jekind k, int op, const tok *at, jexpr *a, jexpr *b,
                          jexpr **out)
{
    jexpr *e = mk(p, k, at);
    if (!e) return nomem_p(p);
    e->op = op;
    e->a = a;
    e->b = b;
    *out = e;
    return ADSE_OK;
}

static adse_status parse_pow(parser *p, jexpr **out)
{
    adse_status st = parse_unary(p, true, out);
    while (!st && is_op(cur(p), 'P')) {
        tok *t = cur(p);
        jexpr *b;
        p->i++;
        if (!(st = parse_unary(p, true, &b))) st = binary(p, E_BIN, 'P', t, *out, b, out);
    }
    return st;
}

static adse_status parse_math2(parser *p, jexpr **out)
{
    adse_status st = parse_pow(p, out);
    while (!st &&
           (is_op(cur(p), '*') || is_op(cur(p), '/') || is_op(cur(p), 'F') || is_op(cur(p), '%'))) {
        tok *t = cur(p);
        jexpr *b;
        p->i++;
        if (!(st = parse_pow(p, &b))) st = binary(p, E_BIN, t->op, t, *out, b, out);
    }
    return st;
}

static adse_status parse_concat(parser *p, jexpr **out)
{
    adse_status st = parse_math2(p, out);
    while (!st && is_op(cur(p), '~')) {
        tok *t = cur(p);
        jexpr *b;
        p->i++;
        if (!(st = parse_math2(p, &b))) st = binary(p, E_BIN, 'c', t, *out, b, out);
    }
    return st;
}

static adse_status parse_math1(parser *p, jexpr **out)
{
    adse_status st = parse_concat(p, out);
    while (!st && (is_op(cur(p), '+') || is_op(cur(p), '-'))) {
        tok *t = cur(p);
        jexpr *b;
        p->i++;
        if (!(st = parse_concat(p, &b))) st = binary(p, E_BIN, t->op, t, *out, b, out);
    }
    return st;
}

/* The comparison operator at the cursor ('e', 'n', '<', 'l', '>', 'g', 'i' in, 'x' not
 * in), consumed; 0 if none. */
static int cmp_op(parser *p)
{
    tok *t = cur(p);
    if (t->k == TK_OP && strchr("enl<g>", t->op) && t->op) {
        p->i++;
        return t->op;
    }
    if (is_name(t, "in")) {
        p->i++;
        return 'i';
    }
    if (is_name(t, "not") && is_name(&p->t[p->i + 1], "in")) {
        p->i += 2;
        return 'x';
    }
    return 0;
}

static adse_status parse_compare(parser *p, jexpr **out)
{
    tok *t0 = cur(p);
    jexpr *first;
    adse_status st = parse_math1(p, &first);
    if (st) return st;
    jexpr *items[64];
    char ops[64];
    int n = 0;
    items[0] = first;
    for (int op; (op = cmp_op(p));) {
        if (n == 62) return perr(p, cur(p), "more than 62 chained comparisons%s", "");
        ops[n++] = (char)op;
        if ((st = parse_math1(p, &items[n]))) return st;
    }
    if (n == 0) {
        *out = first;
        return ADSE_OK;
    }
    jexpr *e = mk(p, E_CMP, t0);
    char *o = adse__arena_alloc(&p->c->arena, (size_t)n + 1);
    if (!e || !o) return nomem_p(p);
    e->args = adse__arena_alloc(&p->c->arena, (size_t)(n + 1) * sizeof *e->args);
    if (!e->args) return nomem_p(p);
    memcpy(e->args, items, (size_t)(n + 1) * sizeof *items);
    memcpy(o, ops, (size_t)n);
    e->ops = o;
    e->n_args = n + 1;
    *out = e;
    return ADSE_OK;
}

static adse_status parse_not(parser *p, jexpr **out)
{
    tok *t = cur(p);
    if (is_name(t, "not")) {
        p->i++;
        if (++p->depth > max_depth(p->c)) return too_deep(p, t);
        jexpr *e = mk(p, E_NOT, t);
        if (!e) return nomem_p(p);
        adse_status st = parse_not(p, &e->a);
        p->depth--;
        *out = e;
        return st;
    }
    return parse_compare(p, out);
}

static adse_status parse_and(parser *p, jexpr **out)
{
    adse_status st = parse_not(p, out);
    while (!st && is_name(cur(p), "and")) {
        tok *t = cur(p);
        jexpr *b;
        p->i++;
        if (!(st = parse_not(p, &b))) st = binary(p, E_AND, 0, t, *out, b, out);
    }
    return st;
}

static adse_status parse_or(parser *p, jexpr **out)
{
    adse_status st = parse_and(p, out);
    while (!st && is_name(cur(p), "or")) {
        tok *t = cur(p);
        jexpr *b;
        p->i++;
        if (!(st = parse_and(p, &b))) st = binary(p, E_OR, 0, t, *out, b, out);
    }
    return st;
}

static adse_status parse_expr(parser *p, jexpr **out)
{
    if (++p->depth > max_depth(p->c)) return too_deep(p, cur(p));
    adse_status st = parse_or(p, out);
    while (!st && is_name(cur(p), "if")) {
        tok *t = cur(p);
        p->i++;
        jexpr *e = mk(p, E_COND, t);
        if (!e) return nomem_p(p);
        e->a = *out;
        if ((st = parse_or(p, &e->b))) return st;
        if (is_name(cur(p), "else")) {
            p->i++;
            if ((st = parse_expr(p, &e->c))) return st;
        } else if (python(p->c)) {
            return unexpected(p, "'else'");
        }
        *out = e;
    }
    p->depth--;
    return st;
}

/* ---- statements --------------------------------------------------------------------- */

static jnode *mkn(parser *p, jnkind k, const tok *at)
{
    jnode *n = adse__arena_alloc(&p->c->arena, sizeof *n);
    if (!n) return NULL;
    n->k = k;
    n->line = at->line;
    n->col = at->col;
    return n;
}

static adse_status expect_bend(parser *p)
{
    if (cur(p)->k != TK_BEND) return unexpected(p, "'%}'");
    p->i++;
    return ADSE_OK;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; list && *list; list++)
        if (strcmp(s, *list) == 0) return true;
    return false;
}

/* Statements up to a block tag whose name is in ends (its '{%' and name consumed, the name
 * in *end) or, when ends is NULL, to the end of the template. opener: the statement the
 * body belongs to, for "missing end" errors. */
static adse_status parse_body(parser *p, const char *const *ends, const tok *opener,
                              const char **end, jnode **out);

static adse_status parse_if(parser *p, const tok *kw, jnode **out)
{
    static const char *const ends[] = {"elif", "else", "endif", NULL};
    jnode *n = mkn(p, N_IF, kw);
    jexpr *conds[256];
    jnode *bodies[256];
    int k = 0;
    if (!n) return nomem_p(p);
    const char *end = "elif";
    adse_status st;
    while (strcmp(end, "elif") == 0) {
        if (k == 256) return perr(p, kw, "more than 256 'elif' branches%s", "");
        if ((st = parse_expr(p, &conds[k])) || (st = expect_bend(p))) return st;
        if ((st = parse_body(p, ends, kw, &end, &bodies[k]))) return st;
        k++;
    }
    if (strcmp(end, "else") == 0) {
        static const char *const endif[] = {"endif", NULL};
        if ((st = expect_bend(p))) return st;
        if ((st = parse_body(p, endif, kw, &end, &n->else_body))) return st;
    }
    if ((st = expect_bend(p))) return st;
    n->conds = adse__arena_alloc(&p->c->arena, (size_t)k * sizeof *n->conds);
    n->bodies = adse__arena_alloc(&p->c->arena, (size_t)k * sizeof *n->bodies);
    if (!n->conds || !n->bodies) return nomem_p(p);
    memcpy(n->conds, conds, (size_t)k * sizeof *conds);
    memcpy(n->bodies, bodies, (size_t)k * sizeof *bodies);
    n->n_conds = k;
    *out = n;
    return ADSE_OK;
}

static adse_status parse_for(parser *p, const tok *kw, jnode **out)
{
    static const char *const ends[] = {"else", "endfor", NULL};
    jnode *n = mkn(p, N_FOR, kw);
    if (!n) return nomem_p(p);
    tok *v = cur(p);
    if (v->k != TK_NAME) return unexpected(p, "a loop variable");
    p->i++;
    if (is_op(cur(p), ','))
        return perr(p, cur(p),
                    "unpacking several loop variables is outside adse's template subset%s", "");
    if (!is_name(cur(p), "in")) return unexpected(p, "'in'");
    p->i++;
    n->name = v->s;
    adse_status st = parse_or(p, &n->e);
    if (st) return st;
    if (is_name(cur(p), "if") || is_name(cur(p), "recursive"))
        return perr(p, cur(p), "'%s' in a for loop is outside adse's template subset", cur(p)->s);
    if ((st = expect_bend(p))) return st;
    n->bodies = adse__arena_alloc(&p->c->arena, sizeof *n->bodies);
    if (!n->bodies) return nomem_p(p);
    const char *end;
    if ((st = parse_body(p, ends, kw, &end, &n->bodies[0]))) return st;
    if (strcmp(end, "else") == 0) {
        static const char *const endfor[] = {"endfor", NULL};
        if ((st = expect_bend(p))) return st;
        if ((st = parse_body(p, endfor, kw, &end, &n->else_body))) return st;
    }
    if ((st = expect_bend(p))) return st;
    *out = n;
    return ADSE_OK;
}

static adse_status parse_set(parser *p, const tok *kw, jnode **out)
{
    jnode *n = mkn(p, N_SET, kw);
    if (!n) return nomem_p(p);
    tok *v = cur(p);
    if (v->k != TK_NAME) return unexpected(p, "a variable name after 'set'");
    p->i++;
    if (cur(p)->k == TK_BEND)
        return perr(p, kw,
                    "a block '{%% set %s %%}...{%% endset %%}' is outside adse's template subset",
                    v->s);
    if (is_op(cur(p), ',') || is_op(cur(p), '.'))
        return perr(p, cur(p), "only '{%% set NAME = ... %%}' is in adse's template subset%s", "");
    if (!is_op(cur(p), '=')) return unexpected(p, "'='");
    p->i++;
    n->name = v->s;
    adse_status st = parse_expr(p, &n->e);
    if (!st) st = expect_bend(p);
    *out = n;
    return st;
}

static adse_status parse_body(parser *p, const char *const *ends, const tok *opener,
                              const char **end, jnode **out)
{
    jnode *head = NULL, **tail = &head;
    adse_status st;
    if (++p->depth > ADSE_JINJA_MAX_DEPTH)
        return perr(p, cur(p), "statements nested deeper than ADSE_JINJA_MAX_DEPTH%s", "");
    for (;;) {
        tok *t = cur(p);
        jnode *n = NULL;
        if (t->k == TK_EOF) {
            if (!ends) break;
            const char *close = ends[0]; /* the last of ends closes the statement */
            for (int k = 1; ends[k]; k++)
                close = ends[k];
            return perr(p, opener, "'{%% %s %%}' without its '{%% %s %%}'", opener->s, close);
        }
        if (t->k == TK_DATA) {
            p->i++;
            if (!(n = mkn(p, N_DATA, t))) return nomem_p(p);
            n->text = t->s;
            n->len = t->n;
        } else if (t->k == TK_VBEGIN) {
            p->i++;
            if (!(n = mkn(p, N_OUTPUT, t))) return nomem_p(p);
            if ((st = parse_expr(p, &n->e))) return st;
            if (cur(p)->k != TK_VEND) return unexpected(p, "'}}'");
            p->i++;
        } else if (t->k == TK_BBEGIN) {
            p->i++;
            tok *kw = cur(p);
            if (kw->k != TK_NAME) return unexpected(p, "a statement name after '{%'");
            p->i++;
            if (in_list(kw->s, ends)) {
                *end = kw->s;
                break;
            }
            if (strcmp(kw->s, "if") == 0)
                st = parse_if(p, kw, &n);
            else if (strcmp(kw->s, "for") == 0)
                st = parse_for(p, kw, &n);
            else if (strcmp(kw->s, "set") == 0)
                st = parse_set(p, kw, &n);
            else if (in_list(kw->s, (const char *const[]){"elif", "else", "endif", "endfor", NULL}))
                st = perr(p, kw, "'{%% %s %%}' without an opening statement", kw->s);
            else
                st = perr(p, kw, "the statement '{%% %s %%}' is outside adse's template subset",
                          kw->s);
            if (st) return st;
        } else {
            return unexpected(p, "template text or a tag");
        }
        *tail = n;
        tail = &n->next;
    }
    p->depth--;
    *out = head;
    return ADSE_OK;
}

adse_status adse__jparse(jctx *c, const char *text, size_t len, jnode **out)
{
    lexer lx = {.c = c, .t = text, .len = len, .line = 1};
    adse_status st = lex(&lx);
    if (!st) {
        parser p = {.c = c, .t = lx.toks};
        st = parse_body(&p, NULL, NULL, NULL, out);
    }
    free(lx.toks);
    return st;
}

adse_status adse__jparse_expr(jctx *c, const char *text, size_t len, jexpr **out)
{
    lexer lx = {.c = c, .t = text, .len = len, .line = 1};
    bool unused = false;
    adse_status st = lex_tag(&lx, 0, 0, &unused);
    if (!st) {
        parser p = {.c = c, .t = lx.toks};
        st = parse_expr(&p, out);
        if (!st && cur(&p)->k != TK_EOF) st = unexpected(&p, "the end of the expression");
    }
    free(lx.toks);
    return st;
}

size_t adse__jtext_offset(const char *text, size_t len, int line, int col)
{
    size_t off = 0;
    for (int l = 1; l < line && off < len; off++)
        if (text[off] == '\n') l++;
    off += col > 0 ? (size_t)col - 1 : 0;
    return off < len ? off : len;
}
