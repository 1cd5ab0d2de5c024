// Folders written all or nothing: committed, the destination holds everything; abandoned
// (an exception), nothing is left; a destination that is not an empty folder is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

#include "ngsynth/util/error.h"
#include "ngsynth/util/staged_folder.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> entries(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void touch(const fs::path& p) { std::ofstream(p) << "x"; }

TEST(StagedFolder, AnErrorWhileFillingNamesTheDestinationNotTheTemporaryFolder) {
  test::ScratchDir dir("staged");
  StagedFolder staged(dir / "kit", "kit");
  try {
    staged.fill([](const fs::path& tmp) { fail_file(tmp / "kick.wav", "write failed"); });
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "kit" / "kick.wav").string() + ": write failed");
  }
}

TEST(StagedFolder, TemporaryFoldersOfKilledRunsAreRemoved) {
  test::ScratchDir dir("staged");
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // a process that has ended, as a killed run's has
  const std::string dead = ".kit.tmp." + std::to_string(child) + ".1f2e3d4c";
  fs::create_directories(dir / dead / "sounds");
  touch(dir / dead / "sounds" / "kick.wav");
  const std::string alive = ".kit.tmp." + std::to_string(::getpid()) + ".00000001";
  fs::create_directory(dir / alive);
  {
    StagedFolder staged(dir / "kit", "kit");
    touch(staged.staging() / "drumkit.xml");
    staged.commit();
  }
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{alive, "kit"}));
}

TEST(StagedFolder, CommitMovesEverythingIntoPlace) {
  test::ScratchDir dir("staged");
  const fs::path dest = dir / "deep" / "out";
  {
    StagedFolder s(dest, "thing");
    EXPECT_EQ(s.staging().parent_path(), dest.parent_path());
    EXPECT_FALSE(fs::exists(dest));
    touch(s.staging() / "a.txt");
    s.commit();
  }
  EXPECT_EQ(entries(dest), std::vector<std::string>{"a.txt"});
  EXPECT_EQ(entries(dir / "deep"), std::vector<std::string>{"out"});  // no temporary left
}

TEST(StagedFolder, AnAbandonedFolderLeavesNothing) {
  test::ScratchDir dir("staged");
  try {
    StagedFolder s(dir / "out", "thing");
    touch(s.staging() / "a.txt");
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(StagedFolder, AnEmptyDestinationIsReplacedAndAFullOneRefused) {
  test::ScratchDir dir("staged");
  fs::create_directory(dir / "empty");
  {
    StagedFolder s(dir / "empty/", "thing");  // a trailing slash names the same folder
    touch(s.staging() / "a.txt");
    s.commit();
  }
  EXPECT_EQ(entries(dir / "empty"), std::vector<std::string>{"a.txt"});
  try {
    StagedFolder s(dir / "empty", "gallery");
    FAIL() << "a non-empty folder was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "empty").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
  }
  touch(dir / "file");
  EXPECT_THROW(StagedFolder(dir / "file", "thing"), Error);
  fs::create_symlink(dir / "nowhere", dir / "link");
  EXPECT_THROW(StagedFolder(dir / "link", "thing"), Error);
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"empty", "file", "link"}));
}

TEST(StagedFolder, ADestinationFilledMeanwhileIsLeftAlone) {
  test::ScratchDir dir("staged");
  {
    StagedFolder s(dir / "out", "thing");
    touch(s.staging() / "a.txt");
    fs::create_directory(dir / "out");
    touch(dir / "out" / "theirs.txt");  // someone else wrote there after the check
    EXPECT_THROW(s.commit(), Error);
  }
  EXPECT_EQ(entries(dir / "out"), std::vector<std::string>{"theirs.txt"});
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out"});  // the temporary is gone
}

}  // namespace
}  // namespace ngsynth
