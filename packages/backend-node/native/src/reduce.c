/* Reductions over the middle axis of [A, R, C], and softmax over rows.
 * Sums accumulate in double (like tfjs-cpu's JS numbers) in fixed-size
 * blocks combined in a fixed order: the result never depends on threads. */
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_ELEMS (1 << 16)

typedef struct {
  int op;
  const float* x;
  float* y;
  int64_t A, R, C;
  int64_t rowsPerBlock, nb; /* blocks along R */
  double* partial;          /* [A][nb][C] when nb > 1 */
} red_ctx;

MS_INLINE int is_minmax(int op) { return op == R_MAX || op == R_MIN; }
/* running max/min with NaN propagation (a NaN, once seen, sticks) */
MS_INLINE double pick(int mx, double m, double v) {
  int take = v != v || (mx ? v > m : v < m);
  return m != m ? m : (take ? v : m);
}

/* Reduce rows [r0, r1) of slice a into acc[C] (double) or m[C] (float). */
MS_INLINE void reduce_block(const red_ctx* c, int64_t a, int64_t r0, int64_t r1, double* acc) {
  const int64_t C = c->C;
  const float* x = c->x + (a * c->R + r0) * C;
  const int64_t n = r1 - r0;
  if (is_minmax(c->op)) {
    const int mx = c->op == R_MAX;
    if (C == 1) {
      float m = x[0];
      for (int64_t i = 1; i < n; i++) {
        float v = x[i];
        if (mx ? (v > m || v != v) : (v < m || v != v)) m = v;
        if (m != m) break;
      }
      acc[0] = m;
      return;
    }
    for (int64_t j = 0; j < C; j++) acc[j] = x[j];
    for (int64_t i = 1; i < n; i++) {
      const float* row = x + i * C;
      for (int64_t j = 0; j < C; j++) acc[j] = pick(mx, acc[j], row[j]);
    }
    return;
  }
  if (C == 1) {
    double lane[16] = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
      for (int j = 0; j < 16; j++) lane[j] += x[i + j];
    double s = 0;
    for (int j = 0; j < 16; j++) s += lane[j];
    for (; i < n; i++) s += x[i];
    acc[0] = s;
    return;
  }
  for (int64_t j = 0; j < C; j++) acc[j] = 0;
  for (int64_t i = 0; i < n; i++) {
    const float* row = x + i * C;
    for (int64_t j = 0; j < C; j++) acc[j] += row[j];
  }
}

static void finish(const red_ctx* c, int64_t a, const double* acc) {
  float* y = c->y + a * c->C;
  if (c->op == R_MEAN)
    for (int64_t j = 0; j < c->C; j++) y[j] = (float)(acc[j] / (double)c->R);
  else
    for (int64_t j = 0; j < c->C; j++) y[j] = (float)acc[j];
}

/* task t = (a, block) */
MS_INLINE void reduce_tasks_body(void* p, int64_t t0, int64_t t1) {
  red_ctx* c = (red_ctx*)p;
  double* tmp = NULL;
  if (c->nb == 1) tmp = (double*)ms_scratch(0, (size_t)c->C * 2);
  for (int64_t t = t0; t < t1; t++) {
    int64_t a = t / c->nb, blk = t % c->nb;
    int64_t r0 = blk * c->rowsPerBlock, r1 = r0 + c->rowsPerBlock;
    if (r1 > c->R) r1 = c->R;
    if (c->nb == 1) {
      reduce_block(c, a, r0, r1, tmp);
      finish(c, a, tmp);
    } else {
      reduce_block(c, a, r0, r1, c->partial + (a * c->nb + blk) * c->C);
    }
  }
}
MS_VARIANTS(reduce_tasks)

void ms_reduce(int op, const float* x, float* y, int64_t A, int64_t R, int64_t C) {
  if (A * C == 0) return;
  if (R == 0) { /* empty reduction: identity element */
    float v = op == R_MAX ? -INFINITY : op == R_MIN ? INFINITY : op == R_MEAN ? NAN : 0.f;
    for (int64_t i = 0; i < A * C; i++) y[i] = v;
    return;
  }
  red_ctx c = {op, x, y, A, R, C, 0, 0, NULL};
  c.rowsPerBlock = BLOCK_ELEMS / C;
  if (c.rowsPerBlock < 1) c.rowsPerBlock = 1;
  c.nb = (R + c.rowsPerBlock - 1) / c.rowsPerBlock;
  if (c.nb > 1) {
    c.partial = (double*)malloc(sizeof(double) * (size_t)(A * c.nb * C));
    if (!c.partial) abort();
  }
  int64_t tasks = A * c.nb;
  int64_t per = (c.rowsPerBlock < R ? c.rowsPerBlock : R) * C; /* elements per task */
  int64_t grain = (1 << 15) / (per ? per : 1);
  ms_parallel_for(tasks, grain < 1 ? 1 : grain, MS_PICK(reduce_tasks), &c);
  if (c.nb > 1) {
    double* acc = (double*)ms_scratch(0, (size_t)C * 2);
    for (int64_t a = 0; a < A; a++) {
      const double* p = c.partial + a * c.nb * C;
      memcpy(acc, p, sizeof(double) * C);
      for (int64_t b = 1; b < c.nb; b++) {
        const double* q = p + b * C;
        if (is_minmax(op))
          for (int64_t j = 0; j < C; j++) acc[j] = pick(op == R_MAX, acc[j], q[j]);
        else
          for (int64_t j = 0; j < C; j++) acc[j] += q[j];
      }
      finish(&c, a, acc);
    }
    free(c.partial);
  }
}

/* ---------------- softmax ---------------- */

typedef struct { const float* x; float* y; int64_t cols; int log; } sm_ctx;

MS_INLINE void softmax_rows_body(void* p, int64_t r0, int64_t r1) {
  sm_ctx* c = (sm_ctx*)p;
  const int64_t n = c->cols;
  for (int64_t r = r0; r < r1; r++) {
    const float* x = c->x + r * n;
    float* y = c->y + r * n;
    float m = x[0];
    for (int64_t i = 1; i < n; i++) if (x[i] > m || x[i] != x[i]) m = x[i];
    double s = 0;
    for (int64_t i = 0; i < n; i++) {
      float e = expf(x[i] - m);
      y[i] = e;
      s += e;
    }
    if (c->log) {
      float ls = (float)log(s);
      for (int64_t i = 0; i < n; i++) y[i] = (x[i] - m) - ls;
    } else {
      float fs = (float)s;
      for (int64_t i = 0; i < n; i++) y[i] = y[i] / fs;
    }
  }
}
MS_VARIANTS(softmax_rows)

void ms_softmax(const float* x, float* y, int64_t rows, int64_t cols, int log) {
  if (cols == 0) return;
  sm_ctx c = {x, y, cols, log};
  int64_t grain = 8192 / cols;
  ms_parallel_for(rows, grain < 1 ? 1 : grain, MS_PICK(softmax_rows), &c);
}
