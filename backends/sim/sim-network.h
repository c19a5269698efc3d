// The sim backend's network port: the scenario's topology in ns-3, the MPTCP model and the
// probes, with ns-3's simulator as the clock. The driver (core/driver) runs the scenario over it.
#pragma once

#include "backends/sim/helper/wan-topology-helper.h"
#include "backends/sim/model/mptcp-path-manager.h"
#include "backends/sim/model/mptcp-server.h"
#include "backends/sim/model/path-prober.h"
#include "core/network/network_port.h"
#include "core/scenario/scenario.h"
#include "ns3/event-id.h"

#include <map>
#include <memory>
#include <mutex>

namespace mprecover
{
namespace sim
{

/**
 * ns-3 keeps its simulator in globals: one SimNetwork at a time per process (threads of the
 * Python module take turns), and the simulator is destroyed when it goes.
 */
class SimulatorSession
{
  public:
    SimulatorSession();
    ~SimulatorSession();
    SimulatorSession(const SimulatorSession&) = delete;
    SimulatorSession& operator=(const SimulatorSession&) = delete;

  private:
    std::unique_lock<std::mutex> m_turn;
};

class SimNetwork final : public NetworkPort
{
  public:
    /// Builds the scenario's network in a fresh simulation.
    explicit SimNetwork(const Scenario& scenario);
    SimNetwork(const SimNetwork&) = delete;
    SimNetwork& operator=(const SimNetwork&) = delete;
    ~SimNetwork() override;

    Instant now() const override;
    TimerId at(Instant when, std::function<void()> callback) override;
    void cancel(TimerId timer) override;
    Instant run(Instant until) override;
    void halt() override;
    void observe(NetworkObserver& observer) override;

    void set_blackhole(PathId path, bool on) override;
    void set_link(PathId path, bool up) override;
    void abort_subflows(PathId path) override;
    void readdress(PathId path) override;
    void shape(PathId path, const PathShape& shape) override;

    BackendCapabilities capabilities() const override;
    void use_path_manager(PathManagerMode mode) override;
    void start_daemon(const std::string& name) override;
    void mark_endpoint_backup(PathId path) override;
    void set_subflow_limit(std::uint32_t subflows) override;
    void add_endpoint(PathId path, bool backup) override;
    void delete_endpoint(PathId path) override;
    int create_subflow(ConnectionToken token, PathId path, bool backup) override;
    void destroy_subflow(ConnectionToken token, PathId path) override;
    void retire_subflow(ConnectionToken token, PathId path, std::uint16_t port) override;

    void send_probe(const SendProbe& probe) override;

    void open_connection(const ConnectionRequest& request) override;
    void run_commands(const TrafficCommands& commands) override;
    std::vector<SubflowSample> sample() override;
    std::vector<SubflowDetail> subflow_details() override;
    TrafficReport traffic_report() const override;

    bool simulated() const override;
    bool delay_emulated() const override;
    std::string delay_method() const override;
    std::string scheduler() const override;
    std::vector<std::string> notes() const override;
    std::vector<std::pair<std::string, std::string>> run_files() const override;

  private:
    void Fire(TimerId timer);
    /// What the model and the topology observe reaches the driver from an event of its own,
    /// never from inside the call that caused it.
    void DeliverLater(const Event& event);
    void Deliver(Event event);

    SimulatorSession m_session; ///< first: taken before anything is built, given back last
    WanTopology m_topology;
    ns3::Ptr<MptcpServer> m_server;
    ns3::Ptr<MptcpPathManager> m_pathManager;
    PathProber m_prober;
    NetworkObserver* m_observer = nullptr;
    TimerId m_nextTimer = 0;
    std::map<TimerId, std::pair<ns3::EventId, std::function<void()>>> m_timers;
    std::map<ConnectionToken, std::size_t> m_groups; ///< each connection's traffic group
};

} // namespace sim
} // namespace mprecover
