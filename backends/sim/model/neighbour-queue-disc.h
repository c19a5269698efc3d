// The client's end of its LAN link to a path's router as Linux has it: the link's carrier and
// the router's neighbour (ARP or NDP) entry, whose queue holds what the client sends while the
// entry cannot resolve.
#pragma once

#include "ns3/address.h"
#include "ns3/event-id.h"
#include "ns3/node.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/queue-disc.h"

#include <cstdint>
#include <deque>

namespace mprecover
{
namespace sim
{

/**
 * The root queue disc of the client's LAN device on a path. While the carrier is up and the
 * gateway's neighbour entry resolved, a FIFO of `MaxSize` packets (veth has no qdisc; its
 * peer's backlog, net.core.netdev_max_backlog, holds 1000).
 *
 * When the carrier goes, Linux keeps the routes (ignore_routes_with_linkdown 0): sockets send
 * and connect as before, but the gateway's entry is flushed (arp_evict_nocarrier,
 * ndisc_evict_nocarrier) and every packet waits in the entry's queue (net/core/neighbour.c,
 * which ARP and NDP share, with the same defaults):
 *  - the first one starts a resolution: probes at once and every `ProbeInterval` (retrans_time
 *    1 s, 1.024 s on this kernel's timer wheel), `Probes` in all (ucast 3 + mcast 0 of an
 *    INCOMPLETE entry's 6 allowed, starting at 3);
 *  - the queue holds `HoldBytes` of skb truesize (unres_qlen_bytes); each packet counts its size
 *    plus `SkbOverhead`; the oldest go, silently, when it overflows;
 *  - a TCP segment whose previous copy still waits is dropped (skb_still_in_host_queue refuses
 *    the retransmission; LinuxTcpSocket asks HeldSince so as not to renew its send time);
 *  - when the probes run out, every waiting packet turns into a local ICMP host unreachable
 *    (arp_error_report -> ipv4_link_failure) or ICMPv6 address unreachable (ndisc_error_report
 *    -> ip6_link_failure), delivered to its transport protocol from a fresh event; for TCP the
 *    ICMP's info field carries the quoted sequence number, since ns-3's ICMP path passes only
 *    that field on to the socket. The next packet starts a new resolution;
 *  - when the carrier is back, the resolution's next probe is answered and what waits leaves;
 *    if the last probe has been sent already, the resolution fails first.
 * When the carrier goes, what waits in the disc or the entry is dropped (dev_deactivate,
 * neigh_carrier_down). Not modelled: the global ICMP rate limit (icmp_msgs_burst 50), which the
 * queue's size keeps from mattering, and the answer delay of ARP or NDP itself (microseconds
 * here).
 */
class NeighbourQueueDisc : public ns3::QueueDisc
{
  public:
    static ns3::TypeId GetTypeId();

    NeighbourQueueDisc();
    ~NeighbourQueueDisc() override;

    /// Makes a NeighbourQueueDisc the root queue disc of `device`; before the simulation runs.
    static ns3::Ptr<NeighbourQueueDisc> Install(ns3::Ptr<ns3::NetDevice> device);
    /// The NeighbourQueueDisc of `device`, or a null Ptr.
    static ns3::Ptr<NeighbourQueueDisc> On(ns3::Ptr<ns3::NetDevice> device);

    /// The link's carrier goes (false) or comes back (true).
    void SetCarrier(bool up);
    bool HasCarrier() const;
    /**
     * Whether a copy of the TCP segment from `source`:`port` starting at `sequence` (a SYN's
     * or a FIN's too) waits in the neighbour queue; if so, `queuedAt` is when it was queued.
     */
    bool HeldSince(const ns3::Address& source,
                   uint16_t port,
                   uint32_t sequence,
                   ns3::Time& queuedAt) const;
    /// Resolutions that failed so far.
    uint32_t GetFailedResolutions() const;

  protected:
    void DoDispose() override;

  private:
    /// A packet in the neighbour queue: what identifies a TCP segment, its truesize, its time.
    struct Held
    {
        ns3::Address source; ///< an Ipv4Address or an Ipv6Address
        uint16_t port = 0;
        uint32_t sequence = 0;
        bool segment = false; ///< TCP with payload, SYN or FIN: what TCP retransmits
        uint32_t truesize = 0;
        ns3::Time queuedAt;
    };

    bool DoEnqueue(ns3::Ptr<ns3::QueueDiscItem> item) override;
    ns3::Ptr<ns3::QueueDiscItem> DoDequeue() override;
    bool CheckConfig() override;
    void InitializeParams() override;

    bool Resolved() const;
    Held Describe(ns3::Ptr<const ns3::QueueDiscItem> item) const;
    void StartResolution();
    void Resolve();
    void Fail();
    void DropOldest(const char* reason);
    void ReportUnreachable(ns3::Ptr<const ns3::QueueDiscItem> item) const;

    ns3::Ptr<ns3::Node> m_node;
    ns3::Time m_probeInterval;
    uint32_t m_probes = 0;
    uint32_t m_holdBytes = 0;
    uint32_t m_skbOverhead = 0;
    bool m_carrier = true;
    ns3::Time m_resolutionStart;
    ns3::EventId m_failEvent;    ///< running while a resolution is under way
    ns3::EventId m_resolveEvent; ///< the probe that will be answered, once the carrier is back
    std::deque<Held> m_held;     ///< the neighbour queue: the internal queue, in its order
    uint32_t m_heldBytes = 0;
    uint32_t m_failedResolutions = 0;
};

} // namespace sim
} // namespace mprecover
