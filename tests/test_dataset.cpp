// The dataset file: exact round trip, and every kind of damage recognised and named.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "ngsynth/data/dataset.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

Dataset make_dataset() {
  Dataset d;
  d.sample_rate = 16000;
  d.event_length = 257;
  d.classes = {"kick", "snare", "hihat"};
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  for (int i = 0; i < 23; ++i)
    d.entries.push_back({"Kit " + std::to_string(i) + "/é sample.flac", i % 3,
                         i % 4 == 0 ? Split::test : Split::train});
  d.samples.resize(d.entries.size() * d.event_length);
  for (float& v : d.samples) v = noise(rng);
  d.samples[5] = -0.0f;  // sign of zero and denormals must survive too
  d.samples[6] = 1e-40f;
  return d;
}

// The Error message of loading `path`, or "" when it loads.
std::string load_error(const fs::path& path) {
  try {
    load_dataset(path);
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
    return msg;
  }
  return "";
}

TEST(Dataset, RoundTripIsExact) {
  test::ScratchDir dir("dataset");
  const Dataset d = make_dataset();
  save_dataset(d, dir / "d.ngd");
  const Dataset back = load_dataset(dir / "d.ngd");
  EXPECT_EQ(back.sample_rate, d.sample_rate);
  EXPECT_EQ(back.event_length, d.event_length);
  EXPECT_EQ(back.classes, d.classes);
  ASSERT_EQ(back.entries.size(), d.entries.size());
  for (std::size_t i = 0; i < d.entries.size(); ++i) {
    EXPECT_EQ(back.entries[i].source, d.entries[i].source);
    EXPECT_EQ(back.entries[i].class_index, d.entries[i].class_index);
    EXPECT_EQ(back.entries[i].split, d.entries[i].split);
  }
  ASSERT_EQ(back.samples.size(), d.samples.size());
  EXPECT_EQ(std::memcmp(back.samples.data(), d.samples.data(), d.samples.size() * 4), 0);
  EXPECT_EQ(back.event(3)[10], d.samples[3 * 257 + 10]);
}

TEST(Dataset, SavingTwiceGivesIdenticalBytes) {
  test::ScratchDir dir("dataset");
  save_dataset(make_dataset(), dir / "a.ngd");
  save_dataset(make_dataset(), dir / "b.ngd");
  EXPECT_EQ(read_file(dir / "a.ngd"), read_file(dir / "b.ngd"));
}

TEST(Dataset, IndicesOfASplit) {
  const Dataset d = make_dataset();
  const auto test = d.indices(Split::test);
  EXPECT_EQ(test, (std::vector<std::size_t>{0, 4, 8, 12, 16, 20}));
  EXPECT_EQ(d.indices(Split::train).size() + test.size(), d.entries.size());
  EXPECT_STREQ(split_name(Split::test), "test");
  EXPECT_STREQ(split_name(Split::train), "train");
}

TEST(Dataset, TruncatedFilesAreErrors) {
  test::ScratchDir dir("dataset");
  save_dataset(make_dataset(), dir / "d.ngd");
  const std::string bytes = read_file(dir / "d.ngd");
  for (std::size_t keep : {bytes.size() - 1, bytes.size() - 9, bytes.size() / 2, std::size_t{30},
                           std::size_t{10}, std::size_t{0}}) {
    write_file_atomically(dir / "cut.ngd", bytes.substr(0, keep));
    const std::string msg = load_error(dir / "cut.ngd");
    EXPECT_NE(msg, "") << "kept " << keep << " bytes";
    if (keep >= 30) EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  }
}

TEST(Dataset, FlippedByteIsACorruptFile) {
  test::ScratchDir dir("dataset");
  save_dataset(make_dataset(), dir / "d.ngd");
  std::string bytes = read_file(dir / "d.ngd");
  for (std::size_t at : {bytes.size() / 2, std::size_t{40}, bytes.size() - 3}) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);  // one bit in the samples, header, checksum
    write_file_atomically(dir / "bad.ngd", bad);
    const std::string msg = load_error(dir / "bad.ngd");
    EXPECT_NE(msg.find("checksum"), std::string::npos) << "byte " << at << ": " << msg;
  }
}

TEST(Dataset, ForeignFilesAreNotDatasets) {
  test::ScratchDir dir("dataset");
  save_dataset(make_dataset(), dir / "d.ngd");
  std::string bytes = read_file(dir / "d.ngd");
  bytes[0] = 'X';
  write_file_atomically(dir / "magic.ngd", bytes);
  EXPECT_NE(load_error(dir / "magic.ngd").find("not an ngsynth dataset"), std::string::npos);
  write_file_atomically(dir / "text.ngd", "RIFF....WAVEfmt ");
  EXPECT_NE(load_error(dir / "text.ngd").find("not an ngsynth dataset"), std::string::npos);
}

TEST(Dataset, OtherVersionsAndTrailingBytesAreRefused) {
  test::ScratchDir dir("dataset");
  save_dataset(make_dataset(), dir / "d.ngd");
  std::string bytes = read_file(dir / "d.ngd");
  std::string v2 = bytes;
  v2[8] = 2;  // u32 version, little-endian, right after the magic
  write_file_atomically(dir / "v2.ngd", v2);
  EXPECT_NE(load_error(dir / "v2.ngd").find("version 2"), std::string::npos);
  write_file_atomically(dir / "long.ngd", bytes + "x");
  EXPECT_NE(load_error(dir / "long.ngd").find("trailing"), std::string::npos);
}

TEST(Dataset, MissingFileIsNamed) {
  test::ScratchDir dir("dataset");
  EXPECT_NE(load_error(dir / "none.ngd"), "");
}

TEST(Dataset, InconsistentDatasetsAreNotSaved) {
  test::ScratchDir dir("dataset");
  Dataset d = make_dataset();
  d.samples.pop_back();
  EXPECT_THROW(save_dataset(d, dir / "x.ngd"), Error);
  d = make_dataset();
  d.entries[2].class_index = 3;
  EXPECT_THROW(save_dataset(d, dir / "x.ngd"), Error);
  EXPECT_FALSE(fs::exists(dir / "x.ngd"));
}

TEST(Dataset, ManifestSitsBesideTheDataset) {
  EXPECT_EQ(manifest_path("out/corpus.ngd"), fs::path("out/corpus.manifest.json"));
  EXPECT_EQ(manifest_path("corpus"), fs::path("corpus.manifest.json"));
}

// A dataset file with any header and samples and a valid checksum, as a hostile or buggy
// writer could make it.
std::string raw_dataset(const std::string& header, const std::vector<float>& samples) {
  std::string b = "NGSDATA1";
  const auto put = [&](const void* p, std::size_t n) { b.append(static_cast<const char*>(p), n); };
  const uint32_t version = kDatasetVersion;
  const uint64_t header_len = header.size(), count = samples.size();
  put(&version, 4);
  put(&header_len, 8);
  b += header;
  put(&count, 8);
  put(samples.data(), samples.size() * 4);
  const uint64_t sum = fnv1a64(b);
  put(&sum, 8);
  return b;
}

std::string header(const std::string& classes, const std::string& rate = "16000",
                   const std::string& cls = "0") {
  return R"({"sample_rate": )" + rate + R"(, "event_length": 2, "classes": )" + classes +
         R"(, "entries": [{"source": "a/b.wav", "class": )" + cls +
         R"(, "split": "train"}, {"source": "a/c.wav", "class": 0, "split": "test"}]})";
}

TEST(Dataset, NanSamplesDuplicateOrEmptyClassesAndOutOfRangeNumbersAreRefusedAtLoad) {
  test::ScratchDir dir("dataset");
  const auto error_for = [&](const std::string& h, const std::vector<float>& x) {
    write_file_atomically(dir / "x.ngd", raw_dataset(h, x));
    return load_error(dir / "x.ngd");
  };
  const std::vector<float> good = {0.1f, 0.2f, 0.3f, 0.4f};
  EXPECT_EQ(error_for(header(R"(["kick"])"), good), "");
  EXPECT_NE(error_for(header(R"(["kick"])"), {0.1f, 0.2f, 0.3f, NAN}).find(
                "event 1 (a/c.wav) sample 1 is NaN or infinite"),
            std::string::npos);
  EXPECT_NE(error_for(header(R"(["kick", "kick"])"), good).find("'kick' is listed twice"),
            std::string::npos);
  EXPECT_NE(error_for(header(R"(["kick", ""])"), good).find("class 1 has an empty name"),
            std::string::npos);
  EXPECT_NE(error_for(header(R"(["kick"])", "4294983296"), good).find(
                "sample_rate: 4294983296 is out of range"),
            std::string::npos);
  EXPECT_NE(error_for(header(R"(["kick"])", "1e30"), good).find("sample_rate: expected an integer"),
            std::string::npos);
  EXPECT_NE(error_for(header(R"(["kick"])", "16000", "4294967296"), good).find(
                "entries[0].class: 4294967296 is out of range"),
            std::string::npos);
  const std::string overflow = error_for(header(R"(["kick"])", "1e999"), good);
  EXPECT_NE(overflow.find("corrupt header: number overflow"), std::string::npos) << overflow;
  EXPECT_EQ(overflow.find("json.exception"), std::string::npos) << overflow;
}

TEST(Dataset, NanSamplesAndBadClassNamesAreNotSaved) {
  test::ScratchDir dir("dataset");
  Dataset d = make_dataset();
  d.samples[257 * 2 + 5] = NAN;
  try {
    save_dataset(d, dir / "x.ngd");
    ADD_FAILURE() << "saved";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("event 2 (Kit 2/é sample.flac) sample 5"), std::string::npos)
        << e.what();
  }
  d = make_dataset();
  d.classes[2] = "kick";
  EXPECT_THROW(save_dataset(d, dir / "x.ngd"), Error);
  EXPECT_FALSE(fs::exists(dir / "x.ngd"));
}

}  // namespace
}  // namespace ngsynth
