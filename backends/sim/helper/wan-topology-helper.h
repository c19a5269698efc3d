// The network of a scenario in ns-3: the client, one router per WAN path, an aggregation router
// and the server, with the faults the scenarios inject on a path.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "engine/events.h"
#include "engine/ids.h"
#include "core/network/address_plan.h"
#include "core/scenario/scenario.h"
#include "backends/sim/model/neighbour-queue-disc.h"
#include "ns3/callback.h"
#include "ns3/error-model.h"
#include "ns3/address.h"
#include "ns3/node.h"
#include "ns3/point-to-point-channel.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/socket.h"

namespace mprecover {
namespace sim {

/**
 * Builds the scenario's network in the current simulation, on its families' stacks (IPv4, IPv6
 * or both: one code path, run for each family; addresses are ns3::Address, ip-address.h), and
 * injects the path faults, which act on every family.
 *
 * Build it before Simulator::Run(); the fault methods may be called at any simulated time, e.g.
 * from Simulator::Schedule. The nodes live until Simulator::Destroy(). The constructor sets
 * ns-3's run number to the scenario's seed and gives the loss models the random streams from 0
 * on (AssignStreams(0)), so that the same seed gives the same losses even in a process that
 * runs several simulations.
 *
 * Every socket on the client must be bound to a path (CreateBoundSocket): the client has no
 * default route, so that a packet can never leave by another path than its source address's.
 */
class WanTopology
{
  public:
    using LinkChangeCallback = ns3::Callback<void, PathId, LinkChange>;

    explicit WanTopology(const Scenario& scenario);
    WanTopology(const WanTopology&) = delete;
    WanTopology& operator=(const WanTopology&) = delete;

    ns3::Ptr<ns3::Node> GetClient() const;
    ns3::Ptr<ns3::Node> GetServer() const;
    uint32_t GetPathCount() const;
    /// The client's device on the path (its LAN link to the path's router).
    ns3::Ptr<ns3::NetDevice> GetClientDevice(PathId path) const;
    /// The network's families, which every node runs: one, or IPv4 and IPv6 (dual).
    const std::vector<IpFamily>& GetFamilies() const;
    /// The client's current address on the path in the connection family (IPv6 on a dual
    /// network), the one the sockets use; Readdress changes it.
    ns3::Address GetClientAddress(PathId path) const;
    /// The client's current address on the path in `family`, one of GetFamilies().
    ns3::Address GetClientAddress(PathId path, IpFamily family) const;
    /// The server's address in the connection family.
    ns3::Address GetServerAddress() const;
    ns3::Address GetServerAddress(IpFamily family) const;

    /**
     * A socket of `socketFactory` (TcpSocketFactory, UdpSocketFactory) on the client, bound to
     * the path's current address (the connection family's) and to its device. Both are needed: ns-3 3.37's TCP Connect
     * picks its local address from a route lookup by destination and bound device only, so
     * binding the address alone would not choose the path. Call it again after a readdress.
     * A TCP socket is a LinuxTcpSocket.
     */
    ns3::Ptr<ns3::Socket> CreateBoundSocket(PathId path, ns3::TypeId socketFactory) const;
    /// CreateBoundSocket with TcpSocketFactory: a subflow's socket.
    ns3::Ptr<ns3::Socket> CreateBoundTcpSocket(PathId path) const;

    /// Gives the loss models the random streams from `stream` on; returns how many it used, so
    /// that other models can take the streams after them.
    int64_t AssignStreams(int64_t stream);

    /// Who hears of the client's link changes (carrier down/up, address gone/back), as they happen.
    void SetLinkChangeCallback(LinkChangeCallback callback);

    /// Drops every packet on the path's WAN hop, both ways, or stops doing so. The link stays
    /// up and nobody is told: the client only notices that nothing comes back.
    void SetBlackhole(PathId path, bool on);
    /// The client's LAN link to the path's router loses its carrier (carrier_down): the
    /// router's end goes down; the client's keeps its address and routes, as Linux does, and
    /// what it sends waits for the router's neighbour entry (NeighbourQueueDisc).
    void SetLinkDown(PathId path);
    /// The carrier comes back (carrier_up); the router's routes through the link come back.
    void SetLinkUp(PathId path);
    /// Changes the WAN hop's rate, one-way delay or loss; unset values stay as they are.
    void Degrade(PathId path,
                 std::optional<BitRate> rate,
                 std::optional<Duration> delay,
                 std::optional<Ratio> loss);
    /// Gives the WAN hop back the scenario's rate, delay and loss (a blackhole stays).
    void RestoreSpec(PathId path);
    /**
     * Replaces the client's address on the path in each family by a new one in the same subnet
     * (one address_gone, then one address_back) and returns the connection family's. Sockets
     * bound to an old address can send nothing any more; new ones must be created for the new
     * address.
     */
    ns3::Address Readdress(PathId path);

  private:
    /// A path's addresses and interfaces in one family (each stack numbers its interfaces).
    struct PathIp
    {
        uint32_t clientInterface = 0;
        uint32_t routerLanInterface = 0;
        ns3::Address routerLanAddress;
        ns3::Address clientAddress;
    };

    struct Path
    {
        PathSpec spec;
        ns3::Ptr<ns3::Node> router;
        ns3::Ptr<ns3::PointToPointNetDevice> clientDevice;
        ns3::Ptr<NeighbourQueueDisc> neighbour; ///< the root queue disc of clientDevice
        ns3::Ptr<ns3::PointToPointNetDevice> routerWanDevice;
        ns3::Ptr<ns3::PointToPointNetDevice> aggregationWanDevice;
        ns3::Ptr<ns3::PointToPointChannel> wanChannel;
        ns3::Ptr<ns3::RateErrorModel> routerWanErrors;
        ns3::Ptr<ns3::RateErrorModel> aggregationWanErrors;
        std::map<IpFamily, PathIp> ip; ///< in each of the network's families
        unsigned readdresses = 0;      ///< how often the client's addresses changed
        BitRate rate = 0; ///< the WAN hop's current values
        Duration delay{};
        Ratio loss = 0.0;
        bool blackhole = false;
    };

    void BuildPath(PathId id, const PathSpec& spec);
    /// Addresses the path's interfaces in `family` and routes the family through the path.
    PathIp AddressPath(PathId id, IpFamily family, const Path& path, ns3::Ptr<ns3::NetDevice> routerLan);
    void CheckPath(PathId path, const char* action) const;
    const Path& At(PathId path, const char* action) const;
    Path& At(PathId path, const char* action);
    void SetWan(Path& path, BitRate rate, Duration delay, Ratio loss);
    void ApplyErrorRate(Path& path);
    void Notify(PathId path, LinkChange change);

    IpFamily m_connectionFamily;
    std::vector<IpFamily> m_families;
    ns3::Ptr<ns3::Node> m_client;
    ns3::Ptr<ns3::Node> m_aggregation;
    ns3::Ptr<ns3::Node> m_server;
    std::map<IpFamily, ns3::Address> m_serverAddresses;
    std::vector<Path> m_paths;
    LinkChangeCallback m_linkChange;
};

} // namespace sim
} // namespace mprecover
