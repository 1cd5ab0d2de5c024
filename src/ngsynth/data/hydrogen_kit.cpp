// drumkit.xml is parsed with pugixml. Element names are matched without namespace
// prefixes: kits written by Hydrogen 0.9.4 and later declare a default namespace
// (xmlns="http://www.hydrogen-music.org/drumkit"), older ones none, and pugixml treats
// both the same way.
#include "ngsynth/data/hydrogen_kit.h"

#include <pugixml.hpp>

#include <string>

#include "ngsynth/util/error.h"

namespace ngsynth {
namespace fs = std::filesystem;

namespace {

// Trimmed text of a child element; Hydrogen writes names with stray spaces ("a#4 -  ").
std::string child_text(const pugi::xml_node& node, const char* name) {
  std::string s = node.child(name).text().as_string();
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Every <filename> below the instrument, wherever the format version puts it.
std::vector<fs::path> sample_paths(const pugi::xml_node& instrument, const fs::path& folder) {
  std::vector<fs::path> paths;
  for (const pugi::xpath_node& hit : instrument.select_nodes(".//filename")) {
    std::string file = hit.node().text().as_string();
    if (file.empty()) continue;
    const fs::path p(file);
    paths.push_back(p.is_absolute() ? p : folder / p);
  }
  return paths;
}

pugi::xml_node kit_root(const pugi::xml_document& doc, const fs::path& xml) {
  const pugi::xml_node root = doc.document_element();
  if (std::string(root.name()) != "drumkit_info")
    fail_file(xml, std::string("not a Hydrogen drumkit (root element <") + root.name() +
                       ">, expected <drumkit_info>)");
  if (!root.child("instrumentList"))
    fail_file(xml, "not a Hydrogen drumkit (no <instrumentList>)");
  return root;
}

}  // namespace

bool is_hydrogen_kit(const fs::path& folder) {
  std::error_code ec;
  return fs::is_regular_file(folder / kDrumkitXml, ec);
}

HydrogenKit load_hydrogen_kit(const fs::path& folder) {
  const fs::path xml = folder / kDrumkitXml;
  std::error_code ec;
  if (!fs::is_regular_file(xml, ec)) fail_file(xml, "no such file");
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_file(xml.c_str());
  if (!parsed)
    fail_file(xml, std::string("malformed XML: ") + parsed.description() + " at byte offset " +
                       std::to_string(parsed.offset));
  const pugi::xml_node root = kit_root(doc, xml);

  HydrogenKit kit;
  kit.folder = folder;
  kit.name = child_text(root, "name");
  if (kit.name.empty()) kit.name = fs::weakly_canonical(folder).filename().string();
  for (const pugi::xml_node& node : root.child("instrumentList").children("instrument"))
    kit.instruments.push_back({child_text(node, "name"), sample_paths(node, folder)});
  return kit;
}

}  // namespace ngsynth
