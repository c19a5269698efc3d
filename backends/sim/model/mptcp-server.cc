#include "mptcp-server.h"

#include "linux-tcp-socket.h"
#include "mptcp-records.h"
#include "tcp-abort.h"

#include "ns3/inet-socket-address.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-base.h"

namespace mprecover
{
namespace sim
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(MptcpServer);

/// One accepted subflow: reads its records and hands them to its connection.
class MptcpServer::Subflow : private MptcpRecordSink
{
  public:
    Subflow(MptcpServer& server, Ptr<Socket> socket)
        : m_server(server),
          m_socket(socket)
    {
        m_socket->SetRecvCallback(MakeCallback(&Subflow::HandleRecv, this));
        m_socket->SetCloseCallbacks(MakeCallback(&Subflow::HandleClose, this),
                                    MakeCallback(&Subflow::HandleClose, this));
    }

    ~Subflow() override
    {
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                    MakeNullCallback<void, Ptr<Socket>>());
    }

    Subflow(const Subflow&) = delete;
    Subflow& operator=(const Subflow&) = delete;

  private:
    void HandleRecv(Ptr<Socket> socket)
    {
        while (!m_closed)
        {
            Ptr<Packet> packet = socket->Recv();
            if (!packet)
            {
                break;
            }
            m_scratch.resize(packet->GetSize());
            packet->CopyData(m_scratch.data(), packet->GetSize());
            if (!m_parser.Feed(m_scratch.data(), m_scratch.size(), *this))
            {
                Abort();
            }
        }
        if (m_connection && !m_closed)
        {
            m_connection->AfterRead(m_socket);
        }
    }

    void HandleClose(Ptr<Socket>)
    {
        if (m_closed)
        {
            return;
        }
        m_closed = true;
        if (m_connection)
        {
            m_connection->DetachSubflow(m_socket);
        }
        // A peer's FIN leaves the socket half-open: finish the close from our side.
        Simulator::ScheduleNow(&Socket::Close, m_socket);
    }

    void Abort()
    {
        if (m_closed)
        {
            return;
        }
        m_closed = true;
        if (m_connection)
        {
            m_connection->DetachSubflow(m_socket);
        }
        AbortTcpSocket(DynamicCast<TcpSocketBase>(m_socket));
    }

    bool OnMpCapable(uint64_t key, PathId addressId) override
    {
        const ConnectionToken token = MptcpTokenFromKey(key);
        if (m_connection || m_server.m_connections.count(token) != 0)
        {
            return false;
        }
        m_connection = Create<MptcpServerConnection>(key, m_server.m_ackBytes, m_server.m_ackDelay);
        m_server.m_connections[token] = m_connection;
        Attach(addressId);
        return true;
    }

    bool OnMpJoin(ConnectionToken token, PathId addressId) override
    {
        auto found = m_server.m_connections.find(token);
        if (m_connection || found == m_server.m_connections.end())
        {
            return false;
        }
        m_connection = found->second;
        Attach(addressId);
        return true;
    }

    void Attach(PathId addressId)
    {
        m_path = addressId;
        m_connection->AttachSubflow(m_socket, m_path);
    }

    bool OnDssData(uint64_t dsn, const uint8_t* data, uint32_t length) override
    {
        if (!m_connection)
        {
            return false;
        }
        m_connection->Receive(m_path, dsn, data, length);
        return true;
    }

    bool OnDataAck(uint64_t) override
    {
        return false; // the client sends no data, so it acknowledges none
    }

    bool OnDataFin(uint64_t dsn) override
    {
        if (!m_connection)
        {
            return false;
        }
        m_connection->ReceiveDataFin(dsn);
        return true;
    }

    MptcpServer& m_server;
    Ptr<Socket> m_socket;
    Ptr<MptcpServerConnection> m_connection;
    PathId m_path = 0;
    bool m_closed = false;
    MptcpRecordParser m_parser;
    std::vector<uint8_t> m_scratch;
};

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
    m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
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
    m_subflows.push_back(std::make_unique<Subflow>(*this, socket));
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
