/* A small SVG line-plot writer (see svg.h). */
#include "report/svg.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define W 720       /* figure width */
#define PANEL_H 250 /* height of one panel's plot area */
#define GAP 36      /* between panels */
#define ML 80       /* margins: left, right, top, bottom */
#define MR 190
#define MT 40
#define MB 50

static void text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

#define MAX_TICKS 100 /* per axis, whatever the data */

/* A "nice" step for about n ticks over span. */
static double nice_step(double span, int n)
{
    double raw = span / n;
    double p = pow(10, floor(log10(raw)));
    double m = raw / p;
    double k = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
    return k * p;
}

static void tick_label(char *buf, size_t size, double v, double step)
{
    if (fabs(v) < step * 1e-9) v = 0;
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 6 || fabs(v) >= 1e7 || step >= 1e5) /* one format along an axis of millions */
        snprintf(buf, size, "%.3g", v);
    else
        snprintf(buf, size, "%.*f", dec, v);
}

typedef struct frame {
    double x0, x1, y0, y1;  /* data range */
    double left, top, w, h; /* plot area in pixels */
} frame;

static double px(const frame *fr, double x)
{
    return fr->left + (x - fr->x0) / (fr->x1 - fr->x0) * fr->w;
}

static double py(const frame *fr, double y)
{
    return fr->top + fr->h - (y - fr->y0) / (fr->y1 - fr->y0) * fr->h;
}

/* The y axis of a panel whose data span [y0, y1] (either infinite: no data): the range
 * rounded out to "nice" ticks, horizontal grid lines, tick labels, the plot's frame and the
 * rotated axis label. Returns the panel's frame (x range x0..x1, width w, top top). */
static frame y_axis(FILE *f, double y0, double y1, double x0, double x1, double w, double top,
                    const char *ylabel)
{
    if (!isfinite(y0) || !isfinite(y1)) y0 = 0, y1 = 1;
    /* a span below the doubles' resolution at y0 is no span: ticks y0 + k * step would not
     * advance (values restored from a checkpoint may differ in the last bit) */
    if (y1 - y0 <= fabs(y0) * 1e-9) {
        double d = fabs(y0) > 0 ? fabs(y0) * 0.1 : 1;
        y0 -= d, y1 += d;
    }
    double ys = nice_step(y1 - y0, 5);
    y0 = floor(y0 / ys) * ys, y1 = ceil(y1 / ys) * ys;
    frame fr = {x0, x1, y0, y1, ML, top, w, PANEL_H};
    for (int k = 0; k <= MAX_TICKS; k++) {
        double y = y0 + k * ys;
        if (!(y <= y1 + ys * 1e-9)) break;
        char lab[32];
        tick_label(lab, sizeof lab, y, ys);
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", ML,
                py(&fr, y), ML + fr.w, py(&fr, y));
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ML - 6,
                py(&fr, y) + 4, lab);
    }
    fprintf(f,
            "<rect x=\"%d\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
            "stroke=\"#333\"/>\n",
            ML, top, fr.w, fr.h);
    fprintf(f,
            "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">",
            top + fr.h / 2, top + fr.h / 2);
    text(f, ylabel);
    fputs("</text>\n", f);
    return fr;
}

/* One legend entry right of the plot (row k of the panel at top): a swatch and the name. */
static void legend_entry(FILE *f, const frame *fr, int k, const char *color, bool box,
                         const char *name)
{
    double ly = fr->top + 16 + 18.0 * k, lx = fr->left + fr->w + 14;
    if (box)
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", lx,
                ly - 6, color);
    else
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"2\"/>\n",
                lx, ly, lx + 26, ly, color);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + (box ? 18 : 32), ly + 4);
    text(f, name);
    fputs("</text>\n", f);
}

/* Vertical grid lines every xs from the first multiple of xs in the frame's x range, with
 * their labels under the plot when labels. */
static void x_ticks(FILE *f, const frame *fr, double xs, bool labels)
{
    for (int k = 0; k <= MAX_TICKS; k++) {
        double x = ceil(fr->x0 / xs) * xs + k * xs;
        if (!(x <= fr->x1 + xs * 1e-9)) break;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
                px(fr, x), fr->top, px(fr, x), fr->top + fr->h);
        if (!labels) continue;
        char lab[32];
        tick_label(lab, sizeof lab, x, xs);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", px(fr, x),
                fr->top + fr->h + 18, lab);
    }
}

static void panel(FILE *f, const adse__svg_panel *p, double x0, double x1, double top,
                  bool x_labels)
{
    double y0 = INFINITY, y1 = -INFINITY;
    for (int s = 0; s < p->n_series; s++)
        for (int i = 0; i < p->series[s].n; i++) {
            double x = p->series[s].x[i], y = p->series[s].y[i];
            if (isfinite(x) && isfinite(y)) y0 = fmin(y0, y), y1 = fmax(y1, y);
        }
    frame fr = y_axis(f, y0, y1, x0, x1, W - ML - MR, top, p->ylabel);
    double xs = nice_step(x1 - x0, 8);
    if (xs < 1) xs = 1;
    x_ticks(f, &fr, xs, x_labels);
    for (int s = 0; s < p->n_series; s++) {
        const adse__svg_series *sr = &p->series[s];
        bool open = false;
        for (int i = 0; i < sr->n; i++) {
            double x = sr->x[i], y = sr->y[i];
            if (!isfinite(x) || !isfinite(y)) {
                if (open) fputs("\"/>\n", f);
                open = false;
                continue;
            }
            if (!open)
                fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                        sr->color);
            open = true;
            fprintf(f, "%.1f,%.1f ", px(&fr, x), py(&fr, y));
        }
        if (open) fputs("\"/>\n", f);
        for (int i = 0; i < sr->n; i++) {
            double x = sr->x[i], y = sr->y[i];
            if (isfinite(x) && isfinite(y))
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px(&fr, x),
                        py(&fr, y), sr->color);
        }
        legend_entry(f, &fr, s, sr->color, false, sr->name);
    }
}

/* The <svg> element of a width x h figure, its white background and the title centred at
 * title_x. */
static void svg_open(FILE *f, int width, int h, double title_x, const char *title)
{
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
            width, h, width, h);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, h);
    fprintf(f, "<text x=\"%g\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">", title_x);
    text(f, title);
    fputs("</text>\n", f);
}

bool adse__svg_plot(FILE *f, const char *title, const char *xlabel, const adse__svg_panel *panels,
                    int n_panels)
{
    double x0 = INFINITY, x1 = -INFINITY;
    for (int p = 0; p < n_panels; p++)
        for (int s = 0; s < panels[p].n_series; s++)
            for (int i = 0; i < panels[p].series[s].n; i++) {
                double x = panels[p].series[s].x[i];
                if (isfinite(x)) x0 = fmin(x0, x), x1 = fmax(x1, x);
            }
    if (!isfinite(x0)) x0 = 0, x1 = 1;
    if (x1 == x0) x1 = x0 + 1;
    int h = MT + MB + n_panels * PANEL_H + (n_panels > 1 ? (n_panels - 1) * GAP : 0);
    svg_open(f, W, h, ML + (W - ML - MR) / 2.0, title);
    for (int p = 0; p < n_panels; p++)
        panel(f, &panels[p], x0, x1, MT + p * (PANEL_H + GAP), p == n_panels - 1);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", ML + (W - ML - MR) / 2, h - 12);
    text(f, xlabel);
    fputs("</text>\n", f);
    fputs("</svg>\n", f);
    return !ferror(f);
}

/* ---- bar charts ---------------------------------------------------------------------- */

#define BAR_SLOT 18     /* minimum pixels per category */
#define LABEL_CHARS 52  /* category labels are cut to this many characters */
#define LEGEND_CHARS 22 /* legend names likewise (the right margin holds about that many) */
#define CHAR_W 6.0      /* width of a character at the labels' font size, pixels (upper bound) */

/* s cut to max characters ("..." at the end when cut) into buf. */
static const char *cut(const char *s, int max, char *buf, size_t size)
{
    int n = (int)strlen(s);
    if (n <= max)
        snprintf(buf, size, "%s", s);
    else
        snprintf(buf, size, "%.*s...", max - 3, s);
    return buf;
}

bool adse__svg_bars(FILE *f, const char *title, const char *xlabel, const char *const *categories,
                    int n, const adse__svg_bar_panel *panels, int n_panels)
{
    if (n < 1) n = 0;
    double slot = n ? fmax(BAR_SLOT, (double)(W - ML - MR) / n) : W - ML - MR;
    double pw = n ? slot * n : W - ML - MR;
    int width = ML + (int)ceil(pw) + MR;
    size_t longest = 0;
    for (int i = 0; i < n; i++)
        if (strlen(categories[i]) > longest) longest = strlen(categories[i]);
    if (longest > LABEL_CHARS) longest = LABEL_CHARS;
    int mb = 30 + (int)ceil(CHAR_W * (double)longest) + 24; /* rotated labels, then the x label */
    int h = MT + mb + n_panels * PANEL_H + (n_panels > 1 ? (n_panels - 1) * GAP : 0);
    svg_open(f, width, h, ML + pw / 2, title);
    char buf[64];
    for (int p = 0; p < n_panels; p++) {
        const adse__svg_bar_panel *bp = &panels[p];
        double top = MT + p * (PANEL_H + GAP), y1 = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < bp->n_stacks; k++)
                if (isfinite(bp->stacks[k].values[i]) && bp->stacks[k].values[i] > 0)
                    sum += bp->stacks[k].values[i];
            y1 = fmax(y1, sum);
        }
        frame fr = y_axis(f, 0, y1 > 0 ? y1 : 1, 0, n ? n : 1, pw, top, bp->ylabel);
        for (int i = 0; i < n; i++) {
            double base = 0, x = fr.left + slot * i + slot * 0.15;
            for (int k = 0; k < bp->n_stacks; k++) {
                double v = bp->stacks[k].values[i];
                if (!isfinite(v) || v <= 0) continue;
                double ya = py(&fr, base), yb = py(&fr, base + v);
                fprintf(f,
                        "<rect x=\"%.1f\" y=\"%.2f\" width=\"%.1f\" height=\"%.2f\" "
                        "fill=\"%s\"/>\n",
                        x, yb, slot * 0.7, ya - yb, bp->stacks[k].color);
                base += v;
            }
        }
        /* the legend lists the segments top down, as they stand in the bars */
        for (int k = 0; k < bp->n_stacks; k++) {
            const adse__svg_stack *sk = &bp->stacks[bp->n_stacks - 1 - k];
            legend_entry(f, &fr, k, sk->color, true, cut(sk->name, LEGEND_CHARS, buf, sizeof buf));
        }
        if (p < n_panels - 1) continue;
        /* one label per category, rotated to read upwards: each takes its slot's width (the
           font's height, 11 px, is less than a slot), so no two overlap */
        for (int i = 0; i < n; i++) {
            double x = fr.left + slot * (i + 0.5) + 4, y = top + PANEL_H + 8;
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
                    "transform=\"rotate(-90 %.1f %.1f)\">",
                    x, y, x, y);
            text(f, cut(categories[i], LABEL_CHARS, buf, sizeof buf));
            fputs("</text>\n", f);
        }
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", ML + pw / 2, h - 12);
    text(f, xlabel);
    fputs("</text>\n</svg>\n", f);
    return !ferror(f);
}

/* ---- scatter plots ------------------------------------------------------------------- */

#define SCATTER_GAP 64 /* between scatter panels: the x tick labels and the x axis label */
#define MAX_LABELS 64  /* on-plot labels of one panel kept clear of each other */

typedef struct box {
    double x0, y0, x1, y1;
} box;

static bool overlaps(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* A marker: a circle, or for marks a larger diamond with a dark outline. */
static void marker(FILE *f, double x, double y, adse__svg_style st, const char *color)
{
    switch (st) {
    case ADSE__SVG_DOTS:
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n", x, y, color);
        break;
    case ADSE__SVG_FRONT:
    case ADSE__SVG_HIGHLIGHT:
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#222\"/>\n", x, y,
                color);
        break;
    case ADSE__SVG_MARKS:
        fprintf(f, "<path d=\"M %.1f %.1f l 7 7 l -7 7 l -7 -7 z\" fill=\"%s\" stroke=\"#222\"/>\n",
                x, y - 7, color);
        break;
    }
}

/* Labels beside the marks of a panel: for each, the first of twelve positions around the
 * point whose box lies inside the plot and clear of every label already placed and of every
 * mark; a label with no such position is left to the legend. */
static void mark_labels(FILE *f, const frame *fr, const adse__svg_scatter_panel *p)
{
    box placed[MAX_LABELS], marks[MAX_LABELS];
    int n_placed = 0, n_marks = 0;
    for (int s = 0; s < p->n_sets; s++) {
        const adse__svg_points *ps = &p->sets[s];
        if (ps->style != ADSE__SVG_MARKS) continue;
        for (int i = 0; i < ps->n && n_marks < MAX_LABELS; i++) {
            if (!isfinite(ps->x[i]) || !isfinite(ps->y[i])) continue;
            double x = px(fr, ps->x[i]), y = py(fr, ps->y[i]);
            marks[n_marks++] = (box){x - 8, y - 8, x + 8, y + 8};
        }
    }
    static const double dx[12] = {10, -10, 10, -10, 0, 0, 10, -10, 10, -10, 0, 0};
    static const double dy[12] = {4, 4, -12, -12, -14, 20, 20, 20, -26, -26, -28, 34};
    for (int s = 0; s < p->n_sets; s++) {
        const adse__svg_points *ps = &p->sets[s];
        if (ps->style != ADSE__SVG_MARKS || !ps->labels) continue;
        for (int i = 0; i < ps->n && n_placed < MAX_LABELS; i++) {
            if (!isfinite(ps->x[i]) || !isfinite(ps->y[i]) || !ps->labels[i]) continue;
            double x = px(fr, ps->x[i]), y = py(fr, ps->y[i]);
            double w = CHAR_W * (double)strlen(ps->labels[i]), h = 12;
            for (int k = 0; k < 12; k++) {
                /* anchor: start when right of the point, end when left, middle above/below */
                double lx = dx[k] > 0 ? x + dx[k] : dx[k] < 0 ? x + dx[k] - w : x - w / 2;
                box b = {lx, y + dy[k] - h + 2, lx + w, y + dy[k] + 2};
                bool ok = b.x0 >= fr->left && b.x1 <= fr->left + fr->w && b.y0 >= fr->top &&
                          b.y1 <= fr->top + fr->h;
                for (int j = 0; j < n_placed && ok; j++)
                    ok = !overlaps(&b, &placed[j]);
                for (int j = 0; j < n_marks && ok; j++)
                    ok = !overlaps(&b, &marks[j]);
                if (!ok) continue;
                placed[n_placed++] = b;
                if (k >= 8) /* a far position: a thin leader line to the mark */
                    fprintf(f,
                            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                            "stroke=\"#777\" stroke-width=\"0.8\"/>\n",
                            x, y, fmin(fmax(x, b.x0), b.x1), dy[k] < 0 ? b.y1 : b.y0);
                fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", lx, y + dy[k]);
                text(f, ps->labels[i]);
                fputs("</text>\n", f);
                break;
            }
        }
    }
}

static void scatter_panel(FILE *f, const adse__svg_scatter_panel *p, double top)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int s = 0; s < p->n_sets; s++)
        for (int i = 0; i < p->sets[s].n; i++) {
            double x = p->sets[s].x[i], y = p->sets[s].y[i];
            if (!isfinite(x) || !isfinite(y)) continue;
            x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
        }
    if (p->x_max >= x0 && p->x_max < x1) x1 = p->x_max;
    if (p->y_max >= y0 && p->y_max < y1) y1 = p->y_max;
    if (!isfinite(x0)) x0 = 0, x1 = 1;
    if (x1 - x0 <= fabs(x0) * 1e-9) {
        double d = fabs(x0) > 0 ? fabs(x0) * 0.1 : 1;
        x0 -= d, x1 += d;
    }
    double xs = nice_step(x1 - x0, 6);
    x0 = floor(x0 / xs) * xs, x1 = ceil(x1 / xs) * xs;
    frame fr = y_axis(f, y0, y1, x0, x1, W - ML - MR, top, p->ylabel);
    x_ticks(f, &fr, xs, true);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", fr.left + fr.w / 2,
            top + fr.h + 38);
    text(f, p->xlabel);
    fputs("</text>\n", f);
    char buf[64];
    int beyond = 0;
#define INSIDE(x, y)                                                                               \
    (isfinite(x) && isfinite(y) && (x) <= fr.x1 && (y) <= fr.y1 && (x) >= fr.x0 && (y) >= fr.y0)
    for (int s = 0; s < p->n_sets; s++) {
        const adse__svg_points *ps = &p->sets[s];
        if (ps->style == ADSE__SVG_FRONT) {
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                    ps->color);
            for (int i = 0; i < ps->n; i++)
                if (INSIDE(ps->x[i], ps->y[i]))
                    fprintf(f, "%.1f,%.1f ", px(&fr, ps->x[i]), py(&fr, ps->y[i]));
            fputs("\"/>\n", f);
        }
        for (int i = 0; i < ps->n; i++) {
            if (INSIDE(ps->x[i], ps->y[i]))
                marker(f, px(&fr, ps->x[i]), py(&fr, ps->y[i]), ps->style, ps->color);
            else
                beyond += isfinite(ps->x[i]) && isfinite(ps->y[i]);
        }
        /* the legend: the set's marker and name */
        double ly = fr.top + 16 + 18.0 * s, lx = fr.left + fr.w + 14;
        marker(f, lx + 6, ly, ps->style, ps->color);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + 18, ly + 4);
        text(f, cut(ps->name, LEGEND_CHARS, buf, sizeof buf));
        fputs("</text>\n", f);
    }
#undef INSIDE
    if (beyond)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">%d beyond the "
                "axes</text>\n",
                fr.left + fr.w + 14, fr.top + 16 + 18.0 * p->n_sets + 4, beyond);
    mark_labels(f, &fr, p);
}

bool adse__svg_scatter(FILE *f, const char *title, const adse__svg_scatter_panel *panels,
                       int n_panels)
{
    int h = MT + n_panels * PANEL_H + n_panels * SCATTER_GAP;
    svg_open(f, W, h, ML + (W - ML - MR) / 2.0, title);
    for (int p = 0; p < n_panels; p++)
        scatter_panel(f, &panels[p], MT + p * (PANEL_H + SCATTER_GAP));
    fputs("</svg>\n", f);
    return !ferror(f);
}
