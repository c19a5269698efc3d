#include "core/scenario/spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/scenario/loader.h"

namespace mprecover {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The part of scenarios/README.md between <!-- NAME:begin --> and <!-- NAME:end -->.
std::string readme_section(const std::string& name) {
  const std::string readme = read_file(MPRECOVER_SOURCE_DIR "/scenarios/README.md");
  const std::string begin = "<!-- " + name + ":begin -->\n";
  const std::size_t start = readme.find(begin);
  const std::size_t end = readme.find("<!-- " + name + ":end -->");
  if (start == std::string::npos || end == std::string::npos) return "(no section " + name + ")";
  return readme.substr(start + begin.size(), end - start - begin.size());
}

TEST(Spec, ReadmeShowsTheTablesTheCodeHas) {
  const char* regenerate = "regenerate the section of scenarios/README.md from `build/mprecover spec`";
  EXPECT_EQ(readme_section("spec"), spec_markdown()) << regenerate;
  EXPECT_EQ(readme_section("policies"), policies_markdown()) << regenerate;
  EXPECT_EQ(readme_section("outage-kinds"), outage_kinds_markdown()) << regenerate;
}

const SpecEntry& entry_named(std::string_view key) {
  for (const SpecEntry& entry : spec_entries())
    if (entry.key == key) return entry;
  throw std::out_of_range(std::string(key));
}

TEST(Spec, DefaultsComeFromTheStructs) {
  EXPECT_EQ(default_text(entry_named("topology.server.rate")), "`1Gbit`");
  EXPECT_EQ(default_text(entry_named("topology.paths[].queue")), "`100p`");
  // Per policy, in the policy table's order, where the policies' defaults differ.
  const std::string interval = default_text(entry_named("engine.probe.interval"));
  EXPECT_EQ(interval.rfind("kernel: `1s`, omr: `2s`, ", 0), 0u) << interval;
  EXPECT_EQ(default_text(entry_named("engine.probe.down_after")), "`3`");
  EXPECT_EQ(default_text(entry_named("engine.probe.confirm")), "optional");
  EXPECT_EQ(default_text(entry_named("events[].at")), "required");
}

TEST(Spec, EveryKeyHasWhatItsTypeNeeds) {
  for (const SpecEntry& entry : spec_entries()) {
    EXPECT_FALSE(entry.meaning.empty()) << entry.key;
    const bool list = entry.type == ValueType::list;
    EXPECT_EQ(entry.set == nullptr, list) << entry.key;
    EXPECT_EQ(entry.get == nullptr, list) << entry.key;
    EXPECT_EQ(entry.list.resize != nullptr, list) << entry.key;
    EXPECT_EQ(entry.choices.empty(), entry.type != ValueType::choice) << entry.key;
  }
}

TEST(Spec, ChildrenFollowTheDottedKeys) {
  const auto top = spec_children("");
  std::vector<std::string> names;
  for (const SpecChild& child : top) names.push_back(child.name);
  EXPECT_EQ(names, (std::vector<std::string>{"name", "description", "duration", "seed", "topology", "traffic", "engine",
                                             "netns", "results", "events"}));
  EXPECT_EQ(top[4].kind, SpecChild::Kind::map);
  EXPECT_TRUE(top[4].required);  // because topology.paths is
  EXPECT_FALSE(top[5].required);
  EXPECT_EQ(top[9].kind, SpecChild::Kind::list);
  EXPECT_EQ(spec_children("topology.paths[].").size(), 6u);
}

// describe() prints a file that loads back into the same scenario.
TEST(Spec, DescribeGivesALoadableFileOfTheSameScenario) {
  for (const auto& file : std::filesystem::directory_iterator(MPRECOVER_SOURCE_DIR "/scenarios")) {
    if (file.path().extension() != ".yaml") continue;
    const Scenario original = load_scenario_file(file.path().string());
    const std::string text = describe(original);
    const Scenario reloaded = load_scenario_text(text, "described");
    EXPECT_EQ(describe(reloaded), text) << file.path();
    EXPECT_EQ(reloaded.description, original.description);
    EXPECT_EQ(reloaded.events.size(), original.events.size());
  }
}

TEST(Spec, DescribeShowsEffectiveProbeSettings) {
  const Scenario s =
      load_scenario_text("name: t\nduration: 60s\ntopology: {paths: [{name: a}]}\nengine: {policy: omr}\n");
  const std::string text = describe(s);
  EXPECT_NE(text.find("    interval: 2s\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    up_after: 5\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("confirm"), std::string::npos) << text;
  EXPECT_EQ(text.find("bytes"), std::string::npos) << text;
}

}  // namespace
}  // namespace mprecover
