/* Template values with Python's semantics (input/jinja_internal.h): str(), repr(), truth,
 * equality, arithmetic and comparisons as Jinja2 evaluates them in Python. Integers are 64
 * bits here (Python's are unbounded): an overflow is an error, never a wrapped number. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/limits.h"
#include "input/jinja_internal.h"
#include "util/numtext.h"

void adse__jbuf_add(jbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (n > (size_t)ADSE_YAML_MAX_BYTES || b->n + n > (size_t)ADSE_YAML_MAX_BYTES) {
        b->failed = true;
        return;
    }
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void adse__jbuf_addc(jbuf *b, const char *s)
{
    adse__jbuf_add(b, s, strlen(s));
}

const char *adse__jval_type(const jval *v)
{
    switch (v->k) {
    case J_UNDEF: return "Undefined";
    case J_NONE: return "NoneType";
    case J_BOOL: return "bool";
    case J_INT: return "int";
    case J_FLOAT: return "float";
    case J_STR: return "str";
    case J_LIST: return "list";
    case J_DICT: return "dict";
    case J_NODE: return v->node && v->node->kind == ADSE__YSEQ ? "list" : "dict";
    }
    return "?";
}

static void repr_str(const char *s, size_t n, jbuf *b)
{
    /* Python picks single quotes unless the text has one and no double quote */
    char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
    char one[2] = {q, 0};
    adse__jbuf_addc(b, one);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '\\' || c == (unsigned char)q) {
            esc[0] = '\\';
            esc[1] = (char)c;
            adse__jbuf_add(b, esc, 2);
        } else if (c == '\n') {
            adse__jbuf_addc(b, "\\n");
        } else if (c == '\r') {
            adse__jbuf_addc(b, "\\r");
        } else if (c == '\t') {
            adse__jbuf_addc(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            adse__jbuf_addc(b, esc);
        } else {
            adse__jbuf_add(b, (const char *)&s[i], 1);
        }
    }
    adse__jbuf_addc(b, one);
}

size_t adse__jstr_chars(const char *s, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += ((unsigned char)s[i] & 0xC0) != 0x80;
    return len;
}

static void str_or_repr(const jval *v, jbuf *b, bool repr)
{
    char num[ADSE__NUM_BUF];
    switch (v->k) {
    case J_UNDEF: return;
    case J_NONE: adse__jbuf_addc(b, "None"); return;
    case J_BOOL: adse__jbuf_addc(b, v->b ? "True" : "False"); return;
    case J_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->i);
        adse__jbuf_addc(b, num);
        return;
    case J_FLOAT:
        adse__jbuf_addc(b, adse__num_format(num, sizeof num, v->f, ADSE__NUM_PYTHON));
        return;
    case J_STR:
        if (repr)
            repr_str(v->s, v->n, b);
        else
            adse__jbuf_add(b, v->s, v->n);
        return;
    case J_LIST:
        adse__jbuf_addc(b, "[");
        for (size_t i = 0; i < v->n; i++) {
            if (i) adse__jbuf_addc(b, ", ");
            str_or_repr(&v->items[i], b, true);
        }
        adse__jbuf_addc(b, "]");
        return;
    case J_DICT:
        adse__jbuf_addc(b, "{");
        for (size_t i = 0; i < v->n; i++) {
            if (i) adse__jbuf_addc(b, ", ");
            str_or_repr(&v->keys[i], b, true);
            adse__jbuf_addc(b, ": ");
            str_or_repr(&v->items[i], b, true);
        }
        adse__jbuf_addc(b, "}");
        return;
    case J_NODE: /* the document's nodes are not shown whole */
        adse__jbuf_addc(b, v->node && v->node->kind == ADSE__YSEQ ? "[...]" : "{...}");
        return;
    }
}

void adse__jval_str(const jval *v, jbuf *b)
{
    str_or_repr(v, b, false);
}

void adse__jval_repr(const jval *v, jbuf *b)
{
    str_or_repr(v, b, true);
}

bool adse__jval_truth(const jval *v)
{
    switch (v->k) {
    case J_UNDEF:
    case J_NONE: return false;
    case J_BOOL: return v->b;
    case J_INT: return v->i != 0;
    case J_FLOAT: return v->f != 0;
    case J_STR:
    case J_LIST:
    case J_DICT: return v->n > 0;
    case J_NODE: return !v->node || v->node->n > 0;
    }
    return false;
}

static bool is_int(const jval *v)
{
    return v->k == J_INT || v->k == J_BOOL;
}
static bool is_num(const jval *v)
{
    return is_int(v) || v->k == J_FLOAT;
}
static int64_t as_int(const jval *v)
{
    return v->k == J_BOOL ? (int64_t)v->b : v->i;
}
static double as_double(const jval *v)
{
    return v->k == J_FLOAT ? v->f : (double)as_int(v);
}

bool adse__jval_eq(const jval *a, const jval *b)
{
    if (is_num(a) && is_num(b)) {
        if (is_int(a) && is_int(b)) return as_int(a) == as_int(b);
        return as_double(a) == as_double(b);
    }
    if (a->k != b->k) return false;
    switch (a->k) {
    case J_UNDEF:
    case J_NONE: return true;
    case J_STR: return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
    case J_NODE: return a->node == b->node;
    case J_LIST:
        if (a->n != b->n) return false;
        for (size_t i = 0; i < a->n; i++)
            if (!adse__jval_eq(&a->items[i], &b->items[i])) return false;
        return true;
    case J_DICT:
        if (a->n != b->n) return false;
        for (size_t i = 0; i < a->n; i++) {
            size_t j = 0;
            while (j < b->n && !adse__jval_eq(&a->keys[i], &b->keys[j]))
                j++;
            if (j == b->n || !adse__jval_eq(&a->items[i], &b->items[j])) return false;
        }
        return true;
    default: return false;
    }
}

static const char *op_name(int op)
{
    switch (op) {
    case 'F': return "//";
    case 'P': return "**";
    case 'l': return "<=";
    case 'g': return ">=";
    case '+': return "+";
    case '-': return "-";
    case '*': return "*";
    case '/': return "/";
    case '%': return "%";
    case '<': return "<";
    case '>': return ">";
    default: return "?";
    }
}

/* Python's TypeError message for op on a and b (in the arena). */
static const char *typeerr(adse__arena *arena, int op, const jval *a, const jval *b)
{
    char m[160];
    if (op == '<' || op == '>' || op == 'l' || op == 'g')
        snprintf(m, sizeof m, "'%s' not supported between instances of '%s' and '%s'", op_name(op),
                 adse__jval_type(a), adse__jval_type(b));
    else
        snprintf(m, sizeof m, "unsupported operand type(s) for %s: '%s' and '%s'", op_name(op),
                 adse__jval_type(a), adse__jval_type(b));
    const char *s = adse__arena_strndup(arena, m, strlen(m));
    return s ? s : "out of memory";
}

/* -1, 0, 1 for a < b, a == b, a > b; false when Python cannot order them. */
static bool order(const jval *a, const jval *b, int *cmp)
{
    if (is_num(a) && is_num(b)) {
        if (is_int(a) && is_int(b)) {
            int64_t x = as_int(a), y = as_int(b);
            *cmp = x < y ? -1 : x > y;
        } else {
            double x = as_double(a), y = as_double(b);
            if (isnan(x) || isnan(y)) {
                *cmp = 2; /* every comparison false */
                return true;
            }
            *cmp = x < y ? -1 : x > y;
        }
        return true;
    }
    if (a->k == J_STR && b->k == J_STR) {
        size_t n = a->n < b->n ? a->n : b->n;
        int c = memcmp(a->s, b->s, n);
        *cmp = c < 0 ? -1 : c > 0 ? 1 : a->n < b->n ? -1 : a->n > b->n;
        return true;
    }
    if (a->k == J_LIST && b->k == J_LIST) {
        for (size_t i = 0; i < a->n && i < b->n; i++) {
            if (adse__jval_eq(&a->items[i], &b->items[i])) continue;
            return order(&a->items[i], &b->items[i], cmp);
        }
        *cmp = a->n < b->n ? -1 : a->n > b->n;
        return true;
    }
    return false;
}

const char adse__joverflow[] = "integer overflow";

static const char *int_result(__int128 r, jval *out)
{
    if (r > INT64_MAX || r < INT64_MIN) return adse__joverflow;
    *out = (jval){.k = J_INT, .i = (int64_t)r};
    return NULL;
}

/* base ** e by squaring; |r| and |b| stay within 64 bits before each product, so that no
 * product leaves __int128 (2 ** 128 squared 2 ** 64 to 2 ** 128 before). */
static const char *ipow(int64_t base, int64_t e, jval *out)
{
    __int128 r = 1, b = base;
    bool big = false; /* |b| beyond 64 bits (base is not 0): any further use overflows */
    while (e > 0) {
        if (e & 1) {
            if (big) return adse__joverflow;
            r *= b;
            if (r > INT64_MAX || r < INT64_MIN) return int_result(r, out);
        }
        e >>= 1;
        if (e && !big) {
            b *= b;
            big = b > INT64_MAX;
        }
    }
    return int_result(r, out);
}

static const char *arith(adse__arena *arena, int op, const jval *a, const jval *b, jval *out)
{
    if (is_int(a) && is_int(b)) {
        __int128 x = as_int(a), y = as_int(b);
        switch (op) {
        case '+': return int_result(x + y, out);
        case '-': return int_result(x - y, out);
        case '*': return int_result(x * y, out);
        case '/':
            if (y == 0) return "division by zero";
            *out = (jval){.k = J_FLOAT, .f = (double)x / (double)y};
            return NULL;
        case 'F':
        case '%': {
            if (y == 0) return "integer division or modulo by zero";
            __int128 q = x / y, r = x % y;
            if (r != 0 && ((r < 0) != (y < 0))) {
                q -= 1;
                r += y;
            }
            return int_result(op == 'F' ? q : r, out);
        }
        case 'P':
            if (y < 0) {
                if (x == 0) return "0.0 cannot be raised to a negative power";
                *out = (jval){.k = J_FLOAT, .f = pow((double)x, (double)y)};
                return NULL;
            }
            return ipow((int64_t)x, (int64_t)y, out);
        }
    }
    double x = as_double(a), y = as_double(b), r = 0;
    switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/':
        if (y == 0) return "float division by zero";
        r = x / y;
        break;
    case 'F':
    case '%': {
        if (y == 0) return op == '%' ? "float modulo by zero" : "float floor division by zero";
        double m = fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        r = op == '%' ? m : floor(x / y);
        break;
    }
    case 'P':
        if (x == 0 && y < 0) return "0.0 cannot be raised to a negative power";
        if (x < 0 && y != floor(y)) return "a negative number to a fractional power is complex";
        r = pow(x, y);
        break;
    default: return typeerr(arena, op, a, b);
    }
    *out = (jval){.k = J_FLOAT, .f = r};
    return NULL;
}

static const char *concat_seq(adse__arena *arena, const jval *a, const jval *b, jval *out)
{
    size_t n = a->n + b->n;
    if (a->k == J_STR) {
        char *s = adse__arena_alloc(arena, n + 1);
        if (!s) return "out of memory";
        memcpy(s, a->s, a->n);
        memcpy(s + a->n, b->s, b->n);
        *out = (jval){.k = J_STR, .s = s, .n = n};
        return NULL;
    }
    jval *items = adse__arena_alloc(arena, (n ? n : 1) * sizeof *items);
    if (!items) return "out of memory";
    for (size_t i = 0; i < a->n; i++)
        items[i] = a->items[i];
    for (size_t i = 0; i < b->n; i++)
        items[a->n + i] = b->items[i];
    *out = (jval){.k = J_LIST, .items = items, .n = n};
    return NULL;
}

static bool contains(const jval *hay, const jval *needle)
{
    if (hay->k == J_STR) {
        if (needle->n == 0) return true;
        for (size_t i = 0; i + needle->n <= hay->n; i++)
            if (memcmp(hay->s + i, needle->s, needle->n) == 0) return true;
        return false;
    }
    const jval *set = hay->k == J_LIST ? hay->items : hay->keys;
    for (size_t i = 0; i < hay->n; i++)
        if (adse__jval_eq(&set[i], needle)) return true;
    return false;
}

const char *adse__jval_binop(adse__arena *arena, int op, const jval *a, const jval *b, jval *out)
{
    switch (op) {
    case '<':
    case 'l':
    case '>':
    case 'g': {
        int c;
        if (!order(a, b, &c)) return typeerr(arena, op, a, b);
        bool r = c == 2      ? false
                 : op == '<' ? c < 0
                 : op == 'l' ? c <= 0
                 : op == '>' ? c > 0
                             : c >= 0;
        *out = (jval){.k = J_BOOL, .b = r};
        return NULL;
    }
    case 'i':
        if (b->k == J_STR && a->k != J_STR)
            return "'in <string>' requires a string as left operand";
        if (b->k != J_STR && b->k != J_LIST && b->k != J_DICT) {
            char m[96];
            snprintf(m, sizeof m, "argument of type '%s' is not iterable", adse__jval_type(b));
            const char *s = adse__arena_strndup(arena, m, strlen(m));
            return s ? s : "out of memory";
        }
        *out = (jval){.k = J_BOOL, .b = contains(b, a)};
        return NULL;
    case '+':
        if ((a->k == J_STR && b->k == J_STR) || (a->k == J_LIST && b->k == J_LIST))
            return concat_seq(arena, a, b, out);
        break;
    case '*':
        if (((a->k == J_STR || a->k == J_LIST) && is_int(b)) ||
            ((b->k == J_STR || b->k == J_LIST) && is_int(a)))
            return "repeating a string or list with '*' is outside adse's template subset";
        break;
    case '%':
        if (a->k == J_STR) return "'%' string formatting is outside adse's template subset";
        break;
    }
    if (is_num(a) && is_num(b)) return arith(arena, op, a, b, out);
    return typeerr(arena, op, a, b);
}
