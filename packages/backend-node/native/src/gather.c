/* GatherV2 (batchDims 0) and UnsortedSegmentSum (the gradient of gather). */
#include "common.h"

#include <string.h>

typedef struct { const float* x; const int32_t* idx; float* y; int64_t axisLen, nIdx, inner; } gather_ctx;

static void gather_outer(void* v, int64_t o0, int64_t o1) {
  gather_ctx* c = (gather_ctx*)v;
  for (int64_t o = o0; o < o1; o++)
    for (int64_t i = 0; i < c->nIdx; i++)
      memcpy(c->y + (o * c->nIdx + i) * c->inner,
             c->x + (o * c->axisLen + c->idx[i]) * c->inner, sizeof(float) * c->inner);
}

/* Indices must have been range-checked by the caller. */
void ms_gather(const float* x, const int32_t* idx, float* y, int64_t outer,
               int64_t axisLen, int64_t nIdx, int64_t inner) {
  gather_ctx c = {x, idx, y, axisLen, nIdx, inner};
  int64_t per = nIdx * inner;
  int64_t grain = (1 << 15) / (per ? per : 1);
  ms_parallel_for(outer, grain < 1 ? 1 : grain, gather_outer, &c);
}

/* y[nSeg, inner] = sum of rows of x[n, inner] by segment id; ids outside
 * [0, nSeg) are dropped. Rows are added in order (deterministic); threads
 * split the columns. */
typedef struct { const float* x; const int32_t* seg; float* y; int64_t n, nSeg, inner; } seg_ctx;

MS_INLINE void seg_cols_body(void* v, int64_t c0, int64_t c1) {
  seg_ctx* c = (seg_ctx*)v;
  for (int64_t s = 0; s < c->nSeg; s++) memset(c->y + s * c->inner + c0, 0, sizeof(float) * (c1 - c0));
  for (int64_t i = 0; i < c->n; i++) {
    int32_t s = c->seg[i];
    if (s < 0 || s >= c->nSeg) continue;
    const float* src = c->x + i * c->inner;
    float* dst = c->y + s * c->inner;
    for (int64_t j = c0; j < c1; j++) dst[j] += src[j];
  }
}
MS_VARIANTS(seg_cols)

void ms_segment_sum(const float* x, const int32_t* seg, float* y, int64_t outer,
                    int64_t n, int64_t nSeg, int64_t inner) {
  (void)outer;
  seg_ctx c = {x, seg, y, n, nSeg, inner};
  int64_t grain = (1 << 15) / (n ? n : 1);
  ms_parallel_for(inner, grain < 16 ? 16 : grain, MS_PICK(seg_cols), &c);
}
