#include "policy_settings.h"

#include <stdexcept>

#include "policy_table.h"

namespace mprecover {

namespace {

const PolicyKey& declared(std::string_view key) {
  for (const auto& [policy, k] : all_policy_keys())
    if (k->key == key) return *k;
  throw std::invalid_argument("no policy has a setting '" + std::string(key) + "'");
}

}  // namespace

void PolicySettings::set(std::string_view key, PolicyValue value) {
  const PolicyKey& k = declared(key);
  if (value.index() != k.default_value.index())
    throw std::invalid_argument("policy setting '" + std::string(key) + "' set with a value of the wrong type");
  values_.insert_or_assign(std::string(key), std::move(value));
}

const PolicyValue& PolicySettings::value(std::string_view key) const {
  const auto it = values_.find(key);
  return it != values_.end() ? it->second : declared(key).default_value;
}

Duration PolicySettings::duration(std::string_view key) const {
  const auto* d = std::get_if<Duration>(&value(key));
  if (d == nullptr) throw std::invalid_argument("policy setting '" + std::string(key) + "' is not a duration");
  return *d;
}

bool PolicySettings::flag(std::string_view key) const {
  const auto* f = std::get_if<bool>(&value(key));
  if (f == nullptr) throw std::invalid_argument("policy setting '" + std::string(key) + "' is not on/off");
  return *f;
}

const std::string& PolicySettings::word(std::string_view key) const {
  const auto* w = std::get_if<std::string>(&value(key));
  if (w == nullptr) throw std::invalid_argument("policy setting '" + std::string(key) + "' is not a word");
  return *w;
}

}  // namespace mprecover
