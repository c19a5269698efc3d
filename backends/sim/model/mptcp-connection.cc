#include "mptcp-connection.h"

#include "mptcp-records.h"
#include "mptcp-scheduler.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <cerrno>

namespace mprecover
{
namespace sim
{

MptcpConnection::MptcpConnection(uint64_t key,
                                 const ns3::Address& server,
                                 SubflowSocketFactory socketFactory,
                                 const Config& config,
                                 MptcpConnectionListener& listener)
    : m_key(key),
      m_token(MptcpTokenFromKey(key)),
      m_server(server),
      m_socketFactory(socketFactory),
      m_config(config),
      m_listener(listener),
      m_stream(key)
{
    m_config.maxRecordPayload = std::min(m_config.maxRecordPayload, MPTCP_MAX_DSS_PAYLOAD);
}

MptcpConnection::~MptcpConnection()
{
    m_appEvent.Cancel();
}

void
MptcpConnection::Start(PathId initialPath)
{
    m_initialPath = initialPath;
    m_startTime = ns3::Simulator::Now();
    std::vector<uint8_t> record;
    AppendMpCapable(record, m_key, initialPath);
    if (ns3::Ptr<ns3::Socket> socket = m_socketFactory(initialPath))
    {
        m_initialSubflow = &Open(initialPath, false, socket, record, ns3::Time());
        m_initialSubflow->AwaitServerAnswer();
    }
    else
    {
        m_closed = true;
        m_listener.OnClosed(*this);
    }
}

MptcpSubflow&
MptcpConnection::Open(PathId path,
                      bool backup,
                      ns3::Ptr<ns3::Socket> socket,
                      const std::vector<uint8_t>& firstRecord,
                      ns3::Time after)
{
    MptcpSubflowOwner& owner = *this; // a private base: convert here, not in make_unique
    m_subflows.push_back(std::make_unique<MptcpSubflow>(owner, path, backup, socket));
    MptcpSubflow& subflow = *m_subflows.back();
    subflow.Connect(m_server, firstRecord, after);
    return subflow;
}

int
MptcpConnection::AddSubflow(PathId path, bool backup, ns3::Time after)
{
    if (!m_established || m_closed)
    {
        return EINVAL;
    }
    // As the kernel's userspace PM: a second subflow on a path is a new one with a port of its
    // own (a stalled subflow's replacement); one still connecting there makes it a duplicate.
    if (std::any_of(m_subflows.begin(), m_subflows.end(), [path](const auto& subflow) {
            return subflow->GetPath() == path && subflow->GetState() == MptcpSubflow::State::CONNECTING;
        }))
    {
        return EEXIST;
    }
    ns3::Ptr<ns3::Socket> socket = m_socketFactory(path);
    if (!socket)
    {
        return ENETUNREACH;
    }
    std::vector<uint8_t> record;
    AppendMpJoin(record, m_token, path);
    Open(path, backup, socket, record, after).AwaitServerAnswer();
    return 0;
}

void
MptcpConnection::CloseSubflows(PathId path)
{
    const std::size_t count = m_subflows.size(); // not the ones opened by the listener meanwhile
    for (std::size_t i = 0; i < count; ++i)
    {
        MptcpSubflow& subflow = *m_subflows[i];
        if (subflow.GetPath() == path && subflow.GetState() != MptcpSubflow::State::CLOSED)
        {
            subflow.Close();
            Reinject(subflow);
            m_listener.OnSubflowClosed(*this, path, subflow.GetLocalPort(), 0);
        }
    }
    Push();
}

bool
MptcpConnection::CloseSubflow(PathId path, uint16_t port)
{
    for (const auto& subflow : m_subflows)
    {
        if (subflow->GetPath() != path || subflow->GetLocalPort() != port ||
            subflow->GetState() == MptcpSubflow::State::CLOSED)
        {
            continue;
        }
        subflow->Close();
        Reinject(*subflow);
        m_listener.OnSubflowClosed(*this, path, port, 0);
        Push();
        return true;
    }
    return false;
}

void
MptcpConnection::AbortSubflows(PathId path)
{
    const std::size_t count = m_subflows.size();
    for (std::size_t i = 0; i < count; ++i)
    {
        MptcpSubflow& subflow = *m_subflows[i];
        if (subflow.GetPath() == path)
        {
            subflow.Abort(); // OnSubflowClosed runs from here
        }
    }
}

void
MptcpConnection::Stop()
{
    if (!m_config.bytesToSend || *m_config.bytesToSend > m_nextDsn)
    {
        m_config.bytesToSend = m_nextDsn;
    }
    Push();
}

bool
MptcpConnection::HasSubflow(PathId path) const
{
    return std::any_of(m_subflows.begin(), m_subflows.end(), [path](const auto& subflow) {
        return subflow->GetPath() == path && subflow->GetState() != MptcpSubflow::State::CLOSED;
    });
}

bool
MptcpConnection::IsSubflowEstablished(PathId path) const
{
    return std::any_of(m_subflows.begin(), m_subflows.end(), [path](const auto& subflow) {
        return subflow->GetPath() == path &&
               subflow->GetState() == MptcpSubflow::State::ESTABLISHED;
    });
}

uint32_t
MptcpConnection::CountJoinedSubflows() const
{
    return static_cast<uint32_t>(
        std::count_if(m_subflows.begin(), m_subflows.end(), [this](const auto& subflow) {
            return subflow.get() != m_initialSubflow &&
                   subflow->GetState() != MptcpSubflow::State::CLOSED;
        }));
}

uint64_t
MptcpConnection::GetBytesSentOnPath(PathId path) const
{
    uint64_t bytes = 0;
    for (const auto& subflow : m_subflows)
    {
        if (subflow->GetPath() == path)
        {
            bytes += subflow->GetBytesSent();
        }
    }
    return bytes;
}

void
MptcpConnection::OnSubflowEstablished(MptcpSubflow& subflow)
{
    if (m_closed)
    {
        subflow.Close();
        return;
    }
    if (&subflow == m_initialSubflow)
    {
        m_established = true;
        m_listener.OnEstablished(*this, subflow.GetLocalPort());
    }
    else
    {
        m_listener.OnSubflowEstablished(*this, subflow.GetPath(), subflow.GetLocalPort());
    }
    Push();
}

void
MptcpConnection::OnSubflowProgress(MptcpSubflow&)
{
    Push();
}

void
MptcpConnection::OnSubflowStalled(MptcpSubflow& subflow)
{
    Reinject(subflow);
    Push();
}

void
MptcpConnection::OnSubflowDataAck(uint64_t dataAck)
{
    if (dataAck <= m_dataAcked || m_closed)
    {
        return;
    }
    m_dataAcked = dataAck;
    for (const auto& subflow : m_subflows)
    {
        subflow->DropAcked(dataAck);
    }
    if (m_config.bytesToSend && m_dataAcked > *m_config.bytesToSend) // the DATA_FIN's DSN too
    {
        Finish();
        return;
    }
    Push();
}

void
MptcpConnection::OnSubflowClosed(MptcpSubflow& subflow, int error)
{
    Reinject(subflow);
    if (!m_established)
    {
        if (&subflow == m_initialSubflow && !m_closed)
        {
            m_closed = true; // connect() failed: no MPTCP event, as with the kernel
            m_listener.OnClosed(*this);
        }
        return;
    }
    if (!m_closed)
    {
        m_listener.OnSubflowClosed(*this, subflow.GetPath(), subflow.GetLocalPort(), error);
        Push();
    }
}

void
MptcpConnection::Reinject(MptcpSubflow& subflow)
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
MptcpConnection::NewDataAllowed() const
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
MptcpConnection::SinceStart() const
{
    return Duration{(ns3::Simulator::Now() - m_startTime).GetNanoSeconds()};
}

uint64_t
MptcpConnection::AppBytesMade() const
{
    return m_config.appRate ? m_config.appRate->bytes_made(SinceStart()) : UINT64_MAX;
}

void
MptcpConnection::AwaitAppData()
{
    const bool allSent = m_config.bytesToSend && m_nextDsn >= *m_config.bytesToSend;
    if (!m_config.appRate || allSent || m_closed || m_appEvent.IsRunning() ||
        AppBytesMade() > m_nextDsn)
    {
        return;
    }
    const Duration sinceStart = SinceStart();
    const Duration untilNextTick = AppRate::next_tick(sinceStart) - sinceStart;
    m_appEvent = ns3::Simulator::Schedule(ns3::NanoSeconds(static_cast<uint64_t>(untilNextTick.count())),
                                          &MptcpConnection::Push,
                                          this);
}

void
MptcpConnection::Push()
{
    if (m_closed || !m_established || m_pushing)
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

void
MptcpConnection::Finish()
{
    m_closed = true;
    for (const auto& subflow : m_subflows)
    {
        subflow->Close();
    }
    m_listener.OnClosed(*this);
}

} // namespace sim
} // namespace mprecover
