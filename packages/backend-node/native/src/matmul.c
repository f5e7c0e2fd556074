/* GEMM through CBLAS (OpenBLAS kept at one thread; large products are split
 * over our pool by rows or columns, which never changes any element's sum). */
#include "common.h"

#include <cblas.h>
#include <math.h>

#define PAR_MIN_FLOPS (1 << 23) /* below this a product runs on one thread */

void ms_sgemm(int transA, int transB, int M, int N, int K, float alpha,
              const float* A, int lda, const float* B, int ldb, float beta,
              float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) C[(int64_t)i * ldc + j] = beta == 0.f ? 0.f : beta * C[(int64_t)i * ldc + j];
    return;
  }
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb,
              beta, C, ldc);
}

typedef struct {
  int tA, tB, M, N, K, lda, ldb, ldc, byRows;
  const float *A, *B;
  float* C;
} gemm_ctx;

/* range is in units of 16 rows or 16 columns */
static void gemm_part(void* p, int64_t b, int64_t e) {
  gemm_ctx* g = (gemm_ctx*)p;
  if (g->byRows) {
    int r0 = (int)b * 16, r1 = (int)e * 16;
    if (r1 > g->M) r1 = g->M;
    const float* A = g->tA ? g->A + r0 : g->A + (int64_t)r0 * g->lda;
    ms_sgemm(g->tA, g->tB, r1 - r0, g->N, g->K, 1.f, A, g->lda, g->B, g->ldb, 0.f,
             g->C + (int64_t)r0 * g->ldc, g->ldc);
  } else {
    int c0 = (int)b * 16, c1 = (int)e * 16;
    if (c1 > g->N) c1 = g->N;
    const float* B = g->tB ? g->B + (int64_t)c0 * g->ldb : g->B + c0;
    ms_sgemm(g->tA, g->tB, g->M, c1 - c0, g->K, 1.f, g->A, g->lda, B, g->ldb, 0.f,
             g->C + c0, g->ldc);
  }
}

void ms_sgemm_par(int tA, int tB, int M, int N, int K, const float* A, int lda,
                  const float* B, int ldb, float* C, int ldc) {
  double flops = 2.0 * M * N * K;
  if (ms_pool_threads() < 2 || flops < PAR_MIN_FLOPS) {
    ms_sgemm(tA, tB, M, N, K, 1.f, A, lda, B, ldb, 0.f, C, ldc);
    return;
  }
  gemm_ctx g = {tA, tB, M, N, K, lda, ldb, ldc, M >= N, A, B, C};
  int64_t units = g.byRows ? (M + 15) / 16 : (N + 15) / 16;
  ms_parallel_for(units, 2, gemm_part, &g);
}

/* ---------------- bias + activation epilogue ---------------- */

typedef struct { float* y; const float* bias; int64_t cols; int act; float alpha; } ba_ctx;

MS_INLINE void bias_act_rows_body(void* p, int64_t r0, int64_t r1) {
  ba_ctx* c = (ba_ctx*)p;
  const int64_t n = c->cols;
  const float al = c->alpha;
  for (int64_t r = r0; r < r1; r++) {
    float* y = c->y + r * n;
    if (c->bias)
      for (int64_t j = 0; j < n; j++) y[j] = y[j] + c->bias[j];
    switch (c->act) {
      case A_RELU: for (int64_t j = 0; j < n; j++) y[j] = y[j] < 0.f ? 0.f : y[j]; break;
      case A_RELU6:
        for (int64_t j = 0; j < n; j++) y[j] = y[j] < 0.f ? 0.f : (y[j] > 6.f ? 6.f : y[j]);
        break;
      case A_SIGMOID: for (int64_t j = 0; j < n; j++) y[j] = 1.f / (1.f + expf(-y[j])); break;
      case A_ELU: for (int64_t j = 0; j < n; j++) y[j] = y[j] >= 0.f ? y[j] : expm1f(y[j]); break;
      case A_LEAKYRELU: for (int64_t j = 0; j < n; j++) y[j] = y[j] < 0.f ? al * y[j] : y[j]; break;
      default: break;
    }
  }
}
MS_VARIANTS(bias_act_rows)

void ms_bias_act(float* y, const float* bias, int64_t rows, int64_t cols, int act, float alpha) {
  if (!bias && act == A_LINEAR) return;
  ba_ctx c = {y, bias, cols, act, alpha};
  int64_t grain = (1 << 15) / (cols ? cols : 1);
  ms_parallel_for(rows, grain < 1 ? 1 : grain, MS_PICK(bias_act_rows), &c);
}
