// What `mprecover check` found, per case (a scenario run with one policy on one backend): the
// regressions against the baseline and, when asked, the disagreements with a reference backend's
// baseline figures. The text lines and the JUnit report are written from it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "baseline_check.h"
#include "comparison.h"

namespace mprecover {

struct CheckCase {
  std::string scenario;
  std::string backend;
  std::string policy;
  double seconds = 0;                 // wall time of its runs, when known
  std::vector<std::string> problems;  // "REGRESSION ..." and "DISAGREE ..." lines; empty: it passed
  std::vector<std::string> notes;     // what was not judged, and why
};

// One case per run of `now`. `parity_with`: a backend whose runs in `baseline` each run of `now`
// on another backend must agree with (the sim is deterministic: its baseline figures are what it
// gives today, so the kernel's runs can be judged against them without rerunning the sim). A
// scenario the baseline could not run on that backend (the sim has no kind command) is noted, not
// judged.
std::vector<CheckCase> judge_check(const Comparison& baseline, const Comparison& now,
                                   const std::optional<std::string>& parity_with);

// JUnit XML: a test suite per scenario, a test case per backend and policy (classname
// "<scenario>.<backend>", name the policy), each problem in a <failure>.
std::string junit_xml(const std::vector<CheckCase>& cases);

}  // namespace mprecover
