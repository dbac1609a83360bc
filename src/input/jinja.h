/*
 * input/jinja.h: timeloopfe's Jinja2 templates, rendered to YAML text (internal).
 *
 * timeloopfe renders every input file with Jinja2 before it reads it as YAML, with its
 * own functions (include, include_all, include_text, cwd, path_exists, add_to_path,
 * find_path, find_paths) and the variables of its jinja_parse_data (adse's -D name=value).
 * adse renders a file when its name ends in .jinja or .jinja2 or its text holds template
 * markup ("{{", "{%" or "{#"); any other file renders to itself, so it is read as it is.
 * The subset (docs/templates.md): statements set, if/elif/else, for/else; `{{ }}`,
 * comments, whitespace control with '-'; literals, names, attribute and item access,
 * arithmetic, '~', comparisons, in, and/or/not, `x if c else y`; the filters and tests
 * listed there; undefined names are errors (timeloopfe's StrictUndefined). Anything else is
 * an ADSE_E_SPEC error at the template's file:line:column naming the construct.
 * include(path, keys) renders "!include_loaded NAME.keys" as timeloopfe does; the tree
 * loader replaces that tag with the included file's nodes (adse__ysource), which keep
 * their own file:line:column. Every other byte of the rendered text keeps where it came
 * from (adse__yseg): a YAML error names the template line (or the file include_text()
 * pulled in), not a line of the rendered text.
 * Bounds: rendered text ADSE_YAML_MAX_BYTES; ADSE_JINJA_MAX_STEPS loop iterations and
 * output statements; ADSE_JINJA_MAX_DEPTH nesting of statements and expressions;
 * ADSE_JINJA_MAX_INCLUDES nested includes (a file that includes itself is an error);
 * ADSE_JINJA_MAX_BYTES of working memory per rendered file.
 * Ownership: the caller owns *out (adse__jrender_free); nodes and file names live in doc.
 * Thread-safety: none shared; the file functions read the file system.
 */
#ifndef ADSE_INPUT_JINJA_H
#define ADSE_INPUT_JINJA_H

#include <stdbool.h>
#include <stddef.h>

#include "adse/error.h"
#include "input/tree.h"

#define ADSE_JINJA_MAX_STEPS 10000000
#define ADSE_JINJA_MAX_DEPTH 200
#define ADSE_JINJA_MAX_INCLUDES 32
#define ADSE_JINJA_MAX_BYTES ((size_t)512 << 20)

typedef struct adse__jopts {
    const char *const *defines; /* "name=value" template variables (-D), borrowed */
    int n_defines;
    bool no_files; /* a text, not a file: include(), cwd(), ... are errors */
} adse__jopts;

/* One include() or include_all() of a rendered file. */
typedef struct adse__jinclude {
    char *name;                /* "topyaml_0" (malloc) */
    bool all;                  /* include_all: the value is the list of the files' values */
    const adse__ynode **roots; /* the files' documents (nodes of the doc; malloc'd array) */
    const char **files;        /* their names, for messages (doc-owned strings) */
    int n;
} adse__jinclude;

typedef struct adse__jrender {
    adse__ydoc *doc; /* where the included files were loaded */
    char *text;      /* the rendered YAML (malloc, NUL-terminated) */
    size_t len;
    adse__yseg *segs; /* where each byte came from (malloc) */
    size_t n_segs, cap_segs;
    adse__jinclude *incs; /* malloc */
    int n_incs, cap_incs;
} adse__jrender;

void adse__jrender_free(adse__jrender *r);

/* Whether a file of this name and text is a template (see above). */
bool adse__jinja_wanted(const char *name, const char *text, size_t len);

/* Renders text (the file name; relative paths of the file functions start at its folder)
 * into *out, loading what include() names into doc. */
adse_status adse__jinja_render(adse__ydoc *doc, const char *name, const char *text, size_t len,
                               const adse__jopts *opts, adse__jrender *out, adse_err *err);

/* adse__ydoc_add for a file that may be a template: rendered when adse__jinja_wanted. */
adse_status adse__jinja_load(adse__ydoc *doc, const char *name, const char *text, size_t len,
                             const adse__jopts *opts, adse_err *err);

/* Checks the "name=value" template variables defs[0..n): ADSE_E_USAGE naming one that is
 * malformed or a name given twice. Every load checks them, templates or not. */
adse_status adse__jinja_check_defines(const char *const *defs, int n, adse_err *err);

#endif
