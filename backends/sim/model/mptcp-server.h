// The MPTCP server: accepts subflows on a port and sorts them into connections by token.
#pragma once

#include "mptcp-server-connection.h"
#include "mptcp-subflow.h"

#include "engine/ids.h"
#include "ns3/address.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace mprecover
{
namespace sim
{

/**
 * Listens on `port` of `node`. The first record of an accepted subflow decides: MP_CAPABLE
 * creates a connection (token from the key), MP_JOIN attaches the subflow to its token's
 * connection; anything else, an unknown token included, is answered with a RST.
 */
class MptcpServer : public ns3::Object, private MptcpSubflowOwner
{
  public:
    static ns3::TypeId GetTypeId();

    /// DATA_ACK at once after `ackBytes` new in-order bytes, else after `ackDelay`.
    MptcpServer(ns3::Ptr<ns3::Node> node,
                uint16_t port,
                uint32_t ackBytes = 65536,
                ns3::Time ackDelay = ns3::MilliSeconds(5));
    ~MptcpServer() override;

    /// The connection of `token`, or a null Ptr.
    ns3::Ptr<MptcpServerConnection> GetConnection(ConnectionToken token) const;
    std::vector<ns3::Ptr<MptcpServerConnection>> GetConnections() const;

  protected:
    void DoDispose() override;

  private:
    void HandleAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
    /// Hands the accepted subflow to `connection`, which it belongs to from now on.
    void Hand(MptcpSubflow& subflow, MptcpServerConnection& connection);

    // Until their first record, accepted subflows are the server's.
    void OnSubflowEstablished(MptcpSubflow& subflow) override;
    void OnSubflowProgress(MptcpSubflow& subflow) override;
    void OnSubflowStalled(MptcpSubflow& subflow) override;
    void OnSubflowDataAck(uint64_t dataAck) override;
    void OnSubflowClosed(MptcpSubflow& subflow, int error) override;
    bool OnSubflowMpCapable(MptcpSubflow& subflow, uint64_t key) override;
    bool OnSubflowMpJoin(MptcpSubflow& subflow, ConnectionToken token) override;

    ns3::Ptr<ns3::Socket> m_listener;
    uint32_t m_ackBytes;
    ns3::Time m_ackDelay;
    std::map<ConnectionToken, ns3::Ptr<MptcpServerConnection>> m_connections;
    /// Accepted subflows whose first record has not come yet; kept until disposal, as a
    /// subflow may end inside its socket's callback.
    std::vector<std::unique_ptr<MptcpSubflow>> m_subflows;
};

} // namespace sim
} // namespace mprecover
