// Training killed with SIGKILL at 20 random moments and resumed each time, as a user whose
// machine crashes would: every resume starts (no checkpoint is ever left unreadable, though
// checkpoints are written at almost every step here, so kills land inside writes), and
// the run ends with exactly the weights of an uninterrupted run of the same steps. Each
// kill falls a random 0-200 ms after the attempt's first new checkpoint, not at a fixed
// time: on a slow build (ASan, a loaded machine) every attempt still gets past its start,
// and on a fast one no attempt runs far enough to finish the run before its 20th kill.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::cli;
std::string q(const fs::path& p) { return test::quote(p); }

// The weights of a run's latest state, as a model file stores them (named float32 tensors).
std::string exported_weights(const fs::path& run, const fs::path& model) {
  const auto r = test::run_command(cli() + " export " + q(run) + " -o " + q(model) + " --last --no-classifier");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const Container c = read_container(model, "NGSMODEL", 3, "model file");
  return c.blobs.at(0);
}

int count_temporaries(const fs::path& folder) {
  int n = 0;
  for (const auto& f : fs::directory_iterator(folder))
    n += f.path().filename().string().find(".tmp.") != std::string::npos;
  return n;
}

// The checkpoint's identity (inode and change time): a new one after every atomic write.
std::pair<ino_t, long> checkpoint_id(const fs::path& file) {
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0) return {0, 0};
  return {st.st_ino, st.st_ctim.tv_sec * 1000000000L + st.st_ctim.tv_nsec};
}

extern "C" char** environ;

// Runs `command` (sh -c); once `checkpoint` has been written anew, waits `delay` more and
// kills it with SIGKILL. Returns 137 when killed, -2 when no checkpoint came in 5 minutes,
// else the command's exit status.
int run_and_kill_after_progress(const std::string& command, const fs::path& checkpoint,
                                std::chrono::milliseconds delay) {
  const auto before = checkpoint_id(checkpoint);
  const std::string sh = "exec " + command + " >/dev/null 2>&1";
  const char* argv[] = {"sh", "-c", sh.c_str(), nullptr};
  pid_t pid = -1;
  if (posix_spawnp(&pid, "sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) return -1;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (checkpoint_id(checkpoint) == before) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (std::chrono::steady_clock::now() > deadline) {  // no progress in 5 minutes: a hang
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -2;
    }
    std::this_thread::sleep_for(2ms);
  }
  const auto kill_at = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < kill_at) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(1ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(KillAnytime, TrainingKilledTwentyTimesEndsWithTheWeightsOfAnUninterruptedRun) {
  test::ScratchDir dir("kill-anytime");
  const fs::path data = dir.path() / "he.ngd";
  const auto prep = test::run_command(cli() + " prepare " + q(test::drumkits_dir() / "HardElectro1") +
                                      " -o " + q(data));
  ASSERT_EQ(prep.exit_code, 0) << prep.output;
  // A checkpoint about every 10 ms: at nearly every step.
  const std::string train = cli() + " train --data " + q(data) + " --max-steps 400" +
                            test::kTinyGrainArgs + " --set checkpoint_minutes=0.00017 --set eval_every=50";
  const auto whole = test::run_command(train + " -o " + q(dir.path() / "whole"));
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path run = dir.path() / "killed";
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> delay_ms(0, 200);
  int kills = 0, resumes = 0, inside_writes = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const bool resume = fs::exists(run / "checkpoint.ngc");
    resumes += resume;
    // A resumed run keeps its options; only a fresh one is given them.
    const std::string command = resume ? cli() + " train --data " + q(data) + " -o " + q(run) +
                                             " --resume --threads 1 -q"
                                       : train + " -o " + q(run);
    const int code = kills < 20
                         ? run_and_kill_after_progress(command, run / "checkpoint.ngc",
                                                       std::chrono::milliseconds(delay_ms(rng)))
                         : test::run_command(command).exit_code;
    if (code == 137) {
      ++kills;
      // A temporary file left behind: this kill landed inside a write (of the checkpoint,
      // the log picture or the best state), which must not matter; the resume removes it.
      inside_writes += count_temporaries(fs::exists(run) ? run : dir.path());
      continue;
    }
    ASSERT_EQ(code, 0) << "attempt " << attempt << " after " << kills << " kills"
                       << (code == -2 ? ": no new checkpoint in 5 minutes" : "");
    break;
  }
  std::printf("[ %d kills, %d resumes, %d inside a file write ]\n", kills, resumes, inside_writes);
  ASSERT_EQ(kills, 20) << "the run finished before 20 kills: lengthen it";
  EXPECT_EQ(count_temporaries(run), 0) << "a killed run's temporary file outlived the resumes";
  EXPECT_EQ(resumes, 20);  // every kill came after a checkpoint, so every later start resumed
  EXPECT_EQ(exported_weights(run, dir.path() / "killed.ngs"),
            exported_weights(dir.path() / "whole", dir.path() / "whole.ngs"));
}

}  // namespace
}  // namespace ngsynth
