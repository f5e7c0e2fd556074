/* Strided copy of 4-byte elements: the one loop behind Slice, Tile,
 * Transpose, Pad and Concat. For every index i over `shape`,
 *   y[yOff + sum_d i_d*ys_d] = x[xOff + sum_d i_d*xs_d].
 * A source stride of 0 repeats (Tile); destination strides must map indices
 * one-to-one (the caller checks bounds; see js_strided_copy). Threads split
 * the outer indices, so each writes its own part of y. */
#include "common.h"

#include <string.h>

typedef struct {
  const uint32_t* x;
  uint32_t* y;
  int rank;
  const int64_t *shape, *xs, *ys;
  int64_t xOff, yOff;
} copy_ctx;

static void copy_rows(void* v, int64_t r0, int64_t r1) {
  copy_ctx* c = (copy_ctx*)v;
  const int last = c->rank - 1;
  const int64_t n = c->shape[last], xs = c->xs[last], ys = c->ys[last];
  for (int64_t r = r0; r < r1; r++) {
    int64_t xo = c->xOff, yo = c->yOff, rest = r;
    for (int d = last - 1; d >= 0; d--) {
      int64_t i = rest % c->shape[d];
      rest /= c->shape[d];
      xo += i * c->xs[d];
      yo += i * c->ys[d];
    }
    const uint32_t* src = c->x + xo;
    uint32_t* dst = c->y + yo;
    if (xs == 1 && ys == 1) memcpy(dst, src, sizeof(uint32_t) * (size_t)n);
    else if (xs == 0 && ys == 1) for (int64_t j = 0; j < n; j++) dst[j] = src[0];
    else for (int64_t j = 0; j < n; j++) dst[j * ys] = src[j * xs];
  }
}

void ms_strided_copy(const void* x, void* y, int rank, const int64_t* shape,
                     const int64_t* xs, int64_t xOff, const int64_t* ys, int64_t yOff) {
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= shape[d];
  if (rows == 0 || shape[rank - 1] == 0) return;
  copy_ctx c = {(const uint32_t*)x, (uint32_t*)y, rank, shape, xs, ys, xOff, yOff};
  int64_t grain = (1 << 14) / shape[rank - 1];
  ms_parallel_for(rows, grain < 1 ? 1 : grain, copy_rows, &c);
}
