// One table per enum drives both parsing and printing of its names (as iproute2's ipmptcp.c does).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mprecover {

// Specialise with `static constexpr std::array<std::pair<E, std::string_view>, N> table`.
template <typename E>
struct EnumNames;

template <typename E>
constexpr std::string_view name_of(E value) {
  for (const auto& [v, n] : EnumNames<E>::table)
    if (v == value) return n;
  return "?";
}

template <typename E>
constexpr std::optional<E> parse_name(std::string_view text) {
  for (const auto& [v, n] : EnumNames<E>::table)
    if (n == text) return v;
  return std::nullopt;
}

// "a, b or c": for error messages and help texts that list what is accepted.
inline std::string or_list(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? " or " : ", ";
    out += words[i];
  }
  return out;
}

template <typename E>
std::string names_list() {
  std::vector<std::string> words;
  for (const auto& entry : EnumNames<E>::table) words.emplace_back(entry.second);
  return or_list(words);
}

}  // namespace mprecover
