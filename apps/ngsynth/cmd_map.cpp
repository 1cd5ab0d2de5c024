// ngsynth map: the picture of the grain latent space.
#include <cstdio>

#include "commands.h"
#include "ngsynth/plot/map_plot.h"
#include "ngsynth/model/model_file.h"

namespace ngsynth::cli {

Run add_map(CLI::App& app) {
  struct Args {
    std::string model, output, title;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Draw the latent map stored in a model file: the training grains' latents projected\n"
      "on their two principal axes, coloured by class, with a legend. Every point of this\n"
      "plane decodes to a grain: `ngsynth path --from=X,Y --to=X,Y` plays a line across it.\n"
      "Example: ngsynth map --model drums.ngs -o drums_map.png   (or .svg)");
  app.add_option("--model", a->model, "Model file (.ngs)")->required();
  app.add_option("-o,--output", a->output, "Picture to write: .png or .svg")->required();
  app.add_option("--title", a->title, "Title (default: the model file's name)");
  return [a] {
    Model m = load_model(a->model);
    const LatentMap& map = m.require_map();
    const std::string title = a->title.empty()
        ? std::filesystem::path(a->model).filename().string() + ": grain latent space (PCA)"
        : a->title;
    draw_latent_map(map, m.info.classes, a->output, title);
    std::printf("%s: %zu grains, PC1 %.1f %% and PC2 %.1f %% of the variance, "
                "x %.2f..%.2f, y %.2f..%.2f\n",
                a->output.c_str(), map.n_points(), 100 * map.explained[0],
                100 * map.explained[1], map.x_min, map.x_max, map.y_min, map.y_max);
    return 0;
  };
}

}  // namespace ngsynth::cli
