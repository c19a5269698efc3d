#include "figure_text.h"

#include <cstdio>

namespace mprecover {

std::string formatted(const char* pattern, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, value);
  return buf;
}

std::string milliseconds_text(std::optional<double> seconds, const char* missing) {
  return seconds ? formatted("%.3f", *seconds) : missing;
}

}  // namespace mprecover
