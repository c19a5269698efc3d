#include "policy_table.h"

#include <algorithm>
#include <stdexcept>

namespace mprecover {

// Each policy's own file defines its entry.
PolicyEntry kernel_policy();
PolicyEntry omr_policy();
PolicyEntry rebuild_policy();
PolicyEntry mptcpd_policy();

namespace {
// The default policy is ours; the others are the baselines it is measured against.
constexpr std::string_view kDefaultPolicy = "rebuild";
}  // namespace

const std::vector<PolicyEntry>& policy_table() {
  static const std::vector<PolicyEntry> table{
      kernel_policy(),
      omr_policy(),
      rebuild_policy(),
      mptcpd_policy(),
  };
  return table;
}

const PolicyEntry& default_policy() { return policy_named(kDefaultPolicy); }

std::string default_policy_name() { return std::string(kDefaultPolicy); }

const PolicyEntry* find_policy(std::string_view name) {
  for (const PolicyEntry& p : policy_table()) {
    if (p.name == name) return &p;
    if (std::find(p.aliases.begin(), p.aliases.end(), name) != p.aliases.end()) return &p;
  }
  return nullptr;
}

const PolicyEntry& policy_named(std::string_view name) {
  if (const PolicyEntry* p = find_policy(name)) return *p;
  throw std::invalid_argument("no policy named '" + std::string(name) + "'; the policies are " + policy_names_text());
}

std::vector<std::string> policy_names() {
  std::vector<std::string> names;
  for (const PolicyEntry& p : policy_table()) names.push_back(p.name);
  return names;
}

std::string policy_names_text() { return or_list(policy_names()); }

std::vector<std::pair<const PolicyEntry*, const PolicyKey*>> all_policy_keys() {
  std::vector<std::pair<const PolicyEntry*, const PolicyKey*>> keys;
  for (const PolicyEntry& p : policy_table())
    for (const PolicyKey& k : p.keys) keys.emplace_back(&p, &k);
  return keys;
}

}  // namespace mprecover
