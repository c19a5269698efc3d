// Reads a scenario file into a validated Scenario, or says exactly where and why it cannot.
#pragma once

#include <string>
#include <string_view>

#include "core/scenario/scenario.h"
#include "core/scenario/scenario_error.h"

namespace mprecover {

// Call once per run, before building any backend: everything a run needs from the file is checked
// here, so a backend can trust the Scenario it gets. Throws ScenarioError (nothing else) for any
// content of the file; sets source_file to `path`.
Scenario load_scenario_file(const std::string& path);

// The same for text already in memory; `origin` names it in errors. source_file stays empty.
Scenario load_scenario_text(std::string_view yaml, std::string_view origin = "<string>");

}  // namespace mprecover
