/* timeloopfe's template functions and the rendering of files (input/jinja.h): paths
 * resolved as timeloopfe resolves them (a relative path against the including file's folder
 * first, then every add_to_path() folder, all matches of a glob, duplicates once), include()
 * rendered as "!include_loaded NAME.keys" with the included file loaded into the document,
 * include_text() as the included file's rendered text, and where every rendered byte came
 * from. */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/internal.h"
#include "input/jinja_internal.h"
#include "util/numtext.h"
#include "util/grow.h"

/* ---- output ------------------------------------------------------------------------- */

static bool add_seg(adse__jrender *r, size_t off, const char *file, int line, int col, bool exact)
{
    if (r->n_segs > 0) {
        adse__yseg *last = &r->segs[r->n_segs - 1];
        /* the same run of template text continues: one segment */
        if (exact && last->exact && last->file == file && last->line == line &&
            last->column + (int)(off - last->off) == col)
            return true;
        if (last->off == off) r->n_segs--; /* the previous one got no bytes */
    }
    if (r->n_segs == r->cap_segs) {
        size_t cap = r->cap_segs ? r->cap_segs * 2 : 64;
        adse__yseg *s = realloc(r->segs, cap * sizeof *s);
        if (!s) return false;
        r->segs = s;
        r->cap_segs = cap;
    }
    r->segs[r->n_segs++] = (adse__yseg){off, file, line, col, exact};
    return true;
}

adse_status adse__jemit(jctx *c, const char *s, size_t n, int line, int col, bool exact,
                        const jorigin *origin)
{
    size_t base = c->out.n;
    adse__jbuf_add(&c->out, s, n);
    if (c->out.failed)
        return adse__jerr(c, line, col,
                          "rendered template larger than ADSE_YAML_MAX_BYTES (%d MiB)",
                          ADSE_YAML_MAX_BYTES >> 20);
    bool ok = true;
    if (origin) {
        for (size_t i = 0; i < origin->n && ok; i++) {
            const adse__yseg *g = &origin->segs[i];
            ok = add_seg(c->r, base + g->off, g->file, g->line, g->column, g->exact);
        }
    } else {
        ok = add_seg(c->r, base, c->file, line, col, exact);
        for (size_t i = 0; i < n && ok; i++) {
            if (s[i] != '\n' || i + 1 == n) continue;
            if (exact) {
                line++;
                col = 1;
            }
            ok = add_seg(c->r, base + i + 1, c->file, line, exact ? 1 : col, exact);
        }
    }
    return ok ? ADSE_OK : adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

void adse__jrender_free(adse__jrender *r)
{
    if (!r) return;
    free(r->text);
    free(r->segs);
    for (int i = 0; i < r->n_incs; i++) {
        free(r->incs[i].name);
        free(r->incs[i].roots);
        free(r->incs[i].files);
    }
    free(r->incs);
    memset(r, 0, sizeof *r);
}

/* ---- which files ---------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool adse__jinja_wanted(const char *name, const char *text, size_t len)
{
    if (name && (ends_with(name, ".jinja") || ends_with(name, ".jinja2"))) return true;
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '{' && (text[i + 1] == '{' || text[i + 1] == '%' || text[i + 1] == '#'))
            return true;
    return false;
}

/* ---- variables (-D) ----------------------------------------------------------------- */

static bool is_ident(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return false;
    return true;
}

static adse_status check_define(const char *def, adse_err *err)
{
    const char *eq = def ? strchr(def, '=') : NULL;
    if (!eq)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "template variable '%s' must be written NAME=VALUE", def ? def : "");
    if (!is_ident(def, (size_t)(eq - def)))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "template variable '%s': '%.*s' is not a name (letters, digits, '_')",
                            def, (int)(eq - def), def);
    if (!eq[1])
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "template variable '%s' has no value",
                            def);
    return ADSE_OK;
}

adse_status adse__jinja_check_defines(const char *const *defs, int n, adse_err *err)
{
    for (int i = 0; i < n; i++) {
        adse_status st = check_define(defs[i], err);
        if (st) return st;
        size_t len = (size_t)(strchr(defs[i], '=') - defs[i]);
        for (int k = 0; k < i; k++)
            if (strncmp(defs[k], defs[i], len) == 0 && defs[k][len] == '=')
                return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                                    "template variable '%.*s' given twice", (int)len, defs[i]);
    }
    return ADSE_OK;
}

/* A YAML scalar as a template value: booleans, null, integers, floats, else a string
 * (quotes removed). */
static adse_status scalar_value(adse__arena *a, const char *s, jval *out)
{
    size_t n = strlen(s);
    static const char *const t[] = {"true", "True", "TRUE"},
                             *const f[] = {"false", "False", "FALSE"},
                             *const nul[] = {"null", "Null", "NULL", "~"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, t[i]) == 0 || strcmp(s, f[i]) == 0) {
            *out = (jval){.k = J_BOOL, .b = strcmp(s, t[i]) == 0};
            return ADSE_OK;
        }
    for (int i = 0; i < 4; i++)
        if (strcmp(s, nul[i]) == 0) {
            *out = (jval){.k = J_NONE};
            return ADSE_OK;
        }
    const char *p = s + (*s == '-' || *s == '+');
    size_t digits = strspn(p, "0123456789");
    if (digits > 0 && !p[digits] && digits <= 18) {
        *out = (jval){.k = J_INT, .i = strtoll(s, NULL, 10)};
        return ADSE_OK;
    }
    char *end;
    bool numeric = (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])));
    double d = numeric ? adse__num_parse(s, &end) : 0;
    if (numeric && !*end && strchr(s, 'x') == NULL && strchr(s, 'X') == NULL) {
        *out = (jval){.k = J_FLOAT, .f = d};
        return ADSE_OK;
    }
    if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
        s++;
        n -= 2;
    }
    const char *copy = adse__arena_strndup(a, s, n);
    if (!copy) return ADSE_E_NOMEM;
    *out = (jval){.k = J_STR, .s = copy, .n = n};
    return ADSE_OK;
}

static adse_status shared_init(jshared *sh, adse__ydoc *doc, const adse__jopts *o, adse_err *err)
{
    memset(sh, 0, sizeof *sh);
    sh->opts = o;
    sh->doc = doc;
    int n = o ? o->n_defines : 0;
    if (n == 0) return ADSE_OK;
    sh->defines = adse__arena_alloc(&sh->arena, (size_t)n * sizeof *sh->defines);
    if (!sh->defines) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_status st = adse__jinja_check_defines(o->defines, n, err);
    if (st) return st;
    for (int i = 0; i < n; i++) {
        const char *d = o->defines[i];
        const char *eq = strchr(d, '=');
        const char *name = adse__arena_strndup(&sh->arena, d, (size_t)(eq - d));
        if (!name) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        if (scalar_value(&sh->arena, eq + 1, &sh->defines[i].v))
            return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        sh->defines[i].name = name;
        sh->n_defines++;
    }
    return ADSE_OK;
}

/* ---- paths -------------------------------------------------------------------------- */

/* dir/p (p itself when absolute) with "." and ".." and repeated '/' removed, malloc'd. */
static char *join_norm(const char *dir, const char *p)
{
    size_t n = strlen(dir) + strlen(p) + 2;
    char *joined = malloc(n), *out = malloc(n + 1);
    if (!joined || !out) {
        free(joined);
        free(out);
        return NULL;
    }
    if (p[0] == '/')
        snprintf(joined, n, "%s", p);
    else
        snprintf(joined, n, "%s/%s", dir, p);
    size_t k = 0;
    out[k++] = '/';
    for (char *s = joined; *s;) {
        while (*s == '/')
            s++;
        char *e = s;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (len == 0 || (len == 1 && s[0] == '.')) {
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (k > 1) {
                k--; /* drop the trailing '/' and the last component */
                while (k > 1 && out[k - 1] != '/')
                    k--;
            }
        } else {
            memcpy(out + k, s, len);
            k += len;
            out[k++] = '/';
        }
        s = e;
    }
    if (k > 1) k--; /* no trailing '/' */
    out[k] = 0;
    free(joined);
    return out;
}

/* The file's folder (abs is an absolute path). */
static char *dir_of(const char *abs)
{
    size_t size = strlen(abs) + 1;
    char *d = malloc(size);
    if (d) adse__path_dir(abs, d, size);
    return d;
}

/* A name for messages: relative to the working folder when inside it. */
static const char *display_name(jctx *c, const char *abs)
{
    char cwd[PATH_MAX];
    const char *name = abs;
    if (getcwd(cwd, sizeof cwd)) {
        size_t n = strlen(cwd);
        if (strncmp(abs, cwd, n) == 0 && abs[n] == '/') name = abs + n + 1;
    }
    return adse__ydoc_intern(c->sh->doc, name);
}

typedef struct pathlist {
    char **p;
    int n, cap;
} pathlist;

static void pathlist_free(pathlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->p[i]);
    free(l->p);
    memset(l, 0, sizeof *l);
}

static bool pathlist_add(pathlist *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->p[i], s) == 0) return true;
    if (!adse__grow(&l->p, &l->cap, l->n + 1, sizeof *l->p)) return false;
    if (!(l->p[l->n] = strdup(s))) return false;
    l->n++;
    return true;
}

/* The folders a relative path is looked up in: the current file's, then add_to_path's. */
static adse_status search_dirs(jctx *c, const char *fn, int line, int col, pathlist *dirs)
{
    if (!c->abs_path)
        return adse__jerr(c, line, col,
                          "%s() needs a template file (this template is a text, not a file)", fn);
    char *d = dir_of(c->abs_path);
    bool ok = d && pathlist_add(dirs, d);
    free(d);
    for (int i = 0; ok && i < c->n_dirs; i++)
        ok = pathlist_add(dirs, c->dirs[i]);
    return ok ? ADSE_OK : adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

static adse_status not_found(jctx *c, const char *fn, const char *p, const pathlist *searched,
                             int line, int col)
{
    char list[400] = "";
    size_t k = 0;
    for (int i = 0; i < searched->n && k + 4 < sizeof list; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", searched->p[i]);
    return adse__jerr(c, line, col, "%s('%s'): no such file (looked for %s)", fn, p, list);
}

/* timeloopfe's find_paths: every match of p (a glob) in the search folders, resolved,
 * each once, in the folders' order and sorted within one. */
static adse_status find_paths(jctx *c, const char *fn, const char *p, int line, int col,
                              pathlist *found)
{
    pathlist dirs = {0}, searched = {0};
    adse_status st = search_dirs(c, fn, line, col, &dirs);
    for (int i = 0; !st && i < (p[0] == '/' ? 1 : dirs.n); i++) {
        char *s = join_norm(dirs.p[i], p);
        if (!s || !pathlist_add(&searched, s)) {
            free(s);
            st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        glob_t g;
        if (glob(s, 0, NULL, &g) == 0) {
            for (size_t k = 0; k < g.gl_pathc && !st; k++) {
                char *real = realpath(g.gl_pathv[k], NULL);
                if (!pathlist_add(found, real ? real : g.gl_pathv[k]))
                    st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
                free(real);
            }
            globfree(&g);
        }
        free(s);
    }
    if (!st && found->n == 0) st = not_found(c, fn, p, &searched, line, col);
    pathlist_free(&dirs);
    pathlist_free(&searched);
    return st;
}

/* timeloopfe's find_path: the first existing p (no glob) in the search folders. */
static adse_status find_path(jctx *c, const char *fn, const char *p, int line, int col,
                             char **found, bool quiet)
{
    pathlist dirs = {0}, searched = {0};
    adse_status st = search_dirs(c, fn, line, col, &dirs);
    *found = NULL;
    for (int i = 0; !st && !*found && i < (p[0] == '/' ? 1 : dirs.n); i++) {
        char *s = join_norm(dirs.p[i], p);
        struct stat sb;
        if (!s || !pathlist_add(&searched, s))
            st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        else if (stat(s, &sb) == 0)
            *found = realpath(s, NULL);
        free(s);
    }
    if (!st && !*found && !quiet) st = not_found(c, fn, p, &searched, line, col);
    pathlist_free(&dirs);
    pathlist_free(&searched);
    return st;
}

/* ---- rendering files ------------------------------------------------------------------ */

static adse_status render(jshared *sh, const char *name, const char *abs, const char *const *dirs,
                          int n_dirs, const char *text, size_t len, adse__jrender *out,
                          adse_err *err);

static adse_status resolve_include(void *ctx, const adse__ynode *scalar, const adse__ynode **out,
                                   adse_err *err);

/* Reads and renders the file abs (not a template: its text with its own positions). */
static adse_status render_file(jctx *c, const char *abs, int line, int col, adse__jrender *r,
                               const char **disp)
{
    jshared *sh = c->sh;
    for (int i = 0; i < sh->depth; i++)
        if (strcmp(sh->chain[i], abs) == 0)
            return adse__jerr(c, line, col, "'%s' includes itself", display_name(c, abs));
    if (sh->depth >= ADSE_JINJA_MAX_INCLUDES)
        return adse__jerr(c, line, col, "includes nested deeper than ADSE_JINJA_MAX_INCLUDES (%d)",
                          ADSE_JINJA_MAX_INCLUDES);
    *disp = display_name(c, abs);
    if (!*disp) return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    char *text;
    size_t len;
    adse_status st = adse__read_file(abs, &text, &len, c->err);
    if (st) return st;
    sh->chain[sh->depth++] = abs;
    st = render(sh, *disp, abs, c->dirs, c->n_dirs, text, len, r, c->err);
    sh->depth--;
    free(text);
    return st;
}

static adse_status add_include(jctx *c, bool all, const pathlist *files, int line, int col,
                               const char *keys, jval *out)
{
    adse__jrender *r = c->r;
    if (!adse__grow(&r->incs, &r->cap_incs, r->n_incs + 1, sizeof *r->incs))
        return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse__jinclude *inc = &r->incs[r->n_incs];
    memset(inc, 0, sizeof *inc);
    /* timeloopfe's name: the including file's name up to its last '.', word characters
     * only, '_' and a counter */
    const char *base = strrchr(c->abs_path, '/');
    base = base ? base + 1 : c->abs_path;
    const char *dot = strrchr(base, '.');
    size_t blen = dot ? (size_t)(dot - base) : strlen(base);
    char name[300];
    size_t k = 0;
    for (size_t i = 0; i < blen && k < 256; i++)
        if (isalnum((unsigned char)base[i]) || base[i] == '_' || (unsigned char)base[i] >= 0x80)
            name[k++] = base[i];
    snprintf(name + k, sizeof name - k, "_%d", c->include_counter++);
    inc->name = strdup(name);
    inc->roots = calloc((size_t)files->n, sizeof *inc->roots);
    inc->files = calloc((size_t)files->n, sizeof *inc->files);
    inc->all = all;
    r->n_incs++; /* freed with r from here on */
    if (!inc->name || !inc->roots || !inc->files)
        return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    for (int i = 0; i < files->n; i++) {
        adse__jrender child = {0};
        adse_status st = render_file(c, files->p[i], line, col, &child, &inc->files[i]);
        if (!st) {
            adse__ysource src = {child.segs, child.n_segs, resolve_include, &child};
            st = adse__ydoc_parse(c->sh->doc, child.text, child.len, inc->files[i], &src,
                                  &inc->roots[i], c->err);
        }
        adse__jrender_free(&child);
        if (st) return st;
        inc->n++;
    }
    jbuf b = {0};
    adse__jbuf_addc(&b, "!include_loaded ");
    adse__jbuf_addc(&b, name);
    while (*keys == '.')
        keys++;
    if (*keys) {
        adse__jbuf_addc(&b, ".");
        adse__jbuf_addc(&b, keys);
    }
    const char *s = b.failed ? NULL : adse__arena_strndup(&c->arena, b.p, b.n);
    size_t n = b.n;
    free(b.p);
    if (!s) return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    *out = (jval){.k = J_STR, .s = s, .n = n};
    return ADSE_OK;
}

static adse_status include_text(jctx *c, const pathlist *files, int line, int col, jval *out)
{
    jbuf b = {0};
    adse__yseg *segs = NULL;
    size_t n_segs = 0;
    adse_status st = ADSE_OK;
    for (int i = 0; i < files->n && !st; i++) {
        adse__jrender child = {0};
        const char *disp;
        if (i > 0) adse__jbuf_add(&b, "\n", 1); /* the files joined by newlines */
        st = render_file(c, files->p[i], line, col, &child, &disp);
        if (!st && child.n_incs > 0)
            st = adse__jerr(c, line, col,
                            "'%s' uses include() and is pulled in by include_text(), whose text "
                            "cannot carry what include() loaded (timeloopfe cannot either)",
                            disp);
        adse__yseg *ns = st ? NULL : realloc(segs, (n_segs + child.n_segs + 2) * sizeof *ns);
        if (!st && !ns) st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        if (!st) {
            segs = ns;
            if (i > 0) /* the joining newline */
                segs[n_segs++] = (adse__yseg){b.n - 1, c->file, line, col, false};
            for (size_t k = 0; k < child.n_segs; k++) {
                segs[n_segs] = child.segs[k];
                segs[n_segs++].off += b.n;
            }
            adse__jbuf_add(&b, child.text, child.len);
        }
        adse__jrender_free(&child);
    }
    jorigin *o = st ? NULL : adse__arena_alloc(&c->arena, sizeof *o);
    adse__yseg *copy = st ? NULL : adse__arena_alloc(&c->arena, (n_segs + 1) * sizeof *copy);
    if (!st && (!o || !copy)) st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!st && b.failed)
        st = adse__jerr(c, line, col, "include_text() larger than ADSE_YAML_MAX_BYTES%s", "");
    if (!st) {
        if (n_segs) memcpy(copy, segs, n_segs * sizeof *copy);
        *o = (jorigin){copy, n_segs};
        const char *s = adse__arena_strndup(&c->arena, b.p ? b.p : "", b.n);
        if (!s)
            st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        else
            *out = (jval){.k = J_STR, .s = s, .n = b.n, .origin = o};
    }
    free(segs);
    free(b.p);
    return st;
}

static adse_status str_arg(jctx *c, const char *fn, const jval *args, int n, int min, int max,
                           int line, int col)
{
    if (n < min || n > max)
        return adse__jerr(c, line, col, "%s() takes %d%s%s argument%s, got %d", fn, min,
                          max > min ? " or " : "", max > min ? "2" : "", max > 1 ? "s" : "", n);
    for (int i = 0; i < n; i++)
        if (args[i].k != J_STR)
            return adse__jerr(c, line, col, "%s(): argument %d must be a string, got %s", fn, i + 1,
                              adse__jval_type(&args[i]));
    return ADSE_OK;
}

static adse_status new_str(jctx *c, const char *s, jval *out)
{
    const char *copy = adse__arena_strndup(&c->arena, s, strlen(s));
    if (!copy) return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    *out = (jval){.k = J_STR, .s = copy, .n = strlen(s)};
    return ADSE_OK;
}

static adse_status add_dirs(jctx *c, const pathlist *found)
{
    for (int i = 0; i < found->n; i++) {
        if (!adse__grow(&c->dirs, &c->cap_dirs, c->n_dirs + 1, sizeof *c->dirs))
            return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        const char *s = adse__arena_strndup(&c->arena, found->p[i], strlen(found->p[i]));
        if (!s) return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        c->dirs[c->n_dirs++] = s;
    }
    return ADSE_OK;
}

bool adse__jfile_call(jctx *c, const char *fn, const jval *args, int n, int line, int col,
                      jval *out, adse_status *st)
{
    static const char *const names[] = {"cwd",          "include",     "include_all",
                                        "include_text", "path_exists", "add_to_path",
                                        "find_path",    "find_paths",  NULL};
    int which = 0;
    while (names[which] && strcmp(names[which], fn) != 0)
        which++;
    if (!names[which]) {
        if (strcmp(fn, "setenv") == 0) {
            *st = adse__jerr(c, line, col,
                             "setenv() is outside adse's template subset (adse reads no "
                             "environment variables)");
            return true;
        }
        return false;
    }
    if (c->sh->opts && c->sh->opts->no_files) {
        *st = adse__jerr(c, line, col,
                         "%s() needs a template file (this template is a text, not a file)", fn);
        return true;
    }
    pathlist found = {0};
    char *one = NULL;
    switch (which) {
    case 0: /* cwd() */
        if (!(*st = str_arg(c, fn, args, n, 0, 0, line, col))) {
            if (!c->abs_path)
                *st = adse__jerr(c, line, col,
                                 "cwd() needs a template file (this template is a "
                                 "text, not a file)");
            else if (!(one = dir_of(c->abs_path)))
                *st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
            else
                *st = new_str(c, one, out);
        }
        break;
    case 1: /* include(path, keys='') */
    case 2: /* include_all(glob, keys='') */
        if ((*st = str_arg(c, fn, args, n, 1, 2, line, col))) break;
        if ((*st = find_paths(c, fn, args[0].s, line, col, &found))) break;
        if (which == 1 && found.n > 1) {
            *st =
                adse__jerr(c, line, col,
                           "include('%s') found %d files (%s, %s%s): include_all() takes several",
                           args[0].s, found.n, found.p[0], found.p[1], found.n > 2 ? ", ..." : "");
            break;
        }
        *st = add_include(c, which == 2, &found, line, col, n > 1 ? args[1].s : "", out);
        break;
    case 3: /* include_text(path) */
        if ((*st = str_arg(c, fn, args, n, 1, 1, line, col))) break;
        if (!(*st = find_paths(c, fn, args[0].s, line, col, &found)))
            *st = include_text(c, &found, line, col, out);
        break;
    case 4: /* path_exists(path) */
        if ((*st = str_arg(c, fn, args, n, 1, 1, line, col))) break;
        if (!(*st = find_path(c, fn, args[0].s, line, col, &one, true)))
            *out = (jval){.k = J_BOOL, .b = one != NULL};
        break;
    case 5: /* add_to_path(path) */
        if ((*st = str_arg(c, fn, args, n, 1, 1, line, col))) break;
        if (!(*st = find_paths(c, fn, args[0].s, line, col, &found)) &&
            !(*st = add_dirs(c, &found)))
            *out = (jval){.k = J_STR, .s = "", .n = 0};
        break;
    case 6: /* find_path(path) */
        if ((*st = str_arg(c, fn, args, n, 1, 1, line, col))) break;
        if (!(*st = find_path(c, fn, args[0].s, line, col, &one, false)))
            *st = new_str(c, one, out);
        break;
    case 7: { /* find_paths(glob) */
        if ((*st = str_arg(c, fn, args, n, 1, 1, line, col))) break;
        if ((*st = find_paths(c, fn, args[0].s, line, col, &found))) break;
        jval *items = adse__arena_alloc(&c->arena, (size_t)found.n * sizeof *items);
        if (!items) {
            *st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        for (int i = 0; i < found.n && !*st; i++)
            *st = new_str(c, found.p[i], &items[i]);
        if (!*st) *out = (jval){.k = J_LIST, .items = items, .n = (size_t)found.n};
        break;
    }
    }
    free(one);
    pathlist_free(&found);
    return true;
}

/* ---- the tag include() renders -------------------------------------------------------- */

static const adse__ynode *walk(const adse__ynode *n, const char *keys, char *missing, size_t size)
{
    char key[256];
    while (*keys) {
        const char *dot = strchr(keys, '.');
        size_t len = dot ? (size_t)(dot - keys) : strlen(keys);
        snprintf(key, sizeof key, "%.*s", (int)len, keys);
        const adse__ynode *next = adse__ymap_get(n, key);
        if (!next) {
            snprintf(missing, size, "%s", key);
            return NULL;
        }
        n = next;
        keys += len + (dot != NULL);
    }
    return n;
}

static adse_status resolve_include(void *ctx, const adse__ynode *scalar, const adse__ynode **out,
                                   adse_err *err)
{
    const adse__jrender *r = ctx;
    const char *text = scalar->text, *dot = strchr(text, '.');
    size_t len = dot ? (size_t)(dot - text) : strlen(text);
    const adse__jinclude *inc = NULL;
    for (int i = 0; i < r->n_incs && !inc; i++)
        if (strlen(r->incs[i].name) == len && strncmp(r->incs[i].name, text, len) == 0)
            inc = &r->incs[i];
    if (!inc)
        return adse__yerr(err, ADSE_E_SPEC, scalar,
                          "'!include_loaded %s' names nothing include() loaded", text);
    const char *keys = dot ? dot + 1 : "";
    const adse__ynode *items[64];
    if (inc->n > 64)
        return adse__yerr(err, ADSE_E_SPEC, scalar, "include_all() of more than 64 files");
    for (int i = 0; i < inc->n; i++) {
        char missing[256] = "";
        const adse__ynode *root = inc->roots[i];
        if (!root)
            return adse__yerr(err, ADSE_E_SPEC, scalar, "the included '%s' is empty",
                              inc->files[i]);
        if (!(items[i] = walk(root, keys, missing, sizeof missing)))
            return adse__yerr(err, ADSE_E_SPEC, scalar,
                              "no key '%s' in the included '%s' (keys '%s')", missing,
                              inc->files[i], keys);
    }
    if (!inc->all) {
        *out = items[0];
        return ADSE_OK;
    }
    adse__ynode *seq = adse__ynew_seq(r->doc, scalar);
    for (int i = 0; seq && i < inc->n; i++)
        if (!adse__yseq_push(r->doc, seq, items[i])) seq = NULL;
    if (!seq) return adse__ydoc_build_status(r->doc, scalar, err);
    *out = seq;
    return ADSE_OK;
}

/* ---- the driver ----------------------------------------------------------------------- */

static adse_status render(jshared *sh, const char *name, const char *abs, const char *const *dirs,
                          int n_dirs, const char *text, size_t len, adse__jrender *out,
                          adse_err *err)
{
    memset(out, 0, sizeof *out);
    out->doc = sh->doc;
    jctx c = {.sh = sh, .err = err, .r = out};
    c.file = adse__ydoc_intern(sh->doc, name);
    adse_status st =
        c.file ? ADSE_OK : adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!st && abs && !(c.abs_path = adse__arena_strndup(&c.arena, abs, strlen(abs))))
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    for (int i = 0; !st && i < n_dirs; i++) {
        pathlist one = {0};
        if (!pathlist_add(&one, dirs[i]) || add_dirs(&c, &one))
            st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        pathlist_free(&one);
    }
    /* Jinja2 reads "\r\n" and "\r" as "\n" and drops one trailing newline */
    char *norm = st ? NULL : malloc(len + 1);
    if (!st && !norm) st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; !st && i < len; i++) {
        if (text[i] == '\r') {
            norm[n++] = '\n';
            if (i + 1 < len && text[i + 1] == '\n') i++;
        } else {
            norm[n++] = text[i];
        }
    }
    if (n > 0 && norm[n - 1] == '\n') n--;
    jnode *body = NULL;
    if (!st) st = adse__jparse(&c, norm, n, &body);
    if (!st) st = adse__jexec(&c, body);
    if (!st && !add_seg(out, c.out.n, c.file, 0, 0, false)) /* an end marker, dropped below */
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!st) {
        out->n_segs--;
        if (!c.out.p) adse__jbuf_add(&c.out, "", 0);
        if (c.out.failed) st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (!st) {
        out->text = c.out.p;
        out->len = c.out.n;
        c.out.p = NULL;
    }
    free(c.out.p);
    free(norm);
    free(c.dirs);
    adse__arena_free(&c.arena);
    if (st) adse__jrender_free(out);
    return st;
}

adse_status adse__jinja_render(adse__ydoc *doc, const char *name, const char *text, size_t len,
                               const adse__jopts *opts, adse__jrender *out, adse_err *err)
{
    jshared sh;
    memset(out, 0, sizeof *out);
    adse_status st = shared_init(&sh, doc, opts, err);
    char *abs = NULL;
    if (!st && !(opts && opts->no_files)) {
        abs = realpath(name, NULL);
        if (!abs) st = adse_err_set(err, ADSE_E_IO, name, 0, 0, "cannot resolve the path");
    }
    if (!st) {
        if (abs) sh.chain[sh.depth++] = abs;
        st = render(&sh, name, abs, NULL, 0, text, len, out, err);
    }
    free(abs);
    adse__arena_free(&sh.arena);
    return st;
}

adse_status adse__jinja_load(adse__ydoc *doc, const char *name, const char *text, size_t len,
                             const adse__jopts *opts, adse_err *err)
{
    if (!adse__jinja_wanted(name, text, len)) return adse__ydoc_add(doc, text, len, name, err);
    adse__jrender r;
    adse_status st = adse__jinja_render(doc, name, text, len, opts, &r, err);
    if (!st) {
        adse__ysource src = {r.segs, r.n_segs, resolve_include, &r};
        st = adse__ydoc_add_source(doc, r.text, r.len, name, &src, err);
    }
    adse__jrender_free(&r);
    return st;
}
