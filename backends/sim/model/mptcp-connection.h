// The client side of one MPTCP connection: its subflows, and the sending half (an upload) or the
// receiving half (a download) over them.
#pragma once

#include "mptcp-receiver.h"
#include "mptcp-sender.h"
#include "mptcp-subflow.h"

#include "core/network/request_response.h"
#include "core/network/traffic.h"
#include "engine/ids.h"
#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"
#include "ns3/socket.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace mprecover
{
namespace sim
{

/// Gives a fresh client TCP socket bound to the path's address and device (the topology's
/// CreateBoundTcpSocket), or a null Ptr if the path cannot have one now.
using SubflowSocketFactory = ns3::Callback<ns3::Ptr<ns3::Socket>, PathId>;

class MptcpConnection;

/// What a connection tells its path manager; named after the kernel's mptcp_pm events.
class MptcpConnectionListener
{
  public:
    virtual ~MptcpConnectionListener() = default;
    /// The initial subflow (from local `port`) is up (MPTCP_EVENT_CREATED, then _ESTABLISHED).
    virtual void OnEstablished(MptcpConnection& connection, uint16_t port) = 0;
    virtual void OnSubflowEstablished(MptcpConnection& connection, PathId path, uint16_t port) = 0;
    /// A subflow of an established connection is gone; `error` is an errno, 0 for a clean close.
    virtual void OnSubflowClosed(MptcpConnection& connection, PathId path, uint16_t port, int error) = 0;
    /// The connection is over: DATA_FIN acknowledged, or its initial subflow never came up.
    virtual void OnClosed(MptcpConnection& connection) = 0;
};

/**
 * Opens the initial subflow and any the path manager asks for, and carries the application's
 * stream: for an upload its MptcpSender sends it, for a download it asks the server for it (a
 * REQUEST record behind MP_CAPABLE) and its MptcpReceiver takes it in; both ways, it does both;
 * request/response, its application issues a request, waits for its response, thinks, and so on
 * (an EXCHANGE record tells the server the sizes). A connection left with no
 * subflow stays open, as the kernel's does (it propagates subflow errors to the MPTCP socket only
 * for fallback connections), until a new subflow joins.
 */
class MptcpConnection : public ns3::SimpleRefCount<MptcpConnection>, private MptcpSubflowOwner
{
  public:
    /// The stream: what the sending end sends (bytes, rate) and which end that is.
    struct Config : MptcpSender::Config
    {
        TrafficDirection direction = TrafficDirection::upload;
        /// Request/response (direction both, an offering sender): the client's application
        /// issues requests and waits for their responses (core/network/request_response.h).
        std::optional<RequestResponse> exchange;
    };

    MptcpConnection(uint64_t key,
                    const ns3::Address& server,
                    SubflowSocketFactory socketFactory,
                    const Config& config,
                    MptcpConnectionListener& listener);
    MptcpConnection(const MptcpConnection&) = delete;
    MptcpConnection& operator=(const MptcpConnection&) = delete;
    ~MptcpConnection() override;

    /// Opens the initial subflow (MP_CAPABLE) on `path`. Call once.
    void Start(PathId initialPath);
    /**
     * Opens a subflow (MP_JOIN) on `path`, its SYN leaving `after` from now. Returns 0, or an
     * errno: EINVAL if the connection is not established or is over, EEXIST if a subflow on the
     * path is up or coming up, ENETUNREACH if the path gives no socket.
     */
    int AddSubflow(PathId path, bool backup, ns3::Time after = ns3::Time());
    /// Closes the path's subflows cleanly (FIN); the listener hears of each, with error 0.
    void CloseSubflows(PathId path);
    /// Closes the one subflow on `path` from local `port`, cleanly; false if there is none.
    bool CloseSubflow(PathId path, uint16_t port);
    /// Aborts the path's subflows with a RST; the listener hears of each, with ECONNRESET.
    void AbortSubflows(PathId path);
    /// Ends an unlimited upload: the stream ends after what has been sent (DATA_FIN).
    void Stop();

    ConnectionToken GetToken() const
    {
        return m_token;
    }
    uint64_t GetKey() const
    {
        return m_key;
    }
    PathId GetInitialPath() const
    {
        return m_initialPath;
    }
    bool IsEstablished() const
    {
        return m_established;
    }
    bool IsClosed() const
    {
        return m_closed;
    }
    /// A subflow on the path is established or connecting.
    bool HasSubflow(PathId path) const;
    bool IsSubflowEstablished(PathId path) const;
    /// Subflows established or connecting, besides the MP_CAPABLE one.
    uint32_t CountJoinedSubflows() const;

    /// The sending half: set for an upload (and both ways).
    const MptcpSender* GetSender() const
    {
        return m_sender.get();
    }
    /// The receiving half: set for a download (and both ways).
    const MptcpReceiver* GetReceiver() const
    {
        return m_receiver.get();
    }
    /// Request/response: the requests its application issued; null for other traffic.
    const RequestClient* GetRequests() const
    {
        return m_requests ? &*m_requests : nullptr;
    }
    /// Payload bytes handed to the path's subflows over the connection's life, copies included.
    uint64_t GetBytesSentOnPath(PathId path) const;
    /// Every subflow the connection ever opened, closed ones too.
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
    bool OnSubflowData(MptcpSubflow& subflow, uint64_t dsn, const uint8_t* data, uint32_t length) override;
    bool OnSubflowDataFin(MptcpSubflow& subflow, uint64_t dsn) override;
    void OnSubflowRead(MptcpSubflow& subflow) override;

    MptcpSubflow& Open(PathId path,
                       bool backup,
                       ns3::Ptr<ns3::Socket> socket,
                       const std::vector<uint8_t>& firstRecord,
                       ns3::Time after);
    /// What `subflow` carried and the peer has not DATA_ACKed goes to other subflows.
    void Reinject(MptcpSubflow& subflow);
    void Push();
    void Finish();
    /// Request/response: hands the next request to the sender.
    void IssueRequest();

    uint64_t m_key;
    ConnectionToken m_token;
    ns3::Address m_server;
    SubflowSocketFactory m_socketFactory;
    Config m_config;
    MptcpConnectionListener& m_listener;
    PathId m_initialPath = 0;
    MptcpSubflow* m_initialSubflow = nullptr;
    /// Never shrinks while the connection lives: a subflow may close inside its socket's callback.
    std::vector<std::unique_ptr<MptcpSubflow>> m_subflows;
    std::unique_ptr<MptcpSender> m_sender;
    std::unique_ptr<MptcpReceiver> m_receiver;
    std::optional<RequestClient> m_requests;
    ns3::EventId m_thinkEvent; ///< the next request, a think time after a response
    bool m_established = false;
    bool m_closed = false;
};

} // namespace sim
} // namespace mprecover
