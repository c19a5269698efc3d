// The client's MPTCP path manager, with the kernel's surface: in-kernel PM (endpoints, limits)
// or userspace PM (subflow create/destroy per token), and the mptcp_pm events.
#pragma once

#include "mptcp-connection.h"

#include "engine/events.h"
#include "engine/ids.h"
#include "ns3/address.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace mprecover
{
namespace sim
{

/// `ip mptcp endpoint` flags the model acts on (a bitmask).
enum MptcpEndpointFlag : uint32_t
{
    MPTCP_ENDPOINT_SUBFLOW = 1U << 0, ///< the in-kernel PM opens subflows from it
    MPTCP_ENDPOINT_BACKUP = 1U << 1,  ///< its subflows carry data only when no other can
};

/**
 * One per client node. Opens the client's connections and manages their subflows like the
 * kernel's path manager in the selected mode:
 *  - IN_KERNEL (net.mptcp.pm_type=0): when a connection is established, it opens a subflow from
 *    every `subflow` endpoint whose path has none, within the subflows limit; adding an endpoint
 *    does the same on every connection; deleting one closes its subflows cleanly. An endpoint
 *    that has had a subflow on a connection is used up for that connection until the endpoint
 *    is deleted (the kernel's id_avail_bitmap): a subflow that died, e.g. by a reset, is never
 *    re-created by the PM on its own.
 *  - USERSPACE (net.mptcp.pm_type=1): no subflow is opened automatically; SubflowCreate and
 *    SubflowDestroy do it per connection token. The kernel handles SUBFLOW_CREATE messages one
 *    at a time, each in the sender's sendmsg, and a caller that waits for each answer (as the
 *    netns backend does) sends the next after it: SubflowCreate answers at once, as the message
 *    would, but its SYN leaves `SubflowCreateTime` after the one of the previous create.
 * Events are the kernel's mptcp_pm events, as mprecover::Event.
 */
class MptcpPathManager : public ns3::Object, private MptcpConnectionListener
{
  public:
    enum class Mode
    {
        IN_KERNEL,
        USERSPACE,
    };
    using EventCallback = std::function<void(const Event&)>;

    static ns3::TypeId GetTypeId();

    /// `server` is the server's address and port; `keySeed` makes the connection keys.
    MptcpPathManager(SubflowSocketFactory socketFactory,
                     const ns3::Address& server,
                     Mode mode,
                     uint64_t keySeed = 1);
    ~MptcpPathManager() override;

    /// Which of the kernel's path managers it acts as (net.mptcp.pm_type); set it before the
    /// first connection.
    void SetMode(Mode mode);
    /// Who hears of the mptcp_pm events, as they happen.
    void SetEventCallback(EventCallback callback);
    /// Transfer settings of the connections opened from now on.
    void SetConnectionConfig(const MptcpConnection::Config& config);

    /**
     * Opens a connection whose initial subflow goes over `initialPath`; returns its token.
     * Events follow: MptcpCreated and MptcpEstablished once the subflow is up, MptcpClosed at
     * the end; nothing if the initial subflow never comes up (connect() failed). Call it once
     * the simulation has started: nodes set up their traffic control in its first instant.
     */
    ConnectionToken Connect(PathId initialPath);

    // ip mptcp endpoint / limits (acted on in IN_KERNEL mode only, like the kernel).
    /// `ip mptcp endpoint add ... flags`. Returns 0, or EEXIST if the path has one.
    int AddEndpoint(PathId path, uint32_t flags);
    /// `ip mptcp endpoint delete`. Returns 0, or ENOENT if the path has none.
    int DeleteEndpoint(PathId path);
    /// `ip mptcp limits set subflows N` (the kernel's default is 2, its maximum 8).
    void SetSubflowLimit(uint32_t subflows);

    // Userspace PM commands (MPTCP_PM_CMD_SUBFLOW_CREATE / _DESTROY).
    /// Returns 0, or an errno: ENOENT for an unknown or closed token, EINVAL in IN_KERNEL
    /// mode or before the connection is established, EEXIST if the path has a subflow still
    /// connecting (one whose SYN has yet to leave included), ENETUNREACH if the path gives no
    /// socket. As with the kernel, an established subflow on the path does not stop a second one.
    /// A `backup` subflow (the local address's backup flag) carries data only when no other can.
    int SubflowCreate(ConnectionToken token, PathId path, bool backup = false);
    /// Closes the connection's subflows on the path, or only the one from local `port` if it is
    /// not 0. Returns 0, or ENOENT for an unknown token or no such subflow, EINVAL in IN_KERNEL
    /// mode.
    int SubflowDestroy(ConnectionToken token, PathId path, uint16_t port = 0);

    /// Aborts every subflow on `path` with a RST (a NAT reboot): MptcpSubClosed with ECONNRESET.
    void AbortSubflows(PathId path);

    /// The connection of `token`, closed ones included, or a null Ptr.
    ns3::Ptr<MptcpConnection> GetConnection(ConnectionToken token) const;
    std::vector<ns3::Ptr<MptcpConnection>> GetConnections() const;

  protected:
    void DoDispose() override;

  private:
    struct Managed
    {
        ns3::Ptr<MptcpConnection> connection;
        std::set<PathId> usedEndpoints; ///< in-kernel PM: endpoints used up on this connection
    };

    void OnEstablished(MptcpConnection& connection, uint16_t port) override;
    void OnSubflowEstablished(MptcpConnection& connection, PathId path, uint16_t port) override;
    void OnSubflowClosed(MptcpConnection& connection, PathId path, uint16_t port, int error) override;
    void OnClosed(MptcpConnection& connection) override;

    /// In-kernel PM: a subflow from every unused `subflow` endpoint, within the limit.
    void CreateSubflows(Managed& managed);
    void Emit(const Event& event) const;
    uint64_t NextKey();

    SubflowSocketFactory m_socketFactory;
    ns3::Address m_server;
    Mode m_mode;
    uint64_t m_keySeed;
    uint64_t m_keyCount = 0;
    uint32_t m_subflowLimit = 2;
    std::map<PathId, uint32_t> m_endpoints; ///< path -> flags
    MptcpConnection::Config m_config;
    std::map<ConnectionToken, Managed> m_connections;
    EventCallback m_eventCallback;
    ns3::Time m_subflowCreateTime; ///< the kernel's time for one SUBFLOW_CREATE message
    ns3::Time m_netlinkBusyUntil;  ///< when the last SUBFLOW_CREATE sent so far takes effect
};

} // namespace sim
} // namespace mprecover
