#include "mptcp-receiver.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace mprecover
{
namespace sim
{

namespace
{

bool
IsOpen(const MptcpSubflow& subflow)
{
    return subflow.GetState() != MptcpSubflow::State::CLOSED;
}

} // namespace

MptcpReceiver::MptcpReceiver(uint64_t key,
                             const std::vector<std::unique_ptr<MptcpSubflow>>& subflows,
                             uint32_t ackBytes,
                             ns3::Time ackDelay)
    : m_stream(key),
      m_ackBytes(ackBytes),
      m_ackDelay(ackDelay),
      m_subflows(subflows)
{
}

MptcpReceiver::~MptcpReceiver()
{
    m_ackEvent.Cancel();
}

void
MptcpReceiver::Greet(MptcpSubflow& subflow)
{
    SendDataAck(subflow, m_finished ? *m_dataFin + 1 : m_reorder.GetNextDsn());
}

uint64_t
MptcpReceiver::GetBytesReceivedOnPath(PathId path) const
{
    return path < m_receivedOnPath.size() ? m_receivedOnPath[path] : 0;
}

void
MptcpReceiver::Receive(PathId path, uint64_t dsn, const uint8_t* data, uint32_t length)
{
    if (m_receivedOnPath.size() <= path)
    {
        m_receivedOnPath.resize(path + 1, 0);
    }
    m_receivedOnPath[path] += length;
    m_reorder.Insert(dsn, data, length, [this](uint64_t at, const uint8_t* bytes, uint32_t n) {
        Deliver(at, bytes, n);
    });
}

void
MptcpReceiver::Deliver(uint64_t dsn, const uint8_t* data, uint32_t length)
{
    if (!m_firstMismatch && !m_stream.Matches(dsn, data, length))
    {
        m_firstMismatch = dsn;
    }
}

void
MptcpReceiver::ReceiveDataFin(uint64_t dsn)
{
    m_dataFin = dsn;
}

bool
MptcpReceiver::AfterRead(MptcpSubflow& subflow, bool thenClose)
{
    m_lastDataSubflow = &subflow;
    const uint64_t delivered = m_reorder.GetNextDsn();
    if (m_dataFin && delivered >= *m_dataFin)
    {
        if (m_finished)
        {
            return false;
        }
        Finish(thenClose);
        return true;
    }
    if (delivered - m_lastAckSent >= m_ackBytes)
    {
        SendDataAck(subflow, delivered);
    }
    else if (delivered > m_lastAckSent && !m_ackEvent.IsRunning())
    {
        m_ackEvent = ns3::Simulator::Schedule(m_ackDelay, &MptcpReceiver::DelayedAck, this);
    }
    return false;
}

void
MptcpReceiver::DelayedAck()
{
    MptcpSubflow* subflow = m_lastDataSubflow;
    if (subflow == nullptr || !IsOpen(*subflow))
    {
        const auto open = std::find_if(m_subflows.begin(), m_subflows.end(), [](const auto& s) {
            return IsOpen(*s);
        });
        subflow = open == m_subflows.end() ? nullptr : open->get();
    }
    if (subflow != nullptr && m_reorder.GetNextDsn() > m_lastAckSent)
    {
        SendDataAck(*subflow, m_reorder.GetNextDsn());
    }
}

void
MptcpReceiver::SendDataAck(MptcpSubflow& subflow, uint64_t dataAck)
{
    subflow.SendDataAck(dataAck);
    m_lastAckSent = std::max(m_lastAckSent, dataAck);
    m_ackEvent.Cancel();
}

void
MptcpReceiver::Finish(bool thenClose)
{
    m_finished = true;
    // The DATA_FIN takes one DSN; the subflows close behind their DATA_ACK.
    for (const auto& subflow : m_subflows)
    {
        if (IsOpen(*subflow))
        {
            SendDataAck(*subflow, *m_dataFin + 1);
            if (thenClose)
            {
                subflow->Close();
            }
        }
    }
}

} // namespace sim
} // namespace mprecover
