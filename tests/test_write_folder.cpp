// WriteFolder: the one folder a server writes into. Names stay inside it, and nothing that
// was there before is replaced.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/write_folder.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

std::string write_error(WriteFolder& f, const std::string& name) {
  try {
    f.write(name, [](const fs::path& p) { write_file_atomically(p, "new"); });
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WriteFolder, NamesStayInsideTheFolder) {
  test::ScratchDir dir("write-folder");
  fs::create_directories(dir / "out/sub");
  fs::create_directory_symlink(dir.path(), dir / "out/up");
  WriteFolder f(dir / "out");
  EXPECT_EQ(f.path(), fs::canonical(dir / "out"));
  EXPECT_EQ(f.resolve("a.wav"), f.path() / "a.wav");
  EXPECT_EQ(f.resolve("./sub/b.wav"), f.path() / "sub/b.wav");
  EXPECT_EQ(write_error(f, "/etc/x.wav"),
            "'/etc/x.wav': absolute path; names are relative to the write folder " + f.path().string());
  EXPECT_EQ(write_error(f, "../x.wav"), "'../x.wav': leaves the write folder " + f.path().string() + " ('..')");
  EXPECT_EQ(write_error(f, "sub/../../x.wav").find("'sub/../../x.wav': leaves"), 0u);
  EXPECT_EQ(write_error(f, "up/x.wav"), "'up/x.wav': leaves the write folder " + f.path().string());
  EXPECT_NE(write_error(f, "none/x.wav").find("does not exist"), std::string::npos);
  EXPECT_EQ(write_error(f, ""), "'': empty file name");
  EXPECT_EQ(write_error(f, "sub/"), "'sub/': names a folder, expected a file name");
  EXPECT_FALSE(fs::exists(dir / "x.wav"));
  EXPECT_EQ(write_error(f, "sub/b.wav"), "");
  EXPECT_EQ(read_file(dir / "out/sub/b.wav"), "new");
}

TEST(WriteFolder, NeverReplacesWhatItDidNotWrite) {
  test::ScratchDir dir("write-folder");
  write_file_atomically(dir / "mine.txt", "user data");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  fs::create_symlink(dir / "mine.txt", dir / "link.wav");
  WriteFolder f(dir.path());
  for (const char* name : {"mine.txt", "fifo", "link.wav"})
    EXPECT_EQ(write_error(f, name),
              std::string("'") + name + "': exists and was not written by this server; refusing to replace it");
  EXPECT_EQ(read_file(dir / "mine.txt"), "user data");
  EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
  EXPECT_TRUE(fs::is_symlink(dir / "link.wav"));
  // Its own files may be written again, but not once someone else replaced them.
  EXPECT_EQ(write_error(f, "take.wav"), "");
  EXPECT_EQ(write_error(f, "take.wav"), "");
  write_file_atomically(dir / "take.wav", "replaced by the user");
  EXPECT_NE(write_error(f, "take.wav").find("was not written by this server"), std::string::npos);
  EXPECT_EQ(read_file(dir / "take.wav"), "replaced by the user");
}

TEST(WriteFolder, DefaultIsAFreshTemporaryFolder) {
  WriteFolder a, b;
  EXPECT_NE(a.path(), b.path());
  EXPECT_TRUE(fs::is_directory(a.path()));
  EXPECT_TRUE(fs::is_empty(a.path()));
  EXPECT_EQ(a.path().filename().string().rfind("ngsynth-", 0), 0u);
  fs::remove(a.path());
  fs::remove(b.path());
  EXPECT_THROW(WriteFolder("/nonexistent-folder-of-ngsynth"), Error);
}

}  // namespace
}  // namespace ngsynth
