// The web page's files, compiled into the program (cmake/embed_files.cmake turns
// src/ngsynth/serve/web/ into a C++ source at build time), so that `ngsynth serve --http`
// needs no file beside the binary and loads nothing from the network.
#pragma once

#include <string_view>
#include <vector>

namespace ngsynth::serve {

struct WebAsset {
  std::string_view path;          // "/index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view bytes;
};

const std::vector<WebAsset>& web_assets();

// The asset served at `path` ("/" is "/index.html"); nullptr when there is none.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace ngsynth::serve
