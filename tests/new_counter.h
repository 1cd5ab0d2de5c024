// Counts the global operator new/delete calls a thread makes while a NewCount lives: how
// the torch-free tests check that real-time code (Engine::process, a grain stream) never
// touches the heap. new_counter.cpp replaces the operators for the whole test program.
#pragma once

namespace ngsynth::test {

class NewCount {
 public:
  NewCount();
  ~NewCount();
  NewCount(const NewCount&) = delete;
  NewCount& operator=(const NewCount&) = delete;
};

// Calls counted so far, by every thread, while its NewCount lived.
long new_calls();

}  // namespace ngsynth::test
