// report.md of a comparison: the parity rules, then per scenario a table of policy x backend with
// the recovery figures, the plots, and verdict lines.
#pragma once

#include <filesystem>
#include <string>

#include "comparison.h"

namespace mprecover {

// "Linux 6.18.0 x86_64, Intel(R) Xeon(R) ... (2 CPUs)": for report headers.
std::string machine_description();

// Writes dir/report.md; links the PNGs of plot_compare.py that exist in `dir`.
void write_compare_report(const Comparison& comparison, const std::filesystem::path& dir);

// The report's text, for tests.
std::string compare_report_markdown(const Comparison& comparison, const std::filesystem::path& dir);

}  // namespace mprecover
