// Checks that span several keys of a scenario (each key's own value is checked as it is read).
#pragma once

#include <string_view>

#include "core/scenario/scenario.h"
#include "core/scenario/source_positions.h"

namespace mprecover {

// Throws ScenarioError at the offending node of `file`. Events are checked in time order (the
// file's order for equal times), as they will run; `scenario.events` may still be in file order.
void validate_scenario(const Scenario& scenario, const SourcePositions& positions, std::string_view file);

}  // namespace mprecover
