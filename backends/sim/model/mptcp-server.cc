#include "mptcp-server.h"

#include "ip-address.h"
#include "linux-tcp-socket.h"
#include "mptcp-records.h"


#include <algorithm>

namespace mprecover
{
namespace sim
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(MptcpServer);

TypeId
MptcpServer::GetTypeId()
{
    static TypeId tid =
        TypeId("mprecover::sim::MptcpServer").SetParent<Object>().SetGroupName("Mprecover");
    return tid;
}

MptcpServer::MptcpServer(Ptr<Node> node, uint16_t port, uint32_t ackBytes, Time ackDelay)
    : m_ackBytes(ackBytes),
      m_ackDelay(ackDelay)
{
    m_listener = CreateLinuxTcpSocket(node);
    m_listener->Bind(AnySocketAddress(node, port));
    m_listener->Listen();
    m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                  MakeCallback(&MptcpServer::HandleAccept, this));
}

MptcpServer::~MptcpServer() = default;

void
MptcpServer::DoDispose()
{
    if (m_listener)
    {
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeNullCallback<void, Ptr<Socket>, const Address&>());
        m_listener->Close();
        m_listener = nullptr;
    }
    m_subflows.clear();
    m_connections.clear();
    Object::DoDispose();
}

void
MptcpServer::HandleAccept(Ptr<Socket> socket, const Address&)
{
    MptcpSubflowOwner& owner = *this; // a private base: convert here, not in make_unique
    m_subflows.push_back(std::make_unique<MptcpSubflow>(owner, socket));
}

void
MptcpServer::Hand(MptcpSubflow& subflow, MptcpServerConnection& connection)
{
    // The subflow is inside its own callback: moving its owning pointer does not destroy it.
    const auto it = std::find_if(m_subflows.begin(), m_subflows.end(), [&subflow](const auto& held) {
        return held.get() == &subflow;
    });
    std::unique_ptr<MptcpSubflow> handed = std::move(*it);
    m_subflows.erase(it);
    connection.Attach(std::move(handed));
}

bool
MptcpServer::OnSubflowMpCapable(MptcpSubflow& subflow, uint64_t key)
{
    const ConnectionToken token = MptcpTokenFromKey(key);
    if (m_connections.count(token) != 0)
    {
        return false;
    }
    Ptr<MptcpServerConnection> connection = Create<MptcpServerConnection>(key, m_ackBytes, m_ackDelay);
    m_connections[token] = connection;
    Hand(subflow, *connection);
    return true;
}

bool
MptcpServer::OnSubflowMpJoin(MptcpSubflow& subflow, ConnectionToken token)
{
    auto found = m_connections.find(token);
    if (found == m_connections.end())
    {
        return false;
    }
    Hand(subflow, *found->second);
    return true;
}

void
MptcpServer::OnSubflowEstablished(MptcpSubflow&)
{
}

void
MptcpServer::OnSubflowProgress(MptcpSubflow&)
{
}

void
MptcpServer::OnSubflowStalled(MptcpSubflow&)
{
}

void
MptcpServer::OnSubflowDataAck(uint64_t)
{
}

void
MptcpServer::OnSubflowClosed(MptcpSubflow&, int)
{
}

Ptr<MptcpServerConnection>
MptcpServer::GetConnection(ConnectionToken token) const
{
    auto found = m_connections.find(token);
    return found == m_connections.end() ? nullptr : found->second;
}

std::vector<Ptr<MptcpServerConnection>>
MptcpServer::GetConnections() const
{
    std::vector<Ptr<MptcpServerConnection>> connections;
    for (const auto& entry : m_connections)
    {
        connections.push_back(entry.second);
    }
    return connections;
}

} // namespace sim
} // namespace mprecover
