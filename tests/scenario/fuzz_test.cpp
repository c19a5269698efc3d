// No input makes the loader crash or throw anything but ScenarioError; what loads also describes
// and reloads. Deterministic: a fixed seed, so a failure repeats.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/scenario/loader.h"
#include "core/scenario/spec.h"

namespace mprecover {
namespace {

std::vector<std::string> shipped_texts() {
  std::vector<std::string> texts;
  for (const auto& file : std::filesystem::directory_iterator(MPRECOVER_SOURCE_DIR "/scenarios")) {
    if (file.path().extension() != ".yaml") continue;
    std::ifstream in(file.path());
    std::stringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  std::sort(texts.begin(), texts.end());  // directory order is not stable across machines
  return texts;
}

// Loads `text`; fails the test on anything but a Scenario or a ScenarioError.
void expect_survives(const std::string& text) {
  try {
    const Scenario scenario = load_scenario_text(text, "fuzz");
    const std::string described = describe(scenario);
    EXPECT_EQ(describe(load_scenario_text(described, "described")), described) << text;
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("fuzz:"), std::string::npos) << error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "escaped as " << typeid(error).name() << ": " << error.what() << "\ninput:\n" << text;
  }
}

class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : random_(seed) {}

  std::string mutate(std::string text, const std::vector<std::string>& corpus) {
    const std::size_t rounds = pick(4) + 1;
    for (std::size_t round = 0; round < rounds && !text.empty(); ++round) {
      switch (pick(7)) {
        case 0: text[pick(text.size())] = interesting_char(); break;
        case 1: text[pick(text.size())] = static_cast<char>(pick(256)); break;
        case 2: text.resize(pick(text.size())); break;
        case 3: text.erase(pick(text.size()), pick(40)); break;
        case 4: duplicate_line(text); break;
        case 5: {
          const std::string& other = corpus[pick(corpus.size())];
          const std::size_t from = pick(other.size());
          text.insert(pick(text.size()), other.substr(from, pick(80)));
          break;
        }
        case 6: text.insert(pick(text.size()), interesting_token()); break;
      }
    }
    return text;
  }

 private:
  std::size_t pick(std::size_t bound) { return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random_); }

  char interesting_char() {
    static constexpr std::string_view chars = ":-[]{},#&*!|>'\"%@`?\n\t 0.9";
    return chars[pick(chars.size())];
  }

  std::string interesting_token() {
    static const std::vector<std::string> tokens = {
        "99999999999999999999999", "-1", "0", "1e308", "nan", ".inf", "0x10", "~", "null", "&a ", "*a", "!!binary ",
        "<<: ", "\n---\n", "\n...\n", "'", "\"\\u0000\"", "\xff\xfe", "1.5", "0s", "0%", "100.0000000000000000001%",
        "18446744073709551616", "9223372036854775808ns"};
    return tokens[pick(tokens.size())];
  }

  void duplicate_line(std::string& text) {
    const std::size_t start = text.rfind('\n', pick(text.size()));
    const std::size_t line_start = start == std::string::npos ? 0 : start + 1;
    const std::size_t line_end = text.find('\n', line_start);
    const std::string line = text.substr(line_start, line_end - line_start) + "\n";
    text.insert(line_start, line);
  }

  std::mt19937 random_;
};

TEST(LoaderFuzz, SurvivesMutationsOfTheShippedScenarios) {
  const std::vector<std::string> corpus = shipped_texts();
  ASSERT_FALSE(corpus.empty());
  Mutator mutator(20240601);
  for (int i = 0; i < 4000; ++i) expect_survives(mutator.mutate(corpus[static_cast<std::size_t>(i) % corpus.size()], corpus));
}

TEST(LoaderFuzz, SurvivesDeepNesting) {
  expect_survives(std::string(10000, '['));
  expect_survives(std::string(10000, '{'));
  expect_survives("name: " + std::string(10000, '['));
  std::string block_lists;
  for (int i = 0; i < 10000; ++i) block_lists += "- ";
  expect_survives(block_lists + "x\n");
  std::string block_maps;
  for (int i = 0; i < 3000; ++i) block_maps += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  expect_survives(block_maps);
  expect_survives("topology: &a {paths: [*a]}\n");  // an alias inside its own anchor
}

TEST(LoaderFuzz, SurvivesOddWholeInputs) {
  for (const std::string& text :
       {std::string(), std::string("\0", 1), std::string("\xef\xbb\xbf"), std::string(200000, 'a'),
        std::string("name: t\nduration: 60s\ntopology: {paths: [{name: a}]}\ntraffic: {connections: 1e9}\n"),
        std::string("name: t\nduration: 1h\ntopology: {paths: [{name: a}]}\ntraffic: {connections: 100000}\n"),
        std::string("name: t\n...\n, text after the end of the document\n"),  // endless in yaml-cpp's LoadAll
        std::string("name: t\nduration: 2562047h\ntopology: {paths: [{name: a}]}\n"),
        std::string("name: t\nduration: 60s\ntopology: {paths: [{name: a}]}\nevents: [") + std::string(5000, '{') })
    expect_survives(text);
}

}  // namespace
}  // namespace mprecover
