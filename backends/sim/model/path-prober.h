// The client side of the path probes the engine asks for: each one leaves through its path.
#pragma once

#include <cstdint>
#include <map>

#include "engine/config.h"
#include "engine/ids.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/address.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"

namespace mprecover {
namespace sim {

/**
 * Sends probes through one path to a ProbeResponder and reports their answers.
 *
 * - ping, dns: a UDP echo (ProbeResponder::kPingPort, kDnsPort), answered when the echo of
 *   the probe's id comes back (for ping, as many bytes as ping's ICMP echo, on either family);
 * - tcp: a TCP connect to ProbeResponder::kTcpPort, answered by the SYN-ACK;
 * - http: that connect, a small request, answered by the reply.
 *
 * Each probe opens a fresh socket from the socket factory, bound to the path's current address
 * and device, so probes follow a readdress. A probe without an answer within its timeout reports
 * nothing (the engine times probes out itself); a probe that cannot leave (no route: the link is
 * down) or whose connection is refused reports failure at once, from a fresh simulator event.
 */
class PathProber
{
  public:
    /// Creates a socket of the given factory (TcpSocketFactory, UdpSocketFactory) bound to the
    /// path; WanTopology::CreateBoundSocket is one.
    using SocketFactory = ns3::Callback<ns3::Ptr<ns3::Socket>, PathId, ns3::TypeId>;
    using ResultCallback = ns3::Callback<void, PathId, uint64_t, bool>;

    static constexpr uint32_t kPingBytes = 56; ///< ping's default payload
    static constexpr uint32_t kDnsBytes = 40;  ///< about a DNS query for a short name
    static constexpr const char* kHttpRequest = "GET /generate_204 HTTP/1.1\r\nHost: probe\r\n\r\n";

    /// `responder`: the ProbeResponder's address, an Ipv4Address or an Ipv6Address.
    PathProber(SocketFactory sockets, const ns3::Address& responder);
    PathProber(const PathProber&) = delete;
    PathProber& operator=(const PathProber&) = delete;
    /// Closes the probes still waiting; they report nothing.
    ~PathProber();

    /// Who hears the answers (path, probe id, ok). Set it before the first Send.
    void SetResultCallback(ResultCallback callback);

    /// Sends one probe through the path, when the engine asks for it (a SendProbe action).
    /// The probe gives up silently `timeout` later.
    void Send(PathId path, uint64_t probeId, ProbeMode mode, ns3::Time timeout);

  private:
    struct Probe
    {
        PathId path = 0;
        uint64_t id = 0;
        ProbeMode mode = ProbeMode::ping;
        ns3::Ptr<ns3::Socket> socket;
        ns3::EventId timer; ///< the timeout, or the report of an early failure
    };

    static void Silence(Probe& probe);
    bool StartUdpEcho(const Probe& probe, uint16_t port, uint32_t bytes);
    bool StartTcp(const Probe& probe);
    bool HasRoute(ns3::Ptr<ns3::Socket> socket) const;
    void HandleEcho(ns3::Ptr<ns3::Socket> socket);
    void HandleConnected(ns3::Ptr<ns3::Socket> socket);
    void HandleConnectFailed(ns3::Ptr<ns3::Socket> socket);
    void HandleReply(ns3::Ptr<ns3::Socket> socket);
    void FinishSoon(ns3::Socket* key, bool ok);
    /// Forgets the probe and closes its socket; reports `ok` unless `report` is false.
    void Finish(ns3::Socket* key, bool report, bool ok);

    SocketFactory m_sockets;
    ns3::Address m_responder;
    ResultCallback m_result;
    std::map<ns3::Socket*, Probe> m_probes; ///< the probes waiting, by their socket
};

} // namespace sim
} // namespace mprecover
