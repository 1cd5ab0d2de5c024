// A disk that fills up under `prepare`, `train`, `export` and `kit`: each stops with one
// clear error naming the file, and what the disk held before is intact, with no temporary
// left behind. The disk is a small tmpfs, mounted in a private mount namespace
// (`unshare -m`, or `unshare -Urm` where the tests do not run as root) so that nothing
// outside the test sees it; it holds a copy of a folder and a few kilobytes more.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ngsynth/util/atomic_file.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using test::cli;
std::string q(const fs::path& p) { return test::quote(p); }

// The unshare command that gives this process a private mount namespace, or "" when the
// machine allows none (the tests then skip, saying so).
const std::string& unshare_command() {
  static const std::string command = [] {
    for (const std::string c : {"unshare -m", "unshare -Urm"})
      if (test::run_command(c + " mount -t tmpfs -o size=4096 tmpfs /mnt").exit_code == 0) return c;
    return std::string();
  }();
  return command;
}

// Every regular file under `folder`, by relative path, with its bytes.
std::map<std::string, std::string> files_under(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.is_regular_file()) files[fs::relative(e.path(), folder).string()] = read_file(e.path());
  return files;
}

struct DiskRun {
  test::CommandResult result;
  std::map<std::string, std::string> before, after;  // the disk's files, by relative path
};

// Runs `command(disk)` with `disk` a tmpfs holding a copy of `before` and `headroom` bytes
// more, then reads back what the disk holds.
DiskRun run_on_small_disk(const test::ScratchDir& dir, const fs::path& before, std::size_t headroom,
                          const std::function<std::string(const fs::path&)>& command) {
  DiskRun r;
  r.before = files_under(before);
  std::size_t bytes = headroom;
  for (const auto& [name, content] : r.before) bytes += (content.size() + 4095) / 4096 * 4096;
  const fs::path disk = dir / "disk", after = dir / "after", log = dir / "disk.log";
  fs::create_directories(disk);
  fs::create_directories(after);
  std::ostringstream script;
  script << "set -e; mount -t tmpfs -o size=" << bytes << " tmpfs " << q(disk) << "; cp -a "
         << q(before / ".") << " " << q(disk) << "; set +e; " << command(disk) << " >" << q(log)
         << " 2>&1; rc=$?; cp -a " << q(disk / ".") << " " << q(after) << "; exit $rc";
  r.result = test::run_command(unshare_command() + " bash -c " + q(script.str()));
  r.result.output = read_file(log);
  r.after = files_under(after);
  return r;
}

// The run failed with one error line naming `file` and a full disk, and every file the disk
// held before is still there with the same bytes; nothing else is there but `extra`.
void expect_clean_failure(const DiskRun& r, const std::string& file,
                          const std::vector<std::string>& extra = {}) {
  EXPECT_NE(r.result.exit_code, 0) << r.result.output;
  std::istringstream lines(r.result.output);
  std::vector<std::string> errors;
  for (std::string line; std::getline(lines, line);)
    if (line.find("error") != std::string::npos) errors.push_back(line);
  ASSERT_EQ(errors.size(), 1u) << r.result.output;
  std::printf("[ %s ]\n", errors[0].c_str());
  EXPECT_NE(errors[0].find("ngsynth: error: "), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find(file), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("No space left on device"), std::string::npos) << errors[0];
  for (const auto& [name, content] : r.before) {
    if (std::find(extra.begin(), extra.end(), name) != extra.end()) continue;
    ASSERT_TRUE(r.after.count(name)) << name << " was lost";
    EXPECT_TRUE(r.after.at(name) == content) << name << " was changed";
  }
  for (const auto& [name, content] : r.after)
    if (std::find(extra.begin(), extra.end(), name) == extra.end())
      EXPECT_TRUE(r.before.count(name)) << name << " was left on the full disk";
}

class FullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    if (unshare_command().empty()) GTEST_SKIP() << "no private mount namespace on this machine";
  }
  test::ScratchDir dir{"full-disk"};
  const fs::path kit = test::drumkits_dir() / "HardElectro1";
  const fs::path before = dir / "before";

  void prepare(const fs::path& out) {
    const auto r = test::run_command(cli() + " prepare " + q(kit) + " -o " + q(out));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
};

TEST_F(FullDisk, PrepareKeepsTheDatasetItWouldHaveReplaced) {
  fs::create_directories(before);
  prepare(before / "drums.ngd");  // the user's dataset and manifest, to be replaced
  const auto r = run_on_small_disk(dir, before, 64 * 1024, [&](const fs::path& disk) {
    return cli() + " prepare " + q(kit) + " -o " + q(disk / "drums.ngd");
  });
  expect_clean_failure(r, "drums.ngd");
}

TEST_F(FullDisk, TrainKeepsTheCheckpointItResumedFromAndResumesOnceThereIsRoom) {
  fs::create_directories(before);
  prepare(dir / "he.ngd");
  const std::string train = cli() + " train --data " + q(dir / "he.ngd") + test::kTinyGrainArgs;
  const auto first = test::run_command(train + " --max-steps 12 -o " + q(before / "run"));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto r = run_on_small_disk(dir, before, 8 * 1024, [&](const fs::path& disk) {
    return cli() + " train --data " + q(dir / "he.ngd") + " -o " + q(disk / "run") +
           " --resume --max-steps 30 --threads 1 -q";
  });
  // The log may gain whole lines before the disk fills; every other file is as it was.
  expect_clean_failure(r, "disk/run/", {"run/log.jsonl"});
  const std::string& log_before = r.before.at("run/log.jsonl");
  const std::string& log_after = r.after.at("run/log.jsonl");
  ASSERT_EQ(log_after.compare(0, log_before.size(), log_before), 0) << "the log lost lines";
  std::istringstream lines(log_after);
  for (std::string line; std::getline(lines, line);)
    EXPECT_TRUE(nlohmann::json::accept(line)) << "half a line: " << line;
  EXPECT_EQ(log_after.back(), '\n');
  // With room again, the same run resumes from the checkpoint the full disk kept.
  const auto resumed = test::run_command(cli() + " train --data " + q(dir / "he.ngd") + " -o " +
                                         q(dir / "after" / "run") + " --resume --max-steps 30 --threads 1 -q");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
}

TEST_F(FullDisk, ExportKeepsTheModelFileItWouldHaveReplaced) {
  fs::create_directories(before);
  prepare(dir / "he.ngd");
  const auto trained = test::run_command(cli() + " train --data " + q(dir / "he.ngd") +
                                         test::kTinyGrainArgs + " --max-steps 6 -o " + q(dir / "run"));
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const std::string export_run = cli() + " export " + q(dir / "run") + " --no-classifier -o ";
  const auto old = test::run_command(export_run + q(before / "drums.ngs"));
  ASSERT_EQ(old.exit_code, 0) << old.output;
  const auto r = run_on_small_disk(dir, before, 8 * 1024, [&](const fs::path& disk) {
    return export_run + q(disk / "drums.ngs");
  });
  expect_clean_failure(r, "drums.ngs");
}

TEST_F(FullDisk, KitLeavesNoPartOfTheKitAndKeepsWhatWasThere) {
  fs::create_directories(before / "kits");
  write_file_atomically(before / "kits" / "notes.txt", "my own notes\n");
  const fs::path model = fs::path(NGSYNTH_SOURCE_DIR) / "models" / "drums.ngs";
  const auto r = run_on_small_disk(dir, before, 256 * 1024, [&](const fs::path& disk) {
    return cli() + " kit --model " + q(model) + " -o " + q(disk / "kits" / "new");
  });
  expect_clean_failure(r, "disk/kits/new/");  // where the file was going, not a temporary
  EXPECT_FALSE(fs::exists(dir / "after" / "kits" / "new"));
  for (const auto& e : fs::directory_iterator(dir / "after" / "kits"))
    EXPECT_EQ(e.path().filename(), "notes.txt") << "left behind: " << e.path();
}

}  // namespace
}  // namespace ngsynth
