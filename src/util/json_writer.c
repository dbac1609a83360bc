#include "util/json_writer.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "util/numtext.h"

void adse__json_init(adse__json *w, FILE *f, int indent)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->indent = indent < 0 ? 0 : indent;
}

static void newline_indent(adse__json *w)
{
    if (!w->indent) return;
    fputc('\n', w->f);
    for (int i = 0; i < w->depth * w->indent; i++)
        fputc(' ', w->f);
}

/* Called before any value or key: writes the separator the position needs. */
static void before_item(adse__json *w, bool is_key)
{
    if (w->depth == 0) return; /* top-level value */
    int d = w->depth - 1;
    if (w->after_key) {
        /* value of an object member: the key already placed the separator */
        if (is_key) w->failed = true;
        w->after_key = false;
        return;
    }
    if (w->in_object[d] && !is_key) {
        w->failed = true; /* a value in an object needs a key */
        return;
    }
    if (!w->in_object[d] && is_key) {
        w->failed = true; /* keys only in objects */
        return;
    }
    if (w->has_member[d]) fputc(',', w->f);
    w->has_member[d] = true;
    newline_indent(w);
}

static void begin(adse__json *w, bool object)
{
    before_item(w, false);
    if (w->depth >= ADSE__JSON_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    fputc(object ? '{' : '[', w->f);
    w->in_object[w->depth] = object;
    w->has_member[w->depth] = false;
    w->depth++;
}

static void end(adse__json *w, bool object)
{
    if (w->depth == 0 || w->in_object[w->depth - 1] != object || w->after_key) {
        w->failed = true;
        return;
    }
    bool had = w->has_member[w->depth - 1];
    w->depth--;
    if (had) newline_indent(w);
    fputc(object ? '}' : ']', w->f);
}

void adse__json_begin_object(adse__json *w)
{
    begin(w, true);
}

void adse__json_end_object(adse__json *w)
{
    end(w, true);
}

void adse__json_begin_array(adse__json *w)
{
    begin(w, false);
}

void adse__json_end_array(adse__json *w)
{
    end(w, false);
}

static void write_escaped(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void adse__json_key(adse__json *w, const char *key)
{
    before_item(w, true);
    if (w->failed) return;
    write_escaped(w->f, key);
    fputs(w->indent ? ": " : ":", w->f);
    w->after_key = true;
}

void adse__json_string(adse__json *w, const char *s)
{
    before_item(w, false);
    write_escaped(w->f, s);
}

void adse__json_uint(adse__json *w, uint64_t v)
{
    before_item(w, false);
    fprintf(w->f, "%" PRIu64, v);
}

void adse__json_int(adse__json *w, int64_t v)
{
    before_item(w, false);
    fprintf(w->f, "%" PRId64, v);
}

void adse__json_double(adse__json *w, double v)
{
    before_item(w, false);
    if (!isfinite(v)) {
        fputs("null", w->f);
        return;
    }
    /* a valid JSON number (optional '-', digits, fraction, exponent) that reads back as v,
     * with a '.' so typed readers see a real: 12288 -> 12288.0 */
    char buf[ADSE__NUM_BUF];
    fputs(adse__num_format(buf, sizeof buf, v, ADSE__NUM_POINT), w->f);
}

void adse__json_bool(adse__json *w, bool v)
{
    before_item(w, false);
    fputs(v ? "true" : "false", w->f);
}

void adse__json_null(adse__json *w)
{
    before_item(w, false);
    fputs("null", w->f);
}

void adse__json_kv_string(adse__json *w, const char *key, const char *s)
{
    adse__json_key(w, key);
    adse__json_string(w, s);
}

void adse__json_kv_uint(adse__json *w, const char *key, uint64_t v)
{
    adse__json_key(w, key);
    adse__json_uint(w, v);
}

void adse__json_kv_int(adse__json *w, const char *key, int64_t v)
{
    adse__json_key(w, key);
    adse__json_int(w, v);
}

void adse__json_kv_double(adse__json *w, const char *key, double v)
{
    adse__json_key(w, key);
    adse__json_double(w, v);
}

void adse__json_kv_bool(adse__json *w, const char *key, bool v)
{
    adse__json_key(w, key);
    adse__json_bool(w, v);
}

bool adse__json_finish(adse__json *w)
{
    fputc('\n', w->f);
    return !w->failed && w->depth == 0 && !w->after_key && !ferror(w->f);
}
