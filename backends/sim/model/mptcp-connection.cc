#include "mptcp-connection.h"

#include "mptcp-records.h"

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
      m_listener(listener)
{
    if (server_sends(config.direction))
    {
        m_receiver = std::make_unique<MptcpReceiver>(key, m_subflows);
    }
    if (client_sends(config.direction))
    {
        m_sender = std::make_unique<MptcpSender>(key, config, m_subflows);
    }
    if (config.exchange)
    {
        m_requests.emplace(*config.exchange);
    }
}

MptcpConnection::~MptcpConnection()
{
    m_thinkEvent.Cancel();
}

void
MptcpConnection::Start(PathId initialPath)
{
    m_initialPath = initialPath;
    std::vector<uint8_t> record;
    AppendMpCapable(record, m_key, initialPath);
    if (server_sends(m_config.direction))
    {
        MptcpRequest request{m_config.direction, m_config.bytesToSend, m_config.appRate, std::nullopt};
        if (m_config.exchange)
        {
            request.exchange = std::make_pair(m_config.exchange->request_bytes, m_config.exchange->response_bytes);
        }
        AppendRequest(record, request);
    }
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
    if (m_sender)
    {
        m_sender->Stop();
    }
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
        if (m_sender)
        {
            m_sender->Begin();
        }
        if (m_requests)
        {
            IssueRequest();
        }
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
    if (m_sender && m_sender->OnDataAck(dataAck))
    {
        m_sender->End();
        if (!m_receiver || m_receiver->IsFinished())
        {
            Finish();
        }
    }
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

bool
MptcpConnection::OnSubflowData(MptcpSubflow& subflow, uint64_t dsn, const uint8_t* data, uint32_t length)
{
    if (!m_receiver)
    {
        return false; // the server sends no data on an upload
    }
    m_receiver->Receive(subflow.GetPath(), dsn, data, length);
    const Instant now{Duration{ns3::Simulator::Now().GetNanoSeconds()}};
    if (m_requests && m_requests->on_response_bytes(m_receiver->GetBytesDelivered(), now))
    {
        m_thinkEvent = ns3::Simulator::Schedule(ns3::NanoSeconds(static_cast<uint64_t>(m_requests->think().count())),
                                                &MptcpConnection::IssueRequest,
                                                this);
    }
    return true;
}

bool
MptcpConnection::OnSubflowDataFin(MptcpSubflow&, uint64_t dsn)
{
    if (!m_receiver)
    {
        return false;
    }
    m_receiver->ReceiveDataFin(dsn);
    return true;
}

void
MptcpConnection::OnSubflowRead(MptcpSubflow& subflow)
{
    // The download is complete: the receiver has acknowledged the DATA_FIN, and closed the
    // subflows unless the upload still goes on.
    const bool uploaded = !m_sender || m_sender->IsDone();
    if (m_receiver && !m_closed && m_receiver->AfterRead(subflow, uploaded) && uploaded)
    {
        m_closed = true;
        m_listener.OnClosed(*this);
    }
}

void
MptcpConnection::IssueRequest()
{
    if (m_closed)
    {
        return;
    }
    const Instant now{Duration{ns3::Simulator::Now().GetNanoSeconds()}};
    m_sender->OfferUpTo(m_requests->issue(now));
}

void
MptcpConnection::Reinject(MptcpSubflow& subflow)
{
    if (m_sender)
    {
        m_sender->Reinject(subflow);
    }
}

void
MptcpConnection::Push()
{
    if (m_sender)
    {
        m_sender->Push();
    }
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
