/* Elementwise kernels: unary, broadcasting binary, select, clip, fused Adam.
 * Built with -ffp-contract=off so + - * / sqrt round exactly like tfjs-cpu. */
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EW_GRAIN (1 << 15) /* elements per thread before we split */

/* ---------------- unary ---------------- */

typedef struct { int op; const float* x; float* y; float alpha; } unary_ctx;
/* outputs never alias inputs (the JS side always allocates them) */

MS_INLINE float softplusf(float x) {
  const float thr = -13.9423847f; /* log(FLT_EPSILON) + 2, as tfjs-cpu */
  if (x < thr) return expf(x);
  if (x > -thr) return x;
  return log1pf(expf(x));
}
MS_INLINE float roundf_even(float x) {
  float base = floorf(x), d = x - base;
  if (d < 0.5f) return base;
  if (d > 0.5f) return ceilf(x);
  return fmodf(base, 2.0f) == 0.0f ? base : base + 1.0f;
}

#define UNARY_LOOP(expr) for (int64_t i = b; i < e; i++) { float v = x[i]; y[i] = (expr); } break

MS_INLINE void unary_range_body(void* p, int64_t b, int64_t e) {
  unary_ctx* c = (unary_ctx*)p;
  const float* restrict x = c->x;
  float* restrict y = c->y;
  const float a = c->alpha;
  switch (c->op) {
    case U_RELU: UNARY_LOOP(v < 0.f ? 0.f : v);
    case U_RELU6: UNARY_LOOP(v < 0.f ? 0.f : (v > 6.f ? 6.f : v));
    case U_STEP: UNARY_LOOP(v != v ? v : (v > 0.f ? 1.f : a));
    case U_EXP: UNARY_LOOP(expf(v));
    case U_LOG: UNARY_LOOP(logf(v));
    case U_SQRT: UNARY_LOOP(sqrtf(v));
    case U_RSQRT: UNARY_LOOP(1.f / sqrtf(v));
    case U_SQUARE: UNARY_LOOP(v * v);
    case U_NEG: UNARY_LOOP(-v);
    case U_ABS: UNARY_LOOP(fabsf(v));
    case U_SIGMOID: UNARY_LOOP(1.f / (1.f + expf(-v)));
    case U_TANH: UNARY_LOOP(tanhf(v));
    case U_RECIPROCAL: UNARY_LOOP(1.f / v);
    case U_ELU: UNARY_LOOP(v >= 0.f ? v : expm1f(v));
    case U_LEAKYRELU: UNARY_LOOP(v < 0.f ? a * v : v);
    case U_SOFTPLUS: UNARY_LOOP(softplusf(v));
    case U_LOG1P: UNARY_LOOP(log1pf(v));
    case U_EXPM1: UNARY_LOOP(expm1f(v));
    case U_FLOOR: UNARY_LOOP(floorf(v));
    case U_CEIL: UNARY_LOOP(ceilf(v));
    case U_SIGN: UNARY_LOOP(v < 0.f ? -1.f : (v > 0.f ? 1.f : 0.f));
    case U_ROUND: UNARY_LOOP(roundf_even(v));
    default: memcpy(y + b, x + b, (size_t)(e - b) * sizeof(float)); break;
  }
}
MS_VARIANTS(unary_range)

void ms_unary(int op, const float* x, float* y, int64_t n, float alpha) {
  unary_ctx c = {op, x, y, alpha};
  ms_parallel_for(n, EW_GRAIN, MS_PICK(unary_range), &c);
}

/* ---------------- binary with broadcasting ---------------- */

#define MAX_RANK 8
typedef struct {
  int op, rank;
  const float* a;
  const float* b;
  void* out;
  int32_t shape[MAX_RANK], sa[MAX_RANK], sb[MAX_RANK];
  int64_t inner; /* shape[rank-1] */
} binary_ctx;

MS_INLINE float fmax_js(float a, float b) { return a >= b ? a : (b > a ? b : a + b); }
MS_INLINE float fmin_js(float a, float b) { return a <= b ? a : (b < a ? b : a + b); }

/* One innermost row; ia/ib are 0 (broadcast) or 1. Split into the four
 * stride combinations so that each loop vectorizes. */
#define ROW_F(expr)                                                         \
  if (ia && ib) { for (int64_t i = 0; i < n; i++) { float x = a[i], z = b[i]; y[i] = (expr); } } \
  else if (ia) { float z = b[0]; for (int64_t i = 0; i < n; i++) { float x = a[i]; y[i] = (expr); } } \
  else if (ib) { float x = a[0]; for (int64_t i = 0; i < n; i++) { float z = b[i]; y[i] = (expr); } } \
  else { float x = a[0], z = b[0]; float r = (expr); for (int64_t i = 0; i < n; i++) y[i] = r; } \
  break
#define ROW_U(expr)                                                         \
  if (ia && ib) { for (int64_t i = 0; i < n; i++) { float x = a[i], z = b[i]; u[i] = (expr); } } \
  else if (ia) { float z = b[0]; for (int64_t i = 0; i < n; i++) { float x = a[i]; u[i] = (expr); } } \
  else if (ib) { float x = a[0]; for (int64_t i = 0; i < n; i++) { float z = b[i]; u[i] = (expr); } } \
  else { float x = a[0], z = b[0]; uint8_t r = (expr); for (int64_t i = 0; i < n; i++) u[i] = r; } \
  break

MS_INLINE void binary_rows_body(void* p, int64_t r0, int64_t r1) {
  binary_ctx* c = (binary_ctx*)p;
  const int rank = c->rank;
  const int64_t n = c->inner;
  const int ia = c->sa[rank - 1] != 0, ib = c->sb[rank - 1] != 0;
  for (int64_t r = r0; r < r1; r++) {
    /* offsets of row r (row index over the outer rank-1 dims) */
    int64_t oa = 0, ob = 0, rem = r;
    for (int d = rank - 2; d >= 0; d--) {
      int64_t idx = rem % c->shape[d];
      rem /= c->shape[d];
      oa += idx * c->sa[d];
      ob += idx * c->sb[d];
    }
    const float* a = c->a + oa;
    const float* b = c->b + ob;
    float* y = (float*)c->out + r * n;
    uint8_t* u = (uint8_t*)c->out + r * n;
    switch (c->op) {
      case B_ADD: ROW_F(x + z);
      case B_SUB: ROW_F(x - z);
      case B_MUL: ROW_F(x * z);
      case B_DIV: ROW_F(x / z);
      case B_MAX: ROW_F(fmax_js(x, z));
      case B_MIN: ROW_F(fmin_js(x, z));
      case B_SQDIFF: ROW_F((x - z) * (x - z));
      case B_ELUGRAD: ROW_F(z >= 0.f ? x : x * (z + 1.f)); /* a = dy, b = y */
      case B_GT: ROW_U(x > z);
      case B_GE: ROW_U(x >= z);
      case B_LT: ROW_U(x < z);
      case B_LE: ROW_U(x <= z);
      case B_EQ: ROW_U(x == z);
      case B_NE: ROW_U(x != z);
      default: break;
    }
  }
}
MS_VARIANTS(binary_rows)

void ms_binary(int op, const float* a, const float* b, void* out, int rank,
               const int32_t* shape, const int32_t* sa, const int32_t* sb) {
  binary_ctx c;
  c.op = op;
  c.a = a;
  c.b = b;
  c.out = out;
  if (rank < 1) { /* scalar op scalar */
    rank = 1;
    c.shape[0] = 1; c.sa[0] = 0; c.sb[0] = 0;
  } else {
    if (rank > MAX_RANK) return;
    memcpy(c.shape, shape, sizeof(int32_t) * rank);
    memcpy(c.sa, sa, sizeof(int32_t) * rank);
    memcpy(c.sb, sb, sizeof(int32_t) * rank);
  }
  c.rank = rank;
  c.inner = c.shape[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= c.shape[d];
  if (c.inner == 0 || rows == 0) return;
  int64_t grain = EW_GRAIN / c.inner;
  ms_parallel_for(rows, grain < 1 ? 1 : grain, MS_PICK(binary_rows), &c);
}

/* ---------------- select / clip ---------------- */

typedef struct { const uint8_t* c; const float* a; const float* b; float* y; float lo, hi; } sel_ctx;

MS_INLINE void select_range_body(void* p, int64_t b, int64_t e) {
  sel_ctx* s = (sel_ctx*)p;
  for (int64_t i = b; i < e; i++) s->y[i] = s->c[i] == 1 ? s->a[i] : s->b[i];
}
MS_VARIANTS(select_range)
void ms_select(const uint8_t* c, const float* a, const float* b, float* y, int64_t n) {
  sel_ctx s = {c, a, b, y, 0, 0};
  ms_parallel_for(n, EW_GRAIN, MS_PICK(select_range), &s);
}

MS_INLINE void clip_range_body(void* p, int64_t b, int64_t e) {
  sel_ctx* s = (sel_ctx*)p;
  const float lo = s->lo, hi = s->hi;
  for (int64_t i = b; i < e; i++) {
    float v = s->a[i];
    s->y[i] = v > hi ? hi : (v < lo ? lo : v);
  }
}
MS_VARIANTS(clip_range)
void ms_clip(const float* x, float* y, int64_t n, float lo, float hi) {
  sel_ctx s = {NULL, x, NULL, y, lo, hi};
  ms_parallel_for(n, EW_GRAIN, MS_PICK(clip_range), &s);
}

/* ---------------- fused Adam ----------------
 * k: beta1, 1-beta1, beta2, 1-beta2, 1-accBeta1, 1-accBeta2, epsilon, -lr.
 * Same operation order and float32 rounding as tfjs AdamOptimizer. */
typedef struct { float *x, *m, *v; const float* g; float *xo, *mo, *vo; float k[8]; } adam_ctx;

MS_INLINE void adam_loop(const float* restrict xi, const float* restrict mi, const float* restrict vi,
                         const float* restrict gi, float* restrict xo, float* restrict mo,
                         float* restrict vo, int64_t b, int64_t e, const float* k) {
  const float b1 = k[0], ob1 = k[1], b2 = k[2], ob2 = k[3];
  const float c1 = k[4], c2 = k[5], eps = k[6], nlr = k[7];
  for (int64_t i = b; i < e; i++) {
    float g = gi[i];
    float m = mi[i] * b1 + g * ob1;
    float v = vi[i] * b2 + (g * g) * ob2;
    float mh = m / c1, vh = v / c2;
    mo[i] = m;
    vo[i] = v;
    xo[i] = (mh / (sqrtf(vh) + eps)) * nlr + xi[i];
  }
}
/* the same update in place (x, m, v overwritten) */
MS_INLINE void adam_inplace_loop(float* restrict x, float* restrict mm, float* restrict vv,
                                 const float* restrict gi, int64_t b, int64_t e, const float* k) {
  const float b1 = k[0], ob1 = k[1], b2 = k[2], ob2 = k[3];
  const float c1 = k[4], c2 = k[5], eps = k[6], nlr = k[7];
  for (int64_t i = b; i < e; i++) {
    float g = gi[i];
    float m = mm[i] * b1 + g * ob1;
    float v = vv[i] * b2 + (g * g) * ob2;
    float mh = m / c1, vh = v / c2;
    mm[i] = m;
    vv[i] = v;
    x[i] = (mh / (sqrtf(vh) + eps)) * nlr + x[i];
  }
}
/* restrict parameters (not locals): GCC only trusts those, and needs them
 * to vectorize a loop over seven arrays */
MS_INLINE void adam_range_body(void* p, int64_t b, int64_t e) {
  adam_ctx* c = (adam_ctx*)p;
  if (c->xo == c->x)
    adam_inplace_loop(c->x, c->m, c->v, c->g, b, e, c->k);
  else
    adam_loop(c->x, c->m, c->v, c->g, c->xo, c->mo, c->vo, b, e, c->k);
}
MS_VARIANTS(adam_range)
void ms_adam(float* x, float* m, float* v, const float* g, float* xo, float* mo,
             float* vo, int64_t n, const float* k) {
  adam_ctx c = {x, m, v, g, xo, mo, vo, {0}};
  memcpy(c.k, k, sizeof c.k);
  ms_parallel_for(n, EW_GRAIN, MS_PICK(adam_range), &c);
}

/* ---------------- batch normalization (inference form, as tfjs FusedBatchNorm) ----------------
 * y = offset + (x - mean) * scale / sqrt(variance + eps) over rows of C
 * channels; each parameter has C values or one (null: offset 0, scale 1).
 * tfjs-cpu evaluates it in double and rounds once; so does this (the
 * per-channel factor scale / sqrt(variance + eps) is computed once). */
typedef struct { const float* x; float* y; int64_t C; const double *m, *k, *o; } bn_ctx;

MS_INLINE void bn_rows_body(void* p, int64_t r0, int64_t r1) {
  bn_ctx* c = (bn_ctx*)p;
  const int64_t C = c->C;
  const double* restrict m = c->m;
  const double* restrict k = c->k;
  const double* restrict o = c->o;
  for (int64_t r = r0; r < r1; r++) {
    const float* restrict x = c->x + r * C;
    float* restrict y = c->y + r * C;
    for (int64_t j = 0; j < C; j++) y[j] = (float)(o[j] + ((double)x[j] - m[j]) * k[j]);
  }
}
MS_VARIANTS(bn_rows)

/* n[0..3]: value counts (1 or C) of mean, variance, offset, scale; offset / scale may be NULL */
void ms_batchnorm(const float* x, float* y, int64_t rows, int64_t C, const float* mean, const float* var,
                  const float* off, const float* scale, const int32_t* n, double eps) {
  if (rows == 0 || C == 0) return;
  double* buf = (double*)malloc(sizeof(double) * 3 * C);
  if (!buf) abort();
  double *m = buf, *k = buf + C, *o = buf + 2 * C;
  for (int64_t j = 0; j < C; j++) {
    m[j] = mean[n[0] == 1 ? 0 : j];
    const double v = var[n[1] == 1 ? 0 : j];
    o[j] = off ? off[n[2] == 1 ? 0 : j] : 0.0;
    const double s = scale ? scale[n[3] == 1 ? 0 : j] : 1.0;
    k[j] = s / sqrt(v + eps);
  }
  bn_ctx c = {x, y, C, m, k, o};
  int64_t grain = EW_GRAIN / C;
  ms_parallel_for(rows, grain < 1 ? 1 : grain, MS_PICK(bn_rows), &c);
  free(buf);
}

/* ---------------- dropout mask (modelspec core's ModelspecDropoutMask) ----------------
 * Element i is a hash of (seed, i), bit for bit core's dropoutMaskValues:
 * s = imul(seed ^ 0x9e3779b9, 0x85ebca6b) and the threshold come from JS. */
typedef struct { float* y; uint32_t s, threshold; float keep; } mask_ctx;

MS_INLINE void mask_range_body(void* p, int64_t b, int64_t e) {
  mask_ctx* c = (mask_ctx*)p;
  const uint32_t s = c->s, thr = c->threshold;
  const float keep = c->keep;
  float* restrict y = c->y;
  for (int64_t i = b; i < e; i++) {
    uint32_t h = s ^ ((uint32_t)i * 0xcc9e2d51u);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    y[i] = h >= thr ? keep : 0.f;
  }
}
MS_VARIANTS(mask_range)

void ms_dropout_mask(float* y, int64_t n, uint32_t s, uint32_t threshold, float keep) {
  mask_ctx c = {y, s, threshold, keep};
  ms_parallel_for(n, EW_GRAIN, MS_PICK(mask_range), &c);
}
