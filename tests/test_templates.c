/*
 * tests/test_templates.c: timeloopfe's Jinja2 templates (input/jinja.h, docs/templates.md).
 *
 * Expected renderings: tests/data/templates/expected/ were rendered by the real Jinja2
 * (3.1.6) with functions that behave like timeloopfe's (render_with_jinja2.py; origin in
 * tests/data/README.md): the template cases of cases/, the public example designs'
 * top.yaml.jinja2, a layer shape and the 2024 tutorial's files. The texts and positions
 * written in this file are worked out by hand from Jinja2's rules.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "adse/adse.h"
#include "input/jinja.h"
#include "input/tree.h"

/* Renders a file (path under tests/data) with the -D variables; the text, or NULL with the
 * formatted error in errbuf. */
static char *render_file(const char *rel, const char *const *vars, int n, char *errbuf, size_t size)
{
    const char *path = testutil_path(rel);
    char *text = testutil_read_file(path);
    assert_non_null(text);
    adse__ydoc *doc;
    adse_err err;
    adse_err_clear(&err);
    assert_int_equal(adse__ydoc_new(&doc, &err), ADSE_OK);
    adse__jopts o = {vars, n, false};
    adse__jrender r;
    char *out = NULL;
    if (adse__jinja_render(doc, path, text, strlen(text), &o, &r, &err) == ADSE_OK) {
        out = strdup(r.text);
        adse__jrender_free(&r);
    } else {
        adse_err_format(&err, errbuf, size);
    }
    adse__ydoc_free(doc);
    free(text);
    return out;
}

/* Renders a text (no file functions). */
static char *render_text(const char *text, const char *const *vars, int n, adse_err *err)
{
    adse__ydoc *doc;
    assert_int_equal(adse__ydoc_new(&doc, err), ADSE_OK);
    adse__jopts o = {vars, n, true};
    adse__jrender r;
    char *out = NULL;
    adse_err_clear(err);
    if (adse__jinja_render(doc, "t.jinja", text, strlen(text), &o, &r, err) == ADSE_OK) {
        out = strdup(r.text);
        adse__jrender_free(&r);
    }
    adse__ydoc_free(doc);
    return out;
}

static void expect_rendering(const char *rel, const char *const *vars, int n,
                             const char *expected_rel)
{
    char msg[1200] = "";
    char *got = render_file(rel, vars, n, msg, sizeof msg);
    if (!got) fail_msg("%s: %s", rel, msg);
    char *want = testutil_read_file(testutil_path(expected_rel));
    assert_non_null(want);
    if (strcmp(got, want) != 0)
        fail_msg("%s renders differently from %s:\n%s", rel, expected_rel, got);
    free(got);
    free(want);
}

/* Each construct of the subset against what Jinja2 renders. */
static void test_cases_match_jinja2(void **state)
{
    (void)state;
    static const char *const names[] = {"whitespace", "arith", "logic", "values",
                                        "filters",    "loops", "crlf",  NULL};
    char rel[128], exp[128];
    for (int i = 0; names[i]; i++) {
        snprintf(rel, sizeof rel, "templates/cases/%s.jinja", names[i]);
        snprintf(exp, sizeof exp, "templates/expected/%s.txt", names[i]);
        expect_rendering(rel, NULL, 0, exp);
    }
    /* -D values are YAML scalars: an integer, a float, a boolean, a string, a quoted
     * string kept a string, null */
    static const char *const vars[] = {"n=41", "f=2.5", "b=true", "s=hello", "q='007'", "z=null"};
    expect_rendering("templates/cases/vars.jinja", vars, 6, "templates/expected/vars.txt");
}

/* The public example designs' top file, a layer shape and the 2024 tutorial. */
static void test_public_templates_match_jinja2(void **state)
{
    (void)state;
    static const char *const archs[] = {"eyeriss_like", "simba_like", "simple_weight_stationary",
                                        "simple_output_stationary", NULL};
    char var[96], exp[128];
    for (int i = 0; archs[i]; i++) {
        snprintf(var, sizeof var, "architecture=%s", archs[i]);
        snprintf(exp, sizeof exp, "templates/expected/top_%s.yaml", archs[i]);
        const char *v[] = {var};
        expect_rendering("v04/example_designs/top.yaml.jinja2", v, 1, exp);
    }
    const char *v2[] = {"architecture=simba_like", "problem=../layer_shapes/alexnet/0.yaml"};
    expect_rendering("v04/example_designs/top.yaml.jinja2", v2, 2,
                     "templates/expected/top_simba_like_alexnet0.yaml");
    expect_rendering("v04/layer_shapes/alexnet/0.yaml", NULL, 0,
                     "templates/expected/alexnet_0.yaml");
    expect_rendering("templates/tutorial2024-02/top.yaml.jinja", NULL, 0,
                     "templates/expected/tutorial_top.yaml");
    const char *v3[] = {"reg_enabled=false"};
    expect_rendering("templates/tutorial2024-02/inputs/arch.yaml", v3, 1,
                     "templates/expected/tutorial_arch_noreg.yaml");
    const char *v4[] = {"datawidth_jinja=16"};
    expect_rendering("templates/tutorial2024-02/inputs/variables.yaml", v4, 1,
                     "templates/expected/tutorial_variables_16.yaml");
}

/* Renderings worked out by hand from Jinja2's rules. */
static void test_hand_written(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        /* a block tag keeps the newline after it (no trim_blocks); one trailing newline of
         * the template is dropped */
        {"a\n{% if 1 %}\nb\n{% endif %}\nc\n", "a\n\nb\n\nc"},
        /* '-' strips all whitespace, newlines too, on its side */
        {"a  \n  {%- if 1 -%}  \n  b  {{- 2 -}}  \n  c{% endif %}", "ab2c"},
        {"x {#- note -#} y", "xy"},
        /* set inside a for body stays in the loop; inside an if it does not */
        {"{% set v = 1 %}{% for i in [5] %}{% set v = i %}{{ v }}{% endfor %}{{ v }}", "51"},
        {"{% set v = 1 %}{% if true %}{% set v = 2 %}{% endif %}{{ v }}", "2"},
        /* default covers an undefined name, not a falsy value unless asked */
        {"{{ u | default(3) }} {{ 0 | default(3) }} {{ 0 | default(3, true) }}", "3 0 3"},
        /* '/' is true division, '//' floors, '~' joins the str() of both sides */
        {"{{ 7 / 2 }} {{ -7 // 2 }} {{ 1 ~ 2.0 ~ none }}", "3.5 -4 12.0None"},
        /* end markers inside brackets do not end the tag */
        {"{{ {'a': {'b': 1}}['a'] }}", "{'b': 1}"},
        {"{% for k in {'x': 1, 'y': 2} %}{{ k }}{{ loop.index }} {% endfor %}", "x1 y2 "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        adse_err err;
        char *got = render_text(cases[i].in, NULL, 0, &err);
        char msg[1200];
        if (!got) fail_msg("case %zu: %s", i, adse_err_format(&err, msg, sizeof msg));
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].out);
        free(got);
    }
}

/* Anything outside the subset, and every failure, names the file, line and column. */
static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *msg;
    } cases[] = {
        {"a: {{ b }}", "t.jinja:1:7: 'b' is undefined"},
        {"a: 1\n{% macro m() %}{% endmacro %}", "t.jinja:2:4: the statement '{% macro %}' is "
                                                "outside adse's template subset"},
        {"x\n\n  {% if 1 %}y", "t.jinja:3:6: '{% if %}' without its '{% endif %}'"},
        /* found by fuzzing: an else branch that reaches the end (a read past the list of
         * closing tags) */
        {"{% if 1 %}a{% else %}b", "t.jinja:1:4: '{% if %}' without its '{% endif %}'"},
        {"{% for x in [1] %}{% else %}", "t.jinja:1:4: '{% for %}' without its '{% endfor %}'"},
        {"{{ 1 + }}", "t.jinja:1:8: expected an expression, got '}}'"},
        {"{{ 'a' * 3 }}", "t.jinja:1:8: repeating a string or list with '*' is outside adse's "
                          "template subset"},
        {"{% set d = {} %}{{ d.items() }}", "t.jinja:1:21: the method 'items' is outside adse's "
                                            "template subset"},
        {"{{ [3] | sort }}", "t.jinja:1:10: the filter 'sort' is outside adse's template subset"},
        {"{{ 1 // 0 }}", "t.jinja:1:6: integer division or modulo by zero"},
        {"{{ 9223372036854775807 + 1 }}",
         "t.jinja:1:24: integer overflow (adse's templates have 64-bit integers)"},
        /* 2 ** 128 squared 2 ** 64 inside __int128 (UBSan, found by fuzz_template) */
        {"{{ 2 ** 128 }}", "t.jinja:1:6: integer overflow (adse's templates have 64-bit integers)"},
        {"{{ (-2) ** 64 }}",
         "t.jinja:1:9: integer overflow (adse's templates have 64-bit integers)"},
        {"ok\n{# open", "t.jinja:2:1: '{#' without its '#}'"},
        {"{{ x", "t.jinja:1:1: '{{' without its '}}'"},
        {"{% for a, b in c %}{% endfor %}",
         "t.jinja:1:9: unpacking several loop variables is outside adse's template subset"},
        {"{{ include('a.yaml', 'k') }}",
         "t.jinja:1:4: include() needs a template file (this template is a text, not a file)"},
        {"{{ 'a' < 1 }}", "t.jinja:1:10: '<' not supported between instances of 'str' and 'int'"},
        {"{% endif %}", "t.jinja:1:4: '{% endif %}' without an opening statement"},
        {"{{ {'a': 1}.b }}", "t.jinja:1:12: {'a': 1} has no entry 'b'"},
        {"{% for i in range(20000000) %}{% endfor %}",
         "t.jinja:1:13: range() longer than ADSE_JINJA_MAX_STEPS (10000000)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        adse_err err;
        char msg[1200];
        char *got = render_text(cases[i].in, NULL, 0, &err);
        if (got) fail_msg("case %zu rendered '%s'", i, got);
        adse_err_format(&err, msg, sizeof msg);
        if (strcmp(msg, cases[i].msg) != 0)
            fail_msg("case %zu: got\n  %s\nwant\n  %s", i, msg, cases[i].msg);
    }
    /* -D variables */
    static const struct {
        const char *def, *msg;
    } defs[] = {
        {"x", "template variable 'x' must be written NAME=VALUE"},
        {"1a=3", "template variable '1a=3': '1a' is not a name (letters, digits, '_')"},
        {"a=", "template variable 'a=' has no value"},
    };
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        adse_err err;
        const char *v[] = {defs[i].def};
        assert_null(render_text("a", v, 1, &err));
        assert_int_equal(err.code, ADSE_E_USAGE);
        assert_string_equal(err.msg, defs[i].msg);
        /* also when no file is a template (they were not looked at then) */
        adse_spec_options o;
        adse_spec_options_init(&o);
        o.template_vars = v;
        o.n_template_vars = 1;
        const char *texts[] = {"problem: {instance: {C: 1}}\n"};
        adse_spec *s = NULL;
        assert_int_equal(adse_spec_load_strings_opts(texts, NULL, 1, &o, &s, &err), ADSE_E_USAGE);
        assert_null(s);
        assert_string_equal(err.msg, defs[i].msg);
    }
    /* a good variable with no template among the inputs is said to be unused */
    {
        const char *v[] = {"ok=3"};
        adse_spec_options o;
        adse_spec_options_init(&o);
        o.template_vars = v;
        o.n_template_vars = 1;
        const char *plain[] = {"{}\n"};
        adse_spec *s = testutil_load_strings_ok(plain, NULL, 1, &o);
        assert_int_equal(adse_spec_warning_count(s), 1);
        assert_string_equal(adse_spec_warning(s, 0)->msg,
                            "template variable 'ok' is not used: no input is a Jinja2 template");
        adse_spec_free(s);
        const char *tmpl[] = {"{# {{ ok }} #}{}\n"};
        s = testutil_load_strings_ok(tmpl, NULL, 1, &o);
        assert_int_equal(adse_spec_warning_count(s), 0);
        adse_spec_free(s);
    }
    adse_err err;
    const char *twice[] = {"a=1", "a=2"};
    assert_null(render_text("a", twice, 2, &err));
    assert_string_equal(err.msg, "template variable 'a' given twice");
}

/* The file functions' errors, in files. */
static void test_file_errors(void **state)
{
    (void)state;
    char msg[1200];
    assert_null(render_file("templates/errors/self.jinja", NULL, 0, msg, sizeof msg));
    if (!strstr(msg, "self.jinja:2:4: '") || !strstr(msg, "errors/self.jinja' includes itself"))
        fail_msg("%s", msg);
    assert_null(render_file("templates/errors/missing.jinja", NULL, 0, msg, sizeof msg));
    assert_non_null(strstr(msg, "missing.jinja:2:7: include('no_such_file.yaml'): no such file "
                                "(looked for /"));
    assert_null(render_file("templates/errors/several.jinja", NULL, 0, msg, sizeof msg));
    assert_non_null(strstr(msg, "several.jinja:2:9: include('../cases/*.jinja') found 8 files"));
    /* a key include() names is looked up when the rendered YAML is read: the error is at
     * the template's expression */
    const char *path = testutil_path("templates/errors/nokey.jinja");
    adse_spec *spec = NULL;
    adse_err err;
    assert_int_not_equal(adse_spec_load(&path, 1, &spec, &err), ADSE_OK);
    assert_null(spec);
    adse_err_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "nokey.jinja:1:12: no key 'nokey' in the included "));
}

static const adse__ynode *load_doc(adse__ydoc **doc, const char *rel, const char *const *vars,
                                   int n)
{
    const char *path = testutil_path(rel);
    char *text = testutil_read_file(path);
    assert_non_null(text);
    adse_err err;
    assert_int_equal(adse__ydoc_new(doc, &err), ADSE_OK);
    adse__jopts o = {vars, n, false};
    adse_status st = adse__jinja_load(*doc, path, text, strlen(text), &o, &err);
    char msg[1200];
    if (st) fail_msg("%s", adse_err_format(&err, msg, sizeof msg));
    free(text);
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* include() puts the included file's nodes, with their own positions, where the template
 * names them; include_all() a list of them. */
static void test_includes_loaded(void **state)
{
    (void)state;
    adse__ydoc *doc;
    const char *v[] = {"architecture=simple_weight_stationary"};
    load_doc(&doc, "v04/example_designs/top.yaml.jinja2", v, 1);
    const adse__ynode *arch = adse__ydoc_top(doc, "architecture");
    assert_true(adse__ynode_is_map(arch));
    assert_true(ends_with(arch->file, "simple_weight_stationary/arch.yaml"));
    assert_int_equal(arch->line, 5); /* its first key, 'version' */
    assert_int_equal(arch->column, 3);
    assert_non_null(adse__ymap_get(arch, "nodes"));
    const adse__ynode *classes = adse__ymap_get(adse__ydoc_top(doc, "components"), "classes");
    assert_true(adse__ynode_is_seq(classes));
    assert_int_equal(classes->n, 6); /* the six files of _components/, one list each */
    for (int i = 0; i < classes->n; i++)
        assert_true(adse__ynode_is_seq(classes->items[i]));
    assert_true(ends_with(classes->items[0]->file, "_components/intmac.yaml"));
    const adse__ynode *inst = adse__ymap_get(adse__ydoc_top(doc, "problem"), "instance");
    assert_true(ends_with(inst->file, "_include/default_problem.yaml"));
    /* the template's own lines keep the template's positions */
    const adse__ypair *vars = adse__ydoc_top_pair(doc, "variables");
    assert_true(ends_with(vars->key->file, "top.yaml.jinja2"));
    assert_int_equal(vars->key->line, 50);
    adse__ydoc_free(doc);

    /* include_text: the base problem's lines keep their file and line */
    load_doc(&doc, "v04/layer_shapes/alexnet/0.yaml", NULL, 0);
    const adse__ypair *base = adse__ydoc_top_pair(doc, "problem_base_ignore");
    assert_true(ends_with(base->key->file, "layer_shapes/problem_base.yaml"));
    assert_int_equal(base->key->line, 1);
    const adse__ynode *g = adse__ymap_get(adse__ymap_get(base->value, "instance"), "G");
    assert_int_equal(g->line, 9);
    assert_int_equal(g->column, 8);
    const adse__ypair *prob = adse__ydoc_top_pair(doc, "problem");
    assert_true(ends_with(prob->key->file, "alexnet/0.yaml"));
    assert_int_equal(prob->key->line, 2);
    adse__ydoc_free(doc);
}

/* Errors in the rendered YAML name the template's line. */
static void test_yaml_errors_name_template_lines(void **state)
{
    (void)state;
    static const struct {
        const char *in, *msg;
    } cases[] = {
        /* line 3 of the template holds the key the expression wrote */
        {"{% set k = 'bogus' %}\n# c\n{{ k }}: 1\n", "t.jinja:3:4: unknown top-level key 'bogus'"},
        /* the text after a stripped block keeps its column */
        {"{% if true -%}\n   problem: 3\n{% endif %}",
         "t.jinja:2:13: 'problem' must be a mapping, got a scalar"},
        /* libyaml's error inside the rendered text */
        {"a: 1\n{% for i in [1] %}\nb: [{{ i }}\n{% endfor %}\nc: 3\n",
         "t.jinja:5:2: did not find expected ',' or ']' of the rendered template (while parsing "
         "a flow sequence that started at line 3, column 4)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *texts[] = {cases[i].in}, *names[] = {"t.jinja"};
        adse_spec *spec = NULL;
        adse_err err;
        char msg[1200];
        assert_int_not_equal(adse_spec_load_strings(texts, names, 1, &spec, &err), ADSE_OK);
        adse_err_format(&err, msg, sizeof msg);
        if (strcmp(msg, cases[i].msg) != 0)
            fail_msg("case %zu: got\n  %s\nwant\n  %s", i, msg, cases[i].msg);
    }
}

/* The command line: -D on model, map, energy, convert and search; a template without its
 * variable. */
static void test_cli(void **state)
{
    (void)state;
    const char *top = testutil_path("v04/example_designs/top.yaml.jinja2");
    testutil_run r = testutil_cli(testutil_tmp, "model %s", top);
    if (r.status != 1 || !strstr(r.err, "top.yaml.jinja2:20:36: 'architecture' is undefined"))
        testutil_run_show(&r), fail();
    testutil_run_free(&r);
    for (int k = 0; k < 4; k++) {
        static const char *const cmds[] = {"model", "map", "energy", "convert"};
        r = testutil_cli(testutil_tmp, "%s -D architecture %s", cmds[k], top);
        if (r.status == 0 ||
            !strstr(r.err, "template variable 'architecture' must be written NAME=VALUE"))
            testutil_run_show(&r), fail();
        testutil_run_free(&r);
    }
    /* convert: what the template renders to, read and translated */
    r = testutil_cli(testutil_tmp, "convert -D architecture=simple_weight_stationary %s", top);
    if (r.status != 0 || !strstr(r.out, "\narchitecture:") || !strstr(r.out, "\nproblem:"))
        testutil_run_show(&r), fail();
    testutil_run_free(&r);

    /* search: a workload file that is a template, its variable on the command line */
    char path[600];
    snprintf(path, sizeof path, "%s/spec.yaml", testutil_tmp);
    const char *o = "seed-experiment/original";
    testutil_write(
        path,
        "design:\n  architecture: %s/arch/eyeriss_like.yaml\n"
        "  constraints: [%s/constraints/eyeriss_like_arch_constraints.yaml]\n"
        "workload:\n  - {problem: prob.jinja, name: small}\n"
        "parameters:\n"
        "  - {name: glb_depth, component: shared_glb, attribute: depth, values: [1024, 16384]}\n"
        "ga: {population: 2, generations: 1, parents: 2, mutation: 0.5, seed: 3}\n",
        testutil_path(o), testutil_path(o));
    snprintf(path, sizeof path, "%s/prob.jinja", testutil_tmp);
    testutil_write(path, "# the workload, named on the command line\n{{ include_text(prob) }}\n");
    r = testutil_cli(testutil_tmp, "search --threads 1 %s/spec.yaml", testutil_tmp);
    if (r.status != 1 || !strstr(r.err, "prob.jinja:2:17: 'prob' is undefined"))
        testutil_run_show(&r), fail();
    testutil_run_free(&r);
    r = testutil_cli(testutil_tmp, "search --threads 1 -D prob=%s %s/spec.yaml",
                     testutil_path("search/small_prob.yaml"), testutil_tmp);
    if (r.status != 0 || !strstr(r.out, "1 generations, 2 designs mapped"))
        testutil_run_show(&r), fail();
    testutil_run_free(&r);

    r = testutil_cli(testutil_tmp, "model --help");
    assert_non_null(strstr(r.out, "-D, --define NAME=VALUE"));
    testutil_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_match_jinja2),
        cmocka_unit_test(test_public_templates_match_jinja2),
        cmocka_unit_test(test_hand_written),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_includes_loaded),
        cmocka_unit_test(test_yaml_errors_name_template_lines),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, testutil_tmp_setup, testutil_tmp_teardown);
}
