#include "backends/sim/model/probe-responder.h"

#include "backends/sim/model/ip-address.h"
#include "backends/sim/model/linux-tcp-socket.h"
#include "ns3/abort.h"
#include "ns3/packet.h"
#include "ns3/udp-socket-factory.h"

namespace mprecover {
namespace sim {

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(ProbeResponder);

TypeId
ProbeResponder::GetTypeId()
{
    static TypeId tid = TypeId("mprecover::sim::ProbeResponder")
                            .SetParent<Application>()
                            .SetGroupName("Mprecover")
                            .AddConstructor<ProbeResponder>();
    return tid;
}

void
ProbeResponder::DoDispose()
{
    m_pingSocket = nullptr;
    m_dnsSocket = nullptr;
    m_tcpListener = nullptr;
    Application::DoDispose();
}

void
ProbeResponder::StartApplication()
{
    m_pingSocket = OpenUdpEcho(kPingPort);
    m_dnsSocket = OpenUdpEcho(kDnsPort);

    m_tcpListener = CreateLinuxTcpSocket(GetNode());
    NS_ABORT_MSG_IF(m_tcpListener->Bind(AnySocketAddress(GetNode(), kTcpPort)) != 0,
                    "ProbeResponder: binding TCP port " << kTcpPort << " failed");
    m_tcpListener->Listen();
    m_tcpListener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                     MakeCallback(&ProbeResponder::HandleAccept, this));
}

void
ProbeResponder::StopApplication()
{
    for (const auto& socket : {m_pingSocket, m_dnsSocket, m_tcpListener})
    {
        if (socket)
        {
            socket->Close();
        }
    }
}

Ptr<Socket>
ProbeResponder::OpenUdpEcho(uint16_t port)
{
    auto socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    NS_ABORT_MSG_IF(socket->Bind(AnySocketAddress(GetNode(), port)) != 0,
                    "ProbeResponder: binding UDP port " << port << " failed");
    socket->SetRecvCallback(MakeCallback(&ProbeResponder::HandleEcho, this));
    return socket;
}

void
ProbeResponder::HandleEcho(Ptr<Socket> socket)
{
    Address from;
    while (auto packet = socket->RecvFrom(from))
    {
        socket->SendTo(packet, 0, from);
    }
}

void
ProbeResponder::HandleAccept(Ptr<Socket> socket, const Address& /* from */)
{
    socket->SetRecvCallback(MakeCallback(&ProbeResponder::HandleRequest, this));
    socket->SetCloseCallbacks(MakeCallback(&ProbeResponder::HandlePeerClose, this),
                              MakeNullCallback<void, Ptr<Socket>>());
}

// Any data is a request: one small request per connection, then the reply and our close.
void
ProbeResponder::HandleRequest(Ptr<Socket> socket)
{
    bool request = false;
    while (auto packet = socket->Recv())
    {
        request = request || packet->GetSize() > 0;
    }
    if (request)
    {
        const auto* reply = reinterpret_cast<const uint8_t*>(kHttpReply.data());
        socket->Send(Create<Packet>(reply, static_cast<uint32_t>(kHttpReply.size())));
        socket->Close();
    }
}

// A tcp probe closes right after its handshake: close our side too.
void
ProbeResponder::HandlePeerClose(Ptr<Socket> socket)
{
    socket->Close();
}

} // namespace sim
} // namespace mprecover
