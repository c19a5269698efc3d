#include "mptcp-path-manager.h"

#include "mptcp-records.h"

#include "ns3/abort.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cerrno>

namespace mprecover
{
namespace sim
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(MptcpPathManager);

TypeId
MptcpPathManager::GetTypeId()
{
    static TypeId tid =
        TypeId("mprecover::sim::MptcpPathManager")
            .SetParent<Object>()
            .SetGroupName("Mprecover")
            .AddAttribute("SubflowCreateTime",
                          "From one userspace SUBFLOW_CREATE to the next taking effect: the "
                          "kernel's handling of the message and its answer, on a veth pair",
                          TimeValue(MicroSeconds(60)),
                          MakeTimeAccessor(&MptcpPathManager::m_subflowCreateTime),
                          MakeTimeChecker(Time()));
    return tid;
}

MptcpPathManager::MptcpPathManager(SubflowSocketFactory socketFactory,
                                   const Address& server,
                                   Mode mode,
                                   uint64_t keySeed)
    : m_socketFactory(socketFactory),
      m_server(server),
      m_mode(mode),
      m_keySeed(keySeed)
{
}

MptcpPathManager::~MptcpPathManager() = default;

void
MptcpPathManager::DoDispose()
{
    m_connections.clear();
    m_eventCallback = nullptr;
    Object::DoDispose();
}

void
MptcpPathManager::SetMode(Mode mode)
{
    NS_ABORT_MSG_IF(!m_connections.empty(), "MptcpPathManager: SetMode after a connection was opened");
    m_mode = mode;
}

void
MptcpPathManager::SetEventCallback(EventCallback callback)
{
    m_eventCallback = std::move(callback);
}

void
MptcpPathManager::SetConnectionConfig(const MptcpConnection::Config& config)
{
    m_config = config;
}

uint64_t
MptcpPathManager::NextKey()
{
    // Keys are a mix of (seed, count): deterministic, and tokens collide only by chance, in
    // which case the next key is taken, as the kernel does.
    while (true)
    {
        const uint64_t key = (m_keySeed << 32) ^ (++m_keyCount * 0x9e3779b97f4a7c15ULL);
        if (m_connections.count(MptcpTokenFromKey(key)) == 0)
        {
            return key;
        }
    }
}

ConnectionToken
MptcpPathManager::Connect(PathId initialPath)
{
    MptcpConnectionListener& listener = *this; // a private base: convert here, not in Create
    Ptr<MptcpConnection> connection =
        Create<MptcpConnection>(NextKey(), m_server, m_socketFactory, m_config, listener);
    const ConnectionToken token = connection->GetToken();
    Managed& managed = m_connections[token];
    managed.connection = connection;
    connection->Start(initialPath);
    return token;
}

int
MptcpPathManager::AddEndpoint(PathId path, uint32_t flags)
{
    if (!m_endpoints.emplace(path, flags).second)
    {
        return EEXIST;
    }
    if (m_mode == Mode::IN_KERNEL && (flags & MPTCP_ENDPOINT_SUBFLOW) != 0)
    {
        for (auto& entry : m_connections)
        {
            CreateSubflows(entry.second);
        }
    }
    return 0;
}

int
MptcpPathManager::DeleteEndpoint(PathId path)
{
    if (m_endpoints.erase(path) == 0)
    {
        return ENOENT;
    }
    if (m_mode == Mode::IN_KERNEL)
    {
        for (auto& entry : m_connections)
        {
            entry.second.usedEndpoints.erase(path);
            entry.second.connection->CloseSubflows(path);
        }
    }
    return 0;
}

void
MptcpPathManager::SetSubflowLimit(uint32_t subflows)
{
    m_subflowLimit = subflows;
}

void
MptcpPathManager::CreateSubflows(Managed& managed)
{
    MptcpConnection& connection = *managed.connection;
    if (!connection.IsEstablished() || connection.IsClosed())
    {
        return;
    }
    for (const auto& [path, flags] : m_endpoints)
    {
        // The kernel's select_local_address also skips an address a subflow of the connection
        // uses: the initial subflow's, while it lives (an endpoint added there after it died,
        // as OpenMPTCProuter's flap does, gets a subflow).
        if ((flags & MPTCP_ENDPOINT_SUBFLOW) == 0 || managed.usedEndpoints.count(path) != 0 ||
            (path == connection.GetInitialPath() && connection.HasSubflow(path)) ||
            connection.CountJoinedSubflows() >= m_subflowLimit)
        {
            continue;
        }
        managed.usedEndpoints.insert(path);
        connection.AddSubflow(path, (flags & MPTCP_ENDPOINT_BACKUP) != 0);
    }
}

int
MptcpPathManager::SubflowCreate(ConnectionToken token, PathId path, bool backup)
{
    auto found = m_connections.find(token);
    if (found == m_connections.end() || found->second.connection->IsClosed())
    {
        return ENOENT;
    }
    if (m_mode != Mode::USERSPACE)
    {
        return EINVAL;
    }
    // One message after another: this one takes effect once the previous ones have.
    const Time now = Simulator::Now();
    m_netlinkBusyUntil = std::max(m_netlinkBusyUntil, now) + m_subflowCreateTime;
    return found->second.connection->AddSubflow(path, backup, m_netlinkBusyUntil - now);
}

int
MptcpPathManager::SubflowDestroy(ConnectionToken token, PathId path, uint16_t port)
{
    auto found = m_connections.find(token);
    if (found == m_connections.end() || !found->second.connection->HasSubflow(path))
    {
        return ENOENT;
    }
    if (m_mode != Mode::USERSPACE)
    {
        return EINVAL;
    }
    if (port != 0)
    {
        return found->second.connection->CloseSubflow(path, port) ? 0 : ENOENT;
    }
    found->second.connection->CloseSubflows(path);
    return 0;
}

void
MptcpPathManager::AbortSubflows(PathId path)
{
    for (auto& entry : m_connections)
    {
        entry.second.connection->AbortSubflows(path);
    }
}

Ptr<MptcpConnection>
MptcpPathManager::GetConnection(ConnectionToken token) const
{
    auto found = m_connections.find(token);
    return found == m_connections.end() ? nullptr : found->second.connection;
}

std::vector<Ptr<MptcpConnection>>
MptcpPathManager::GetConnections() const
{
    std::vector<Ptr<MptcpConnection>> connections;
    for (const auto& entry : m_connections)
    {
        connections.push_back(entry.second.connection);
    }
    return connections;
}

void
MptcpPathManager::OnEstablished(MptcpConnection& connection, uint16_t port)
{
    Emit(MptcpCreated{connection.GetToken(), connection.GetInitialPath()});
    Emit(MptcpEstablished{connection.GetToken(), connection.GetInitialPath(), port});
    if (m_mode == Mode::IN_KERNEL)
    {
        CreateSubflows(m_connections.at(connection.GetToken()));
    }
}

void
MptcpPathManager::OnSubflowEstablished(MptcpConnection& connection, PathId path, uint16_t port)
{
    Emit(MptcpSubEstablished{connection.GetToken(), path, port});
}

void
MptcpPathManager::OnSubflowClosed(MptcpConnection& connection, PathId path, uint16_t port, int error)
{
    Emit(MptcpSubClosed{connection.GetToken(), path, error, port});
}

void
MptcpPathManager::OnClosed(MptcpConnection& connection)
{
    if (connection.IsEstablished())
    {
        Emit(MptcpClosed{connection.GetToken()});
    }
}

void
MptcpPathManager::Emit(const Event& event) const
{
    if (m_eventCallback)
    {
        m_eventCallback(event);
    }
}

} // namespace sim
} // namespace mprecover
