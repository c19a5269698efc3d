// Draws throughput.png for a run folder with harness/plot/plot_run.py (matplotlib).
#pragma once

#include <filesystem>
#include <string>

namespace mprecover {

// Runs the plot script on `run_dir` and returns a line for the user: where the plot went, or why
// there is none (no matplotlib, no Python, the script failed). Never throws for a missing plot.
std::string draw_plot(const std::filesystem::path& run_dir);

}  // namespace mprecover
