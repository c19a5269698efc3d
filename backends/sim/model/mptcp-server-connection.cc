#include "mptcp-server-connection.h"

#include "mptcp-records.h"

#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace mprecover
{
namespace sim
{

MptcpServerConnection::MptcpServerConnection(uint64_t key, uint32_t ackBytes, ns3::Time ackDelay)
    : m_token(MptcpTokenFromKey(key)),
      m_stream(key),
      m_ackBytes(ackBytes),
      m_ackDelay(ackDelay)
{
}

MptcpServerConnection::~MptcpServerConnection()
{
    m_ackEvent.Cancel();
}

void
MptcpServerConnection::AttachSubflow(ns3::Ptr<ns3::Socket> socket, PathId path)
{
    m_subflows.emplace_back(socket, path);
    if (m_receivedOnPath.size() <= path)
    {
        m_receivedOnPath.resize(path + 1, 0);
    }
    // Answers the subflow's first record at once: for an MP_JOIN it is the fourth ACK the
    // client waits for before sending on it, for the initial subflow the application's greeting
    // (MptcpSubflow::AwaitServerAnswer); a late join also learns that the stream is over.
    SendDataAck(socket, m_finished ? *m_dataFin + 1 : m_reorder.GetNextDsn());
}

void
MptcpServerConnection::DetachSubflow(ns3::Ptr<ns3::Socket> socket)
{
    m_subflows.erase(std::remove_if(m_subflows.begin(),
                                    m_subflows.end(),
                                    [&socket](const auto& entry) { return entry.first == socket; }),
                     m_subflows.end());
    if (m_lastDataSocket == socket)
    {
        m_lastDataSocket = nullptr;
    }
}

uint64_t
MptcpServerConnection::GetBytesReceivedOnPath(PathId path) const
{
    return path < m_receivedOnPath.size() ? m_receivedOnPath[path] : 0;
}

void
MptcpServerConnection::Receive(PathId path, uint64_t dsn, const uint8_t* data, uint32_t length)
{
    m_receivedOnPath[path] += length;
    m_reorder.Insert(dsn, data, length, [this](uint64_t at, const uint8_t* bytes, uint32_t n) {
        Deliver(at, bytes, n);
    });
}

void
MptcpServerConnection::Deliver(uint64_t dsn, const uint8_t* data, uint32_t length)
{
    if (!m_firstMismatch && !m_stream.Matches(dsn, data, length))
    {
        m_firstMismatch = dsn;
    }
}

void
MptcpServerConnection::ReceiveDataFin(uint64_t dsn)
{
    m_dataFin = dsn;
}

void
MptcpServerConnection::AfterRead(ns3::Ptr<ns3::Socket> socket)
{
    m_lastDataSocket = socket;
    const uint64_t delivered = m_reorder.GetNextDsn();
    if (m_dataFin && delivered >= *m_dataFin)
    {
        if (!m_finished)
        {
            Finish();
        }
        return;
    }
    if (delivered - m_lastAckSent >= m_ackBytes)
    {
        SendDataAck(socket, delivered);
    }
    else if (delivered > m_lastAckSent && !m_ackEvent.IsRunning())
    {
        m_ackEvent = ns3::Simulator::Schedule(m_ackDelay, &MptcpServerConnection::DelayedAck, this);
    }
}

void
MptcpServerConnection::DelayedAck()
{
    ns3::Ptr<ns3::Socket> socket = m_lastDataSocket;
    if (!socket && !m_subflows.empty())
    {
        socket = m_subflows.front().first;
    }
    if (socket && m_reorder.GetNextDsn() > m_lastAckSent)
    {
        SendDataAck(socket, m_reorder.GetNextDsn());
    }
}

void
MptcpServerConnection::SendDataAck(ns3::Ptr<ns3::Socket> socket, uint64_t dataAck)
{
    m_scratch.clear();
    AppendDataAck(m_scratch, dataAck);
    socket->Send(ns3::Create<ns3::Packet>(m_scratch.data(), static_cast<uint32_t>(m_scratch.size())));
    m_lastAckSent = std::max(m_lastAckSent, dataAck);
    m_ackEvent.Cancel();
}

void
MptcpServerConnection::Finish()
{
    m_finished = true;
    // The DATA_FIN takes one DSN; the subflows close behind their DATA_ACK.
    for (const auto& subflow : m_subflows)
    {
        SendDataAck(subflow.first, *m_dataFin + 1);
        subflow.first->Close();
    }
}

} // namespace sim
} // namespace mprecover
