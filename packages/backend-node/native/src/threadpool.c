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
static atomic_uint g_gen;     /* the current job's number, bumped once per parallel job */
static atomic_int g_sleepers; /* workers blocked in futex_wait */
/* The job is cut into a fixed number of chunks (from n, the grain and the
 * pool size only) that every thread, the caller included, takes in turn:
 * a worker the OS has not scheduled (a loaded machine) leaves its chunks to
 * the others instead of holding the caller up. g_job packs the job number
 * (high 32 bits), the chunk count (bits 16-31) and the next chunk (0-15),
 * so a worker that wakes late can never take a chunk of a later job. */
static _Atomic uint64_t g_job;
static atomic_int g_done;     /* chunks of the current job finished */
static ms_par_fn g_fn;
static void* g_ctx;
static int64_t g_n;

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

/* Runs chunks of job `gen` until none is left; returns how many it ran. */
static int take_chunks(unsigned gen) {
  int ran = 0;
  uint64_t v = atomic_load_explicit(&g_job, memory_order_acquire);
  for (;;) {
    if ((unsigned)(v >> 32) != gen) break;
    const int64_t nc = (int64_t)((v >> 16) & 0xffff), i = (int64_t)(v & 0xffff);
    if (i >= nc) break;
    if (!atomic_compare_exchange_weak_explicit(&g_job, &v, v + 1, memory_order_acq_rel, memory_order_acquire)) continue;
    /* chunk i is ours; the job's parameters stay put until every chunk is done */
    const int64_t n = g_n, b = n * i / nc, e = n * (i + 1) / nc;
    if (e > b) g_fn(g_ctx, b, e);
    atomic_fetch_add_explicit(&g_done, 1, memory_order_release);
    ran++;
    v = atomic_load_explicit(&g_job, memory_order_acquire);
  }
  return ran;
}

static void* worker(void* arg) {
  (void)arg;
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
    take_chunks(gen);
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

#define CHUNKS_PER_THREAD 2

void ms_parallel_for(int64_t n, int64_t grain, ms_par_fn fn, void* ctx) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  int64_t parts = n / grain;
  if (parts > (int64_t)g_active * CHUNKS_PER_THREAD) parts = (int64_t)g_active * CHUNKS_PER_THREAD;
  if (g_active < 2 || parts < 2 || pthread_mutex_trylock(&g_busy) != 0) {
    fn(ctx, 0, n);
    return;
  }
  g_fn = fn;
  g_ctx = ctx;
  g_n = n;
  atomic_store_explicit(&g_done, 0, memory_order_relaxed);
  const unsigned gen = atomic_load_explicit(&g_gen, memory_order_relaxed) + 1;
  atomic_store_explicit(&g_job, ((uint64_t)gen << 32) | ((uint64_t)parts << 16), memory_order_release);
  atomic_store_explicit(&g_gen, gen, memory_order_release);
  if (atomic_load(&g_sleepers) > 0) futex_wake(&g_gen);
  take_chunks(gen);
  while (atomic_load_explicit(&g_done, memory_order_acquire) < parts) cpu_relax();
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
