// Draws the PNGs of a run folder (app/plot/plot_run.py) and of a comparison folder
// (app/plot/plot_compare.py) with matplotlib, through Debian's /usr/bin/python3.
#pragma once

#include <filesystem>
#include <string>

namespace mprecover {

// Each runs its script on the folder and returns a line for the user: where the plots went, or
// why there are none (no matplotlib, no Python, the script failed). Never throws for a missing plot.
std::string draw_plot(const std::filesystem::path& run_dir);
std::string draw_comparison_plots(const std::filesystem::path& compare_dir);

}  // namespace mprecover
