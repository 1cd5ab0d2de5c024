// Atomic replacement: a failed write leaves the old file as it was and no temporary.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using test::ScratchDir;

int count_entries(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, WritesAndReadsBack) {
  ScratchDir dir("atomic");
  const std::string bytes("binary\0payload\xff", 15);
  write_file_atomically(dir / "a.bin", bytes);
  EXPECT_EQ(read_file(dir / "a.bin"), bytes);
  write_file_atomically(dir / "a.bin", "second");
  EXPECT_EQ(read_file(dir / "a.bin"), "second");
  EXPECT_EQ(count_entries(dir.path()), 1);
}

TEST(AtomicFile, OldFileSurvivesAThrowingWriter) {
  ScratchDir dir("atomic");
  write_file_atomically(dir / "keep.txt", "old contents");
  EXPECT_THROW(write_atomically(dir / "keep.txt",
                                [](std::ostream& out) {
                                  out << "half of the new conte";
                                  throw std::runtime_error("writer died");
                                }),
               std::runtime_error);
  EXPECT_EQ(read_file(dir / "keep.txt"), "old contents");
  EXPECT_EQ(count_entries(dir.path()), 1) << "a temporary file was left behind";
}

TEST(AtomicFile, NoFileAppearsWhenTheFirstWriteFails) {
  ScratchDir dir("atomic");
  EXPECT_THROW(write_atomically(dir / "new.txt",
                                [](std::ostream&) { throw Error("nothing to write"); }),
               Error);
  EXPECT_EQ(count_entries(dir.path()), 0);
}

TEST(AtomicFile, MissingFolderIsAnErrorNamingThePath) {
  ScratchDir dir("atomic");
  const fs::path target = dir / "no/such/folder/x.txt";
  try {
    write_file_atomically(target, "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, ReadingAMissingFileNamesIt) {
  ScratchDir dir("atomic");
  try {
    read_file(dir / "absent.txt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("absent.txt"), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, FilesWrittenTogetherAppearTogetherOrNotAtAll) {
  test::ScratchDir dir("atomic");
  const auto text = [](const std::string& t) { return [t](std::ostream& o) { o << t; }; };
  write_atomically({{dir / "a", text("a1")}, {dir / "b", text("b1")}});
  EXPECT_EQ(read_file(dir / "a"), "a1");
  EXPECT_EQ(read_file(dir / "b"), "b1");
  // The second writer throws: neither file changes, no temporary is left.
  EXPECT_THROW(write_atomically({{dir / "a", text("a2")},
                                 {dir / "b", [](std::ostream&) { throw Error("disk full"); }}}),
               Error);
  EXPECT_EQ(read_file(dir / "a"), "a1");
  EXPECT_EQ(read_file(dir / "b"), "b1");
  // The second destination is a folder: refused before anything is written.
  std::filesystem::create_directories(dir / "c");
  EXPECT_THROW(write_atomically({{dir / "new", text("n")}, {dir / "c", text("c")}}), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "new"));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 2);
}

TEST(AtomicFile, ReadingAFifoIsAnErrorNotAWait) {
  test::ScratchDir dir("atomic");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  try {
    read_file(dir / "fifo");
    ADD_FAILURE() << "read a FIFO";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "fifo").string() + ": is not a regular file");
  }
}

// The PID of a process that has just ended (a child, waited for).
pid_t ended_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

TEST(AtomicFile, TemporariesOfKilledRunsGoAtTheNextWriteOfTheSameName) {
  test::ScratchDir dir("atomic");
  const std::string dead = std::to_string(ended_pid()), self = std::to_string(::getppid());
  for (const std::string& name : std::vector<std::string>{"a.bin.tmp." + dead, "a.bin.tmp." + self, "a.bin.tmp.1",
                                 "a.bin.tmp." + dead + "x", "b.bin.tmp." + dead, "a.bin.old." + dead})
    std::ofstream(dir / name) << "left over";
  write_file_atomically(dir / "a.bin", "new");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  // Gone: only the temporary of a.bin whose process has ended. Kept: a live process's, init's,
  // a name that is not a temporary's, another file's, and a backup (the only copy of what a
  // replaced file held).
  std::vector<std::string> kept{"a.bin", "a.bin.old." + dead, "a.bin.tmp." + dead + "x",
                                "a.bin.tmp." + self, "a.bin.tmp.1", "b.bin.tmp." + dead};
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(names, kept);
}

TEST(AtomicFile, AppendingToAFullDiskNamesItAndLeavesNoHalfLine) {
  test::ScratchDir dir("atomic");
  append_to_file(dir / "log.jsonl", "{\"a\":1}\n");
  append_to_file(dir / "log.jsonl", "{\"b\":2}\n");
  EXPECT_EQ(read_file(dir / "log.jsonl"), "{\"a\":1}\n{\"b\":2}\n");
  try {
    append_to_file("/dev/full", "line\n");
    ADD_FAILURE() << "appended to /dev/full";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: write failed: No space left on device");
  }
}

}  // namespace
}  // namespace ngsynth
