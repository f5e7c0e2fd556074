/* 2-D max / average pooling (NHWC) and their gradients, matching tfjs-cpu:
 * max ignores NaN, its gradient goes to the first maximum in the window (row
 * major); average divides by the in-bounds count, its gradient by FH*FW.
 * Channels are processed in blocks of 16 held in registers. */
#include "common.h"
#include "simd.h"

#include <math.h>
#include <string.h>

#define CB 16

typedef struct { const ms_conv* p; const float *x, *dy; float* y; } pool_ctx;

MS_INLINE void window(const ms_conv* p, int64_t oy, int64_t ox, int* y0, int* y1, int* x0, int* x1) {
  int64_t r = oy * p->sh - p->pt, c = ox * p->sw - p->pl;
  *y0 = r < 0 ? 0 : (int)r;
  *y1 = r + p->FH > p->H ? p->H : (int)(r + p->FH);
  *x0 = c < 0 ? 0 : (int)c;
  *x1 = c + p->FW > p->W ? p->W : (int)(c + p->FW);
}

/* ---------------- forward: range over output rows (b * OH + oy) ---------------- */

MS_INLINE void pool_rows(void* v, int64_t r0, int64_t r1, int isMax) {
  pool_ctx* c = (pool_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t C = p->C, W = p->W;
  for (int64_t r = r0; r < r1; r++) {
    int64_t b = r / p->OH, oy = r % p->OH;
    const float* restrict xb = c->x + b * p->H * W * C;
    for (int64_t ox = 0; ox < p->OW; ox++) {
      float* restrict y = c->y + (r * p->OW + ox) * C;
      int y0, y1, x0, x1;
      window(p, oy, ox, &y0, &y1, &x0, &x1);
      const float cnt = (float)((y1 - y0) * (x1 - x0));
      int64_t d0 = 0;
      for (; d0 + CB <= C; d0 += CB) {
        v16f m = v_set1(isMax ? -INFINITY : 0.f);
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) {
            v16f s = v_ld(xb + ((int64_t)iy * W + ix) * C + d0);
            if (isMax) m = v_sel(s > m, s, m);
            else m += s;
          }
        v_st(y + d0, isMax ? m : m / cnt);
      }
      for (int64_t d = d0; d < C; d++) {
        float m = isMax ? -INFINITY : 0.f;
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) {
            float s = xb[((int64_t)iy * W + ix) * C + d];
            m = isMax ? (s > m ? s : m) : m + s;
          }
        y[d] = isMax ? m : m / cnt;
      }
    }
  }
}
MS_INLINE void maxpool_rows_body(void* v, int64_t r0, int64_t r1) { pool_rows(v, r0, r1, 1); }
MS_INLINE void avgpool_rows_body(void* v, int64_t r0, int64_t r1) { pool_rows(v, r0, r1, 0); }

#if MS_HAVE_AVX2
/* AVX2 max pooling, 8 channels per ymm. _mm256_max_ps(s, m) is s > m ? s : m,
 * the comparison above (a NaN input never replaces the running maximum). */
MS_AVX2 static void maxpool_rows_avx2(void* v, int64_t r0, int64_t r1) {
  pool_ctx* c = (pool_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t C = p->C, W = p->W;
  for (int64_t r = r0; r < r1; r++) {
    int64_t b = r / p->OH, oy = r % p->OH;
    const float* restrict xb = c->x + b * p->H * W * C;
    for (int64_t ox = 0; ox < p->OW; ox++) {
      float* restrict y = c->y + (r * p->OW + ox) * C;
      int y0, y1, x0, x1;
      window(p, oy, ox, &y0, &y1, &x0, &x1);
      int64_t d0 = 0;
      for (; d0 + 32 <= C; d0 += 32) {
        __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0, m2 = m0, m3 = m0;
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) {
            const float* s = xb + ((int64_t)iy * W + ix) * C + d0;
            m0 = _mm256_max_ps(_mm256_loadu_ps(s), m0);
            m1 = _mm256_max_ps(_mm256_loadu_ps(s + 8), m1);
            m2 = _mm256_max_ps(_mm256_loadu_ps(s + 16), m2);
            m3 = _mm256_max_ps(_mm256_loadu_ps(s + 24), m3);
          }
        _mm256_storeu_ps(y + d0, m0);
        _mm256_storeu_ps(y + d0 + 8, m1);
        _mm256_storeu_ps(y + d0 + 16, m2);
        _mm256_storeu_ps(y + d0 + 24, m3);
      }
      for (; d0 + 8 <= C; d0 += 8) {
        __m256 m = _mm256_set1_ps(-INFINITY);
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) m = _mm256_max_ps(_mm256_loadu_ps(xb + ((int64_t)iy * W + ix) * C + d0), m);
        _mm256_storeu_ps(y + d0, m);
      }
      for (int64_t d = d0; d < C; d++) {
        float m = -INFINITY;
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) {
            float s = xb[((int64_t)iy * W + ix) * C + d];
            m = s > m ? s : m;
          }
        y[d] = m;
      }
    }
  }
}
#endif

static int64_t pool_grain(const ms_conv* p) {
  int64_t per = (int64_t)p->OW * p->C * p->FH * p->FW;
  int64_t g = (1 << 16) / (per ? per : 1);
  return g < 1 ? 1 : g;
}
MS_VARIANTS(avgpool_rows)
MS_VARIANTS(maxpool_rows)
void ms_maxpool(const ms_conv* p, const float* x, float* y) {
  pool_ctx c = {p, x, NULL, y};
  ms_par_fn fn = MS_PICK(maxpool_rows);
#if MS_HAVE_AVX2
  if (ms_isa == 3) fn = maxpool_rows_avx2;
#endif
  ms_parallel_for((int64_t)p->B * p->OH, pool_grain(p), fn, &c);
}
void ms_avgpool(const ms_conv* p, const float* x, float* y) {
  pool_ctx c = {p, x, NULL, y};
  ms_parallel_for((int64_t)p->B * p->OH, pool_grain(p), MS_PICK(avgpool_rows), &c);
}

/* ---------------- gradients: range over images ---------------- */

/* Windows that tile the image exactly (stride == filter, every pixel in one
 * window): each dx element is written once, no zeroing pass. */
MS_INLINE int pool_tiles_exactly(const ms_conv* p) {
  return p->sh == p->FH && p->sw == p->FW && p->pt < p->sh && p->pl < p->sw &&
         (int64_t)(p->OH - 1) * p->sh - p->pt + p->FH >= p->H &&
         (int64_t)(p->OW - 1) * p->sw - p->pl + p->FW >= p->W && p->C % CB == 0;
}

MS_INLINE void maxpool_grad_tiled(pool_ctx* c, int64_t b) {
  const ms_conv* p = c->p;
  const int64_t C = p->C, W = p->W, img = (int64_t)p->H * W * C;
  const float* restrict xb = c->x + b * img;
  float* restrict dxb = c->y + b * img;
  for (int64_t oy = 0; oy < p->OH; oy++)
    for (int64_t ox = 0; ox < p->OW; ox++) {
      const float* restrict dy = c->dy + ((b * p->OH + oy) * p->OW + ox) * C;
      int y0, y1, x0, x1;
      window(p, oy, ox, &y0, &y1, &x0, &x1);
      for (int64_t d0 = 0; d0 < C; d0 += CB) {
        v16f best = v_set1(-INFINITY);
        v16i arg = (v16i){0} - 1;
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) {
            const int32_t pos = iy * (int32_t)W + ix;
            v16f s = v_ld(xb + (int64_t)pos * C + d0);
            v16i gt = s > best;
            best = v_sel(gt, s, best);
            arg = v_seli(gt, (v16i){0} + pos, arg);
          }
        const v16f g = v_ld(dy + d0), zero = {0};
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) {
            const int32_t pos = iy * (int32_t)W + ix;
            v_st(dxb + (int64_t)pos * C + d0, v_sel(arg == pos, g, zero));
          }
      }
    }
}

MS_INLINE void maxpool_grad_images_body(void* v, int64_t b0, int64_t b1) {
  pool_ctx* c = (pool_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t C = p->C, W = p->W, img = (int64_t)p->H * W * C;
  if (pool_tiles_exactly(p)) {
    for (int64_t b = b0; b < b1; b++) maxpool_grad_tiled(c, b);
    return;
  }
  for (int64_t b = b0; b < b1; b++) {
    const float* restrict xb = c->x + b * img;
    float* restrict dxb = c->y + b * img;
    memset(dxb, 0, sizeof(float) * img);
    for (int64_t oy = 0; oy < p->OH; oy++)
      for (int64_t ox = 0; ox < p->OW; ox++) {
        const float* restrict dy = c->dy + ((b * p->OH + oy) * p->OW + ox) * C;
        int y0, y1, x0, x1;
        window(p, oy, ox, &y0, &y1, &x0, &x1);
        int64_t d0 = 0;
        for (; d0 + CB <= C; d0 += CB) {
          v16f best = v_set1(-INFINITY);
          v16i arg = (v16i){0} - 1;
          for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) {
              const int32_t pos = iy * (int32_t)W + ix;
              v16f s = v_ld(xb + (int64_t)pos * C + d0);
              v16i gt = s > best;
              best = v_sel(gt, s, best);
              arg = v_seli(gt, (v16i){0} + pos, arg);
            }
          for (int j = 0; j < CB; j++)
            if (arg[j] >= 0) dxb[(int64_t)arg[j] * C + d0 + j] += dy[d0 + j];
        }
        for (int64_t d = d0; d < C; d++) {
          float best = -INFINITY;
          int64_t arg = -1;
          for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) {
              int64_t pos = (int64_t)iy * W + ix;
              if (xb[pos * C + d] > best) { best = xb[pos * C + d]; arg = pos; }
            }
          if (arg >= 0) dxb[arg * C + d] += dy[d];
        }
      }
  }
}
MS_VARIANTS(maxpool_grad_images)

#if MS_HAVE_AVX2
/* AVX2 gradient for windows that tile the image exactly (C a multiple of 8):
 * the first maximum of each window (row major) takes dy, the others 0. */
MS_AVX2 static void maxpool_grad_tiled_avx2(void* v, int64_t b0, int64_t b1) {
  pool_ctx* c = (pool_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t C = p->C, W = p->W, img = (int64_t)p->H * W * C;
  for (int64_t b = b0; b < b1; b++) {
    const float* restrict xb = c->x + b * img;
    float* restrict dxb = c->y + b * img;
    for (int64_t oy = 0; oy < p->OH; oy++)
      for (int64_t ox = 0; ox < p->OW; ox++) {
        const float* restrict dy = c->dy + ((b * p->OH + oy) * p->OW + ox) * C;
        int y0, y1, x0, x1;
        window(p, oy, ox, &y0, &y1, &x0, &x1);
        for (int64_t d0 = 0; d0 < C; d0 += 8) {
          __m256 best = _mm256_set1_ps(-INFINITY);
          __m256i arg = _mm256_set1_epi32(-1);
          for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) {
              const int32_t pos = iy * (int32_t)W + ix;
              const __m256 s = _mm256_loadu_ps(xb + (int64_t)pos * C + d0);
              const __m256 gt = _mm256_cmp_ps(s, best, _CMP_GT_OQ);
              best = _mm256_blendv_ps(best, s, gt);
              arg = _mm256_blendv_epi8(arg, _mm256_set1_epi32(pos), _mm256_castps_si256(gt));
            }
          const __m256 g = _mm256_loadu_ps(dy + d0);
          for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) {
              const int32_t pos = iy * (int32_t)W + ix;
              const __m256 eq = _mm256_castsi256_ps(_mm256_cmpeq_epi32(arg, _mm256_set1_epi32(pos)));
              _mm256_storeu_ps(dxb + (int64_t)pos * C + d0, _mm256_and_ps(eq, g));
            }
        }
      }
  }
}
#endif

void ms_maxpool_grad(const ms_conv* p, const float* dy, const float* x, float* dx) {
  pool_ctx c = {p, x, dy, dx};
  ms_par_fn fn = MS_PICK(maxpool_grad_images);
#if MS_HAVE_AVX2
  if (ms_isa == 3 && p->sh == p->FH && p->sw == p->FW && p->pt < p->sh && p->pl < p->sw &&
      (int64_t)(p->OH - 1) * p->sh - p->pt + p->FH >= p->H &&
      (int64_t)(p->OW - 1) * p->sw - p->pl + p->FW >= p->W && p->C % 8 == 0)
    fn = maxpool_grad_tiled_avx2;
#endif
  ms_parallel_for(p->B, 1, fn, &c);
}

MS_INLINE void avgpool_grad_images_body(void* v, int64_t b0, int64_t b1) {
  pool_ctx* c = (pool_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t C = p->C, img = (int64_t)p->H * p->W * C;
  const float mult = 1.f / (float)(p->FH * p->FW);
  for (int64_t b = b0; b < b1; b++) {
    float* restrict dxb = c->y + b * img;
    memset(dxb, 0, sizeof(float) * img);
    for (int64_t oy = 0; oy < p->OH; oy++)
      for (int64_t ox = 0; ox < p->OW; ox++) {
        const float* restrict dy = c->dy + ((b * p->OH + oy) * p->OW + ox) * C;
        int y0, y1, x0, x1;
        window(p, oy, ox, &y0, &y1, &x0, &x1);
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) {
            float* dst = dxb + ((int64_t)iy * p->W + ix) * C;
            for (int64_t d = 0; d < C; d++) dst[d] += dy[d] * mult;
          }
      }
  }
}
MS_VARIANTS(avgpool_grad_images)

void ms_avgpool_grad(const ms_conv* p, const float* dy, float* dx) {
  pool_ctx c = {p, NULL, dy, dx};
  ms_parallel_for(p->B, 1, MS_PICK(avgpool_grad_images), &c);
}
