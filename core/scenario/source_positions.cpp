#include "core/scenario/source_positions.h"

#include <utility>

namespace mprecover {

void SourcePositions::record(std::string key, SourcePosition position) {
  positions_.insert_or_assign(std::move(key), position);
}

SourcePosition SourcePositions::of(std::string_view key) const {
  for (;;) {
    if (const auto it = positions_.find(key); it != positions_.end()) return it->second;
    if (key.empty()) return {};
    key = parent_key(key);
  }
}

std::string_view parent_key(std::string_view key) {
  const auto cut = key.find_last_of(".[");
  return cut == std::string_view::npos ? std::string_view{} : key.substr(0, cut);
}

}  // namespace mprecover
