// The one error a scenario file can cause, located in the file as compilers do.
#pragma once

#include <stdexcept>
#include <string>

#include "core/scenario/source_positions.h"

namespace mprecover {

// what() reads "FILE:LINE:COLUMN: KEY: message" (gcc style, so editors jump to it); without a key
// (a YAML syntax error, an unreadable file) it reads "FILE:LINE:COLUMN: message".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string file, SourcePosition position, std::string key, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return position_.line; }
  int column() const { return position_.column; }
  const std::string& key() const { return key_; }  // "topology.paths[1].rate"; empty for the whole file
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  SourcePosition position_;
  std::string key_;
  std::string message_;
};

}  // namespace mprecover
