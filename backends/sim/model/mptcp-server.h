// The MPTCP server: accepts subflows on a port and sorts them into connections by token.
#pragma once

#include "mptcp-server-connection.h"

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
class MptcpServer : public ns3::Object
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
    class Subflow;

    void HandleAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);

    ns3::Ptr<ns3::Socket> m_listener;
    uint32_t m_ackBytes;
    ns3::Time m_ackDelay;
    std::map<ConnectionToken, ns3::Ptr<MptcpServerConnection>> m_connections;
    /// Kept until disposal: a subflow may end inside its socket's callback.
    std::vector<std::unique_ptr<Subflow>> m_subflows;
};

} // namespace sim
} // namespace mprecover
