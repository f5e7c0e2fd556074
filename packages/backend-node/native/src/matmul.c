/* GEMM through CBLAS (OpenBLAS kept at one thread). A large product is cut
 * into GEMM_BLOCKS blocks of rows or columns that depend on its shape only,
 * one CBLAS call each, which the pool shares out: an element's value can
 * depend on the shape of the call that computes it (OpenBLAS's edge and
 * small-matrix kernels accumulate in another order on some CPUs, Zen's AVX2
 * for one), so the calls must not follow the thread count. */
#include "common.h"

#include <cblas.h>
#include <math.h>

#define PAR_MIN_FLOPS (1 << 23) /* below this a product is one call */
#define GEMM_BLOCKS 8           /* a larger product: this many calls at most */

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
  int block; /* rows or columns per call (a multiple of 16) */
  const float *A, *B;
  float* C;
} gemm_ctx;

/* blocks [b, e): one CBLAS call per block, whichever thread runs it */
static void gemm_blocks(void* p, int64_t b, int64_t e) {
  gemm_ctx* g = (gemm_ctx*)p;
  for (int64_t i = b; i < e; i++) {
    int lo = (int)i * g->block, hi = lo + g->block;
    if (g->byRows) {
      if (hi > g->M) hi = g->M;
      const float* A = g->tA ? g->A + lo : g->A + (int64_t)lo * g->lda;
      ms_sgemm(g->tA, g->tB, hi - lo, g->N, g->K, 1.f, A, g->lda, g->B, g->ldb, 0.f,
               g->C + (int64_t)lo * g->ldc, g->ldc);
    } else {
      if (hi > g->N) hi = g->N;
      const float* B = g->tB ? g->B + (int64_t)lo * g->ldb : g->B + lo;
      ms_sgemm(g->tA, g->tB, g->M, hi - lo, g->K, 1.f, g->A, g->lda, B, g->ldb, 0.f,
               g->C + lo, g->ldc);
    }
  }
}

void ms_sgemm_par(int tA, int tB, int M, int N, int K, const float* A, int lda,
                  const float* B, int ldb, float* C, int ldc) {
  double flops = 2.0 * M * N * K;
  if (flops < PAR_MIN_FLOPS) {
    ms_sgemm(tA, tB, M, N, K, 1.f, A, lda, B, ldb, 0.f, C, ldc);
    return;
  }
  const int byRows = M >= N;
  const int64_t units = ((byRows ? M : N) + 15) / 16;
  const int64_t per = (units + GEMM_BLOCKS - 1) / GEMM_BLOCKS;
  gemm_ctx g = {tA, tB, M, N, K, lda, ldb, ldc, byRows, (int)(per * 16), A, B, C};
  ms_parallel_for((units + per - 1) / per, 1, gemm_blocks, &g);
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
