#include "sim-backend.h"

#include "sim/helper/scenario-run.h"
#include "ns3/simulator.h"

#include <mutex>

namespace mprecover {

namespace {

// ns-3 keeps its simulator in globals: runs in one process (threads of the Python module) take
// turns, and each destroys the simulator on every way out.
std::mutex g_simulatorInUse;

struct SimulatorSession
{
    std::lock_guard<std::mutex> turn{g_simulatorInUse};

    ~SimulatorSession()
    {
        ns3::Simulator::Destroy();
    }
};

class SimBackend final : public Backend
{
  public:
    RunOutcome run(const Scenario& scenario,
                   const EngineConfig& config,
                   RunRecorder& recorder,
                   const std::atomic<bool>& stop) override
    {
        SimulatorSession session;
        sim::ScenarioRun run(scenario, config, recorder, stop);
        return run.Run();
    }
};

} // namespace

std::unique_ptr<Backend> make_sim_backend()
{
    return std::make_unique<SimBackend>();
}

} // namespace mprecover
