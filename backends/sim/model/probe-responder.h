// The server side of the path probes: a UDP echo and a small TCP (HTTP-like) service.
#pragma once

#include <cstdint>
#include <string_view>

#include "ns3/application.h"
#include "ns3/socket.h"

namespace mprecover {
namespace sim {

/**
 * Answers PathProber's probes; install it on the server node.
 *
 * ping and dns probes are UDP echoes on two ports (ns-3 3.37's V4Ping cannot be bound to a
 * path, and ns-3 has no DNS server: what matters is a request and its answer through the path).
 * tcp and http probes connect to one TCP port; a connection that sends a request gets
 * kHttpReply back, then the server closes it.
 */
class ProbeResponder : public ns3::Application
{
  public:
    static constexpr uint16_t kPingPort = 7; ///< the echo service's port
    static constexpr uint16_t kDnsPort = 53;
    static constexpr uint16_t kTcpPort = 80;
    static constexpr std::string_view kHttpReply = "HTTP/1.1 204 No Content\r\n\r\n";

    static ns3::TypeId GetTypeId();

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    ns3::Ptr<ns3::Socket> OpenUdpEcho(uint16_t port);
    void HandleEcho(ns3::Ptr<ns3::Socket> socket);
    void HandleAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
    void HandleRequest(ns3::Ptr<ns3::Socket> socket);
    void HandlePeerClose(ns3::Ptr<ns3::Socket> socket);

    ns3::Ptr<ns3::Socket> m_pingSocket;
    ns3::Ptr<ns3::Socket> m_dnsSocket;
    ns3::Ptr<ns3::Socket> m_tcpListener;
};

} // namespace sim
} // namespace mprecover
