/*
 * input/jinja_internal.h: adse's one Python-expression engine, what the template engine's
 * files and the v0.4 attribute expressions (v04_expr.c) share (internal to the input layer).
 *
 * jinja_parse.c turns a template into a tree of statements and expressions (jnode, jexpr),
 * or one bare expression (adse__jparse_expr); jinja_value.c holds Python's semantics of the
 * values (jval: str(), truth, arithmetic, comparisons); jinja_eval.c runs the tree;
 * jinja_files.c has timeloopfe's file functions and the driver (jinja.h). Everything of one
 * rendered file lives in its arena (jctx.arena); values are immutable once built. A caller
 * other than the template engine (v04_expr.c) sets jctx.hooks: Python's names instead of
 * Jinja's (True/False/None, no filters, tests or '~', `x if c` needs its `else`), its own
 * names, functions and items of document nodes (J_NODE).
 */
#ifndef ADSE_INPUT_JINJA_INTERNAL_H
#define ADSE_INPUT_JINJA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input/jinja.h"
#include "util/arena.h"

/* ---- values ----------------------------------------------------------------------- */

typedef enum jkind {
    J_UNDEF,
    J_NONE,
    J_BOOL,
    J_INT,
    J_FLOAT,
    J_STR,
    J_LIST,
    J_DICT,
    J_NODE /* a mapping or list of a YAML document (hooks only; node NULL: the top level) */
} jkind;

/* Where the bytes of a string value came from (a file include_text() pulled in): segments
 * as in adse__yseg, offsets relative to the string. */
typedef struct jorigin {
    const adse__yseg *segs;
    size_t n;
} jorigin;

typedef struct jval {
    jkind k;
    bool b;
    int64_t i;
    double f;
    const char *s;                   /* J_STR: bytes (NUL-terminated); J_UNDEF: the name */
    size_t n;                        /* J_STR: bytes; J_LIST/J_DICT: items */
    const struct jval *items, *keys; /* J_LIST items; J_DICT keys and items (values) */
    const jorigin *origin;           /* J_STR: NULL unless it came from a file unchanged */
    const adse__ynode *node;         /* J_NODE */
} jval;

/* A growable byte buffer (malloc). */
typedef struct jbuf {
    char *p;
    size_t n, cap;
    bool failed; /* out of memory, or above ADSE_YAML_MAX_BYTES */
} jbuf;

void adse__jbuf_add(jbuf *b, const char *s, size_t n);
void adse__jbuf_addc(jbuf *b, const char *s);

/* Python's str(v) / repr(v) appended to b (J_UNDEF: nothing). */
void adse__jval_str(const jval *v, jbuf *b);
void adse__jval_repr(const jval *v, jbuf *b);
/* "a string", "an integer", ... for messages. */
const char *adse__jval_type(const jval *v);
/* Python's bool(v) (v defined). */
bool adse__jval_truth(const jval *v);
/* Python's ==. */
bool adse__jval_eq(const jval *a, const jval *b);

/* Binary operators of Python on a and b ('+', '-', '*', '/', 'F' for //, '%', 'P' for **,
 * '<', 'l' for <=, '>', 'g' for >=, 'i' for in); NULL, or the message of a TypeError /
 * ZeroDivisionError / overflow. Strings and lists made go to arena. */
const char *adse__jval_binop(adse__arena *arena, int op, const jval *a, const jval *b, jval *out);

/* ---- syntax tree ------------------------------------------------------------------- */

typedef enum jekind {
    E_LIT,    /* lit */
    E_NAME,   /* name */
    E_LIST,   /* args */
    E_DICT,   /* args: key, value, key, value, ... */
    E_NEG,    /* a */
    E_POS,    /* a */
    E_NOT,    /* a */
    E_BIN,    /* a op b (arithmetic, '~' as op 'c') */
    E_AND,    /* a and b */
    E_OR,     /* a or b */
    E_CMP,    /* args[0] ops[0] args[1] ops[1] ... (chained) */
    E_ATTR,   /* a.name */
    E_ITEM,   /* a[b] */
    E_CALL,   /* name(args) (a global function) */
    E_FILTER, /* args[0] | name(args[1..]) */
    E_TEST,   /* a is [not] name (op 'n' for not) */
    E_COND    /* a if b else c (c NULL: undefined) */
} jekind;

typedef struct jexpr {
    jekind k;
    int line, col;
    int op;
    jval lit;
    const char *name;
    struct jexpr *a, *b, *c;
    struct jexpr **args;
    int n_args;
    const char *ops; /* E_CMP: one op per pair */
} jexpr;

typedef enum jnkind { N_DATA, N_OUTPUT, N_SET, N_IF, N_FOR } jnkind;

typedef struct jnode {
    jnkind k;
    int line, col;
    struct jnode *next;
    /* N_DATA */
    const char *text;
    size_t len;
    /* N_OUTPUT, N_SET (name = e), N_FOR (for name in e) */
    jexpr *e;
    const char *name;
    /* N_IF: conds[i] -> bodies[i], else_body; N_FOR: bodies[0], else_body */
    jexpr **conds;
    struct jnode **bodies;
    int n_conds;
    struct jnode *else_body;
} jnode;

/* ---- one rendered file -------------------------------------------------------------- */

typedef struct jvar {
    const char *name;
    jval v;
} jvar;

/* Appends name = v to vars[0..*n) (capacity *cap, malloc'd); false when out of memory. */
bool adse__jvar_push(jvar **vars, int *n, int *cap, const char *name, const jval *v);

typedef struct jscope {
    struct jscope *up;
    jvar *vars;
    int n, cap;
} jscope;

/* What a whole load shares: the -D variables and the chain of files being rendered. */
typedef struct jshared {
    const adse__jopts *opts;
    adse__arena arena; /* the variables */
    jvar *defines;
    int n_defines;
    const char *chain[ADSE_JINJA_MAX_INCLUDES + 1]; /* absolute paths, outermost first */
    int depth;
    adse__ydoc *doc;
} jshared;

struct jctx;

/* What a caller other than the template engine changes (jctx.hooks; NULL: Jinja's rules). */
typedef struct jhooks {
    const char *subset; /* "adse's ... subset" in messages on what is left out */
    const char *kind;   /* what the expressions are, in messages ("v0.4 expressions") */
    int max_depth;      /* expressions nested deeper are an error */
    void *user;
    /* The value of a name; false when it has none ("name '...' is not defined"). */
    bool (*lookup)(struct jctx *c, const char *name, jval *out);
    /* Function name called with args at e; false when there is no such function. */
    bool (*call)(struct jctx *c, const struct jexpr *e, const char *name, const jval *args, int n,
                 jval *out, adse_status *st);
    /* obj[key] of a J_NODE obj (a.b: key the string "b"), at e. */
    adse_status (*item)(struct jctx *c, const struct jexpr *e, const jval *obj, const jval *key,
                        jval *out);
} jhooks;

typedef struct jctx {
    const jhooks *hooks; /* NULL for templates */
    jshared *sh;
    adse_err *err;
    adse__arena arena;    /* syntax tree and values of this file */
    const char *file;     /* name for positions (doc-owned) */
    const char *abs_path; /* absolute path of the file, NULL for a text */
    const char **dirs;    /* add_to_path() folders (arena strings; malloc'd array) */
    int n_dirs, cap_dirs;
    int include_counter;
    long steps;
    int depth;
    jscope *scope;
    jbuf out;
    adse__jrender *r; /* segments and includes of the output */
} jctx;

/* Records an error at line:col of the file; returns ADSE_E_SPEC (ADSE_E_NOMEM for "out of
 * memory"). */
adse_status adse__jerr(jctx *c, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The message of an integer result beyond 64 bits (adse__jval_binop's and the evaluators'):
 * compared by address; adse__jmsg words it for its context. */
extern const char adse__joverflow[];

/* Records msg as an error at line:col, as adse__jerr; adse__joverflow becomes "integer
 * overflow (adse's templates have 64-bit integers)", or the hooks' kind instead of
 * templates. */
adse_status adse__jmsg(jctx *c, int line, int col, const char *msg);

/* Parses text[0..len) (newlines already '\n', the trailing one removed) into *out. */
adse_status adse__jparse(jctx *c, const char *text, size_t len, jnode **out);

/* Parses one bare expression, the whole of text[0..len) (c->hooks set). */
adse_status adse__jparse_expr(jctx *c, const char *text, size_t len, jexpr **out);

/* The offset in text[0..len) of line:col (1-based) of a message about it. */
size_t adse__jtext_offset(const char *text, size_t len, int line, int col);

/* Evaluates e into a defined value (an undefined one is an error at the expression). */
adse_status adse__jeval(jctx *c, const jexpr *e, jval *out);

/* Python's len() of a string: its characters (UTF-8), not its bytes. */
size_t adse__jstr_chars(const char *s, size_t n);

/* Runs the statements, appending to c->out and c->r. */
adse_status adse__jexec(jctx *c, const jnode *body);

/* A timeloopfe function (name) called at line:col with args; false when there is no such
 * function (then *st is not set). */
bool adse__jfile_call(jctx *c, const char *name, const jval *args, int n, int line, int col,
                      jval *out, adse_status *st);

/* Appends s[0..n) made at line:col (exact: copied from the template at that position;
 * origin: the string's own origin) to the output. */
adse_status adse__jemit(jctx *c, const char *s, size_t n, int line, int col, bool exact,
                        const jorigin *origin);

#endif
