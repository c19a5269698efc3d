#include "core/scenario/units.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <system_error>

namespace mprecover {

namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;    // base units (ns, bit/s, bytes) per one of this unit
  bool formatted = true;   // false: read, never written ("60s" reads better than "1min" in a run of 90s)
};

// What a text is read as: drives parsing, formatting and the messages of both.
struct Quantity {
  std::string_view expected;     // "a duration such as ...", after "expected "
  std::span<const Unit> units;   // largest first: formatting takes the first that fits
  std::string_view zero_suffix;  // how zero is written: "0s", not "0ns"
};

// Largest first.
constexpr std::array<Unit, 6> duration_table{{{"h", 3'600'000'000'000, false},
                                              {"min", 60'000'000'000, false},
                                              {"s", 1'000'000'000},
                                              {"ms", 1'000'000},
                                              {"us", 1'000},
                                              {"ns", 1}}};
constexpr std::array<Unit, 4> rate_table{{{"Gbit", 1'000'000'000}, {"Mbit", 1'000'000}, {"kbit", 1'000}, {"bit", 1}}};
constexpr std::array<Unit, 7> bytes_table{{{"GiB", 1ULL << 30},
                                           {"GB", 1'000'000'000},
                                           {"MiB", 1ULL << 20},
                                           {"MB", 1'000'000},
                                           {"KiB", 1ULL << 10},
                                           {"KB", 1'000},
                                           {"B", 1}}};

constexpr Quantity duration_quantity{R"(a duration such as "200ms" or "1.5s")", duration_table, "s"};
constexpr Quantity rate_quantity{R"(a rate such as "50Mbit" or "1.5Gbit")", rate_table, "bit"};
constexpr Quantity bytes_quantity{R"(a byte count such as "100MB" or "1GiB")", bytes_table, "B"};
constexpr Quantity queue_bytes_quantity{R"(a queue size in packets such as "100p" or in bytes such as "64KB")",
                                        bytes_table, "B"};

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// "ns, us, ms, s, min, h": smallest first, as a person reads a list of units.
std::string units_list(std::span<const Unit> units) {
  std::string out;
  for (auto it = units.rbegin(); it != units.rend(); ++it) {
    if (!out.empty()) out += ", ";
    out += it->suffix;
  }
  return out;
}

[[noreturn]] void fail_expected(const Quantity& quantity, std::string_view text) {
  throw ValueError("expected " + std::string(quantity.expected) + " (units: " + units_list(quantity.units) +
                   "), got " + quoted(text));
}

[[noreturn]] void fail_too_large(std::string_view text) { throw ValueError(quoted(text) + " is too large"); }

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::uint64_t pow10(int exponent) {
  std::uint64_t result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

// A decimal number without sign or exponent, "12.50" -> {12, 5, 1}, read exactly (no floating point).
struct Decimal {
  std::uint64_t whole = 0;
  std::uint64_t fraction = 0;  // the digits after the point, trailing zeros dropped
  int fraction_digits = 0;
};

// nullopt when the text is not digits[.digits]; throws when it has more digits than fit.
std::optional<Decimal> read_decimal(std::string_view number, std::string_view text) {
  const auto point = number.find('.');
  const std::string_view whole = number.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view{} : number.substr(point + 1);
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction))) return std::nullopt;
  fraction = fraction.substr(0, fraction.find_last_not_of('0') + 1);

  Decimal decimal;
  if (std::from_chars(whole.data(), whole.data() + whole.size(), decimal.whole).ec != std::errc{})
    fail_too_large(text);
  // 18 digits still fit in 64 bits; no unit is fine enough to need more.
  if (fraction.size() > 18) throw ValueError(quoted(text) + " has too many decimals");
  if (!fraction.empty()) std::from_chars(fraction.data(), fraction.data() + fraction.size(), decimal.fraction);
  decimal.fraction_digits = static_cast<int>(fraction.size());
  return decimal;
}

// decimal * factor exactly, in base units; throws when the result has a fraction of a base unit.
std::uint64_t scale(const Decimal& decimal, const Unit& unit, const Quantity& quantity, std::string_view text) {
  std::uint64_t whole_part = 0;
  if (__builtin_mul_overflow(decimal.whole, unit.factor, &whole_part)) fail_too_large(text);
  std::uint64_t fraction_part = 0;
  if (decimal.fraction_digits > 0) {
    // fraction * factor / 10^digits must be whole; reduce by the gcd first so nothing overflows.
    const std::uint64_t denominator = pow10(decimal.fraction_digits);
    const std::uint64_t common = std::gcd(unit.factor, denominator);
    const std::uint64_t step = denominator / common;
    if (decimal.fraction % step != 0)
      throw ValueError(quoted(text) + " is finer than 1" + std::string(quantity.units.back().suffix));
    fraction_part = (decimal.fraction / step) * (unit.factor / common);
  }
  std::uint64_t total = 0;
  if (__builtin_add_overflow(whole_part, fraction_part, &total)) fail_too_large(text);
  return total;
}

std::uint64_t parse_with_units(std::string_view text, const Quantity& quantity) {
  if (text.starts_with('-')) throw ValueError("a negative value is not allowed here, got " + quoted(text));
  const auto unit_start = text.find_first_not_of("0123456789.");
  if (unit_start == 0 || unit_start == std::string_view::npos) fail_expected(quantity, text);
  const std::string_view suffix = text.substr(unit_start);
  for (const Unit& unit : quantity.units) {
    if (unit.suffix != suffix) continue;
    const auto decimal = read_decimal(text.substr(0, unit_start), text);
    if (!decimal) fail_expected(quantity, text);
    return scale(*decimal, unit, quantity, text);
  }
  fail_expected(quantity, text);
}

bool is_power_of_ten(std::uint64_t value) {
  while (value % 10 == 0) value /= 10;
  return value == 1;
}

// value / divisor written exactly, for a power of ten divisor: (1500, 1000) -> "1.5".
std::string exact_decimal(std::uint64_t value, std::uint64_t divisor) {
  std::string out = std::to_string(value / divisor);
  std::string fraction = std::to_string(value % divisor);
  const std::size_t width = std::to_string(divisor).size() - 1;
  fraction.insert(0, width - fraction.size(), '0');
  fraction.erase(fraction.find_last_not_of('0') + 1);
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

// The largest unit that writes the value as a whole number, or exactly with decimals when the unit
// is a power of ten: 1500ms -> "1.5s", 1GiB -> "1GiB", 1.5GB -> "1.5GB".
std::string format_with_units(std::uint64_t value, const Quantity& quantity) {
  if (value == 0) return std::string("0").append(quantity.zero_suffix);
  for (const Unit& unit : quantity.units) {
    if (!unit.formatted || value < unit.factor) continue;
    if (value % unit.factor == 0) return std::to_string(value / unit.factor) + std::string(unit.suffix);
    if (is_power_of_ten(unit.factor)) return exact_decimal(value, unit.factor) + std::string(unit.suffix);
  }
  return std::to_string(value) + std::string(quantity.units.back().suffix);  // unreachable: last factor is 1
}

// Moves the decimal point of a plain decimal two places right: "0.005" -> "0.5", "1" -> "100".
std::string times_hundred(std::string_view fixed) {
  const auto point = fixed.find('.');
  std::string digits(fixed.substr(0, point));
  if (point != std::string_view::npos) digits += fixed.substr(point + 1);
  const std::size_t whole_length = (point == std::string_view::npos ? fixed.size() : point) + 2;
  if (digits.size() < whole_length) digits.append(whole_length - digits.size(), '0');
  std::string whole = digits.substr(0, whole_length);
  std::string fraction = digits.substr(whole_length);
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));
  fraction.erase(fraction.find_last_not_of('0') + 1);
  return fraction.empty() ? whole : whole + "." + fraction;
}

}  // namespace

Duration parse_duration(std::string_view text) {
  const std::uint64_t nanoseconds = parse_with_units(text, duration_quantity);
  if (nanoseconds > static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max())) fail_too_large(text);
  return Duration{static_cast<Duration::rep>(nanoseconds)};
}

BitRate parse_rate(std::string_view text) { return parse_with_units(text, rate_quantity); }

std::uint64_t parse_bytes(std::string_view text) { return parse_with_units(text, bytes_quantity); }

Ratio parse_ratio(std::string_view text) {
  const auto fail = [&] {
    throw ValueError(R"(expected a percentage such as "2%" or "0.5%", got )" + quoted(text));
  };
  if (text.starts_with('-')) throw ValueError("a negative value is not allowed here, got " + quoted(text));
  if (!text.ends_with('%')) fail();
  const std::string_view number = text.substr(0, text.size() - 1);
  const auto decimal = read_decimal(number, text);
  if (!decimal) fail();
  if (decimal->whole > 100 || (decimal->whole == 100 && decimal->fraction != 0))
    throw ValueError("a percentage must be between 0% and 100%, got " + quoted(text));
  // Reading "2e-2" rounds once, to the double nearest the written value, so formatting back is exact.
  const std::string scaled = std::string(number) + "e-2";
  Ratio ratio = 0;
  std::from_chars(scaled.data(), scaled.data() + scaled.size(), ratio);
  return ratio;
}

QueueSize parse_queue_size(std::string_view text) {
  QueueSize queue;
  if (text.ends_with('p') && all_digits(text.substr(0, text.size() - 1))) {
    const std::string_view digits = text.substr(0, text.size() - 1);
    queue.unit = QueueSize::Unit::packets;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), queue.value).ec != std::errc{})
      fail_too_large(text);
  } else {
    queue.unit = QueueSize::Unit::bytes;
    queue.value = parse_with_units(text, queue_bytes_quantity);
  }
  if (queue.value == 0) throw ValueError("a queue size must be more than 0, got " + quoted(text));
  return queue;
}

std::uint64_t parse_whole_number(std::string_view text, std::uint64_t min, std::uint64_t max) {
  if (!all_digits(text)) throw ValueError(R"(expected a whole number such as "4", got )" + quoted(text));
  std::uint64_t value = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc{} || value < min ||
      value > max)
    throw ValueError("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                     quoted(text));
  return value;
}

bool parse_bool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  throw ValueError("expected true or false, got " + quoted(text));
}

std::string format_duration(Duration value) {
  return format_with_units(static_cast<std::uint64_t>(value.count()), duration_quantity);
}

std::string format_rate(BitRate value) { return format_with_units(value, rate_quantity); }

std::string format_bytes(std::uint64_t value) { return format_with_units(value, bytes_quantity); }

std::string format_ratio(Ratio value) {
  // The shortest fixed-point text that reads back as the same double.
  std::array<char, 400> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  return times_hundred(std::string_view(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()))) + "%";
}

std::string format_queue_size(QueueSize value) {
  if (value.unit == QueueSize::Unit::packets) return std::to_string(value.value) + "p";
  return format_bytes(value.value);
}

std::string duration_units() { return units_list(duration_table); }
std::string rate_units() { return units_list(rate_table); }
std::string bytes_units() { return units_list(bytes_table); }

}  // namespace mprecover
