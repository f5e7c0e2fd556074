/* 16-float vectors via GCC vector extensions: one zmm on AVX-512, two ymm
 * on AVX2, four xmm on the baseline, whichever variant is being compiled. */
#ifndef MS_SIMD_H
#define MS_SIMD_H

#include <string.h>

typedef float v16f __attribute__((vector_size(64)));
typedef int v16i __attribute__((vector_size(64)));

#define MS_V static inline __attribute__((always_inline))

MS_V v16f v_ld(const float* p) { v16f v; memcpy(&v, p, sizeof v); return v; }
MS_V void v_st(float* p, v16f v) { memcpy(p, &v, sizeof v); }
MS_V v16f v_set1(float x) { return (v16f){0} + x; }
/* lanes where mask is set take a, others b */
MS_V v16f v_sel(v16i mask, v16f a, v16f b) { return (v16f)((mask & (v16i)a) | (~mask & (v16i)b)); }
MS_V v16i v_seli(v16i mask, v16i a, v16i b) { return (mask & a) | (~mask & b); }

#endif
