// The figures of one run, as its summary.json gives them, and their median over several seeds.
// Everything `compare` and `check` put side by side comes from here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mprecover {

struct OutageFigures {
  std::string path;
  std::string kind;
  double start_s = 0;
  std::optional<double> end_s;
  std::optional<double> detected_down_s;
  std::optional<double> detected_up_s;
  double connections = 0;  // a median over seeds may fall between two counts
  double rebuilt = 0;
  std::optional<double> latency_median_s;
  std::optional<double> latency_p95_s;
  std::optional<double> latency_max_s;
  std::optional<double> rebalance_s;
  std::optional<double> goodput_dip;
  std::optional<double> bytes_lost;
  std::optional<double> subflows_before;
  std::optional<double> subflows_during;
  std::optional<double> subflows_after;
};

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
};

// Reads a run folder's summary.json; throws naming the file and the key that is missing or wrong.
RunFigures read_run_figures(const std::filesystem::path& run_dir);
// From a summary.json, or from an entry of comparison.json (the same layout, with "seeds" and
// "run_dirs"); `origin` names where it came from, for errors.
RunFigures run_figures_from_json(const nlohmann::json& json, const std::string& origin);
nlohmann::ordered_json to_json(const RunFigures& figures);

// The median of each figure over runs of the same scenario, backend and policy with different
// seeds (the runs must have the same outages).
RunFigures median_over_seeds(const std::vector<RunFigures>& runs);

}  // namespace mprecover
