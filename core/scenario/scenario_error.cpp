#include "core/scenario/scenario_error.h"

#include <utility>

namespace mprecover {

namespace {

std::string located(const std::string& file, SourcePosition position, const std::string& key,
                    const std::string& message) {
  std::string out = file + ":" + std::to_string(position.line) + ":" + std::to_string(position.column) + ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

}  // namespace

ScenarioError::ScenarioError(std::string file, SourcePosition position, std::string key, std::string message)
    : std::runtime_error(located(file, position, key, message)),
      file_(std::move(file)),
      position_(position),
      key_(std::move(key)),
      message_(std::move(message)) {}

}  // namespace mprecover
