// A picture of the latent map: the training grains projected onto the map's two principal
// axes, one dot per grain coloured by its class, with labelled axes, a title and a legend
// (swatch, class name, point count). The plotted area is the map's range; points outside
// it are clipped. Dots are drawn in a fixed shuffled order so no class hides the others.
// Drawn once on a Canvas and written as PNG or SVG, atomically either way.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ngsynth/plot/canvas.h"
#include "ngsynth/spec/latent_map.h"

namespace ngsynth {

// Colour of class `index` in the map pictures: a fixed palette of 12 distinguishable
// colours, cycling for more classes.
Rgb class_colour(int index);

// class_names[i] names class i (classes beyond the list are called "class N").
// Error if the map is empty or the picture is smaller than 300x200.
Canvas latent_map_picture(const LatentMap& m, const std::vector<std::string>& class_names,
                          const std::string& title, int width = 900, int height = 700);
// The 900x700 picture written in the format of the extension (.png or .svg, any case);
// anything else is an Error naming the path and the valid extensions, before any drawing.
void draw_latent_map(const LatentMap& m, const std::vector<std::string>& class_names,
                     const std::filesystem::path& out, const std::string& title);

}  // namespace ngsynth
