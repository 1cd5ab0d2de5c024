// Atomic replacement: a failed write leaves the old file as it was and no temporary.
#include <gtest/gtest.h>

#include <sys/stat.h>

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

}  // namespace
}  // namespace ngsynth
