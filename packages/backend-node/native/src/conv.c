/* Conv2D (NHWC, filter HWIO) and its two gradients.
 *  - small filters (FH*FW*C <= 16, e.g. a first 3x3 layer on grey images):
 *    direct loops over output rows, vectorized over output channels;
 *  - otherwise: im2col over fixed tiles of output pixels + GEMM (OpenBLAS).
 * Work splits depend only on the shapes, so the results are identical
 * whatever the number of threads. */
#include "common.h"
#include "simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* let the compiler fuse multiply-adds in the accumulation loops */
#pragma GCC optimize("fp-contract=fast")

#define TILE_FLOATS (1 << 16) /* im2col tile size target */
#define DIRECT_K 16           /* FH*FW*C up to which the direct loops are used */
#define FILTER_GROUPS 4       /* fixed partial sums for the filter gradient */
#define BWD_ROWS 512          /* output pixels per GEMM of the input gradient */

MS_INLINE int64_t conv_K(const ms_conv* p) { return (int64_t)p->FH * p->FW * p->C; }
MS_INLINE int64_t conv_P(const ms_conv* p) { return (int64_t)p->B * p->OH * p->OW; }
MS_INLINE int is_pointwise(const ms_conv* p) {
  return p->FH == 1 && p->FW == 1 && p->sh == 1 && p->sw == 1 && p->pt == 0 &&
         p->pl == 0 && p->OH == p->H && p->OW == p->W;
}
static int64_t tile_rows(const ms_conv* p) {
  int64_t t = TILE_FLOATS / conv_K(p);
  return t < 64 ? 64 : t;
}

/* output columns [lo, hi) whose input column for tap kx is inside the image */
MS_INLINE void ox_range(const ms_conv* p, int kx, int64_t* lo, int64_t* hi) {
  const int64_t off = (int64_t)kx * p->dw - p->pl; /* ix = ox*sw + off */
  int64_t l = off >= 0 ? 0 : (-off + p->sw - 1) / p->sw;
  int64_t h = (p->W - 1 - off) < 0 ? 0 : (p->W - 1 - off) / p->sw + 1;
  *lo = l;
  *hi = h < p->OW ? h : p->OW;
}

/* ---------------- im2col / col2im (GEMM path) ---------------- */

MS_INLINE void im2col(const ms_conv* p, const float* restrict x, float* restrict col, int64_t p0, int64_t p1) {
  const int64_t K = conv_K(p), C = p->C, H = p->H, W = p->W;
  int64_t ox = p0 % p->OW, t = p0 / p->OW, oy = t % p->OH, b = t / p->OH;
  for (int64_t q = p0; q < p1; q++) {
    float* dst = col + (q - p0) * K;
    const float* xb = x + b * H * W * C;
    const int64_t iy0 = oy * p->sh - p->pt, ix0 = ox * p->sw - p->pl;
    for (int ky = 0; ky < p->FH; ky++) {
      const int64_t iy = iy0 + (int64_t)ky * p->dh;
      const int rowIn = iy >= 0 && iy < H;
      for (int kx = 0; kx < p->FW; kx++, dst += C) {
        const int64_t ix = ix0 + (int64_t)kx * p->dw;
        if (!rowIn || ix < 0 || ix >= W) memset(dst, 0, sizeof(float) * C);
        else memcpy(dst, xb + (iy * W + ix) * C, sizeof(float) * C);
      }
    }
    if (++ox == p->OW) {
      ox = 0;
      if (++oy == p->OH) { oy = 0; b++; }
    }
  }
}

/* dx_img += col2im(dcol) for all pixels of one image */
MS_INLINE void col2im_add(const ms_conv* p, const float* restrict dcol, float* restrict dxb) {
  const int64_t K = conv_K(p), C = p->C;
  for (int64_t oy = 0; oy < p->OH; oy++)
    for (int64_t ox = 0; ox < p->OW; ox++) {
      const float* src = dcol + (oy * p->OW + ox) * K;
      for (int ky = 0; ky < p->FH; ky++) {
        int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
        for (int kx = 0; kx < p->FW; kx++, src += C) {
          int64_t ix = ox * p->sw - p->pl + (int64_t)kx * p->dw;
          if (iy < 0 || iy >= p->H || ix < 0 || ix >= p->W) continue;
          float* dst = dxb + (iy * p->W + ix) * C;
          for (int64_t c = 0; c < C; c++) dst[c] += src[c];
        }
      }
    }
}

typedef struct {
  const ms_conv* p;
  const float *x, *w, *dy;
  float* y;
  int64_t tile, ntiles;
  float* partial;
  int groups;
} conv_ctx;

/* ---------------- forward ---------------- */

#define PX 8 /* output pixels per register block */

/* Direct forward for one output row: segments of PX pixels whose taps are
 * all inside the image accumulate 32 (or 16) channels in registers over
 * every tap and store once; other pixels (padding borders, the row's tail,
 * channels beyond a multiple of 16) go through the plain loop below. */
MS_INLINE void fwd_row_plain(const ms_conv* p, const float* xb, const float* w, float* yr,
                             int64_t oy, int64_t ox0, int64_t ox1, int64_t o0, int64_t o1) {
  const int64_t OC = p->OC, C = p->C;
  for (int64_t ox = ox0; ox < ox1; ox++)
    for (int64_t o = o0; o < o1; o++) yr[ox * OC + o] = 0.f;
  for (int ky = 0; ky < p->FH; ky++) {
    const int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
    if (iy < 0 || iy >= p->H) continue;
    const float* xr = xb + iy * p->W * C;
    for (int kx = 0; kx < p->FW; kx++)
      for (int64_t ci = 0; ci < C; ci++) {
        const float* wk = w + (((int64_t)ky * p->FW + kx) * C + ci) * OC;
        for (int64_t ox = ox0; ox < ox1; ox++) {
          const int64_t ix = ox * p->sw - p->pl + (int64_t)kx * p->dw;
          if (ix < 0 || ix >= p->W) continue;
          const float xv = xr[ix * C + ci];
          for (int64_t o = o0; o < o1; o++) yr[ox * OC + o] += xv * wk[o];
        }
      }
  }
}

MS_INLINE void fwd_rows_body(void* v, int64_t r0, int64_t r1) {
  conv_ctx* c = (conv_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t OC = p->OC, OW = p->OW, C = p->C, sw = p->sw;
  const int64_t oc32 = OC / 32 * 32, oc16 = OC / 16 * 16;
  const float* restrict w = c->w;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t b = r / p->OH, oy = r % p->OH;
    const float* xb = c->x + b * p->H * p->W * C;
    float* restrict yr = c->y + r * OW * OC;
    int64_t ox0 = 0;
    for (; ox0 + PX <= OW; ox0 += PX) {
      const int interior = ox0 * sw - p->pl >= 0 &&
                           (ox0 + PX - 1) * sw - p->pl + (int64_t)(p->FW - 1) * p->dw < p->W;
      if (!interior) { fwd_row_plain(p, xb, w, yr, oy, ox0, ox0 + PX, 0, OC); continue; }
      for (int64_t o = 0; o < oc32; o += 32) {
        v16f a0[PX] = {{0}}, a1[PX] = {{0}};
        for (int ky = 0; ky < p->FH; ky++) {
          const int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
          if (iy < 0 || iy >= p->H) continue;
          const float* xr = xb + iy * p->W * C;
          for (int kx = 0; kx < p->FW; kx++) {
            const float* xs = xr + (ox0 * sw - p->pl + (int64_t)kx * p->dw) * C;
            for (int64_t ci = 0; ci < C; ci++) {
              const float* wk = w + (((int64_t)ky * p->FW + kx) * C + ci) * OC + o;
              const v16f w0 = v_ld(wk), w1 = v_ld(wk + 16);
              for (int j = 0; j < PX; j++) {
                const float xv = xs[j * sw * C + ci];
                a0[j] += xv * w0;
                a1[j] += xv * w1;
              }
            }
          }
        }
        for (int j = 0; j < PX; j++) {
          v_st(yr + (ox0 + j) * OC + o, a0[j]);
          v_st(yr + (ox0 + j) * OC + o + 16, a1[j]);
        }
      }
      for (int64_t o = oc32; o < oc16; o += 16) {
        v16f a0[PX] = {{0}};
        for (int ky = 0; ky < p->FH; ky++) {
          const int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
          if (iy < 0 || iy >= p->H) continue;
          const float* xr = xb + iy * p->W * C;
          for (int kx = 0; kx < p->FW; kx++) {
            const float* xs = xr + (ox0 * sw - p->pl + (int64_t)kx * p->dw) * C;
            for (int64_t ci = 0; ci < C; ci++) {
              const v16f w0 = v_ld(w + (((int64_t)ky * p->FW + kx) * C + ci) * OC + o);
              for (int j = 0; j < PX; j++) a0[j] += xs[j * sw * C + ci] * w0;
            }
          }
        }
        for (int j = 0; j < PX; j++) v_st(yr + (ox0 + j) * OC + o, a0[j]);
      }
      if (oc16 < OC) fwd_row_plain(p, xb, w, yr, oy, ox0, ox0 + PX, oc16, OC);
    }
    if (ox0 < OW) fwd_row_plain(p, xb, w, yr, oy, ox0, OW, 0, OC);
  }
}
MS_VARIANTS(fwd_rows)

#if MS_HAVE_AVX2
/* AVX2+FMA direct forward (x86-64-v3 machines; AVX-512 ones keep the 16-wide
 * code above): blocks of NP output pixels x 16 (or 8) output channels held in
 * ymm registers over every tap; the same per-output order (ky, kx, ci). */
#define NPX 6
MS_AVX2 MS_INLINE void fwd_block16(const ms_conv* p, const float* xb, const float* w, float* yr,
                                   int64_t oy, int64_t ox0, int64_t o, const int np) {
  const int64_t OC = p->OC, C = p->C, sw = p->sw;
  __m256 a0[NPX], a1[NPX];
  for (int j = 0; j < np; j++) a0[j] = a1[j] = _mm256_setzero_ps();
  for (int ky = 0; ky < p->FH; ky++) {
    const int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
    if (iy < 0 || iy >= p->H) continue;
    const float* xr = xb + iy * p->W * C;
    for (int kx = 0; kx < p->FW; kx++) {
      const float* xs = xr + (ox0 * sw - p->pl + (int64_t)kx * p->dw) * C;
      const float* wk = w + ((int64_t)ky * p->FW + kx) * C * OC + o;
      for (int64_t ci = 0; ci < C; ci++, wk += OC) {
        const __m256 w0 = _mm256_loadu_ps(wk), w1 = _mm256_loadu_ps(wk + 8);
        for (int j = 0; j < np; j++) {
          const __m256 xv = _mm256_broadcast_ss(xs + j * sw * C + ci);
          a0[j] = _mm256_fmadd_ps(xv, w0, a0[j]);
          a1[j] = _mm256_fmadd_ps(xv, w1, a1[j]);
        }
      }
    }
  }
  for (int j = 0; j < np; j++) {
    _mm256_storeu_ps(yr + (ox0 + j) * OC + o, a0[j]);
    _mm256_storeu_ps(yr + (ox0 + j) * OC + o + 8, a1[j]);
  }
}
MS_AVX2 MS_INLINE void fwd_block8(const ms_conv* p, const float* xb, const float* w, float* yr,
                                  int64_t oy, int64_t ox0, int64_t o, const int np) {
  const int64_t OC = p->OC, C = p->C, sw = p->sw;
  __m256 a0[NPX];
  for (int j = 0; j < np; j++) a0[j] = _mm256_setzero_ps();
  for (int ky = 0; ky < p->FH; ky++) {
    const int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
    if (iy < 0 || iy >= p->H) continue;
    const float* xr = xb + iy * p->W * C;
    for (int kx = 0; kx < p->FW; kx++) {
      const float* xs = xr + (ox0 * sw - p->pl + (int64_t)kx * p->dw) * C;
      const float* wk = w + ((int64_t)ky * p->FW + kx) * C * OC + o;
      for (int64_t ci = 0; ci < C; ci++, wk += OC) {
        const __m256 w0 = _mm256_loadu_ps(wk);
        for (int j = 0; j < np; j++) a0[j] = _mm256_fmadd_ps(_mm256_broadcast_ss(xs + j * sw * C + ci), w0, a0[j]);
      }
    }
  }
  for (int j = 0; j < np; j++) _mm256_storeu_ps(yr + (ox0 + j) * OC + o, a0[j]);
}
/* np pixels from ox0 whose taps are all inside the image */
MS_AVX2 MS_INLINE void fwd_pixels_avx2(const ms_conv* p, const float* xb, const float* w, float* yr,
                                       int64_t oy, int64_t ox0, const int np) {
  const int64_t OC = p->OC;
  int64_t o = 0;
  for (; o + 16 <= OC; o += 16) fwd_block16(p, xb, w, yr, oy, ox0, o, np);
  for (; o + 8 <= OC; o += 8) fwd_block8(p, xb, w, yr, oy, ox0, o, np);
  if (o < OC) fwd_row_plain(p, xb, w, yr, oy, ox0, ox0 + np, o, OC);
}
MS_AVX2 static void fwd_rows_avx2(void* v, int64_t r0, int64_t r1) {
  conv_ctx* c = (conv_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t OW = p->OW, C = p->C, sw = p->sw;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t b = r / p->OH, oy = r % p->OH;
    const float* xb = c->x + b * p->H * p->W * C;
    float* yr = c->y + r * OW * p->OC;
    /* interior pixels: ox*sw - pl >= 0 and ox*sw - pl + (FW-1)*dw < W */
    int64_t lo = p->pl <= 0 ? 0 : (p->pl + sw - 1) / sw;
    const int64_t lastIn = (int64_t)p->W - 1 + p->pl - (int64_t)(p->FW - 1) * p->dw;
    int64_t hi = lastIn < 0 ? 0 : lastIn / sw + 1;
    if (hi > OW) hi = OW;
    if (lo > hi) lo = hi;
    if (lo > 0) fwd_row_plain(p, xb, c->w, yr, oy, 0, lo, 0, p->OC);
    int64_t ox = lo;
    for (; ox + NPX <= hi; ox += NPX) fwd_pixels_avx2(p, xb, c->w, yr, oy, ox, NPX);
    switch (hi - ox) {
      case 5: fwd_pixels_avx2(p, xb, c->w, yr, oy, ox, 5); break;
      case 4: fwd_pixels_avx2(p, xb, c->w, yr, oy, ox, 4); break;
      case 3: fwd_pixels_avx2(p, xb, c->w, yr, oy, ox, 3); break;
      case 2: fwd_pixels_avx2(p, xb, c->w, yr, oy, ox, 2); break;
      case 1: fwd_pixels_avx2(p, xb, c->w, yr, oy, ox, 1); break;
      default: break;
    }
    if (hi < OW) fwd_row_plain(p, xb, c->w, yr, oy, hi, OW, 0, p->OC);
  }
}
#endif

/* GEMM path: tiles of output pixels */
MS_INLINE void fwd_tiles_body(void* v, int64_t t0, int64_t t1) {
  conv_ctx* c = (conv_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t K = conv_K(p), P = conv_P(p);
  float* col = ms_scratch(1, (size_t)(c->tile * K));
  for (int64_t t = t0; t < t1; t++) {
    int64_t p0 = t * c->tile, p1 = p0 + c->tile;
    if (p1 > P) p1 = P;
    im2col(p, c->x, col, p0, p1);
    ms_sgemm(0, 0, (int)(p1 - p0), p->OC, (int)K, 1.f, col, (int)K, c->w, p->OC, 0.f,
             c->y + p0 * p->OC, p->OC);
  }
}
MS_VARIANTS(fwd_tiles)

void ms_conv2d(const ms_conv* p, const float* x, const float* w, float* y) {
  const int64_t P = conv_P(p), K = conv_K(p);
  if (P == 0 || p->OC == 0) return;
  if (K == 0) { memset(y, 0, sizeof(float) * P * p->OC); return; }
  if (is_pointwise(p)) {
    ms_sgemm_par(0, 0, (int)P, p->OC, (int)K, x, (int)K, w, p->OC, y, p->OC);
    return;
  }
  conv_ctx c = {p, x, w, NULL, y, 0, 0, NULL, 0};
  if (K <= DIRECT_K) {
    int64_t per = (int64_t)p->OW * p->OC * K;
    int64_t grain = (1 << 16) / (per ? per : 1);
    ms_par_fn fn = MS_PICK(fwd_rows);
#if MS_HAVE_AVX2
    if (ms_isa == 3) fn = fwd_rows_avx2;
#endif
    ms_parallel_for((int64_t)p->B * p->OH, grain < 1 ? 1 : grain, fn, &c);
    return;
  }
  c.tile = tile_rows(p);
  c.ntiles = (P + c.tile - 1) / c.tile;
  ms_parallel_for(c.ntiles, 1, MS_PICK(fwd_tiles), &c);
}

/* ---------------- gradient w.r.t. the input ---------------- */

/* range over groups of c->tile images (a number fixed by the shapes): one
 * GEMM for the group's pixels, then col2im image by image */
MS_INLINE void bwd_input_images_body(void* v, int64_t g0, int64_t g1) {
  conv_ctx* c = (conv_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t K = conv_K(p), HW = (int64_t)p->OH * p->OW;
  const int64_t img = (int64_t)p->H * p->W * p->C;
  float* dcol = ms_scratch(1, (size_t)(c->tile * HW * K));
  for (int64_t g = g0; g < g1; g++) {
    const int64_t b0 = g * c->tile, b1 = b0 + c->tile < p->B ? b0 + c->tile : p->B;
    /* dcol[(b1-b0)*HW, K] = dy[b0:b1][HW, OC] * W[K, OC]^T */
    ms_sgemm(0, 1, (int)((b1 - b0) * HW), (int)K, p->OC, 1.f, c->dy + b0 * HW * p->OC, p->OC, c->w,
             p->OC, 0.f, dcol, (int)K);
    for (int64_t b = b0; b < b1; b++) {
      float* dxb = c->y + b * img;
      memset(dxb, 0, sizeof(float) * img);
      col2im_add(p, dcol + (b - b0) * HW * K, dxb);
    }
  }
}
MS_VARIANTS(bwd_input_images)

void ms_conv2d_bwd_input(const ms_conv* p, const float* dy, const float* w, float* dx) {
  const int64_t K = conv_K(p);
  const int64_t img = (int64_t)p->H * p->W * p->C;
  if (p->B == 0 || img == 0) return;
  if (K == 0 || p->OC == 0 || p->OH == 0 || p->OW == 0) { memset(dx, 0, sizeof(float) * p->B * img); return; }
  if (is_pointwise(p)) {
    ms_sgemm_par(0, 1, (int)conv_P(p), (int)K, p->OC, dy, p->OC, w, p->OC, dx, (int)K);
    return;
  }
  conv_ctx c = {p, NULL, w, dy, dx, 0, 0, NULL, 0};
  /* images per GEMM: about BWD_ROWS output pixels, at most TILE_FLOATS * 4 floats of dcol */
  const int64_t HW = (int64_t)p->OH * p->OW;
  int64_t per = (BWD_ROWS + HW - 1) / HW;
  const int64_t cap = (TILE_FLOATS * 4) / (HW * K);
  if (per > cap) per = cap;
  if (per < 1) per = 1;
  c.tile = per;
  c.ntiles = (p->B + per - 1) / per;
  ms_parallel_for(c.ntiles, 1, MS_PICK(bwd_input_images), &c);
}

/* ---------------- gradient w.r.t. the filter ----------------
 * dW[K, OC] = sum over output pixels of x-patch^T dy. The pixels are split
 * into a fixed number of groups (not threads); each group sums in a fixed
 * order into its own partial, then the partials are added in order. */

/* direct: group g covers output rows [g*R/G, (g+1)*R/G) */
MS_INLINE void dw_direct_rows(const conv_ctx* c, int64_t r0, int64_t r1, float* restrict acc) {
  const ms_conv* p = c->p;
  const int64_t OC = p->OC, C = p->C, OW = p->OW;
  const float* restrict x = c->x;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t b = r / p->OH, oy = r % p->OH;
    const float* restrict dyr = c->dy + r * OW * OC;
    for (int ky = 0; ky < p->FH; ky++) {
      const int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
      if (iy < 0 || iy >= p->H) continue;
      const float* xr = x + (b * p->H + iy) * p->W * C;
      for (int kx = 0; kx < p->FW; kx++) {
        int64_t lo, hi;
        ox_range(p, kx, &lo, &hi);
        const int64_t off = (int64_t)kx * p->dw - p->pl;
        for (int64_t ci = 0; ci < C; ci++) {
          float* ak = acc + (((int64_t)ky * p->FW + kx) * C + ci) * OC;
          int64_t o = 0;
          for (; o + 32 <= OC; o += 32) {
            v16f s0 = {0}, s1 = {0}, t0 = {0}, t1 = {0};
            int64_t ox = lo;
            for (; ox + 2 <= hi; ox += 2) {
              const float xa = xr[(ox * p->sw + off) * C + ci], xb = xr[((ox + 1) * p->sw + off) * C + ci];
              const float* d = dyr + ox * OC + o;
              s0 += xa * v_ld(d); s1 += xa * v_ld(d + 16);
              t0 += xb * v_ld(d + OC); t1 += xb * v_ld(d + OC + 16);
            }
            if (ox < hi) {
              const float xa = xr[(ox * p->sw + off) * C + ci];
              s0 += xa * v_ld(dyr + ox * OC + o); s1 += xa * v_ld(dyr + ox * OC + o + 16);
            }
            v_st(ak + o, v_ld(ak + o) + (s0 + t0));
            v_st(ak + o + 16, v_ld(ak + o + 16) + (s1 + t1));
          }
          for (; o + 16 <= OC; o += 16) {
            v16f s0 = {0};
            for (int64_t ox = lo; ox < hi; ox++) s0 += xr[(ox * p->sw + off) * C + ci] * v_ld(dyr + ox * OC + o);
            v_st(ak + o, v_ld(ak + o) + s0);
          }
          for (; o < OC; o++) {
            float s0 = 0.f;
            for (int64_t ox = lo; ox < hi; ox++) s0 += xr[(ox * p->sw + off) * C + ci] * dyr[ox * OC + o];
            ak[o] += s0;
          }
        }
      }
    }
  }
}

#if MS_HAVE_AVX2
/* AVX2 version of dw_direct_rows: the same sums in the same order (even and
 * odd output columns in separate accumulators, added at the row's end). */
MS_AVX2 static void dw_direct_rows_avx2(const conv_ctx* c, int64_t r0, int64_t r1, float* restrict acc) {
  const ms_conv* p = c->p;
  const int64_t OC = p->OC, C = p->C, OW = p->OW, sw = p->sw;
  const float* restrict x = c->x;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t b = r / p->OH, oy = r % p->OH;
    const float* restrict dyr = c->dy + r * OW * OC;
    for (int ky = 0; ky < p->FH; ky++) {
      const int64_t iy = oy * p->sh - p->pt + (int64_t)ky * p->dh;
      if (iy < 0 || iy >= p->H) continue;
      const float* xr = x + (b * p->H + iy) * p->W * C;
      for (int kx = 0; kx < p->FW; kx++) {
        int64_t lo, hi;
        ox_range(p, kx, &lo, &hi);
        const int64_t off = (int64_t)kx * p->dw - p->pl;
        for (int64_t ci = 0; ci < C; ci++) {
          float* ak = acc + (((int64_t)ky * p->FW + kx) * C + ci) * OC;
          const float* xc = xr + off * C + ci;
          int64_t o = 0;
          for (; o + 32 <= OC; o += 32) {
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
            int64_t ox = lo;
            for (; ox + 2 <= hi; ox += 2) {
              const __m256 xa = _mm256_broadcast_ss(xc + ox * sw * C), xb = _mm256_broadcast_ss(xc + (ox + 1) * sw * C);
              const float* d = dyr + ox * OC + o;
              s0 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d), s0);
              s1 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d + 8), s1);
              s2 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d + 16), s2);
              s3 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d + 24), s3);
              t0 = _mm256_fmadd_ps(xb, _mm256_loadu_ps(d + OC), t0);
              t1 = _mm256_fmadd_ps(xb, _mm256_loadu_ps(d + OC + 8), t1);
              t2 = _mm256_fmadd_ps(xb, _mm256_loadu_ps(d + OC + 16), t2);
              t3 = _mm256_fmadd_ps(xb, _mm256_loadu_ps(d + OC + 24), t3);
            }
            if (ox < hi) {
              const __m256 xa = _mm256_broadcast_ss(xc + ox * sw * C);
              const float* d = dyr + ox * OC + o;
              s0 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d), s0);
              s1 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d + 8), s1);
              s2 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d + 16), s2);
              s3 = _mm256_fmadd_ps(xa, _mm256_loadu_ps(d + 24), s3);
            }
            _mm256_storeu_ps(ak + o, _mm256_add_ps(_mm256_loadu_ps(ak + o), _mm256_add_ps(s0, t0)));
            _mm256_storeu_ps(ak + o + 8, _mm256_add_ps(_mm256_loadu_ps(ak + o + 8), _mm256_add_ps(s1, t1)));
            _mm256_storeu_ps(ak + o + 16, _mm256_add_ps(_mm256_loadu_ps(ak + o + 16), _mm256_add_ps(s2, t2)));
            _mm256_storeu_ps(ak + o + 24, _mm256_add_ps(_mm256_loadu_ps(ak + o + 24), _mm256_add_ps(s3, t3)));
          }
          for (; o + 8 <= OC; o += 8) {
            __m256 s0 = _mm256_setzero_ps(), t0 = s0;
            int64_t ox = lo;
            for (; ox + 2 <= hi; ox += 2) {
              s0 = _mm256_fmadd_ps(_mm256_broadcast_ss(xc + ox * sw * C), _mm256_loadu_ps(dyr + ox * OC + o), s0);
              t0 = _mm256_fmadd_ps(_mm256_broadcast_ss(xc + (ox + 1) * sw * C), _mm256_loadu_ps(dyr + (ox + 1) * OC + o), t0);
            }
            if (ox < hi) s0 = _mm256_fmadd_ps(_mm256_broadcast_ss(xc + ox * sw * C), _mm256_loadu_ps(dyr + ox * OC + o), s0);
            _mm256_storeu_ps(ak + o, _mm256_add_ps(_mm256_loadu_ps(ak + o), _mm256_add_ps(s0, t0)));
          }
          for (; o < OC; o++) {
            float s0 = 0.f;
            for (int64_t ox = lo; ox < hi; ox++) s0 += xc[ox * sw * C] * dyr[ox * OC + o];
            ak[o] += s0;
          }
        }
      }
    }
  }
}
#endif

MS_INLINE void bwd_filter_groups_body(void* v, int64_t g0, int64_t g1) {
  conv_ctx* c = (conv_ctx*)v;
  const ms_conv* p = c->p;
  const int64_t K = conv_K(p), P = conv_P(p), n = K * p->OC;
  const int direct = K <= DIRECT_K, pw = is_pointwise(p);
  float* col = direct || pw ? NULL : ms_scratch(1, (size_t)(c->tile * K));
  for (int64_t g = g0; g < g1; g++) {
    float* out = c->partial + g * n;
    memset(out, 0, sizeof(float) * n);
    if (direct) {
      const int64_t R = (int64_t)p->B * p->OH;
#if MS_HAVE_AVX2
      if (ms_isa == 3) { dw_direct_rows_avx2(c, R * g / c->groups, R * (g + 1) / c->groups, out); continue; }
#endif
      dw_direct_rows(c, R * g / c->groups, R * (g + 1) / c->groups, out);
      continue;
    }
    int64_t t0 = c->ntiles * g / c->groups, t1 = c->ntiles * (g + 1) / c->groups;
    for (int64_t t = t0; t < t1; t++) {
      int64_t p0 = t * c->tile, p1 = p0 + c->tile;
      if (p1 > P) p1 = P;
      const float* a;
      if (pw) a = c->x + p0 * K;
      else { im2col(p, c->x, col, p0, p1); a = col; }
      ms_sgemm(1, 0, (int)K, p->OC, (int)(p1 - p0), 1.f, a, (int)K, c->dy + p0 * p->OC,
               p->OC, 1.f, out, p->OC);
    }
  }
}
MS_VARIANTS(bwd_filter_groups)

void ms_conv2d_bwd_filter(const ms_conv* p, const float* x, const float* dy, float* dw) {
  const int64_t K = conv_K(p), P = conv_P(p), n = K * p->OC;
  if (n == 0) return;
  if (P == 0) { memset(dw, 0, sizeof(float) * n); return; }
  conv_ctx c = {p, x, NULL, dy, dw, tile_rows(p), 0, NULL, 0};
  c.ntiles = (P + c.tile - 1) / c.tile;
  const int64_t units = K <= DIRECT_K ? (int64_t)p->B * p->OH : c.ntiles;
  c.groups = units < FILTER_GROUPS ? (int)units : FILTER_GROUPS;
  if (c.groups == 1) {
    c.partial = dw;
    MS_PICK(bwd_filter_groups)(&c, 0, 1);
    return;
  }
  c.partial = (float*)malloc(sizeof(float) * n * c.groups);
  if (!c.partial) abort();
  ms_parallel_for(c.groups, 1, MS_PICK(bwd_filter_groups), &c);
  memcpy(dw, c.partial, sizeof(float) * n);
  for (int g = 1; g < c.groups; g++) {
    const float* q = c.partial + g * n;
    for (int64_t i = 0; i < n; i++) dw[i] += q[i];
  }
  free(c.partial);
}
