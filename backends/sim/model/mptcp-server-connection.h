// The server side of one MPTCP connection: its accepted subflows, the receiving half that takes
// in the client's stream (an upload) and, for a download, the sending half.
#pragma once

#include "mptcp-receiver.h"
#include "mptcp-sender.h"
#include "mptcp-subflow.h"

#include "engine/ids.h"
#include "ns3/nstime.h"
#include "ns3/simple-ref-count.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace mprecover
{
namespace sim
{

/**
 * Every connection receives the client's stream (empty for a download) and answers each
 * subflow's first record with a DATA_ACK. A REQUEST record asking for a download (or both ways)
 * gives it a sender too, which sends the stream the client asked for over the subflows the client
 * opened; an EXCHANGE record (request/response) makes that sender answer each whole request.
 */
class MptcpServerConnection : public ns3::SimpleRefCount<MptcpServerConnection>, private MptcpSubflowOwner
{
  public:
    MptcpServerConnection(uint64_t key, uint32_t ackBytes, ns3::Time ackDelay);
    MptcpServerConnection(const MptcpServerConnection&) = delete;
    MptcpServerConnection& operator=(const MptcpServerConnection&) = delete;
    ~MptcpServerConnection() override;

    /// Takes an accepted subflow whose first record (MP_CAPABLE or MP_JOIN) named this connection.
    void Attach(std::unique_ptr<MptcpSubflow> subflow);

    ConnectionToken GetToken() const
    {
        return m_token;
    }
    /// The client's stream as it arrived.
    const MptcpReceiver& GetReceiver() const
    {
        return m_receiver;
    }
    /// The sending half: set once the client asked for a download.
    const MptcpSender* GetSender() const
    {
        return m_sender.get();
    }
    /// Every subflow the connection ever had, closed ones too.
    const std::vector<std::unique_ptr<MptcpSubflow>>& GetSubflows() const
    {
        return m_subflows;
    }

  private:
    void OnSubflowEstablished(MptcpSubflow& subflow) override;
    void OnSubflowProgress(MptcpSubflow& subflow) override;
    void OnSubflowStalled(MptcpSubflow& subflow) override;
    void OnSubflowDataAck(uint64_t dataAck) override;
    void OnSubflowClosed(MptcpSubflow& subflow, int error) override;
    bool OnSubflowRequest(MptcpSubflow& subflow, const MptcpRequest& request) override;
    bool OnSubflowData(MptcpSubflow& subflow, uint64_t dsn, const uint8_t* data, uint32_t length) override;
    bool OnSubflowDataFin(MptcpSubflow& subflow, uint64_t dsn) override;
    void OnSubflowRead(MptcpSubflow& subflow) override;

    uint64_t m_key;
    ConnectionToken m_token;
    /// Never shrinks while the connection lives: a subflow may close inside its socket's callback.
    std::vector<std::unique_ptr<MptcpSubflow>> m_subflows;
    TrafficDirection m_direction = TrafficDirection::upload; ///< until a REQUEST says otherwise
    MptcpReceiver m_receiver;
    std::unique_ptr<MptcpSender> m_sender;
    /// Request/response: the bytes of each request and of its response; the server answers each
    /// whole request of the client's stream.
    std::optional<std::pair<uint64_t, uint64_t>> m_exchange;
};

} // namespace sim
} // namespace mprecover
