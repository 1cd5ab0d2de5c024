#include "heap_lock_counter.h"

#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer the sanitizer owns the heap: replacing malloc would hand memory
// between two allocators. Its allocation hooks count the same calls (operator new too).
// Declared here: GCC 12 ships no sanitizer/allocator_interface.h, libasan exports it.
extern "C" int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void*, size_t), void (*free_hook)(const volatile void*));
#else
extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}
#endif
namespace {
thread_local bool t_counting = false;
std::atomic<long> g_heap{0}, g_locks{0}, g_trylocks{0};
inline void count_heap() {
  if (t_counting) g_heap.fetch_add(1, std::memory_order_relaxed);
}
using LockFn = int (*)(pthread_mutex_t*);
LockFn real_lock = nullptr, real_trylock = nullptr;
LockFn resolve(const char* name) { return reinterpret_cast<LockFn>(dlsym(RTLD_NEXT, name)); }
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
namespace {
void on_malloc(const volatile void*, size_t) { count_heap(); }
void on_free(const volatile void* p) {
  if (p) count_heap();
}
[[gnu::constructor]] void install_hooks() { __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free); }
}  // namespace
#endif

extern "C" {
#if !defined(__SANITIZE_ADDRESS__)
void* malloc(size_t n) {
  count_heap();
  return __libc_malloc(n);
}
void free(void* p) {
  if (p) count_heap();
  __libc_free(p);
}
void* calloc(size_t n, size_t s) {
  count_heap();
  return __libc_calloc(n, s);
}
void* realloc(void* p, size_t n) {
  count_heap();
  return __libc_realloc(p, n);
}
void* memalign(size_t a, size_t n) {
  count_heap();
  return __libc_memalign(a, n);
}
void* aligned_alloc(size_t a, size_t n) {
  count_heap();
  return __libc_memalign(a, n);
}
int posix_memalign(void** out, size_t a, size_t n) {
  count_heap();
  void* p = __libc_memalign(a, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
#endif
int pthread_mutex_lock(pthread_mutex_t* m) {
  if (t_counting) g_locks.fetch_add(1, std::memory_order_relaxed);
  if (!real_lock) real_lock = resolve("pthread_mutex_lock");
  return real_lock(m);
}
int pthread_mutex_trylock(pthread_mutex_t* m) {
  if (t_counting) g_trylocks.fetch_add(1, std::memory_order_relaxed);
  if (!real_trylock) real_trylock = resolve("pthread_mutex_trylock");
  return real_trylock(m);
}
}

namespace ngsynth::test {
CountScope::CountScope() { t_counting = true; }
CountScope::~CountScope() { t_counting = false; }
long heap_calls() { return g_heap.load(); }
long lock_calls() { return g_locks.load(); }
long trylock_calls() { return g_trylocks.load(); }
}  // namespace ngsynth::test

namespace {
// Resolve the real lock functions before main, while one thread runs.
[[gnu::constructor]] void resolve_locks() {
  real_lock = resolve("pthread_mutex_lock");
  real_trylock = resolve("pthread_mutex_trylock");
}
}  // namespace
