// drumkit.xml parsing on installed kits of both format generations, and broken files.
#include <gtest/gtest.h>

#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

std::size_t count_samples(const HydrogenKit& kit) {
  std::size_t n = 0;
  for (const auto& i : kit.instruments) n += i.samples.size();
  return n;
}

TEST(HydrogenKit, ParsesALayeredKitWithNamespace) {
  // Audiophob: Hydrogen 0.9.4+ format, xmlns declared, <layer><filename>.
  const fs::path folder = test::drumkits_dir() / "Audiophob";
  ASSERT_TRUE(is_hydrogen_kit(folder));
  const HydrogenKit kit = load_hydrogen_kit(folder);
  EXPECT_EQ(kit.name, "Audiophob");
  ASSERT_EQ(kit.instruments.size(), 14u);
  EXPECT_EQ(kit.instruments[0].name, "Kick");
  EXPECT_EQ(kit.instruments[13].name, "Crash");
  for (const auto& i : kit.instruments) {
    ASSERT_EQ(i.samples.size(), 1u) << i.name;
    EXPECT_TRUE(fs::is_regular_file(i.samples[0])) << i.samples[0];
  }
}

TEST(HydrogenKit, KeepsInstrumentsWithoutSamples) {
  // BJA_Pacific: 32 slots, 14 with samples (86 velocity layers in all).
  const HydrogenKit kit = load_hydrogen_kit(test::drumkits_dir() / "BJA_Pacific");
  EXPECT_EQ(kit.instruments.size(), 32u);
  int with_samples = 0;
  for (const auto& i : kit.instruments) with_samples += !i.samples.empty();
  EXPECT_EQ(with_samples, 14);
  EXPECT_EQ(count_samples(kit), 86u);
  EXPECT_EQ(kit.instruments[0].name, "BassDrum");
  EXPECT_EQ(kit.instruments[0].samples.size(), 8u);
}

TEST(HydrogenKit, ParsesTheOldFormatWithFilenameUnderInstrument) {
  const HydrogenKit kit = load_hydrogen_kit(test::drumkits_dir() / "Millo-Drums_v.1");
  EXPECT_EQ(kit.instruments.size(), 32u);
  EXPECT_EQ(count_samples(kit), 32u);  // 16 of them the same emptySample.flac
  EXPECT_EQ(kit.instruments[0].samples[0], test::drumkits_dir() / "Millo-Drums_v.1" / "bd1.flac");
}

TEST(HydrogenKit, TrimsNamesAndReadsAMinimalKit) {
  test::ScratchDir dir("kit");
  write_file_atomically(dir / "drumkit.xml",
                        "<drumkit_info><name> Tiny </name><instrumentList>"
                        "<instrument><name>  a#4 -  </name><filename>x.wav</filename></instrument>"
                        "<instrument><name>Empty</name></instrument>"
                        "</instrumentList></drumkit_info>");
  const HydrogenKit kit = load_hydrogen_kit(dir.path());
  EXPECT_EQ(kit.name, "Tiny");
  ASSERT_EQ(kit.instruments.size(), 2u);
  EXPECT_EQ(kit.instruments[0].name, "a#4 -");
  EXPECT_EQ(kit.instruments[0].samples, std::vector<fs::path>{dir / "x.wav"});
  EXPECT_TRUE(kit.instruments[1].samples.empty());
}

// The Error message of loading a kit whose drumkit.xml holds `xml`.
std::string load_error(const std::string& xml, fs::path* xml_path) {
  static test::ScratchDir dir("kit-bad");
  *xml_path = dir / "drumkit.xml";
  write_file_atomically(*xml_path, xml);
  try {
    load_hydrogen_kit(dir.path());
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << xml;
  return "";
}

TEST(HydrogenKit, MalformedXmlNamesTheFileAndOffset) {
  fs::path xml;
  const std::string msg = load_error("<drumkit_info><name>Broken</name><instrumentList>", &xml);
  EXPECT_NE(msg.find(xml.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed XML"), std::string::npos) << msg;
  EXPECT_NE(msg.find("offset"), std::string::npos) << msg;
}

TEST(HydrogenKit, ForeignXmlIsNotAKit) {
  fs::path xml;
  std::string msg = load_error("<song><name>x</name></song>", &xml);
  EXPECT_NE(msg.find(xml.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("<song>"), std::string::npos) << msg;
  msg = load_error("<drumkit_info><name>x</name></drumkit_info>", &xml);
  EXPECT_NE(msg.find("instrumentList"), std::string::npos) << msg;
}

TEST(HydrogenKit, MissingDrumkitXmlIsNamed) {
  test::ScratchDir dir("kit-none");
  EXPECT_FALSE(is_hydrogen_kit(dir.path()));
  try {
    load_hydrogen_kit(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "drumkit.xml").string()), std::string::npos);
  }
}

}  // namespace
}  // namespace ngsynth
