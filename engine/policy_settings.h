// The settings of the path manager policies, as a scenario gives them: each policy declares its own
// keys (policy_table.h), and a PolicySettings holds the values a scenario set for any of them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clock.h"

namespace mprecover {

// A duration, one word among a key's choices, or on/off.
using PolicyValue = std::variant<Duration, std::string, bool>;

// One setting of a policy; in a scenario file it is `engine.<key>`.
struct PolicyKey {
  std::string key;                   // "retry.initial", "omr_wait"
  PolicyValue default_value;         // its type is the key's type
  std::string meaning;               // for `mprecover spec`
  std::vector<std::string> choices;  // a word key: the words it takes (the first is not the default)
  bool positive = false;             // a duration key: must be more than 0s
};

// The values a scenario set; a key it left out has its PolicyKey's default. Every policy's keys
// may be set whatever the scenario's policy, so that `--policy` can switch without editing the file.
class PolicySettings {
 public:
  // Throws std::invalid_argument for a key no policy declares, or a value of the wrong type.
  void set(std::string_view key, PolicyValue value);
  // The value in force. Throws std::invalid_argument for an unknown key or the wrong type.
  Duration duration(std::string_view key) const;
  const std::string& word(std::string_view key) const;
  bool flag(std::string_view key) const;
  const PolicyValue& value(std::string_view key) const;

  bool operator==(const PolicySettings& other) const { return values_ == other.values_; }

 private:
  std::map<std::string, PolicyValue, std::less<>> values_;
};

}  // namespace mprecover
