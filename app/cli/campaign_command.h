// `mprecover campaign ...`: campaigns are Python (app/python/mprecover/campaign/). The command
// hands over to the system interpreter, `python3 -m mprecover.campaign ARGS`, with the package of
// this build on PYTHONPATH and this binary as the `mprecover` the campaign runs.
#pragma once

#include <string>
#include <vector>

namespace mprecover {

// Replaces this process with the Python side; returns (exit code 1, having said why) only when it
// cannot: a build without the Python module, the package missing, no interpreter.
int campaign_command(const std::vector<std::string>& args);

}  // namespace mprecover
