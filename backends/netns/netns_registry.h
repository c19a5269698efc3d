// The naming of a run's namespaces, and the clean-up of what earlier runs left behind.
//
// Every namespace a run makes is called `mprecover-<pid>-<suffix>-<role>`: the owning process's
// pid, a random suffix per run (two runs never collide) and the role (client, r0, agg, server).
// A run killed with SIGKILL cannot clean up; the next run finds its namespaces by the dead pid
// and removes them. Namespaces of live processes are never touched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace mprecover::netns {

inline constexpr std::string_view kNetnsPrefix = "mprecover-";

struct NetnsName {
  pid_t pid = 0;
  std::string suffix;
  std::string role;
};

// `mprecover-<this pid>-<8 random hex digits>`, the stem of one run's namespace names.
std::string make_run_stem();
// `<stem>-<role>`.
std::string namespace_name(const std::string& stem, std::string_view role);
// The parts of a name of ours; nothing for any other name.
std::optional<NetnsName> parse_namespace_name(std::string_view name);

// The names in /run/netns (as `ip netns list` shows them), sorted.
std::vector<std::string> list_named_namespaces();

// Whether process `pid` exists (a zombie counts as gone).
bool process_alive(pid_t pid);

// Removes every namespace of ours whose owning pid is gone. Returns the names removed.
std::vector<std::string> remove_leftover_namespaces();

// Removes every namespace of ours owned by `pid`, alive or not (a test run's final sweep).
std::vector<std::string> remove_namespaces_of(pid_t pid);

}  // namespace mprecover::netns
