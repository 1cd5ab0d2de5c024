// CSV is parsed line by line here. JSON is parsed by nlohmann, whose values carry no source
// positions; a small scanner over the (then known valid) text finds the line where each
// point of the points list starts, and a syntax error's byte offset becomes a line number.
#include "ngsynth/synth/path_file.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth {
using nlohmann::json;

namespace {

[[noreturn]] void fail_at(const std::string& origin, int line, const std::string& what) {
  throw Error(origin + ":" + std::to_string(line) + ": " + what);
}

std::string_view strip_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void check_z_dim(int z_dim) {
  if (z_dim < 1) throw Error("path file: z_dim " + std::to_string(z_dim) + " < 1");
}

std::string expected_counts(int z_dim) {
  return z_dim == 2 ? "2" : "2 or " + std::to_string(z_dim);
}

std::string too_many_points() {
  return "more than " + std::to_string(kMaxPathPoints) + " keyframes";
}

bool size_ok(std::size_t n, int z_dim) { return n == 2 || n == static_cast<std::size_t>(z_dim); }

// A whole token as a finite float; `why` says what is wrong otherwise.
bool parse_float(std::string_view token, float& out, std::string& why) {
  std::string_view digits = token;
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && end == digits.end() &&
                                               std::isfinite(v) &&
                                               !std::isfinite(static_cast<float>(v)))) {
    why = "'" + std::string(token) + "' is out of range for a float";
    return false;
  }
  if (ec != std::errc() || end != digits.end()) {
    why = "'" + std::string(token) + "' is not a number";
    return false;
  }
  if (!std::isfinite(v)) {
    why = "'" + std::string(token) + "' is not a finite number";
    return false;
  }
  out = static_cast<float>(v);
  return true;
}

// Fields separated by a comma (with optional blanks around it) or by blanks alone.
std::vector<std::string_view> split_fields(std::string_view line, std::string& why) {
  std::vector<std::string_view> fields;
  bool after_comma = false;
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    if (line[i] == ',') {
      if (fields.empty() || after_comma) {
        why = "empty field";
        return {};
      }
      after_comma = true;
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != ',') ++i;
    fields.push_back(line.substr(start, i - start));
    after_comma = false;
  }
  if (after_comma) why = "empty field";
  return fields;
}

// Line (1-based) of byte `pos`; at the end of the text, the line of the last non-blank byte.
int line_of(std::string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  if (pos == text.size())
    while (pos > 0 && is_blank(text[pos - 1])) --pos;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

// Where things start in a valid JSON text: the top-level value, the "points" key of a
// top-level object, and each element of the points list.
struct JsonLines {
  int top = 1, points_key = 1;
  std::vector<int> elements;
};

JsonLines scan_json_lines(std::string_view text) {
  struct Frame {
    bool object = false, points = false, expect_key = false;
    std::string key;
  };
  JsonLines out;
  std::vector<Frame> stack;
  bool pending = false, seen_top = false;  // pending: the next value is a points element
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_blank(c)) {
      line += c == '\n';
      continue;
    }
    if (!seen_top) {
      out.top = line;
      seen_top = true;
    }
    if (pending && c != ']' && !stack.empty() && stack.back().points) {
      out.elements.push_back(line);
      pending = false;
    }
    switch (c) {
      case '"': {
        std::string s;
        for (++i; i < text.size() && text[i] != '"'; ++i) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          s += text[i];
        }
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          stack.back().key = s;
          stack.back().expect_key = false;
          if (stack.size() == 1 && s == "points") out.points_key = line;
        }
        break;
      }
      case '[': {
        Frame f;
        f.points = stack.empty() ||
                   (stack.size() == 1 && stack.back().object && stack.back().key == "points");
        if (f.points) {  // a repeated "points" key: the last one counts, as in nlohmann
          out.elements.clear();
          pending = true;
        }
        stack.push_back(f);
        break;
      }
      case '{': {
        Frame f;
        f.object = f.expect_key = true;
        stack.push_back(f);
        break;
      }
      case ']':
      case '}':
        if (!stack.empty()) stack.pop_back();
        pending = false;
        break;
      case ',':
        if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
        if (!stack.empty() && stack.back().points) pending = true;
        break;
      default:
        break;
    }
  }
  return out;
}

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while
// parsing value - ..." -> "JSON syntax error while parsing value - ...".
std::string syntax_error(const std::string& message) {
  const auto at = message.find("parse error");
  const auto colon = message.find(": ", at == std::string::npos ? 0 : at);
  const std::string detail = colon == std::string::npos ? message : message.substr(colon + 2);
  return detail.rfind("syntax error ", 0) == 0 ? "JSON " + detail : "JSON syntax error: " + detail;
}

}  // namespace

PathFile parse_path_csv(const std::string& text_in, int z_dim, const std::string& origin) {
  check_z_dim(z_dim);
  const std::string_view text = strip_bom(text_in);
  PathFile out;
  int line_no = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    std::string why;
    const auto fields = split_fields(line, why);
    if (!why.empty()) fail_at(origin, line_no, why);
    std::vector<float> point;
    for (std::size_t k = 0; k < fields.size(); ++k) {
      float v = 0;
      if (!parse_float(fields[k], v, why)) {
        if (line_no == 1 && k == 0) break;  // a header line
        fail_at(origin, line_no, why);
      }
      point.push_back(v);
    }
    if (line_no == 1 && point.empty()) continue;
    if (!size_ok(point.size(), z_dim))
      fail_at(origin, line_no,
              "expected " + expected_counts(z_dim) + " numbers, found " +
                  std::to_string(point.size()));
    if (out.points.size() == kMaxPathPoints) fail_at(origin, line_no, too_many_points());
    out.points.push_back(std::move(point));
    out.lines.push_back(line_no);
  }
  if (out.points.empty()) throw Error(origin + ": no points");
  return out;
}

PathFile parse_path_json(const std::string& text_in, int z_dim, const std::string& origin) {
  check_z_dim(z_dim);
  const std::string_view text = strip_bom(text_in);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    fail_at(origin, line_of(text, e.byte == 0 ? 0 : e.byte - 1),
            syntax_error(e.what()));
  } catch (const json::exception& e) {  // a number too large for a double, ...
    throw Error(origin + ": " + json_message(e));
  }
  const JsonLines lines = scan_json_lines(text);
  const json* list = &j;
  if (j.is_object()) {
    const auto it = j.find("points");
    if (it == j.end()) fail_at(origin, lines.top, "expected {\"points\": [...]}, no \"points\" key");
    if (!it->is_array()) fail_at(origin, lines.points_key, "\"points\" is not a list");
    list = &*it;
  } else if (!j.is_array()) {
    fail_at(origin, lines.top, "expected a list of points or {\"points\": [...]}");
  }
  if (list->size() > kMaxPathPoints) fail_at(origin, lines.top, too_many_points());
  PathFile out;
  for (std::size_t k = 0; k < list->size(); ++k) {
    const json& p = (*list)[k];
    const int line = lines.elements.size() == list->size() ? lines.elements[k] : lines.top;
    const std::string name = "point " + std::to_string(k + 1);
    if (!p.is_array()) fail_at(origin, line, name + " is not a list of numbers");
    if (!size_ok(p.size(), z_dim))
      fail_at(origin, line,
              name + " has " + std::to_string(p.size()) + " numbers, expected " +
                  expected_counts(z_dim));
    std::vector<float> point;
    for (std::size_t e = 0; e < p.size(); ++e) {
      const std::string element = name + ": element " + std::to_string(e + 1);
      try {
        point.push_back(json_value<float>(p[e], element));
      } catch (const Error& err) {
        fail_at(origin, line, err.what());
      }
    }
    out.points.push_back(std::move(point));
    out.lines.push_back(line);
  }
  if (out.points.empty()) throw Error(origin + ": no points");
  return out;
}

PathFile read_path_file(const std::filesystem::path& path, int z_dim) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxPathFileBytes)
    fail_file(path, std::to_string(size) + " bytes, more than the limit of " +
                        std::to_string(kMaxPathFileBytes) + " for a path file");
  const std::string text = read_file(path);
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool is_json = ext == ".json";
  if (ext != ".json" && ext != ".csv" && ext != ".txt") {
    const std::string_view body = strip_bom(text);
    const auto first = std::find_if_not(body.begin(), body.end(), is_blank);
    is_json = first != body.end() && (*first == '[' || *first == '{');
  }
  const std::string origin = path.string();
  return is_json ? parse_path_json(text, z_dim, origin) : parse_path_csv(text, z_dim, origin);
}

}  // namespace ngsynth
