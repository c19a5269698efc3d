// One scenario run in ns-3: the topology, the MPTCP model and the probes, driving the engine
// with the simulator as its clock, and reporting everything to the run's recorder.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "harness/backend.h"
#include "harness/results/run_recorder.h"
#include "harness/scenario/scenario.h"
#include "sim/helper/wan-topology-helper.h"
#include "sim/model/mptcp-path-manager.h"
#include "sim/model/mptcp-server.h"
#include "sim/model/path-prober.h"
#include "ns3/event-id.h"

namespace mprecover {
namespace sim {

class ScenarioRun
{
  public:
    /// Builds everything in the current simulation; Run() then plays the scenario.
    ScenarioRun(const Scenario& scenario,
                const EngineConfig& config,
                RunRecorder& recorder,
                const std::atomic<bool>& stop);
    ScenarioRun(const ScenarioRun&) = delete;
    ScenarioRun& operator=(const ScenarioRun&) = delete;

    /// Plays the scenario to its end, or until `stop` becomes true.
    RunOutcome Run();

  private:
    Instant Now() const;
    /// Everything the model, the probes and the topology observe goes to the engine through here.
    void Feed(const Event& event);
    void OnProbeResult(PathId path, uint64_t probeId, bool ok);
    void OnLinkChange(PathId path, LinkChange change);
    void OnEngineTimer();
    /// Carries out the engine's actions, logs its notices and arms its next deadline.
    void Pump();
    void Carry(const Action& action);
    void ApplyPathEvent(const PathEvent& event);
    void EndOutage(PathId path);
    void OpenConnection();
    void Sample();
    void ShowProgress();
    RunTotals Totals() const;

    const Scenario& m_scenario;
    RunRecorder& m_recorder;
    const std::atomic<bool>& m_stop;
    Engine m_engine;
    WanTopology m_topology;
    ns3::Ptr<MptcpServer> m_server;
    ns3::Ptr<MptcpPathManager> m_pathManager;
    PathProber m_prober;
    ns3::EventId m_engineTimer;
    std::vector<std::optional<PathEventKind>> m_outage; ///< per path: the outage in progress
    std::chrono::steady_clock::time_point m_wallStart;
    std::chrono::steady_clock::time_point m_lastProgress;
    bool m_showProgress;
};

} // namespace sim
} // namespace mprecover
