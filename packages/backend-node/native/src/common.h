/* Shared declarations for the modelspec native tfjs kernels. */
#ifndef MS_COMMON_H
#define MS_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Hot loops are written as always-inline bodies and compiled three times:
 * for x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA) and baseline; MS_PICK picks
 * the variant for this CPU (ms_isa, set once at load), so one build runs on
 * any x86-64 machine. (GCC 12's target_clones resolver picked the baseline
 * clone on AVX-512 machines, hence this explicit dispatch.) */
extern int ms_isa; /* 1 baseline, 3 x86-64-v3, 4 x86-64-v4 */
void ms_isa_init(void);
typedef void (*ms_par_fn)(void* ctx, int64_t begin, int64_t end);
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(MS_NO_DISPATCH)
#define MS_VARIANTS(name)                                                                    \
  __attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) static void name##_v4( \
      void* p, int64_t b, int64_t e) { name##_body(p, b, e); }                              \
  __attribute__((target("arch=x86-64-v3"))) static void name##_v3(void* p, int64_t b, int64_t e) { \
    name##_body(p, b, e);                                                                    \
  }                                                                                          \
  static void name##_v1(void* p, int64_t b, int64_t e) { name##_body(p, b, e); }
#define MS_PICK(name) (ms_isa >= 4 ? name##_v4 : ms_isa >= 3 ? name##_v3 : name##_v1)
#else
#define MS_VARIANTS(name) \
  static void name##_v1(void* p, int64_t b, int64_t e) { name##_body(p, b, e); }
#define MS_PICK(name) name##_v1
#endif

#define MS_INLINE static inline __attribute__((always_inline))

/* Hand-written AVX2+FMA kernels for x86-64-v3 machines (ms_isa == 3), where
 * the 16-wide vector-extension code above lowers poorly (scalar compares,
 * spilled accumulators). AVX-512 machines keep the 16-wide code. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(MS_NO_DISPATCH)
#define MS_HAVE_AVX2 1
#define MS_AVX2 __attribute__((target("arch=x86-64-v3")))
#include <immintrin.h>
#else
#define MS_HAVE_AVX2 0
#endif

/* ---- thread pool (threadpool.c) ----
 * fn(ctx, begin, end) is called on disjoint ranges covering [0, n). The split
 * depends only on n and the pool size; kernels that reduce across ranges use
 * fixed-size blocks instead, so results never depend on the thread count. */
void ms_pool_init(int nthreads);
int ms_pool_threads(void);
/* Limits the threads used per job (1..started); returns the new limit. */
int ms_pool_set_active(int n);
/* Runs serially when n < 2 * grain or the pool is busy / has one thread. */
void ms_parallel_for(int64_t n, int64_t grain, ms_par_fn fn, void* ctx);

/* ---- scratch memory (per thread, grows, never shrinks) ---- */
float* ms_scratch(int slot, size_t floats);

/* ---- BLAS (matmul.c) ---- */
/* Row-major C[M,N] = alpha*op(A) op(B) + beta*C, single BLAS thread. */
void ms_sgemm(int transA, int transB, int M, int N, int K, float alpha,
              const float* A, int lda, const float* B, int ldb, float beta,
              float* C, int ldc);
/* Same, split across the pool over M or N when the product is large. */
void ms_sgemm_par(int transA, int transB, int M, int N, int K,
                  const float* A, int lda, const float* B, int ldb,
                  float* C, int ldc);

/* ---- kernel entry points (plain C, no N-API) ---- */
enum ms_unary { U_RELU, U_RELU6, U_STEP, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_SQUARE,
  U_NEG, U_ABS, U_SIGMOID, U_TANH, U_RECIPROCAL, U_ELU, U_LEAKYRELU, U_SOFTPLUS,
  U_LOG1P, U_EXPM1, U_FLOOR, U_CEIL, U_SIGN, U_ROUND, U_COPY, U_COUNT };
enum ms_binary { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_SQDIFF, B_ELUGRAD,
  B_FLOAT_COUNT,
  /* bool (uint8) results */
  B_GT = 16, B_GE, B_LT, B_LE, B_EQ, B_NE, B_COUNT };

void ms_unary(int op, const float* x, float* y, int64_t n, float alpha);
/* rank<=8 broadcast; shape/strides in elements, stride 0 = broadcast. */
void ms_binary(int op, const float* a, const float* b, void* out, int rank,
               const int32_t* shape, const int32_t* sa, const int32_t* sb);
void ms_select(const uint8_t* c, const float* a, const float* b, float* y, int64_t n);
void ms_batchnorm(const float* x, float* y, int64_t rows, int64_t C, const float* mean, const float* var,
                  const float* off, const float* scale, const int32_t* n, double eps);
void ms_dropout_mask(float* y, int64_t n, uint32_t s, uint32_t threshold, float keep);
void ms_clip(const float* x, float* y, int64_t n, float lo, float hi);
void ms_adam(float* x, float* m, float* v, const float* g,
             float* xo, float* mo, float* vo, int64_t n, const float* k);

/* reduce over the middle axis of [A, R, C] */
enum ms_reduce { R_SUM, R_MAX, R_MIN, R_MEAN, R_PROD };
void ms_reduce(int op, const float* x, float* y, int64_t A, int64_t R, int64_t C);
void ms_softmax(const float* x, float* y, int64_t rows, int64_t cols, int log);

/* activations applied after matmul / conv */
enum ms_act { A_LINEAR, A_RELU, A_RELU6, A_SIGMOID, A_ELU, A_LEAKYRELU };
void ms_bias_act(float* y, const float* bias, int64_t rows, int64_t cols,
                 int act, float alpha);

typedef struct {
  int B, H, W, C;      /* input, NHWC */
  int OH, OW, OC;      /* output */
  int FH, FW;          /* filter */
  int sh, sw, dh, dw;  /* strides, dilations */
  int pt, pl;          /* padding top / left */
} ms_conv;

void ms_conv2d(const ms_conv* p, const float* x, const float* w, float* y);
void ms_conv2d_bwd_input(const ms_conv* p, const float* dy, const float* w, float* dx);
void ms_conv2d_bwd_filter(const ms_conv* p, const float* x, const float* dy, float* dw);
/* pools use ms_conv with OC == C */
void ms_maxpool(const ms_conv* p, const float* x, float* y);
void ms_maxpool_grad(const ms_conv* p, const float* dy, const float* x, float* dx);
void ms_avgpool(const ms_conv* p, const float* x, float* y);
void ms_avgpool_grad(const ms_conv* p, const float* dy, float* dx);

void ms_gather(const float* x, const int32_t* idx, float* y, int64_t outer,
               int64_t axisLen, int64_t nIdx, int64_t inner);
/* 4-byte elements: y[yOff + i.ys] = x[xOff + i.xs] for i over shape (copy.c) */
void ms_strided_copy(const void* x, void* y, int rank, const int64_t* shape,
                     const int64_t* xs, int64_t xOff, const int64_t* ys, int64_t yOff);
void ms_segment_sum(const float* x, const int32_t* seg, float* y, int64_t outer,
                    int64_t n, int64_t nSeg, int64_t inner);

#endif
