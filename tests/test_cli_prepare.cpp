// `ngsynth prepare` run as a real program: a real kit end to end, bad input answered with
// one error line and a non-zero exit, and --strict writing nothing.
#include <gtest/gtest.h>

#include <sstream>

#include "dsp_test_util.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/util/atomic_file.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

using test::cli;
std::string quoted(const fs::path& p) { return test::quote(p); }

// Lines of the output that carry the program's error prefix.
std::vector<std::string> error_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("ngsynth: error:")) lines.push_back(line);
  return lines;
}

TEST(CliPrepare, RealKitEndToEnd) {
  test::ScratchDir dir("cli-prepare");
  const auto r = test::run_command(cli() + " prepare " +
                                   quoted(test::drumkits_dir() / "HardElectro1") + " -o " +
                                   quoted(dir / "sub/he.ngd"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Dataset d = load_dataset(dir / "sub/he.ngd");  // the parent folder was created
  EXPECT_EQ(d.entries.size(), 16u);
  EXPECT_EQ(d.sample_rate, 16000);
  EXPECT_TRUE(fs::exists(dir / "sub/he.manifest.json"));
  EXPECT_NE(r.output.find("hihat"), std::string::npos) << r.output;  // the class table
  EXPECT_NE(r.output.find("total"), std::string::npos) << r.output;
}

TEST(CliPrepare, PaperPresetSetsRateAndLength) {
  test::ScratchDir dir("cli-prepare");
  const auto r = test::run_command(cli() + " prepare --preset paper " +
                                   quoted(test::drumkits_dir() / "HardElectro1") + " -o " +
                                   quoted(dir / "p.ngd"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Dataset d = load_dataset(dir / "p.ngd");
  EXPECT_EQ(d.sample_rate, 22050);
  EXPECT_EQ(d.event_length, 22528);
}

TEST(CliPrepare, MissingSourceIsOneErrorLine) {
  test::ScratchDir dir("cli-prepare");
  const auto r = test::run_command(cli() + " prepare " + quoted(dir / "nothing-here") + " -o " +
                                   quoted(dir / "x.ngd"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto errors = error_lines(r.output);
  ASSERT_EQ(errors.size(), 1u) << r.output;
  EXPECT_EQ(errors[0], "ngsynth: error: " + (dir / "nothing-here").string() +
                           ": no such file or folder");
  EXPECT_FALSE(fs::exists(dir / "x.ngd"));
}

TEST(CliPrepare, StrictFailsOnARejectedFileAndWritesNothing) {
  test::ScratchDir dir("cli-prepare");
  fs::create_directories(dir / "lib/kick");
  test::write_test_wav(dir / "lib/kick/good.wav", test::hit(100, 4000, 60.0, 16000), 16000);
  test::write_test_wav(dir / "lib/kick/silent.wav", std::vector<float>(4000, 0.0f), 16000);
  const std::string args = " prepare " + quoted(dir / "lib") + " -o " + quoted(dir / "k.ngd");

  const auto strict = test::run_command(cli() + args + " --strict");
  EXPECT_NE(strict.exit_code, 0) << strict.output;
  const auto errors = error_lines(strict.output);
  ASSERT_EQ(errors.size(), 1u) << strict.output;
  EXPECT_NE(errors[0].find((dir / "lib/kick/silent.wav").string()), std::string::npos);
  EXPECT_NE(errors[0].find("silent"), std::string::npos) << errors[0];
  EXPECT_FALSE(fs::exists(dir / "k.ngd"));
  EXPECT_FALSE(fs::exists(dir / "k.manifest.json"));

  // Without --strict: a warning naming the file, and the good one is kept.
  const auto lenient = test::run_command(cli() + args);
  EXPECT_EQ(lenient.exit_code, 0) << lenient.output;
  EXPECT_NE(lenient.output.find("warning: " + (dir / "lib/kick/silent.wav").string()),
            std::string::npos)
      << lenient.output;
  EXPECT_EQ(load_dataset(dir / "k.ngd").entries.size(), 1u);
}

// A kit naming a file outside its folder: a warning naming the reason, or under --strict
// the error, and nothing written.
TEST(CliPrepare, KitFilesOutsideTheKitAreRejected) {
  test::ScratchDir dir("cli-prepare");
  fs::create_directories(dir / "kit");
  test::write_test_wav(dir / "kit/good.wav", test::hit(100, 4000, 60.0, 16000), 16000);
  test::write_test_wav(dir / "secret.wav", test::hit(100, 4000, 60.0, 16000), 16000);
  write_file_atomically(dir / "kit/drumkit.xml",
                        "<drumkit_info><name>K</name><instrumentList>"
                        "<instrument><name>Kick</name><filename>good.wav</filename></instrument>"
                        "<instrument><name>Snare</name><filename>../secret.wav</filename></instrument>"
                        "</instrumentList></drumkit_info>");
  const std::string args = " prepare " + quoted(dir / "kit") + " -o " + quoted(dir / "k.ngd");
  const auto strict = test::run_command(cli() + args + " --strict");
  EXPECT_NE(strict.exit_code, 0) << strict.output;
  const auto errors = error_lines(strict.output);
  ASSERT_EQ(errors.size(), 1u) << strict.output;
  EXPECT_NE(errors[0].find("rejected under --strict: outside: kit file name '../secret.wav' leaves "
                           "the kit folder"), std::string::npos) << errors[0];
  EXPECT_FALSE(fs::exists(dir / "k.ngd"));
  const auto lenient = test::run_command(cli() + args);
  EXPECT_EQ(lenient.exit_code, 0) << lenient.output;
  EXPECT_NE(lenient.output.find("outside: kit file name '../secret.wav'"), std::string::npos)
      << lenient.output;
  EXPECT_EQ(load_dataset(dir / "k.ngd").entries.size(), 1u);
}

TEST(CliPrepare, BadArgumentsExitNonZero) {
  test::ScratchDir dir("cli-prepare");
  const std::string kit = quoted(test::drumkits_dir() / "HardElectro1");
  EXPECT_NE(test::run_command(cli() + " prepare " + kit).exit_code, 0);  // no -o
  EXPECT_NE(test::run_command(cli() + " prepare " + kit + " -o " + quoted(dir / "x.ngd") +
                              " --preset huge")
                .exit_code,
            0);
  EXPECT_NE(test::run_command(cli() + " prepare " + kit + " -o " + quoted(dir / "x.ngd") +
                              " --test-fraction 2")
                .exit_code,
            0);
  const auto folder = test::run_command(cli() + " prepare " + kit + " -o " + quoted(dir.path()));
  EXPECT_EQ(folder.exit_code, 1);
  EXPECT_EQ(error_lines(folder.output).size(), 1u) << folder.output;
}

TEST(CliPrepare, HelpDescribesTheSourcesAndOptions) {
  const auto r = test::run_command(cli() + " prepare --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"drumkit.xml", "--strict", "--classes", "--test-fraction",
                           "--no-normalize", "--preset"})
    EXPECT_NE(r.output.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace ngsynth
