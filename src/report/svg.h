/*
 * report/svg.h: a small SVG line-plot writer (internal).
 *
 * One figure: a title, then panels stacked vertically that share the x axis; each panel has
 * its own y axis, "nice" ticks (1, 2, 5 x 10^k), up to ADSE__SVG_MAX_SERIES series of
 * (x, y) points drawn as polylines with markers, and a legend. Points whose x or y is not
 * finite are skipped (a series breaks there). The SVG is plain text written to a
 * caller-owned FILE*; text is XML-escaped.
 * adse__svg_bars draws bar charts the same way: panels stacked vertically that share the
 * categories (one bar each, of stacked segments), with the category labels under the last
 * panel.
 * adse__svg_scatter draws scatter plots: panels stacked vertically, each with its own x and
 * y axes, sets of points drawn as light dots, as a joined and highlighted front, as
 * highlighted points, or as labeled marks (labels placed clear of each other and of the
 * marks, else left to the legend).
 */
#ifndef ADSE_REPORT_SVG_H
#define ADSE_REPORT_SVG_H

#include <stdbool.h>
#include <stdio.h>

#define ADSE__SVG_MAX_SERIES 4

typedef struct adse__svg_series {
    const char *name;  /* legend text */
    const char *color; /* CSS colour, e.g. "#1f77b4" */
    const double *x;   /* n points */
    const double *y;
    int n;
} adse__svg_series;

typedef struct adse__svg_panel {
    const char *ylabel;
    const adse__svg_series *series;
    int n_series;
} adse__svg_panel;

/* Writes the figure; false when the stream reports an error. */
bool adse__svg_plot(FILE *f, const char *title, const char *xlabel, const adse__svg_panel *panels,
                    int n_panels);

typedef struct adse__svg_stack {
    const char *name;     /* legend text */
    const char *color;    /* CSS colour */
    const double *values; /* one per category; segments not > 0 or not finite are skipped */
} adse__svg_stack;

typedef struct adse__svg_bar_panel {
    const char *ylabel;
    const adse__svg_stack *stacks; /* drawn from the bottom up, listed top down */
    int n_stacks;                  /* at most 12 fit the legend */
} adse__svg_bar_panel;

/* Writes a bar chart of n categories: the figure widens so that every category has at least
 * 18 pixels; labels (cut to 52 characters) are rotated under the last panel, one per slot,
 * so that none overlaps; the y axes start at 0. False when the stream reports an error. */
bool adse__svg_bars(FILE *f, const char *title, const char *xlabel, const char *const *categories,
                    int n, const adse__svg_bar_panel *panels, int n_panels);

typedef enum adse__svg_style {
    ADSE__SVG_DOTS = 0,  /* small points, no line */
    ADSE__SVG_FRONT,     /* larger outlined points joined in the order given */
    ADSE__SVG_HIGHLIGHT, /* larger outlined points, not joined */
    ADSE__SVG_MARKS      /* a diamond per point, labeled beside it with labels[i] */
} adse__svg_style;

typedef struct adse__svg_points {
    const char *name;  /* legend text */
    const char *color; /* CSS colour */
    const double *x, *y;
    int n;
    adse__svg_style style;
    const char *const *labels; /* MARKS: per point (NULL: the legend only) */
} adse__svg_points;

typedef struct adse__svg_scatter_panel {
    const char *xlabel, *ylabel;
    double x_max, y_max;          /* the axes end at the first "nice" tick at or above these; points
                                     beyond are not drawn but counted under the legend; NAN: at the
                                     data's largest values */
    const adse__svg_points *sets; /* drawn in order: the last on top; at most 12 fit the
                                     legend */
    int n_sets;
} adse__svg_scatter_panel;

/* Writes n_panels scatter plots stacked vertically. False when the stream reports an
 * error. */
bool adse__svg_scatter(FILE *f, const char *title, const adse__svg_scatter_panel *panels,
                       int n_panels);

#endif
