#include "mptcp-sender.h"

#include "mptcp-records.h"
#include "mptcp-scheduler.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace mprecover
{
namespace sim
{

MptcpSender::MptcpSender(uint64_t key,
                         const Config& config,
                         const std::vector<std::unique_ptr<MptcpSubflow>>& subflows)
    : m_stream(key),
      m_config(config),
      m_subflows(subflows),
      m_startTime(ns3::Simulator::Now())
{
    m_config.maxRecordPayload = std::min(m_config.maxRecordPayload, MPTCP_MAX_DSS_PAYLOAD);
}

MptcpSender::~MptcpSender()
{
    m_appEvent.Cancel();
}

void
MptcpSender::Begin()
{
    m_sending = true;
}

void
MptcpSender::End()
{
    m_ended = true;
    m_appEvent.Cancel();
}

void
MptcpSender::Stop()
{
    if (!m_config.bytesToSend || *m_config.bytesToSend > m_nextDsn)
    {
        m_config.bytesToSend = m_nextDsn;
    }
    Push();
}

void
MptcpSender::OfferUpTo(uint64_t total)
{
    if (total <= m_offered)
    {
        return;
    }
    m_offered = total;
    Push();
}

bool
MptcpSender::OnDataAck(uint64_t dataAck)
{
    if (dataAck <= m_dataAcked || m_ended)
    {
        return false;
    }
    m_dataAcked = dataAck;
    for (const auto& subflow : m_subflows)
    {
        subflow->DropAcked(dataAck);
    }
    if (IsDone()) // the DATA_FIN's DSN is acknowledged too
    {
        return true;
    }
    Push();
    return false;
}

void
MptcpSender::Reinject(MptcpSubflow& subflow)
{
    for (const DsnRange& range : subflow.TakeUnacked())
    {
        const uint64_t end = range.dsn + range.length;
        if (end > m_dataAcked)
        {
            const uint64_t start = std::max(range.dsn, m_dataAcked);
            m_reinject.push_back({start, end - start});
        }
    }
}

uint64_t
MptcpSender::NewDataAllowed() const
{
    const uint64_t windowEnd = m_dataAcked + m_config.windowBytes;
    uint64_t allowed = windowEnd > m_nextDsn ? windowEnd - m_nextDsn : 0;
    if (m_config.bytesToSend)
    {
        allowed = std::min(allowed, *m_config.bytesToSend - m_nextDsn);
    }
    const uint64_t made = AppBytesMade();
    return std::min(allowed, made > m_nextDsn ? made - m_nextDsn : 0);
}

Duration
MptcpSender::SinceStart() const
{
    return Duration{(ns3::Simulator::Now() - m_startTime).GetNanoSeconds()};
}

uint64_t
MptcpSender::AppBytesMade() const
{
    if (m_config.offered)
    {
        return m_offered;
    }
    return m_config.appRate ? m_config.appRate->bytes_made(SinceStart()) : UINT64_MAX;
}

void
MptcpSender::AwaitAppData()
{
    const bool allSent = m_config.bytesToSend && m_nextDsn >= *m_config.bytesToSend;
    if (!m_config.appRate || allSent || m_ended || m_appEvent.IsRunning() ||
        AppBytesMade() > m_nextDsn)
    {
        return;
    }
    const Duration sinceStart = SinceStart();
    const Duration untilNextTick = AppRate::next_tick(sinceStart) - sinceStart;
    m_appEvent = ns3::Simulator::Schedule(ns3::NanoSeconds(static_cast<uint64_t>(untilNextTick.count())),
                                          &MptcpSender::Push,
                                          this);
}

void
MptcpSender::Push()
{
    if (m_ended || !m_sending || m_pushing)
    {
        return;
    }
    m_pushing = true;
    while (true)
    {
        while (!m_reinject.empty() && m_reinject.front().dsn + m_reinject.front().length <= m_dataAcked)
        {
            m_reinject.pop_front();
        }
        if (!m_reinject.empty() && m_reinject.front().dsn < m_dataAcked)
        {
            DsnRange& front = m_reinject.front();
            front.length -= m_dataAcked - front.dsn;
            front.dsn = m_dataAcked;
        }
        const bool reinjecting = !m_reinject.empty();
        const uint64_t pending = reinjecting ? m_reinject.front().length : NewDataAllowed();
        if (pending == 0)
        {
            break;
        }
        MptcpSubflow* subflow = MptcpPickSubflow(m_subflows, pending, m_config.maxRecordPayload);
        if (subflow == nullptr)
        {
            break;
        }
        const auto length = static_cast<uint32_t>(
            std::min<uint64_t>({pending, subflow->GetRoom(), m_config.maxRecordPayload}));
        if (reinjecting)
        {
            DsnRange& front = m_reinject.front();
            subflow->SendData(front.dsn, length, m_stream);
            front.dsn += length;
            front.length -= length;
            m_bytesReinjected += length;
            if (front.length == 0)
            {
                m_reinject.pop_front();
            }
        }
        else
        {
            subflow->SendData(m_nextDsn, length, m_stream);
            m_nextDsn += length;
        }
    }
    if (m_config.bytesToSend && m_nextDsn == *m_config.bytesToSend && m_reinject.empty())
    {
        for (const auto& subflow : m_subflows)
        {
            if (subflow->GetState() == MptcpSubflow::State::ESTABLISHED &&
                !subflow->HasSentDataFin())
            {
                subflow->SendDataFin(m_nextDsn);
            }
        }
    }
    AwaitAppData();
    m_pushing = false;
}

} // namespace sim
} // namespace mprecover
