// Where each key of a scenario file was written, so that checks made after loading can still
// point at the offending node.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace mprecover {

// 1-based, as editors count; {0, 0} when there is no node to point at (an unreadable file).
struct SourcePosition {
  int line = 0;
  int column = 0;
  // Spelled out: the sim adapter includes this header as C++17.
  bool operator==(const SourcePosition& other) const { return line == other.line && column == other.column; }
};

// Positions by dotted key as the file spells it: "", "topology.paths[1]", "events[3].at".
class SourcePositions {
 public:
  void record(std::string key, SourcePosition position);

  // The position of `key`; for a key the file left out (a default), that of its nearest parent.
  SourcePosition of(std::string_view key) const;

 private:
  std::map<std::string, SourcePosition, std::less<>> positions_;
};

// "events[3].at" -> "events[3]" -> "events" -> "".
std::string_view parent_key(std::string_view key);

}  // namespace mprecover
