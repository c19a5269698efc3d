// The figures of one run, as summary.json holds them, and their median over several seeds.
// summary.json, comparison.json (compare's report and check's baseline) and the Python module
// all read and write them through here: one JSON layout for an outage's figures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/metrics.h"

namespace mprecover {

struct RunFigures {
  std::string scenario;
  std::string backend;
  std::string policy;
  std::vector<std::uint64_t> seeds;  // one for a run; all of them for a median over seeds
  bool integrity_ok = false;         // over seeds: all of them
  bool delay_emulated = true;
  std::vector<std::string> notes;
  std::vector<std::string> run_dirs;
  std::vector<OutageFigures> outages;
  double wall_s = 0;  // how long the runs took (all seeds), when known
};

// One outage's figures as summary.json and comparison.json write them: seconds to the
// microsecond, counts and bytes as whole numbers where they are.
nlohmann::ordered_json to_json(const OutageFigures& outage);
// A figure that may be missing, to the microsecond (null when missing): for other tables of figures.
nlohmann::ordered_json figure_json(std::optional<double> value);
// The inverse; `where` is the outage's place ("outages[1]."), for errors.
OutageFigures outage_figures_from_json(const nlohmann::json& json, const std::string& origin, const std::string& where);

// Reads a run folder's summary.json; throws naming the file and the key that is missing or wrong.
RunFigures read_run_figures(const std::filesystem::path& run_dir);
// From a summary.json, or from an entry of comparison.json (the same layout, with "seeds" and
// "run_dirs"); `origin` names where it came from, for errors.
RunFigures run_figures_from_json(const nlohmann::json& json, const std::string& origin);
// An entry of comparison.json.
nlohmann::ordered_json to_json(const RunFigures& figures);

// The median of each figure over runs of the same scenario, backend and policy with different
// seeds (the runs must have the same outages).
RunFigures median_over_seeds(const std::vector<RunFigures>& runs);

}  // namespace mprecover
