// Namespaces: create, enter, remove; names; leftovers of dead runs removed, live ones kept.
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/netns_registry.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"
#include "test_support.h"

namespace mprecover::netns {
namespace {

bool listed(const std::string& name) {
  const auto names = list_named_namespaces();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> interfaces_here() {
  std::vector<std::string> names;
  if (struct if_nameindex* list = ::if_nameindex()) {
    for (struct if_nameindex* i = list; i->if_index != 0; ++i) names.emplace_back(i->if_name);
    if_freenameindex(list);
  }
  return names;
}

TEST(NetnsName, RoundTrips) {
  const std::string stem = make_run_stem();
  const auto parsed = parse_namespace_name(namespace_name(stem, "r0"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->pid, getpid());
  EXPECT_EQ(parsed->suffix.size(), 8U);
  EXPECT_EQ(parsed->role, "r0");
  EXPECT_NE(make_run_stem(), stem) << "two runs of one process get different suffixes";
}

TEST(NetnsName, RejectsOtherNames) {
  EXPECT_FALSE(parse_namespace_name("blue"));
  EXPECT_FALSE(parse_namespace_name("mprecover-"));
  EXPECT_FALSE(parse_namespace_name("mprecover-12x-abc-client"));
  EXPECT_FALSE(parse_namespace_name("mprecover-12-abc"));
  EXPECT_FALSE(parse_namespace_name("mprecover-0-abc-client"));
}

TEST(NetworkNamespace, CreateEnterSeeOnlyLoopbackRemove) {
  MPRECOVER_REQUIRE_NETNS();
  const std::string name = namespace_name(make_run_stem(), "client");
  {
    NetworkNamespace ns = NetworkNamespace::create(name);
    EXPECT_TRUE(listed(name));
    EXPECT_TRUE(std::filesystem::exists(ns.path()));
    const auto outside = interfaces_here();
    {
      NamespaceScope scope(ns);
      EXPECT_EQ(interfaces_here(), std::vector<std::string>{"lo"});
      {
        NamespaceScope nested(ns);
        EXPECT_EQ(interfaces_here(), std::vector<std::string>{"lo"});
      }
      EXPECT_EQ(interfaces_here(), std::vector<std::string>{"lo"});
    }
    EXPECT_EQ(interfaces_here(), outside) << "the scope's end brings the thread back";
    EXPECT_NE(test::run_command("ip -n " + name + " link show lo").find("lo:"), std::string::npos)
        << "iproute2 sees the namespace";
  }
  EXPECT_FALSE(listed(name));
  EXPECT_FALSE(std::filesystem::exists(std::string(kNetnsRunDir) + "/" + name));
}

TEST(NetworkNamespace, DuplicateNameFailsClearly) {
  MPRECOVER_REQUIRE_NETNS();
  const std::string name = namespace_name(make_run_stem(), "client");
  NetworkNamespace ns = NetworkNamespace::create(name);
  try {
    NetworkNamespace again = NetworkNamespace::create(name);
    FAIL() << "a second namespace of the same name was created";
  } catch (const NetnsError& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
  }
  EXPECT_TRUE(listed(name)) << "the failed attempt left the first one alone";
}

TEST(NetworkNamespace, MoveKeepsOwnership) {
  MPRECOVER_REQUIRE_NETNS();
  const std::string name = namespace_name(make_run_stem(), "server");
  {
    NetworkNamespace a = NetworkNamespace::create(name);
    NetworkNamespace b = std::move(a);
    a.remove();  // moved-from: nothing to remove
    EXPECT_TRUE(listed(name));
    EXPECT_EQ(b.name(), name);
  }
  EXPECT_FALSE(listed(name));
}

// What a run killed with SIGKILL leaves: a child process makes a namespace named after itself
// and exits without removing it. Returns the namespace's name.
std::string leftover_of_dead_child() {
  int pipefd[2];
  if (pipe(pipefd) != 0) return {};
  const pid_t child = fork();
  if (child == 0) {
    close(pipefd[0]);
    char ok = 0;
    try {
      NetworkNamespace ns = NetworkNamespace::create(namespace_name(make_run_stem(), "client"));
      ok = 1;
      [[maybe_unused]] const auto n = write(pipefd[1], &ok, 1);
      _exit(0);  // no destructors: the namespace stays
    } catch (...) {
      [[maybe_unused]] const auto n = write(pipefd[1], &ok, 1);
      _exit(1);
    }
  }
  close(pipefd[1]);
  char ok = 0;
  [[maybe_unused]] const auto n = read(pipefd[0], &ok, 1);
  close(pipefd[0]);
  int status = 0;
  waitpid(child, &status, 0);
  for (const auto& name : list_named_namespaces()) {
    const auto parsed = parse_namespace_name(name);
    if (parsed && parsed->pid == child) return name;
  }
  return {};
}

TEST(NetnsRegistry, RemovesLeftoversOfDeadPidsOnly) {
  MPRECOVER_REQUIRE_NETNS();
  const std::string dead_name = leftover_of_dead_child();
  ASSERT_FALSE(dead_name.empty()) << "the child could not leave a namespace behind";
  ASSERT_FALSE(process_alive(parse_namespace_name(dead_name)->pid));
  const std::string live_name = namespace_name(make_run_stem(), "client");
  {
    NetworkNamespace live = NetworkNamespace::create(live_name);
    const auto removed = remove_leftover_namespaces();
    // Gone, by this call or by another test process's sweep running at the same time (ctest -j).
    EXPECT_EQ(std::find(removed.begin(), removed.end(), live_name), removed.end());
    EXPECT_FALSE(listed(dead_name));
    EXPECT_TRUE(listed(live_name)) << "a live process's namespace is never touched";
  }
  EXPECT_FALSE(listed(live_name));
  remove_named_namespace(dead_name);  // in case the check above failed
}

// A child makes a namespace, tells its name, then dies of `signal` (as a crash would).
// Returns the name and whether the child died of that signal.
std::pair<std::string, bool> namespace_of_crashed_child(int signal) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return {};
  const pid_t child = fork();
  if (child == 0) {
    close(pipefd[0]);
    NetworkNamespace ns = NetworkNamespace::create(namespace_name(make_run_stem(), "client"));
    [[maybe_unused]] const auto n = write(pipefd[1], ns.name().c_str(), ns.name().size());
    close(pipefd[1]);
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    raise(signal);
    _exit(0);
  }
  close(pipefd[1]);
  char name[256] = {};
  [[maybe_unused]] const auto n = read(pipefd[0], name, sizeof name - 1);
  close(pipefd[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return {name, WIFSIGNALED(status) && WTERMSIG(status) == signal};
}

class NamespaceOnCrash : public ::testing::TestWithParam<int> {};

TEST_P(NamespaceOnCrash, IsRemovedAndTheProcessStillDiesOfTheSignal) {
  MPRECOVER_REQUIRE_NETNS();
  const auto [name, died_of_signal] = namespace_of_crashed_child(GetParam());
  ASSERT_FALSE(name.empty()) << "the child could not make its namespace";
  EXPECT_TRUE(died_of_signal) << "the handler must hand the signal on";
  EXPECT_FALSE(listed(name)) << name << " survived the crash";
  remove_named_namespace(name);  // in case the check above failed
}

std::string signal_name(const ::testing::TestParamInfo<int>& info) {
  switch (info.param) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    default: return "SIGBUS";
  }
}

INSTANTIATE_TEST_SUITE_P(FatalSignals, NamespaceOnCrash, ::testing::Values(SIGSEGV, SIGABRT, SIGBUS), signal_name);

}  // namespace
}  // namespace mprecover::netns
