/*
 * fuzz/fuzz_template.c: the Jinja2 template renderer (input/jinja.h) on fuzzer input, as a
 * text (the file functions refuse: no file system access), with three -D variables; then
 * the rendered text with its position map through the spec loader
 * (adse_spec_load_strings_opts renders a text with template markup the same way).
 */
#include "fuzz_common.h"

#include "adse/adse.h"
#include "input/jinja.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    if (!text) return 0;
    static const char *const vars[] = {"n=3", "name=simba_like", "flag=true"};
    adse__ydoc *doc = NULL;
    adse_err err;
    if (adse__ydoc_new(&doc, &err) == ADSE_OK) {
        adse__jopts o = {vars, 3, true};
        adse__jrender r;
        if (adse__jinja_render(doc, "fuzz.jinja", text, size, &o, &r, &err) == ADSE_OK) {
            /* every byte's origin must be a position in the template */
            for (size_t i = 0; i < r.n_segs; i++)
                if (r.segs[i].off > r.len || (i && r.segs[i].off < r.segs[i - 1].off)) abort();
            adse__jrender_free(&r);
        }
        adse__ydoc_free(doc);
    }
    adse_spec_options opts;
    adse_spec_options_init(&opts);
    opts.energy = ADSE_ENERGY_MODE_TIMELOOP_FALLBACK;
    opts.template_vars = vars;
    opts.n_template_vars = 3;
    const char *texts[] = {text}, *names[] = {"fuzz.jinja"};
    adse_spec *spec = NULL;
    if (adse_spec_load_strings_opts(texts, names, 1, &opts, &spec, &err) == ADSE_OK)
        adse_spec_free(spec);
    free(text);
    return 0;
}
