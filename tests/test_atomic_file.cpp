// Atomic replacement: a failed write leaves the old file as it was and no temporary.
#include <gtest/gtest.h>

#include <stdexcept>

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

}  // namespace
}  // namespace ngsynth
