/*
 * Multi-objective building blocks (search/pareto.h) against independent oracles: ranks from
 * the longest dominance chain (a fixed point over all O(n^2) pairs), crowding distance from
 * its definition (neighbours found by scanning), selection by a selection sort on those,
 * the non-dominated subset from the O(n^2) definition, and the hypervolume by counting
 * grid cells (integer coordinates) and by inclusion-exclusion over boxes (real coordinates),
 * on thousands of small seeded random sets and a few of 300 points with integer coordinates so that
 * ties happen; plus hand-computed cases. Each test prints how many random cases it checked.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/pareto.h"

#define MAXN 40

/* A random point set: n in [1, max_n], k in [1, 3] (or fixed), integer coordinates in
 * [0, span), about a third infeasible with violations 1 .. 3 (when with_violation). */
typedef struct rset {
    adse__mo_points p;
    double obj[MAXN * ADSE__MO_MAX_OBJ];
    double viol[MAXN];
} rset;

static void random_set(rset *s, adse__rng *r, int max_n, int k, int span, bool with_violation)
{
    s->p.n = 1 + (int)adse__rng_below(r, (uint64_t)max_n);
    s->p.k = k > 0 ? k : 1 + (int)adse__rng_below(r, 3);
    for (int i = 0; i < s->p.n * s->p.k; i++)
        s->obj[i] = (double)adse__rng_below(r, (uint64_t)span);
    for (int i = 0; i < s->p.n; i++)
        s->viol[i] = with_violation && adse__rng_below(r, 3) == 0
                         ? (double)(1 + adse__rng_below(r, 3))
                         : 0.0;
    s->p.obj = s->obj;
    s->p.violation = with_violation ? s->viol : NULL;
}

/* Deb's rule written out again from its statement. */
static bool oracle_dominates(const adse__mo_points *p, int a, int b)
{
    double va = p->violation ? p->violation[a] : 0, vb = p->violation ? p->violation[b] : 0;
    if (va == 0 && vb > 0) return true;
    if (va > 0 && vb == 0) return false;
    if (va > 0 && vb > 0) return va < vb;
    int le = 0, lt = 0;
    for (int j = 0; j < p->k; j++) {
        le += p->obj[a * p->k + j] <= p->obj[b * p->k + j];
        lt += p->obj[a * p->k + j] < p->obj[b * p->k + j];
    }
    return le == p->k && lt > 0;
}

/* Rank = length of the longest chain of dominators above a point. */
static void oracle_ranks(const adse__mo_points *p, int *rank)
{
    for (int i = 0; i < p->n; i++)
        rank[i] = 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < p->n; i++)
            for (int q = 0; q < p->n; q++)
                if (oracle_dominates(p, q, i) && rank[q] + 1 > rank[i]) {
                    rank[i] = rank[q] + 1;
                    changed = true;
                }
    }
}

/* Crowding of member i of front f (all points with rank[] == f), by definition. */
static double oracle_crowding(const adse__mo_points *p, const int *rank, int f, int i)
{
    int m = 0;
    for (int q = 0; q < p->n; q++)
        m += rank[q] == f;
    if (m <= 2) return INFINITY;
    double d = 0.0;
    bool boundary = false;
    for (int j = 0; j < p->k; j++) {
        double v = p->obj[i * p->k + j], lo = INFINITY, hi = -INFINITY;
        int prev = -1, next = -1;
        for (int q = 0; q < p->n; q++) {
            if (rank[q] != f) continue;
            double w = p->obj[q * p->k + j];
            lo = fmin(lo, w);
            hi = fmax(hi, w);
            bool before = w < v || (w == v && q < i), after = w > v || (w == v && q > i);
            double pw = prev >= 0 ? p->obj[prev * p->k + j] : 0;
            double nw = next >= 0 ? p->obj[next * p->k + j] : 0;
            if (before && (prev < 0 || w > pw || (w == pw && q > prev))) prev = q;
            if (after && (next < 0 || w < nw || (w == nw && q < next))) next = q;
        }
        if (prev < 0 || next < 0)
            boundary = true;
        else if (hi > lo)
            d += (p->obj[next * p->k + j] - p->obj[prev * p->k + j]) / (hi - lo);
    }
    return boundary ? INFINITY : d;
}

static void assert_same_double(double got, double want)
{
    if (isinf(want))
        assert_true(isinf(got) && got > 0);
    else
        assert_true(fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want)));
}

/* ---- domination ------------------------------------------------------------------------ */

static void test_compare_hand(void **state)
{
    (void)state;
    /* 0 dominates 1 (feasible); 2 is infeasible (violation 2) but Pareto-better than all;
     * 3 is infeasible with violation 1; 4 duplicates 0. */
    double obj[] = {1, 2, 2, 2, 0, 0, 5, 5, 1, 2};
    double viol[] = {0, 0, 2, 1, 0};
    adse__mo_points p = {5, 2, obj, viol};
    assert_int_equal(adse__mo_compare(&p, 0, 1), -1);
    assert_int_equal(adse__mo_compare(&p, 1, 0), 1);
    assert_int_equal(adse__mo_compare(&p, 1, 2), -1); /* feasible beats infeasible */
    assert_int_equal(adse__mo_compare(&p, 3, 2), -1); /* less violation wins */
    assert_int_equal(adse__mo_compare(&p, 0, 4), 0);  /* identical: neither */
    assert_int_equal(adse__mo_compare(&p, 2, 2), 0);
    double a[] = {1, 2, 3}, b[] = {1, 2, 3}, c[] = {1, 3, 3}, d[] = {0, 4, 3};
    assert_false(adse__mo_dominates(3, a, b));
    assert_true(adse__mo_dominates(3, a, c));
    assert_false(adse__mo_dominates(3, a, d));
    assert_false(adse__mo_dominates(3, d, a));
}

static void test_compare_random(void **state)
{
    (void)state;
    adse__rng r;
    adse__rng_seed(&r, 11);
    int cases = 0;
    for (int t = 0; t < 2000; t++) {
        rset s;
        random_set(&s, &r, 10, 0, 3, true);
        for (int a = 0; a < s.p.n; a++)
            for (int b = 0; b < s.p.n; b++) {
                int c = adse__mo_compare(&s.p, a, b);
                assert_int_equal(c == -1, oracle_dominates(&s.p, a, b));
                assert_int_equal(c == 1, oracle_dominates(&s.p, b, a));
                cases++;
            }
    }
    printf("compare: %d random pairs checked\n", cases);
}

/* ---- sorting, crowding, selection --------------------------------------------------------- */

static void test_sort_random(void **state)
{
    (void)state;
    adse__rng r;
    adse__rng_seed(&r, 12);
    int sets = 0;
    for (int t = 0; t < 3000; t++) {
        rset s;
        random_set(&s, &r, MAXN, 0, 4, t % 2 == 0);
        int rank[MAXN], want[MAXN], order[MAXN], fs[MAXN + 1], work[MAXN];
        int nf = adse__nsga2_sort(&s.p, rank, order, fs, work);
        oracle_ranks(&s.p, want);
        int max_rank = 0;
        for (int i = 0; i < s.p.n; i++) {
            assert_int_equal(rank[i], want[i]);
            max_rank = want[i] > max_rank ? want[i] : max_rank;
        }
        assert_int_equal(nf, max_rank + 1);
        assert_int_equal(fs[0], 0);
        assert_int_equal(fs[nf], s.p.n);
        for (int f = 0; f < nf; f++)
            for (int o = fs[f]; o < fs[f + 1]; o++) {
                assert_int_equal(rank[order[o]], f);
                if (o > fs[f]) assert_true(order[o - 1] < order[o]);
            }
        sets++;
    }
    printf("sort: %d random sets checked (ranks by longest dominance chain)\n", sets);
}

static void test_crowding_random(void **state)
{
    (void)state;
    adse__rng r;
    adse__rng_seed(&r, 13);
    int points = 0;
    for (int t = 0; t < 3000; t++) {
        rset s;
        random_set(&s, &r, MAXN, 0, 6, t % 3 == 0);
        int rank[MAXN], order[MAXN], fs[MAXN + 1], work[2 * MAXN];
        double crowd[MAXN];
        int nf = adse__nsga2_sort(&s.p, rank, order, fs, work);
        for (int f = 0; f < nf; f++) {
            adse__nsga2_crowding(&s.p, order + fs[f], fs[f + 1] - fs[f], crowd, work);
            for (int o = fs[f]; o < fs[f + 1]; o++) {
                assert_same_double(crowd[order[o]], oracle_crowding(&s.p, rank, f, order[o]));
                points++;
            }
        }
    }
    printf("crowding: %d random points checked against the definition\n", points);
}

static void test_crowding_hand(void **state)
{
    (void)state;
    /* One front of four 2-D points: x 0, 1, 3, 4 and y 4, 3, 1, 0 (ranges 4 and 4).
     * Point 1: (3 - 0)/4 + (4 - 1)/4 = 1.5; point 2: (4 - 1)/4 + (3 - 0)/4 = 1.5. */
    double obj[] = {0, 4, 1, 3, 3, 1, 4, 0};
    adse__mo_points p = {4, 2, obj, NULL};
    int members[] = {0, 1, 2, 3}, work[8];
    double crowd[4];
    adse__nsga2_crowding(&p, members, 4, crowd, work);
    assert_true(isinf(crowd[0]) && isinf(crowd[3]));
    assert_double_rel(crowd[1], 1.5, 1e-15, "crowding of point 1");
    assert_double_rel(crowd[2], 1.5, 1e-15, "crowding of point 2");
}

static void test_select_random(void **state)
{
    (void)state;
    adse__rng r;
    adse__rng_seed(&r, 14);
    int sets = 0;
    for (int t = 0; t < 2000; t++) {
        rset s;
        random_set(&s, &r, MAXN, 0, 5, t % 2 == 1);
        int keep = 1 + (int)adse__rng_below(&r, (uint64_t)s.p.n);
        int chosen[MAXN], rank[MAXN], want_rank[MAXN], work[ADSE__NSGA2_SELECT_WORK(MAXN)];
        double crowd[MAXN], want_crowd[MAXN];
        adse__nsga2_select(&s.p, keep, chosen, rank, crowd, work);
        oracle_ranks(&s.p, want_rank);
        for (int i = 0; i < s.p.n; i++)
            want_crowd[i] = oracle_crowding(&s.p, want_rank, want_rank[i], i);
        bool taken[MAXN] = {false};
        for (int c = 0; c < keep; c++) {
            int best = -1; /* selection sort: the best point not yet taken */
            for (int i = 0; i < s.p.n; i++) {
                if (taken[i]) continue;
                if (best < 0 || want_rank[i] < want_rank[best] ||
                    (want_rank[i] == want_rank[best] && want_crowd[i] > want_crowd[best]))
                    best = i;
            }
            taken[best] = true;
            assert_int_equal(chosen[c], best);
        }
        for (int i = 0; i < s.p.n; i++) {
            assert_int_equal(rank[i], want_rank[i]);
            assert_same_double(crowd[i], want_crowd[i]);
        }
        sets++;
    }
    printf("select: %d random sets checked\n", sets);
}

static void test_tournament(void **state)
{
    (void)state;
    /* Three slots of ranks 0, 1, 2: over distinct pairs the best wins 2/3 of the draws, the
     * middle 1/3, the worst never. Equal ranks: larger crowding, then lower index. */
    int rank[] = {1, 0, 2};
    double crowd[] = {1, 1, 1};
    adse__rng r;
    adse__rng_seed(&r, 15);
    int wins[3] = {0, 0, 0}, draws = 30000;
    for (int t = 0; t < draws; t++)
        wins[adse__nsga2_tournament(&r, 3, rank, crowd)]++;
    assert_int_equal(wins[2], 0);
    assert_true(fabs(wins[1] / (double)draws - 2.0 / 3) < 0.02);
    assert_true(fabs(wins[0] / (double)draws - 1.0 / 3) < 0.02);
    assert_int_equal(adse__nsga2_tournament(&r, 1, rank, crowd), 0);
    int same[] = {0, 0};
    double c2[] = {0.5, INFINITY}, c3[] = {2, 2};
    assert_true(adse__nsga2_crowded_less(same, c2, 1, 0));
    assert_true(adse__nsga2_crowded_less(same, c3, 0, 1));
    assert_false(adse__nsga2_crowded_less(same, c3, 1, 0));
    /* Deterministic for a seed. */
    adse__rng a, b;
    adse__rng_seed(&a, 99);
    adse__rng_seed(&b, 99);
    for (int t = 0; t < 100; t++)
        assert_int_equal(adse__nsga2_tournament(&a, 3, rank, crowd),
                         adse__nsga2_tournament(&b, 3, rank, crowd));
}

/* ---- the non-dominated subset ------------------------------------------------------------ */

static void test_front_random(void **state)
{
    (void)state;
    adse__rng r;
    adse__rng_seed(&r, 16);
    int sets = 0;
    for (int t = 0; t < 3000; t++) {
        rset s;
        random_set(&s, &r, MAXN, 0, 4, t % 2 == 0);
        int out[MAXN], work[2 * MAXN];
        int f = adse__pareto_front(&s.p, out, work);
        int want[MAXN], w = 0, k = s.p.k;
        for (int i = 0; i < s.p.n; i++) {
            if (s.p.violation && s.p.violation[i] > 0) continue;
            bool keep = true;
            for (int q = 0; q < s.p.n && keep; q++) {
                if (q == i || (s.p.violation && s.p.violation[q] > 0)) continue;
                const double *x = s.obj + q * k, *y = s.obj + i * k;
                bool equal = memcmp(x, y, (size_t)k * sizeof *x) == 0;
                if (adse__mo_dominates(k, x, y) || (equal && q < i)) keep = false;
            }
            if (keep) want[w++] = i;
        }
        assert_int_equal(f, w);
        for (int i = 0; i < w; i++)
            assert_int_equal(out[i], want[i]);
        sets++;
    }
    printf("front: %d random sets checked\n", sets);
}

static void test_front_hand(void **state)
{
    (void)state;
    /* (3,1) (1,3) (2,2) (2,2) (3,3) (0,0 infeasible) (1,3) (NaN,0): front 0, 1, 2 */
    double obj[] = {3, 1, 1, 3, 2, 2, 2, 2, 3, 3, 0, 0, 1, 3, NAN, 0};
    double viol[] = {0, 0, 0, 0, 0, 0.5, 0, 0};
    adse__mo_points p = {8, 2, obj, viol};
    int out[8], work[16];
    assert_int_equal(adse__pareto_front(&p, out, work), 3);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 2);
}

/* ---- hypervolume -------------------------------------------------------------------------- */

/* Unit cells [c, c + 1) below ref dominated by some point (integer coordinates). */
static double oracle_hv_cells(const adse__mo_points *p, const int *ref)
{
    int k = p->k, c[3] = {0, 0, 0}, total = 1;
    for (int j = 0; j < k; j++)
        total *= ref[j];
    double count = 0;
    for (int cell = 0; cell < total; cell++) {
        for (int j = 0, x = cell; j < k; j++, x /= ref[j - 1])
            c[j] = x % ref[j];
        for (int i = 0; i < p->n; i++) {
            bool in = true;
            for (int j = 0; j < k; j++)
                in = in && p->obj[i * k + j] <= c[j];
            if (in) {
                count += 1;
                break;
            }
        }
    }
    return count;
}

/* Inclusion-exclusion over the boxes [p, ref) of the points strictly inside ref. */
static double oracle_hv_boxes(int k, int n, const double *obj, const double *ref)
{
    double total = 0;
    for (unsigned mask = 1; mask < (1u << n); mask++) {
        double corner[3] = {-INFINITY, -INFINITY, -INFINITY}, vol = 1;
        int bits = 0;
        for (int i = 0; i < n; i++)
            if (mask & (1u << i)) {
                bits++;
                for (int j = 0; j < k; j++)
                    corner[j] = fmax(corner[j], obj[i * k + j]);
            }
        for (int j = 0; j < k; j++)
            vol *= fmax(0.0, ref[j] - corner[j]);
        total += bits % 2 ? vol : -vol;
    }
    return total;
}

static void test_hypervolume_cells(void **state)
{
    (void)state;
    adse__rng r;
    adse__rng_seed(&r, 17);
    int sets = 0;
    for (int t = 0; t < 3000; t++) {
        rset s;
        random_set(&s, &r, 25, 1 + t % 3, 7, false);
        int iref[3];
        double ref[3];
        for (int j = 0; j < s.p.k; j++) {
            iref[j] = 1 + (int)adse__rng_below(&r, 7); /* some points outside ref */
            ref[j] = iref[j];
        }
        int work[50];
        double got = adse__hypervolume(s.p.k, s.p.n, s.obj, ref, work);
        assert_true(got == oracle_hv_cells(&s.p, iref));
        sets++;
    }
    printf("hypervolume: %d random integer sets checked by counting grid cells\n", sets);
}

static void test_hypervolume_boxes(void **state)
{
    (void)state;
    adse__rng r;
    adse__rng_seed(&r, 18);
    int sets = 0;
    for (int t = 0; t < 3000; t++) {
        int k = 2 + t % 2, n = 1 + (int)adse__rng_below(&r, 10);
        double obj[30], ref[3];
        for (int i = 0; i < n * k; i++) /* a coarse grid for ties, then arbitrary reals */
            obj[i] = t % 4 < 2 ? (double)adse__rng_below(&r, 4) / 3 : adse__rng_unit(&r);
        for (int j = 0; j < k; j++)
            ref[j] = 0.2 + adse__rng_unit(&r);
        int work[20];
        double got = adse__hypervolume(k, n, obj, ref, work);
        double want = oracle_hv_boxes(k, n, obj, ref);
        assert_true(fabs(got - want) <= 1e-12);
        sets++;
    }
    printf("hypervolume: %d random real sets checked by inclusion-exclusion\n", sets);
}

static void test_hypervolume_hand(void **state)
{
    (void)state;
    int work[16];
    /* 2-D staircase (1,3) (2,2) (3,1), ref (4,4): strips of width 1 and heights 1, 2, 3. */
    double stair[] = {1, 3, 2, 2, 3, 1};
    double ref2[] = {4, 4};
    assert_true(adse__hypervolume(2, 3, stair, ref2, work) == 6.0);
    /* 3-D: boxes [0,2)x[0,2)x[1,2) (4) and [1,2)x[1,2)x[0,2) (2) overlap in a unit cube: 5.
     * (0,2,0) touches ref in y and (3,0,0) lies beyond it: both add nothing. */
    double cube[] = {0, 0, 1, 1, 1, 0, 0, 2, 0, 3, 0, 0};
    double ref3[] = {2, 2, 2};
    assert_true(adse__hypervolume(3, 4, cube, ref3, work) == 5.0);
    /* 3-D: one point dominating the other: only the larger box, 2 x 3 x 4 = 24. */
    double nested[] = {0, 0, 0, 1, 1, 1};
    double ref3b[] = {2, 3, 4};
    assert_true(adse__hypervolume(3, 2, nested, ref3b, work) == 24.0);
    assert_true(adse__hypervolume(2, 0, stair, ref2, work) == 0.0);
    double one[] = {0.25};
    double ref1[] = {1};
    assert_true(adse__hypervolume(1, 1, one, ref1, work) == 0.75);
}

/* Larger sets (300 points, 3 objectives on a 12-step grid): ranks, front and hypervolume
 * against the same oracles, so the incremental staircase and the peeling see long runs. */
static void test_large_sets(void **state)
{
    (void)state;
    enum { N = 300, K = 3, SPAN = 12 };
    static double obj[N * K], viol[N];
    static int rank[N], want[N], order[N], fs[N + 1], work[2 * N], out[N];
    adse__rng r;
    adse__rng_seed(&r, 19);
    for (int t = 0; t < 4; t++) {
        for (int i = 0; i < N * K; i++)
            obj[i] = (double)adse__rng_below(&r, SPAN);
        for (int i = 0; i < N; i++)
            viol[i] = adse__rng_below(&r, 5) == 0 ? 1.0 : 0.0;
        adse__mo_points p = {N, K, obj, t % 2 ? viol : NULL};
        adse__nsga2_sort(&p, rank, order, fs, work);
        oracle_ranks(&p, want);
        for (int i = 0; i < N; i++)
            assert_int_equal(rank[i], want[i]);
        int f = adse__pareto_front(&p, out, work);
        for (int i = 0, o = 0; i < N; i++) {
            bool on = rank[i] == 0 && !(p.violation && viol[i] > 0);
            for (int q = 0; q < i && on; q++) /* first of identical front points only */
                on = !(rank[q] == 0 && memcmp(obj + q * K, obj + i * K, sizeof(double) * K) == 0);
            if (on) assert_int_equal(out[o++], i);
            if (i == N - 1) assert_int_equal(o, f);
        }
        int iref[K] = {SPAN, SPAN - 2, SPAN - 4};
        double ref[K] = {SPAN, SPAN - 2, SPAN - 4};
        assert_true(adse__hypervolume(K, N, obj, ref, work) == oracle_hv_cells(&p, iref));
    }
}

static void test_hv_reference(void **state)
{
    (void)state;
    /* Normalized objectives; the infeasible point (5, 5) does not count. */
    double obj[] = {1.0, 0.5, 0.8, 2.0, 5, 5};
    double viol[] = {0, 0, 1};
    adse__mo_points p = {3, 2, obj, viol};
    double ref[2];
    assert_true(adse__hv_reference(&p, ref));
    assert_double_rel(ref[0], 1.1, 1e-15, "reference of objective 0");
    assert_double_rel(ref[1], 2.2, 1e-15, "reference of objective 1");
    double none[] = {1};
    adse__mo_points q = {1, 2, obj, none};
    assert_false(adse__hv_reference(&q, ref));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_hand),      cmocka_unit_test(test_compare_random),
        cmocka_unit_test(test_sort_random),       cmocka_unit_test(test_crowding_random),
        cmocka_unit_test(test_crowding_hand),     cmocka_unit_test(test_select_random),
        cmocka_unit_test(test_tournament),        cmocka_unit_test(test_front_random),
        cmocka_unit_test(test_front_hand),        cmocka_unit_test(test_hypervolume_cells),
        cmocka_unit_test(test_hypervolume_boxes), cmocka_unit_test(test_hypervolume_hand),
        cmocka_unit_test(test_hv_reference),      cmocka_unit_test(test_large_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
