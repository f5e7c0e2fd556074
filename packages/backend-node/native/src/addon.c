/* N-API surface of the native kernels. Integer parameters travel in a shared
 * Int32Array and float parameters in a Float64Array (registered by init), so
 * a call only passes typed arrays. Every array is type- and size-checked
 * before any kernel touches it. */
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdlib.h>
#include <string.h>

#include "common.h"

extern char* openblas_get_corename(void);
extern char* openblas_get_config(void);
extern void openblas_set_num_threads(int);

typedef struct {
  napi_ref iref, fref;
  int32_t* I;
  double* F;
  size_t ni, nf;
} instance;

#define MAX_ARGS 8
typedef struct {
  napi_env env;
  instance* inst;
  size_t argc;
  napi_value argv[MAX_ARGS];
  int failed;
} call;

static void fail(call* c, const char* msg) {
  if (!c->failed) napi_throw_error(c->env, "ERR_MODELSPEC_NATIVE", msg);
  c->failed = 1;
}

static int begin(call* c, napi_env env, napi_callback_info info, size_t want) {
  c->env = env;
  c->failed = 0;
  c->argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok) { fail(c, "bad call"); return 0; }
  if (napi_get_instance_data(env, (void**)&c->inst) != napi_ok || !c->inst || !c->inst->I) {
    fail(c, "native addon not initialised");
    return 0;
  }
  if (c->argc < want) { fail(c, "too few arguments"); return 0; }
  return 1;
}

/* typed array argument of the given type holding at least `need` elements */
static void* arr(call* c, size_t i, napi_typedarray_type type, int64_t need) {
  if (c->failed) return NULL;
  napi_typedarray_type t;
  size_t len;
  void* data;
  bool is;
  if (i >= c->argc || napi_is_typedarray(c->env, c->argv[i], &is) != napi_ok || !is ||
      napi_get_typedarray_info(c->env, c->argv[i], &t, &len, &data, NULL, NULL) != napi_ok) {
    fail(c, "expected a typed array");
    return NULL;
  }
  if (t != type) { fail(c, "typed array of the wrong type"); return NULL; }
  if (need < 0 || (int64_t)len < need) { fail(c, "typed array too short"); return NULL; }
  return data;
}
#define F32(i, n) ((float*)arr(&c, i, napi_float32_array, n))

static int32_t ival(call* c, size_t i) {
  int32_t v = 0;
  if (!c->failed && (i >= c->argc || napi_get_value_int32(c->env, c->argv[i], &v) != napi_ok)) fail(c, "expected a number");
  return v;
}

static napi_value undef(napi_env env) { napi_value u; napi_get_undefined(env, &u); return u; }
static napi_value boolean(napi_env env, bool b) { napi_value v; napi_get_boolean(env, b, &v); return v; }

static int64_t prod(const int32_t* a, int n) {
  int64_t p = 1;
  for (int i = 0; i < n; i++) p *= a[i] < 0 ? 0 : a[i];
  return p;
}

/* ---------------- init ---------------- */

static void free_instance(napi_env env, void* data, void* hint) {
  (void)hint;
  instance* in = (instance*)data;
  if (in->iref) napi_delete_reference(env, in->iref);
  if (in->fref) napi_delete_reference(env, in->fref);
  free(in);
}

/* init(i32 scratch, f64 scratch, threads) -> { threads, blasCore, blasConfig } */
static napi_value js_init(napi_env env, napi_callback_info info) {
  call c;
  c.env = env;
  c.failed = 0;
  c.argc = MAX_ARGS;
  napi_get_cb_info(env, info, &c.argc, c.argv, NULL, NULL);
  instance* in = NULL;
  napi_get_instance_data(env, (void**)&in);
  if (!in) {
    in = (instance*)calloc(1, sizeof(instance));
    if (!in || napi_set_instance_data(env, in, free_instance, NULL) != napi_ok) { fail(&c, "out of memory"); return NULL; }
  }
  napi_typedarray_type t;
  size_t len;
  void* data;
  if (c.argc < 3 || napi_get_typedarray_info(env, c.argv[0], &t, &len, &data, NULL, NULL) != napi_ok ||
      t != napi_int32_array || len < 64) { fail(&c, "init: expected Int32Array(>=64)"); return NULL; }
  in->I = (int32_t*)data;
  in->ni = len;
  if (napi_get_typedarray_info(env, c.argv[1], &t, &len, &data, NULL, NULL) != napi_ok ||
      t != napi_float64_array || len < 16) { fail(&c, "init: expected Float64Array(>=16)"); return NULL; }
  in->F = (double*)data;
  in->nf = len;
  if (in->iref) napi_delete_reference(env, in->iref);
  if (in->fref) napi_delete_reference(env, in->fref);
  napi_create_reference(env, c.argv[0], 1, &in->iref);
  napi_create_reference(env, c.argv[1], 1, &in->fref);
  int threads = ival(&c, 2);
  if (c.failed) return NULL;
  openblas_set_num_threads(1);
  ms_isa_init();
  ms_pool_init(threads);

  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_int32(env, ms_pool_threads(), &v);
  napi_set_named_property(env, out, "threads", v);
  napi_create_int32(env, ms_isa, &v);
  napi_set_named_property(env, out, "isa", v);
  napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "blasCore", v);
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "blasConfig", v);
  return out;
}

/* setThreads(n) -> threads now used per parallel job */
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 1)) return NULL;
  int n = ival(&c, 0);
  if (c.failed) return NULL;
  napi_value v;
  napi_create_int32(env, ms_pool_set_active(n), &v);
  return v;
}

/* ---------------- elementwise ---------------- */

/* unary(op, x, y); F[0] = alpha */
static napi_value js_unary(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 3)) return NULL;
  int op = ival(&c, 0);
  size_t n = 0;
  napi_typedarray_type t;
  if (!c.failed) napi_get_typedarray_info(env, c.argv[2], &t, &n, NULL, NULL, NULL);
  float* x = F32(1, (int64_t)n);
  float* y = F32(2, (int64_t)n);
  if (c.failed) return NULL;
  if (op < 0 || op >= U_COUNT) { fail(&c, "bad unary op"); return NULL; }
  ms_unary(op, x, y, (int64_t)n, (float)c.inst->F[0]);
  return undef(env);
}

/* binary(op, a, b, out); I = [rank, shape.., stridesA.., stridesB..] */
static napi_value js_binary(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 4)) return NULL;
  const int32_t* I = c.inst->I;
  int op = ival(&c, 0), rank = I[0];
  if (c.failed) return NULL;
  if (rank < 0 || rank > 8) { fail(&c, "bad rank"); return NULL; }
  const int32_t *shape = I + 1, *sa = I + 1 + rank, *sb = I + 1 + 2 * rank;
  int64_t n = prod(shape, rank), needA = 1, needB = 1;
  for (int d = 0; d < rank; d++) {
    if (shape[d] > 0) { needA += (int64_t)(shape[d] - 1) * sa[d]; needB += (int64_t)(shape[d] - 1) * sb[d]; }
    if (sa[d] < 0 || sb[d] < 0) { fail(&c, "bad strides"); return NULL; }
  }
  if (n == 0) return undef(env);
  float* a = F32(1, needA);
  float* b = F32(2, needB);
  void* out;
  if (op < B_FLOAT_COUNT) out = F32(3, n);
  else if (op >= B_GT && op < B_COUNT) out = arr(&c, 3, napi_uint8_array, n);
  else { fail(&c, "bad binary op"); return NULL; }
  if (c.failed) return NULL;
  ms_binary(op, a, b, out, rank, shape, sa, sb);
  return undef(env);
}

/* select(cond u8, a, b, y), same sizes */
static napi_value js_select(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 4)) return NULL;
  size_t n = 0;
  napi_typedarray_type t;
  napi_get_typedarray_info(env, c.argv[3], &t, &n, NULL, NULL, NULL);
  uint8_t* cond = (uint8_t*)arr(&c, 0, napi_uint8_array, (int64_t)n);
  float *a = F32(1, (int64_t)n), *b = F32(2, (int64_t)n), *y = F32(3, (int64_t)n);
  if (c.failed) return NULL;
  ms_select(cond, a, b, y, (int64_t)n);
  return undef(env);
}

/* clip(x, y); F = [lo, hi] */
static napi_value js_clip(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 2)) return NULL;
  size_t n = 0;
  napi_typedarray_type t;
  napi_get_typedarray_info(env, c.argv[1], &t, &n, NULL, NULL, NULL);
  float *x = F32(0, (int64_t)n), *y = F32(1, (int64_t)n);
  if (c.failed) return NULL;
  ms_clip(x, y, (int64_t)n, (float)c.inst->F[0], (float)c.inst->F[1]);
  return undef(env);
}

/* adam(x, m, v, g, xo, mo, vo); F[0..7] constants (see elementwise.c) */
static napi_value js_adam(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 7)) return NULL;
  size_t n = 0;
  napi_typedarray_type t;
  napi_get_typedarray_info(env, c.argv[0], &t, &n, NULL, NULL, NULL);
  float* p[7];
  for (int i = 0; i < 7; i++) p[i] = F32(i, (int64_t)n);
  if (c.failed) return NULL;
  /* either three fresh outputs, or in place: xo, mo, vo are x, m, v */
  int inplace = p[4] == p[0] && p[5] == p[1] && p[6] == p[2];
  for (int i = 0; i < 7; i++)
    for (int j = i + 1; j < 7; j++)
      if (p[i] == p[j] && !(inplace && j == i + 4)) { fail(&c, "adam: arrays overlap"); return NULL; }
  float k[8];
  for (int i = 0; i < 8; i++) k[i] = (float)c.inst->F[i];
  ms_adam(p[0], p[1], p[2], p[3], p[4], p[5], p[6], (int64_t)n, k);
  return undef(env);
}

/* ---------------- reductions ---------------- */

/* reduce(op, x, y); I = [A, R, C] */
static napi_value js_reduce(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 3)) return NULL;
  const int32_t* I = c.inst->I;
  int op = ival(&c, 0);
  int64_t A = I[0], R = I[1], C = I[2];
  if (A < 0 || R < 0 || C < 0 || op < 0 || op > R_MEAN) { fail(&c, "bad reduce"); return NULL; }
  float *x = F32(1, A * R * C), *y = F32(2, A * C);
  if (c.failed) return NULL;
  ms_reduce(op, x, y, A, R, C);
  return undef(env);
}

/* softmax(x, y); I = [rows, cols, log] */
static napi_value js_softmax(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 2)) return NULL;
  const int32_t* I = c.inst->I;
  int64_t rows = I[0], cols = I[1];
  if (rows < 0 || cols < 0) { fail(&c, "bad softmax"); return NULL; }
  float *x = F32(0, rows * cols), *y = F32(1, rows * cols);
  if (c.failed) return NULL;
  ms_softmax(x, y, rows, cols, I[2]);
  return undef(env);
}

/* ---------------- matmul ---------------- */

/* matmul(a, b, y[, bias]); I = [batchA, batchB, M, N, K, transA, transB, act];
 * batchA/batchB are 1 or the output batch; bias (optional) has N elements;
 * F[0] = leaky relu alpha. */
static napi_value js_matmul(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 3)) return NULL;
  const int32_t* I = c.inst->I;
  int64_t bA = I[0], bB = I[1], M = I[2], N = I[3], K = I[4];
  int tA = I[5], tB = I[6], act = I[7];
  int64_t batch = bA > bB ? bA : bB;
  if (bA < 1 || bB < 1 || (bA != batch && bA != 1) || (bB != batch && bB != 1) || M < 0 || N < 0 || K < 0) {
    fail(&c, "bad matmul");
    return NULL;
  }
  float *a = F32(0, bA * M * K), *b = F32(1, bB * K * N), *y = F32(2, batch * M * N);
  float* bias = NULL;
  if (c.argc > 3) {
    napi_valuetype vt;
    napi_typeof(env, c.argv[3], &vt);
    if (vt != napi_null && vt != napi_undefined) bias = F32(3, N);
  }
  if (c.failed) return NULL;
  for (int64_t i = 0; i < batch; i++) {
    const float* ai = a + (bA == 1 ? 0 : i) * M * K;
    const float* bi = b + (bB == 1 ? 0 : i) * K * N;
    ms_sgemm_par(tA, tB, (int)M, (int)N, (int)K, ai, tA ? (int)M : (int)K, bi, tB ? (int)K : (int)N,
                 y + i * M * N, (int)N);
  }
  ms_bias_act(y, bias, batch * M, N, act, (float)c.inst->F[0]);
  return undef(env);
}

/* batchNorm(x, mean, variance, offset|null, scale|null, y); I = [rows, C, nMean, nVar, nOffset, nScale]
 * (each count 1 or C); F[0] = variance epsilon */
static napi_value js_batchnorm(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 6)) return NULL;
  const int32_t* I = c.inst->I;
  int64_t rows = I[0], C = I[1];
  if (rows < 0 || C < 0) { fail(&c, "bad batchNorm"); return NULL; }
  for (int i = 2; i < 6; i++)
    if (I[i] != 1 && I[i] != C) { fail(&c, "bad batchNorm parameter size"); return NULL; }
  float *x = F32(0, rows * C), *mean = F32(1, I[2]), *var = F32(2, I[3]), *y = F32(5, rows * C);
  float *off = NULL, *scale = NULL;
  napi_valuetype vt;
  napi_typeof(env, c.argv[3], &vt);
  if (vt != napi_null && vt != napi_undefined) off = F32(3, I[4]);
  napi_typeof(env, c.argv[4], &vt);
  if (vt != napi_null && vt != napi_undefined) scale = F32(4, I[5]);
  if (c.failed) return NULL;
  ms_batchnorm(x, y, rows, C, mean, var, off, scale, I + 2, c.inst->F[0]);
  return undef(env);
}

/* dropoutMask(y); I = [s, threshold] (uint32 bits); F[0] = keep (1 / (1 - rate)) */
static napi_value js_dropout_mask(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 1)) return NULL;
  napi_typedarray_type t;
  size_t len;
  void* data;
  if (napi_get_typedarray_info(env, c.argv[0], &t, &len, &data, NULL, NULL) != napi_ok || t != napi_float32_array) {
    fail(&c, "expected a Float32Array");
    return NULL;
  }
  ms_dropout_mask((float*)data, (int64_t)len, (uint32_t)c.inst->I[0], (uint32_t)c.inst->I[1], (float)c.inst->F[0]);
  return undef(env);
}

/* bias_act(y, bias|null); I = [rows, cols, act]; F[0] = alpha. In place. */
static napi_value js_bias_act(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 2)) return NULL;
  const int32_t* I = c.inst->I;
  int64_t rows = I[0], cols = I[1];
  float* y = F32(0, rows * cols);
  float* bias = NULL;
  napi_valuetype vt;
  napi_typeof(env, c.argv[1], &vt);
  if (vt != napi_null && vt != napi_undefined) bias = F32(1, cols);
  if (c.failed) return NULL;
  ms_bias_act(y, bias, rows, cols, I[2], (float)c.inst->F[0]);
  return undef(env);
}

/* ---------------- conv / pool ---------------- */

/* I = [B, H, W, C, OH, OW, OC, FH, FW, sh, sw, dh, dw, pt, pl] */
static int conv_params(call* c, ms_conv* p) {
  const int32_t* I = c->inst->I;
  *p = (ms_conv){I[0], I[1], I[2], I[3], I[4], I[5], I[6], I[7], I[8], I[9], I[10], I[11], I[12], I[13], I[14]};
  for (int i = 0; i < 13; i++)
    if (I[i] < 0) { fail(c, "bad conv parameters"); return 0; }
  if (p->sh < 1 || p->sw < 1 || p->dh < 1 || p->dw < 1) { fail(c, "bad conv strides"); return 0; }
  return 1;
}
#define XN(p) ((int64_t)(p).B * (p).H * (p).W * (p).C)
#define YN(p) ((int64_t)(p).B * (p).OH * (p).OW * (p).OC)
#define WN(p) ((int64_t)(p).FH * (p).FW * (p).C * (p).OC)

static napi_value js_conv2d(napi_env env, napi_callback_info info) {
  call c;
  ms_conv p;
  if (!begin(&c, env, info, 3) || !conv_params(&c, &p)) return NULL;
  float *x = F32(0, XN(p)), *w = F32(1, WN(p)), *y = F32(2, YN(p));
  if (c.failed) return NULL;
  ms_conv2d(&p, x, w, y);
  return undef(env);
}
static napi_value js_conv2d_bwd_input(napi_env env, napi_callback_info info) {
  call c;
  ms_conv p;
  if (!begin(&c, env, info, 3) || !conv_params(&c, &p)) return NULL;
  float *dy = F32(0, YN(p)), *w = F32(1, WN(p)), *dx = F32(2, XN(p));
  if (c.failed) return NULL;
  ms_conv2d_bwd_input(&p, dy, w, dx);
  return undef(env);
}
static napi_value js_conv2d_bwd_filter(napi_env env, napi_callback_info info) {
  call c;
  ms_conv p;
  if (!begin(&c, env, info, 3) || !conv_params(&c, &p)) return NULL;
  float *x = F32(0, XN(p)), *dy = F32(1, YN(p)), *dw = F32(2, WN(p));
  if (c.failed) return NULL;
  ms_conv2d_bwd_filter(&p, x, dy, dw);
  return undef(env);
}
/* pools: OC must equal C */
static int pool_params(call* c, ms_conv* p) {
  if (!conv_params(c, p)) return 0;
  if (p->OC != p->C) { fail(c, "pool: OC != C"); return 0; }
  return 1;
}
static napi_value js_maxpool(napi_env env, napi_callback_info info) {
  call c;
  ms_conv p;
  if (!begin(&c, env, info, 2) || !pool_params(&c, &p)) return NULL;
  float *x = F32(0, XN(p)), *y = F32(1, YN(p));
  if (c.failed) return NULL;
  ms_maxpool(&p, x, y);
  return undef(env);
}
static napi_value js_maxpool_grad(napi_env env, napi_callback_info info) {
  call c;
  ms_conv p;
  if (!begin(&c, env, info, 3) || !pool_params(&c, &p)) return NULL;
  float *dy = F32(0, YN(p)), *x = F32(1, XN(p)), *dx = F32(2, XN(p));
  if (c.failed) return NULL;
  ms_maxpool_grad(&p, dy, x, dx);
  return undef(env);
}
static napi_value js_avgpool(napi_env env, napi_callback_info info) {
  call c;
  ms_conv p;
  if (!begin(&c, env, info, 2) || !pool_params(&c, &p)) return NULL;
  float *x = F32(0, XN(p)), *y = F32(1, YN(p));
  if (c.failed) return NULL;
  ms_avgpool(&p, x, y);
  return undef(env);
}
static napi_value js_avgpool_grad(napi_env env, napi_callback_info info) {
  call c;
  ms_conv p;
  if (!begin(&c, env, info, 2) || !pool_params(&c, &p)) return NULL;
  float *dy = F32(0, YN(p)), *dx = F32(1, XN(p));
  if (c.failed) return NULL;
  ms_avgpool_grad(&p, dy, dx);
  return undef(env);
}

/* ---------------- gather ---------------- */

/* gather(x, idx i32, y); I = [outer, axisLen, nIdx, inner]; returns false
 * (and writes nothing) when an index is out of range. */
static napi_value js_gather(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 3)) return NULL;
  const int32_t* I = c.inst->I;
  int64_t outer = I[0], axisLen = I[1], nIdx = I[2], inner = I[3];
  if (outer < 0 || axisLen < 0 || nIdx < 0 || inner < 0) { fail(&c, "bad gather"); return NULL; }
  float* x = F32(0, outer * axisLen * inner);
  int32_t* idx = (int32_t*)arr(&c, 1, napi_int32_array, nIdx);
  float* y = F32(2, outer * nIdx * inner);
  if (c.failed) return NULL;
  for (int64_t i = 0; i < nIdx; i++)
    if (idx[i] < 0 || idx[i] >= axisLen) return boolean(env, false);
  ms_gather(x, idx, y, outer, axisLen, nIdx, inner);
  return boolean(env, true);
}

/* segmentSum(x, seg i32, y); I = [n, nSeg, inner] */
static napi_value js_segment_sum(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 3)) return NULL;
  const int32_t* I = c.inst->I;
  int64_t n = I[0], nSeg = I[1], inner = I[2];
  if (n < 0 || nSeg < 0 || inner < 0) { fail(&c, "bad segment sum"); return NULL; }
  float* x = F32(0, n * inner);
  int32_t* seg = (int32_t*)arr(&c, 1, napi_int32_array, n);
  float* y = F32(2, nSeg * inner);
  if (c.failed) return NULL;
  ms_segment_sum(x, seg, y, 1, n, nSeg, inner);
  return undef(env);
}

/* ---------------- strided copy ---------------- */

/* a float32 or int32 array argument; *type receives which */
static void* arr4(call* c, size_t i, napi_typedarray_type* type, size_t* len) {
  if (c->failed) return NULL;
  void* data;
  bool is;
  if (i >= c->argc || napi_is_typedarray(c->env, c->argv[i], &is) != napi_ok || !is ||
      napi_get_typedarray_info(c->env, c->argv[i], type, len, &data, NULL, NULL) != napi_ok ||
      (*type != napi_float32_array && *type != napi_int32_array)) {
    fail(c, "expected a Float32Array or Int32Array");
    return NULL;
  }
  return data;
}

/* largest index reached by off + sum (shape_d-1)*st_d, or -1 if a stride or
 * the offset is negative */
static int64_t last_index(int rank, const int64_t* shape, const int64_t* st, int64_t off) {
  if (off < 0) return -1;
  int64_t m = off;
  for (int d = 0; d < rank; d++) {
    if (st[d] < 0) return -1;
    m += (shape[d] - 1) * st[d];
  }
  return m;
}

/* stridedCopy(x, y): x and y both Float32Array or both Int32Array;
 * I = [rank, xOff, yOff, shape[rank], xStrides[rank], yStrides[rank]] */
static napi_value js_strided_copy(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, 2)) return NULL;
  const int32_t* I = c.inst->I;
  int rank = I[0];
  if (rank < 1 || rank > 8) { fail(&c, "bad strided copy rank"); return NULL; }
  int64_t shape[8], xs[8], ys[8], total = 1;
  for (int d = 0; d < rank; d++) {
    shape[d] = I[3 + d];
    xs[d] = I[3 + rank + d];
    ys[d] = I[3 + 2 * rank + d];
    if (shape[d] < 0) { fail(&c, "bad strided copy shape"); return NULL; }
    total *= shape[d];
  }
  napi_typedarray_type tx, ty;
  size_t nx, ny;
  void* x = arr4(&c, 0, &tx, &nx);
  void* y = arr4(&c, 1, &ty, &ny);
  if (c.failed) return NULL;
  if (tx != ty) { fail(&c, "strided copy between different types"); return NULL; }
  if (total == 0) return undef(env);
  int64_t mx = last_index(rank, shape, xs, I[1]), my = last_index(rank, shape, ys, I[2]);
  if (mx < 0 || my < 0 || mx >= (int64_t)nx || my >= (int64_t)ny) { fail(&c, "strided copy out of bounds"); return NULL; }
  ms_strided_copy(x, y, rank, shape, xs, I[1], ys, I[2]);
  return undef(env);
}

/* ---------------- module ---------------- */

NAPI_MODULE_INIT() {
  static const struct { const char* name; napi_callback fn; } fns[] = {
    {"init", js_init},
    {"setThreads", js_set_threads},
    {"unary", js_unary},
    {"binary", js_binary},
    {"select", js_select},
    {"clip", js_clip},
    {"adam", js_adam},
    {"reduce", js_reduce},
    {"softmax", js_softmax},
    {"matmul", js_matmul},
    {"biasAct", js_bias_act},
    {"batchNorm", js_batchnorm},
    {"dropoutMask", js_dropout_mask},
    {"conv2d", js_conv2d},
    {"conv2dBackpropInput", js_conv2d_bwd_input},
    {"conv2dBackpropFilter", js_conv2d_bwd_filter},
    {"maxPool", js_maxpool},
    {"maxPoolGrad", js_maxpool_grad},
    {"avgPool", js_avgpool},
    {"avgPoolGrad", js_avgpool_grad},
    {"gather", js_gather},
    {"segmentSum", js_segment_sum},
    {"stridedCopy", js_strided_copy},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return NULL;
  }
  napi_value v;
  napi_create_uint32(env, 4, &v);
  napi_set_named_property(env, exports, "abiVersion", v);
  return exports;
}
