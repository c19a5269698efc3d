// A backend refuses a scenario it cannot run before anything is built, at the key that asks for it.
#include <gtest/gtest.h>

#include "app/backends.h"
#include "core/scenario/loader.h"

namespace mprecover {
namespace {

const char* const kScenario = R"(name: families
duration: 10s
topology:
  family: dual
  paths:
    - {name: wan1}
events:
  - {at: 5s, path: wan1, action: reset}
)";

BackendEntry backend_of(std::function<std::optional<std::string>(NetworkFamily)> family_unavailable) {
  BackendEntry entry;
  entry.name = "test";
  entry.traffic_kinds = {TrafficKind::bulk};
  entry.family_unavailable = std::move(family_unavailable);
  return entry;
}

TEST(BackendMisfit, ANetworkFamilyTheBackendCannotBuildIsRefusedAtTopologyFamily) {
  Scenario scenario = load_scenario_text(kScenario);
  scenario.source_file = "families.yaml";  // as load_scenario_file sets it
  const auto misfit = backend_misfit(backend_of([](NetworkFamily f) -> std::optional<std::string> {
                                       if (f == NetworkFamily::dual) return "no dual stack in this test";
                                       return std::nullopt;
                                     }),
                                     scenario);
  ASSERT_TRUE(misfit);
  EXPECT_EQ(std::string(misfit->what()),
            "families.yaml:4:11: topology.family: the test backend cannot build a network of family dual here: "
            "no dual stack in this test");
  EXPECT_FALSE(backend_misfit(backend_of([](NetworkFamily) { return std::optional<std::string>{}; }), scenario));
}

TEST(BackendMisfit, EveryCompiledBackendBuildsIPv4) {
  for (const BackendEntry& backend : compiled_backends()) {
    EXPECT_FALSE(backend.family_unavailable(NetworkFamily::ipv4)) << backend.name;
  }
}

}  // namespace
}  // namespace mprecover
