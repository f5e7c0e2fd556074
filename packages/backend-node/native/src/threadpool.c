/* A small fork-join pool: workers spin briefly, then sleep on a futex. */
#define _GNU_SOURCE
#include "common.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MS_MAX_THREADS 64

static int g_threads = 1; /* started (incl. the caller) */
/* pause iterations (some 100 us) a worker spins before it sleeps: waking a
 * sleeping thread costs ~50-100 us in a VM, more than most kernels take */
static int g_spin = 10000;
static int g_active = 1;  /* used per job, <= g_threads */
static pthread_mutex_t g_busy = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint g_gen;     /* bumped once per parallel job */
static atomic_int g_pending;  /* worker chunks not yet finished */
static atomic_int g_sleepers; /* workers blocked in futex_wait */
static ms_par_fn g_fn;
static void* g_ctx;
static int64_t g_n;
static int g_parts;

static void futex_wait(atomic_uint* addr, unsigned val) {
  syscall(SYS_futex, (unsigned*)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}
static void futex_wake(atomic_uint* addr) {
  syscall(SYS_futex, (unsigned*)addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static void run_part(int part) {
  int64_t b = g_n * part / g_parts, e = g_n * (part + 1) / g_parts;
  if (e > b) g_fn(g_ctx, b, e);
}

static void* worker(void* arg) {
  int id = (int)(intptr_t)arg; /* 1..threads-1 */
  unsigned seen = atomic_load(&g_gen);
  for (;;) {
    unsigned gen;
    int spins = 0;
    while ((gen = atomic_load_explicit(&g_gen, memory_order_acquire)) == seen) {
      if (++spins < g_spin) cpu_relax();
      else {
        atomic_fetch_add(&g_sleepers, 1);
        futex_wait(&g_gen, seen);
        atomic_fetch_sub(&g_sleepers, 1);
      }
    }
    seen = gen;
    if (id < g_parts) {
      run_part(id);
      atomic_fetch_sub_explicit(&g_pending, 1, memory_order_release);
    }
  }
  return NULL;
}

void ms_pool_init(int nthreads) {
  static int done = 0;
  if (done) return;
  done = 1;
  if (nthreads < 1) nthreads = 1;
  const char* spin = getenv("MODELSPEC_NATIVE_SPIN");
  if (spin && *spin) g_spin = atoi(spin);
  if (nthreads > MS_MAX_THREADS) nthreads = MS_MAX_THREADS;
  int started = 1;
  for (int i = 1; i < nthreads; i++) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, worker, (void*)(intptr_t)i) == 0) started++;
    pthread_attr_destroy(&attr);
    if (started != i + 1) break;
  }
  g_threads = g_active = started;
}

int ms_pool_threads(void) { return g_active; }

int ms_pool_set_active(int n) {
  g_active = n < 1 ? 1 : (n > g_threads ? g_threads : n);
  return g_active;
}

void ms_parallel_for(int64_t n, int64_t grain, ms_par_fn fn, void* ctx) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  int64_t parts = n / grain;
  if (parts > g_active) parts = g_active;
  if (parts < 2 || pthread_mutex_trylock(&g_busy) != 0) {
    fn(ctx, 0, n);
    return;
  }
  g_fn = fn;
  g_ctx = ctx;
  g_n = n;
  g_parts = (int)parts;
  atomic_store_explicit(&g_pending, (int)parts - 1, memory_order_relaxed);
  atomic_fetch_add(&g_gen, 1);
  if (atomic_load(&g_sleepers) > 0) futex_wake(&g_gen);
  run_part(0);
  while (atomic_load_explicit(&g_pending, memory_order_acquire) > 0) cpu_relax();
  pthread_mutex_unlock(&g_busy);
}

int ms_isa = 1;

void ms_isa_init(void) {
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(MS_NO_DISPATCH)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) ms_isa = 4;
  else if (__builtin_cpu_supports("x86-64-v3")) ms_isa = 3;
#endif
}

/* Per-thread scratch buffers, a few slots each. */
#define MS_SLOTS 4
static __thread float* t_buf[MS_SLOTS];
static __thread size_t t_cap[MS_SLOTS];

float* ms_scratch(int slot, size_t floats) {
  if (floats > t_cap[slot]) {
    free(t_buf[slot]);
    size_t cap = floats + floats / 4 + 64;
    t_buf[slot] = NULL;
    if (posix_memalign((void**)&t_buf[slot], 64, cap * sizeof(float)) != 0) abort();
    t_cap[slot] = cap;
  }
  return t_buf[slot];
}
