// A picture of the latent map: the training grains projected onto the map's two principal
// axes, one dot per grain coloured by its class, with labelled axes, a title and a legend
// (swatch, class name, point count). The plotted area is the map's range; points outside
// it are clipped. Dots are drawn in a fixed shuffled order so no class hides the others.
// Written as PNG (via PngImage) or standalone SVG, atomically either way.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ngsynth/plot/png_image.h"
#include "ngsynth/spec/latent_map.h"

namespace ngsynth {

// Colour of class `index` in the map pictures: a fixed palette of 12 distinguishable
// colours, cycling for more classes.
Rgb class_colour(int index);

// class_names[i] names class i (classes beyond the list are called "class N").
// Error if the map is empty or the picture is smaller than 300x200.
void draw_latent_map_png(const LatentMap& m, const std::vector<std::string>& class_names,
                         const std::filesystem::path& out, const std::string& title,
                         int width = 900, int height = 700);
void draw_latent_map_svg(const LatentMap& m, const std::vector<std::string>& class_names,
                         const std::filesystem::path& out, const std::string& title,
                         int width = 900, int height = 700);
// Picks the format by the extension (.png or .svg, any case); anything else is an Error
// naming the path and the valid extensions.
void draw_latent_map(const LatentMap& m, const std::vector<std::string>& class_names,
                     const std::filesystem::path& out, const std::string& title);

}  // namespace ngsynth
