// Figures as compare's report, summary and verdicts print them.
#pragma once

#include <optional>
#include <string>

namespace mprecover {

// One number through a printf pattern: formatted("%.1f s", 25.07) is "25.1 s".
std::string formatted(const char* pattern, double value);

// Seconds to the millisecond ("0.084"), or `missing` for a figure that did not happen.
std::string milliseconds_text(std::optional<double> seconds, const char* missing);

}  // namespace mprecover
