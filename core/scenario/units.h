// String units of the scenario files ("10ms", "50Mbit", "2%", "100p", "64KB"): parsing and the
// canonical short form. For every value a parser returns, parse(format(x)) == x.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/clock.h"
#include "core/scenario/scenario.h"

namespace mprecover {

// A value that does not read as what was expected; what() is a sentence for a person, without
// the file position (the loader adds it).
class ValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Number and unit, no sign, no space: "10ms", "1.5s", "250us", "2min", "0s".
Duration parse_duration(std::string_view text);
// Bits per second, 1000-based: "100bit", "500kbit", "50Mbit", "1Gbit".
BitRate parse_rate(std::string_view text);
// "0%" to "100%", returned as 0.0 to 1.0.
Ratio parse_ratio(std::string_view text);
// Packets ("100p") or bytes ("64KB"); never zero.
QueueSize parse_queue_size(std::string_view text);
// KB, MB, GB are 1000-based, KiB, MiB, GiB 1024-based: "1500B", "100MB", "1GiB".
std::uint64_t parse_bytes(std::string_view text);
// A plain whole number in [min, max]: "4", "100000".
std::uint64_t parse_whole_number(std::string_view text, std::uint64_t min, std::uint64_t max);
// "true" or "false".
bool parse_bool(std::string_view text);

std::string format_duration(Duration value);
std::string format_rate(BitRate value);
std::string format_ratio(Ratio value);
std::string format_queue_size(QueueSize value);
std::string format_bytes(std::uint64_t value);

// The accepted unit suffixes, "ns, us, ms, s, min, h": for documentation and error messages.
std::string duration_units();
std::string rate_units();
std::string bytes_units();

}  // namespace mprecover
