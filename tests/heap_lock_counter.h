// Counts heap calls (malloc family, hence operator new) and mutex locks made by the
// calling thread while a CountScope is alive. The definitions in heap_lock_counter.cpp
// replace malloc, free, calloc, realloc, the aligned allocators and pthread_mutex_lock /
// trylock for the whole test program (exported with -rdynamic), so calls made inside a
// dlopen'ed plugin module are counted too.
#pragma once

namespace ngsynth::test {

struct CountScope {
  CountScope();
  ~CountScope();
};
long heap_calls();  // since the program started, counted threads only
long lock_calls();     // pthread_mutex_lock: may wait
long trylock_calls();  // pthread_mutex_trylock: never waits

}  // namespace ngsynth::test
