#include "mptcp-server-connection.h"

#include "mptcp-records.h"

#include "core/network/request_response.h"

namespace mprecover
{
namespace sim
{

MptcpServerConnection::MptcpServerConnection(uint64_t key, uint32_t ackBytes, ns3::Time ackDelay)
    : m_key(key),
      m_token(MptcpTokenFromKey(key)),
      m_receiver(key, m_subflows, ackBytes, ackDelay)
{
}

MptcpServerConnection::~MptcpServerConnection() = default;

void
MptcpServerConnection::Attach(std::unique_ptr<MptcpSubflow> subflow)
{
    MptcpSubflowOwner& owner = *this; // a private base: convert here
    subflow->SetOwner(owner);
    m_subflows.push_back(std::move(subflow));
    MptcpSubflow& attached = *m_subflows.back();
    m_receiver.Greet(attached);
    if (m_sender)
    {
        m_sender->Push();
    }
}

void
MptcpServerConnection::OnSubflowEstablished(MptcpSubflow&)
{
    // Accepted subflows are established from the start.
}

void
MptcpServerConnection::OnSubflowProgress(MptcpSubflow&)
{
    if (m_sender)
    {
        m_sender->Push();
    }
}

void
MptcpServerConnection::OnSubflowStalled(MptcpSubflow& subflow)
{
    if (m_sender)
    {
        m_sender->Reinject(subflow);
        m_sender->Push();
    }
}

void
MptcpServerConnection::OnSubflowDataAck(uint64_t dataAck)
{
    if (m_sender && m_sender->OnDataAck(dataAck))
    {
        // The client has the whole download: once the upload (both ways) is in too, the subflows
        // close behind the last DATA_ACK.
        m_sender->End();
        if (m_receiver.IsFinished() || !client_sends(m_direction))
        {
            for (const auto& subflow : m_subflows)
            {
                subflow->Close();
            }
        }
    }
}

void
MptcpServerConnection::OnSubflowClosed(MptcpSubflow& subflow, int)
{
    if (m_sender)
    {
        m_sender->Reinject(subflow);
        m_sender->Push();
    }
}

bool
MptcpServerConnection::OnSubflowRequest(MptcpSubflow&, const MptcpRequest& request)
{
    if (m_sender || !server_sends(request.direction))
    {
        return false;
    }
    m_direction = request.direction;
    MptcpSender::Config config;
    config.bytesToSend = request.bytes;
    config.appRate = request.rate;
    config.offered = request.exchange.has_value();
    m_exchange = request.exchange;
    m_sender = std::make_unique<MptcpSender>(m_key, config, m_subflows);
    m_sender->Begin();
    m_sender->Push();
    return true;
}

bool
MptcpServerConnection::OnSubflowData(MptcpSubflow& subflow, uint64_t dsn, const uint8_t* data, uint32_t length)
{
    m_receiver.Receive(subflow.GetPath(), dsn, data, length);
    if (m_exchange)
    {
        m_sender->OfferUpTo(
            response_bytes_owed(m_exchange->first, m_exchange->second, m_receiver.GetBytesDelivered()));
    }
    return true;
}

bool
MptcpServerConnection::OnSubflowDataFin(MptcpSubflow&, uint64_t dsn)
{
    m_receiver.ReceiveDataFin(dsn);
    return true;
}

void
MptcpServerConnection::OnSubflowRead(MptcpSubflow& subflow)
{
    m_receiver.AfterRead(subflow, !m_sender || m_sender->IsDone());
}

} // namespace sim
} // namespace mprecover
