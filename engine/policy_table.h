// Every path manager policy in one table: its name, what it does, its detector defaults, its
// scenario keys and its factory. The CLI's choices, `compare`, `mprecover spec`, the scenario
// docs and the Python module all read this table. A new policy is one file (its class and its
// entry) plus one line in policy_table.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.h"
#include "path_manager_policy.h"
#include "policy_settings.h"

namespace mprecover {

struct PolicyEntry {
  std::string name;
  std::vector<std::string> aliases;  // older names still accepted in scenario files and options
  std::string summary;               // one line: what the policy does
  // A program the policy is (mptcpd): a backend that can run it runs it, and the policy made for
  // that backend only observes (PathManagerMode::daemon).
  std::string daemon;
  DetectorConfig detector;           // the probe settings a scenario leaves out
  std::vector<PolicyKey> keys;
  // Throws std::invalid_argument when the policy cannot work with what the backend offers.
  std::unique_ptr<PathManagerPolicy> (*make)(const PolicySettings& settings, const BackendCapabilities& caps,
                                             PolicyContext context) = nullptr;
  // Checks across the policy's own keys: the key at fault and why, or nothing. In the message,
  // "{retry.max}" stands for that key's value as the scenario file would write it.
  std::optional<std::pair<std::string, std::string>> (*check)(const PolicySettings& settings) = nullptr;
};

// In the order the docs list them.
const std::vector<PolicyEntry>& policy_table();
// The policy a scenario runs when it names none.
const PolicyEntry& default_policy();
// By name or alias; nullptr when there is none.
const PolicyEntry* find_policy(std::string_view name);
// The entry of `name`; throws std::invalid_argument listing the policies when there is none.
const PolicyEntry& policy_named(std::string_view name);
// The names as "a, b or c": for help texts and error messages.
std::string policy_names_text();
std::vector<std::string> policy_names();
// Every key of every policy, with the policy that declares it, in table order.
std::vector<std::pair<const PolicyEntry*, const PolicyKey*>> all_policy_keys();

}  // namespace mprecover
