#include "sim-backend.h"

#include "sim/helper/scenario-run.h"
#include "ns3/simulator.h"

namespace mprecover {

namespace {

// ns-3 keeps its simulator in globals: one run at a time, destroyed on every way out.
struct SimulatorSession
{
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
