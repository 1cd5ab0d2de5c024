// Latent path files: the CSV and both JSON forms give the same points, and every error
// names its exact line.
#include <gtest/gtest.h>

#include <functional>

#include "ngsynth/synth/path_file.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {

const std::vector<std::vector<float>> kPoints = {{0.5f, -1}, {1, 2, 3, 4}, {0.1f, 2, 3.5f, -4}};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string csv_error(const std::string& text, int z_dim = 4) {
  return error_of([&] { parse_path_csv(text, z_dim, "p.csv"); });
}

std::string json_error(const std::string& text, int z_dim = 4) {
  return error_of([&] { parse_path_json(text, z_dim, "p.json"); });
}

TEST(PathFile, CsvWithHeaderCommentsAndBothJsonFormsAgree) {
  const std::string csv =
      "x,y,c,d\n"              // 1: header
      "# a comment\n"          // 2
      "0.5, -1\n"              // 3
      "   \n"                  // 4
      "1 2 3 4\n"              // 5
      "  +1e-1,\t2 ,3.5,-4\r\n"  // 6
      "\n";
  const PathFile c = parse_path_csv(csv, 4, "p.csv");
  EXPECT_EQ(c.points, kPoints);
  EXPECT_EQ(c.lines, (std::vector<int>{3, 5, 6}));

  const std::string array =
      "[\n"
      "  [0.5, -1],\n"
      "  [1, 2, 3, 4], [0.1,\n"
      "   2, 3.5, -4]\n"
      "]\n";
  const PathFile a = parse_path_json(array, 4, "p.json");
  EXPECT_EQ(a.points, kPoints);
  EXPECT_EQ(a.lines, (std::vector<int>{2, 3, 3}));

  const std::string object =
      "{\"note\": \"brackets [ ] and \\\" in a string\",\n"
      " \"other\": [[9, 9]],\n"
      " \"points\": [\n"
      "  [0.5, -1],\n"
      "  [1, 2, 3, 4],\n"
      "\n"
      "  [0.1, 2, 3.5, -4]]}";
  const PathFile o = parse_path_json(object, 4, "p.json");
  EXPECT_EQ(o.points, kPoints);
  EXPECT_EQ(o.lines, (std::vector<int>{4, 5, 7}));
}

TEST(PathFile, HeaderIsOnlySkippedOnLineOne) {
  EXPECT_EQ(parse_path_csv("a b\n1 2\n", 4, "p.csv").lines, (std::vector<int>{2}));
  EXPECT_EQ(csv_error("# comment\nx,y\n1,2\n"), "p.csv:2: 'x' is not a number");
  EXPECT_EQ(csv_error("1,y\n"), "p.csv:1: 'y' is not a number");
}

TEST(PathFile, CsvErrorsNameTheLine) {
  EXPECT_EQ(csv_error("1,2\n\n1,2,3\n"), "p.csv:3: expected 2 or 4 numbers, found 3");
  EXPECT_EQ(csv_error("1,2\n1,2,3\n", 2), "p.csv:2: expected 2 numbers, found 3");
  EXPECT_EQ(csv_error("1,2\n# x\n1,abc\n"), "p.csv:3: 'abc' is not a number");
  EXPECT_EQ(csv_error("1,2\n1,2x\n"), "p.csv:2: '2x' is not a number");
  EXPECT_EQ(csv_error("1,2\n1,,2\n"), "p.csv:2: empty field");
  EXPECT_EQ(csv_error("1,2,\n"), "p.csv:1: empty field");
  EXPECT_EQ(csv_error(",1,2\n"), "p.csv:1: empty field");
  EXPECT_EQ(csv_error("1,2\r\n1,inf\r\n"), "p.csv:2: 'inf' is not a finite number");
  EXPECT_EQ(csv_error("1,nan\n"), "p.csv:1: 'nan' is not a finite number");
  EXPECT_EQ(csv_error("1,2\n\n\n1,1e39\n"), "p.csv:4: '1e39' is out of range for a float");
  EXPECT_EQ(csv_error("1,1e999\n"), "p.csv:1: '1e999' is out of range for a float");
  EXPECT_EQ(csv_error("# only a comment\n\n"), "p.csv: no points");
  EXPECT_EQ(csv_error("x,y\n"), "p.csv: no points");
  EXPECT_EQ(csv_error(""), "p.csv: no points");
  // Tiny numbers become 0 rather than errors.
  EXPECT_EQ(parse_path_csv("1e-60 2\n", 4, "p.csv").points[0][0], 0.0f);
}

TEST(PathFile, JsonErrorsNameTheLine) {
  EXPECT_EQ(json_error("[\n [1,2],\n [1,2,3]\n]"),
            "p.json:3: point 2 has 3 numbers, expected 2 or 4");
  EXPECT_EQ(json_error("{\"points\": [\n [1,2],\n\n [1,2,3,4,5]]}"),
            "p.json:4: point 2 has 5 numbers, expected 2 or 4");
  EXPECT_EQ(json_error("[[1,2],\n [1, true]]"),
            "p.json:2: point 2: element 2: expected a number, got true");
  EXPECT_EQ(json_error("[[1,2],\n [1, 1e39]]"),
            "p.json:2: point 2: element 2: 1e+39 is out of range for a float");
  // Too large for a double: nlohmann's out_of_range.406, named like any other error.
  EXPECT_EQ(json_error("[[1,2],\n [1, 1e999]]"), "p.json: number overflow parsing '1e999'");
  EXPECT_EQ(json_error("{\"name\": \"a\",\n \"points\": [\n  [1,2],\n  \"s\"]}"),
            "p.json:4: point 2 is not a list of numbers");
  EXPECT_EQ(json_error("\n{\"pts\": []}"), "p.json:2: expected {\"points\": [...]}, no \"points\" key");
  EXPECT_EQ(json_error("{\n\"points\": 3}"), "p.json:2: \"points\" is not a list");
  EXPECT_EQ(json_error("42"), "p.json:1: expected a list of points or {\"points\": [...]}");
  EXPECT_EQ(json_error("[]"), "p.json: no points");
  EXPECT_EQ(json_error("{\"points\": []}"), "p.json: no points");
  // Syntax errors: the line of the offending character.
  EXPECT_EQ(json_error("[\n [1,2],\n [1,\n  x]\n]").rfind("p.json:4: JSON syntax error", 0), 0u)
      << json_error("[\n [1,2],\n [1,\n  x]\n]");
  EXPECT_EQ(json_error("[[1,2],\n [1 2]]").rfind("p.json:2: JSON syntax error", 0), 0u);
  // Unexpected end: the line of the last thing there.
  EXPECT_EQ(json_error("[[1,2],\n[1,2]\n\n").rfind("p.json:2: JSON syntax error", 0), 0u)
      << json_error("[[1,2],\n[1,2]\n\n");
  EXPECT_EQ(json_error("").rfind("p.json:1: JSON syntax error", 0), 0u);
}

TEST(PathFile, RepeatedPointsKeyTakesTheLast) {
  const PathFile p =
      parse_path_json("{\"points\": [[1, 1]],\n \"points\": [\n[2, 2],\n[3, 3]]}", 4, "p.json");
  ASSERT_EQ(p.points.size(), 2u);
  EXPECT_EQ(p.points[0], (std::vector<float>{2, 2}));
  EXPECT_EQ(p.lines, (std::vector<int>{3, 4}));
}

TEST(PathFile, ReadsFilesByExtensionOrContent) {
  test::ScratchDir dir("paths");
  const std::string csv = "# keyframes\n0.5,-1\n1,2,3,4\n0.1,2,3.5,-4\n";
  const std::string json_text = "{\"points\": [[0.5,-1], [1,2,3,4], [0.1,2,3.5,-4]]}";
  write_file_atomically(dir / "a.csv", csv);
  write_file_atomically(dir / "a.TXT", csv);
  write_file_atomically(dir / "a.json", json_text);
  write_file_atomically(dir / "a.path", "\n  " + json_text);  // sniffed: JSON
  write_file_atomically(dir / "b.path", csv);                 // sniffed: CSV
  for (const char* name : {"a.csv", "a.TXT", "a.json", "a.path", "b.path"})
    EXPECT_EQ(read_path_file(dir / name, 4).points, kPoints) << name;
  EXPECT_EQ(read_path_file(dir / "a.csv", 4).lines, (std::vector<int>{2, 3, 4}));

  // The extension wins over the content, and errors name the file.
  write_file_atomically(dir / "c.csv", "\n" + json_text);
  EXPECT_EQ(error_of([&] { read_path_file(dir / "c.csv", 4); }),
            (dir / "c.csv").string() + ":2: '{\"points\":' is not a number");
  write_file_atomically(dir / "d.json", "[\n[1,2],\n[3]]");
  EXPECT_EQ(error_of([&] { read_path_file(dir / "d.json", 4); }),
            (dir / "d.json").string() + ":3: point 2 has 1 numbers, expected 2 or 4");
  const std::string missing = error_of([&] { read_path_file(dir / "none.csv", 4); });
  EXPECT_EQ(missing.rfind((dir / "none.csv").string() + ": ", 0), 0u) << missing;
  const std::string folder = error_of([&] { read_path_file(dir.path(), 4); });
  EXPECT_EQ(folder.rfind(dir.path().string() + ": ", 0), 0u) << folder;
}

// 400 000 keyframes once asked for 80 minutes of audio and 3.4 GB: more than
// kMaxPathPoints is an error naming the line where the limit was passed.
TEST(PathFile, TooManyKeyframesAreAnError) {
  std::string csv, json_text = "[";
  for (std::size_t i = 0; i <= kMaxPathPoints; ++i) {
    csv += "1,2\n";
    json_text += std::string(i ? "," : "") + "[1,2]";
  }
  json_text += "]";
  EXPECT_EQ(csv_error(csv), "p.csv:" + std::to_string(kMaxPathPoints + 1) + ": more than " +
                                std::to_string(kMaxPathPoints) + " keyframes");
  EXPECT_EQ(json_error(json_text), "p.json:1: more than " + std::to_string(kMaxPathPoints) + " keyframes");
  csv.resize(csv.size() - 4);  // exactly the limit
  EXPECT_EQ(parse_path_csv(csv, 4, "p.csv").points.size(), kMaxPathPoints);
}

}  // namespace
}  // namespace ngsynth
