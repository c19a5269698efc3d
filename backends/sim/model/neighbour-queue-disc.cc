#include "neighbour-queue-disc.h"

#include "ns3/abort.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/icmpv4.h"
#include "ns3/icmpv6-header.h"
#include "ns3/ip-l4-protocol.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-queue-disc-item.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <array>

namespace mprecover
{
namespace sim
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(NeighbourQueueDisc);

namespace
{

uint32_t
BigEndian32(const uint8_t* bytes)
{
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
           uint32_t{bytes[3]};
}

} // namespace

TypeId
NeighbourQueueDisc::GetTypeId()
{
    static TypeId tid =
        TypeId("mprecover::sim::NeighbourQueueDisc")
            .SetParent<QueueDisc>()
            .SetGroupName("Mprecover")
            .AddConstructor<NeighbourQueueDisc>()
            .AddAttribute("MaxSize",
                          "Packets queued while the neighbour is resolved (veth's peer backlog, "
                          "net.core.netdev_max_backlog)",
                          QueueSizeValue(QueueSize("1000p")),
                          MakeQueueSizeAccessor(&QueueDisc::SetMaxSize, &QueueDisc::GetMaxSize),
                          MakeQueueSizeChecker())
            .AddAttribute("ProbeInterval",
                          "Between the ARP probes of a resolution (retrans_time 1 s, 256 jiffies "
                          "on the timer wheel at HZ 250)",
                          TimeValue(MilliSeconds(1024)),
                          MakeTimeAccessor(&NeighbourQueueDisc::m_probeInterval),
                          MakeTimeChecker())
            .AddAttribute("Probes",
                          "ARP probes before the resolution fails (an INCOMPLETE entry counts "
                          "from ucast_solicit 3 to ucast + app + mcast_solicit 6)",
                          UintegerValue(3),
                          MakeUintegerAccessor(&NeighbourQueueDisc::m_probes),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("HoldBytes",
                          "Truesize the neighbour queue holds (unres_qlen_bytes)",
                          UintegerValue(212992),
                          MakeUintegerAccessor(&NeighbourQueueDisc::m_holdBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("SkbOverhead",
                          "Truesize beyond a packet's size (about 4.2 KB measured for a SYN on "
                          "Linux 6.18)",
                          UintegerValue(4200),
                          MakeUintegerAccessor(&NeighbourQueueDisc::m_skbOverhead),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

NeighbourQueueDisc::NeighbourQueueDisc()
    : QueueDisc(QueueDiscSizePolicy::SINGLE_INTERNAL_QUEUE)
{
}

NeighbourQueueDisc::~NeighbourQueueDisc() = default;

Ptr<NeighbourQueueDisc>
NeighbourQueueDisc::Install(Ptr<NetDevice> device)
{
    Ptr<Node> node = device->GetNode();
    Ptr<TrafficControlLayer> tc = node->GetObject<TrafficControlLayer>();
    NS_ABORT_MSG_IF(!tc || (!node->GetObject<Ipv4L3Protocol>() && !node->GetObject<Ipv6L3Protocol>()),
                    "NeighbourQueueDisc: node " << node->GetId() << " has no internet stack");
    Ptr<NeighbourQueueDisc> disc = CreateObject<NeighbourQueueDisc>();
    disc->m_node = node;
    tc->SetRootQueueDiscOnDevice(device, disc);
    return disc;
}

Ptr<NeighbourQueueDisc>
NeighbourQueueDisc::On(Ptr<NetDevice> device)
{
    Ptr<TrafficControlLayer> tc = device->GetNode()->GetObject<TrafficControlLayer>();
    return tc ? DynamicCast<NeighbourQueueDisc>(tc->GetRootQueueDiscOnDevice(device)) : nullptr;
}

void
NeighbourQueueDisc::DoDispose()
{
    m_failEvent.Cancel();
    m_resolveEvent.Cancel();
    m_held.clear();
    m_node = nullptr;
    QueueDisc::DoDispose();
}

bool
NeighbourQueueDisc::CheckConfig()
{
    NS_ABORT_MSG_IF(GetNQueueDiscClasses() > 0 || GetNPacketFilters() > 0,
                    "NeighbourQueueDisc: no classes or filters");
    if (GetNInternalQueues() == 0)
    {
        AddInternalQueue(CreateObjectWithAttributes<DropTailQueue<QueueDiscItem>>(
            "MaxSize",
            QueueSizeValue(GetMaxSize())));
    }
    return GetNInternalQueues() == 1;
}

void
NeighbourQueueDisc::InitializeParams()
{
}

bool
NeighbourQueueDisc::HasCarrier() const
{
    return m_carrier;
}

uint32_t
NeighbourQueueDisc::GetFailedResolutions() const
{
    return m_failedResolutions;
}

bool
NeighbourQueueDisc::Resolved() const
{
    return m_carrier && !m_failEvent.IsRunning();
}

NeighbourQueueDisc::Held
NeighbourQueueDisc::Describe(Ptr<const QueueDiscItem> item) const
{
    Held held;
    held.truesize = item->GetSize() + m_skbOverhead;
    held.queuedAt = Simulator::Now();
    uint8_t protocol = 0;
    if (Ptr<const Ipv4QueueDiscItem> ip = DynamicCast<const Ipv4QueueDiscItem>(item))
    {
        held.source = ip->GetHeader().GetSource();
        protocol = ip->GetHeader().GetProtocol();
    }
    else if (Ptr<const Ipv6QueueDiscItem> ip6 = DynamicCast<const Ipv6QueueDiscItem>(item))
    {
        held.source = ip6->GetHeader().GetSource();
        protocol = ip6->GetHeader().GetNextHeader(); // the sim sends no extension headers
    }
    else
    {
        return held;
    }
    std::array<uint8_t, 14> tcp{}; // ports, sequence, ack, data offset, flags
    if (protocol != TcpL4Protocol::PROT_NUMBER ||
        item->GetPacket()->CopyData(tcp.data(), tcp.size()) != tcp.size())
    {
        return held;
    }
    held.port = static_cast<uint16_t>((tcp[0] << 8) | tcp[1]);
    held.sequence = BigEndian32(&tcp[4]);
    const uint32_t headerBytes = (tcp[12] >> 4) * 4U;
    held.segment = item->GetPacket()->GetSize() > headerBytes ||
                   (tcp[13] & (TcpHeader::SYN | TcpHeader::FIN)) != 0;
    return held;
}

bool
NeighbourQueueDisc::HeldSince(const Address& source,
                              uint16_t port,
                              uint32_t sequence,
                              Time& queuedAt) const
{
    for (const Held& held : m_held)
    {
        if (held.segment && held.port == port && held.sequence == sequence &&
            held.source == source)
        {
            queuedAt = held.queuedAt;
            return true;
        }
    }
    return false;
}

bool
NeighbourQueueDisc::DoEnqueue(Ptr<QueueDiscItem> item)
{
    if (Resolved())
    {
        return GetInternalQueue(0)->Enqueue(item);
    }
    const Held held = Describe(item);
    Time queuedAt;
    if (held.segment && HeldSince(held.source, held.port, held.sequence, queuedAt))
    {
        DropBeforeEnqueue(item, "a copy still waits for the neighbour");
        return false;
    }
    if (!GetInternalQueue(0)->Enqueue(item))
    {
        return false;
    }
    m_held.push_back(held);
    m_heldBytes += held.truesize;
    while (m_heldBytes > m_holdBytes)
    {
        DropOldest("neighbour queue full (unres_qlen_bytes)");
    }
    if (!m_failEvent.IsRunning())
    {
        StartResolution();
    }
    return true;
}

Ptr<QueueDiscItem>
NeighbourQueueDisc::DoDequeue()
{
    return Resolved() ? GetInternalQueue(0)->Dequeue() : nullptr;
}

void
NeighbourQueueDisc::DropOldest(const char* reason)
{
    Ptr<QueueDiscItem> oldest = GetInternalQueue(0)->Dequeue();
    m_heldBytes -= m_held.front().truesize;
    m_held.pop_front();
    DropAfterDequeue(oldest, reason);
}

void
NeighbourQueueDisc::StartResolution()
{
    m_resolutionStart = Simulator::Now();
    m_failEvent = Simulator::Schedule(m_probeInterval * static_cast<int64_t>(m_probes),
                                      &NeighbourQueueDisc::Fail,
                                      this);
}

void
NeighbourQueueDisc::SetCarrier(bool up)
{
    if (up == m_carrier)
    {
        return;
    }
    m_carrier = up;
    if (!up)
    {
        m_failEvent.Cancel();
        m_resolveEvent.Cancel();
        while (Ptr<QueueDiscItem> item = GetInternalQueue(0)->Dequeue())
        {
            DropAfterDequeue(item, "carrier lost");
        }
        m_held.clear();
        m_heldBytes = 0;
        return;
    }
    if (!m_failEvent.IsRunning())
    {
        return; // nothing waits
    }
    // The resolution's next probe goes out on a link with carrier and is answered.
    const int64_t nextProbe =
        (Simulator::Now() - m_resolutionStart).GetInteger() / m_probeInterval.GetInteger() + 1;
    if (nextProbe < static_cast<int64_t>(m_probes))
    {
        m_resolveEvent = Simulator::Schedule(
            m_resolutionStart + m_probeInterval * nextProbe - Simulator::Now(),
            &NeighbourQueueDisc::Resolve,
            this);
    }
}

void
NeighbourQueueDisc::Resolve()
{
    m_failEvent.Cancel();
    m_held.clear();
    m_heldBytes = 0;
    Run();
}

void
NeighbourQueueDisc::Fail()
{
    ++m_failedResolutions;
    m_resolveEvent.Cancel();
    while (Ptr<QueueDiscItem> item = GetInternalQueue(0)->Dequeue())
    {
        ReportUnreachable(item);
        DropAfterDequeue(item, "neighbour unreachable");
    }
    m_held.clear();
    m_heldBytes = 0;
}

void
NeighbourQueueDisc::ReportUnreachable(Ptr<const QueueDiscItem> item) const
{
    std::array<uint8_t, 8> quoted{};
    if (item->GetPacket()->CopyData(quoted.data(), quoted.size()) != quoted.size())
    {
        return;
    }
    // Either family's addresses: the transport protocol has a ReceiveIcmp for each.
    auto report = [&quoted](Ptr<IpL4Protocol> transport,
                            auto source,
                            auto destination,
                            uint8_t protocol,
                            uint8_t type,
                            uint8_t code) {
        if (!transport)
        {
            return;
        }
        const uint32_t info = protocol == TcpL4Protocol::PROT_NUMBER ? BigEndian32(&quoted[4]) : 0;
        // Linux delivers it through the loopback device: after this event, in the queue's order.
        Simulator::ScheduleNow([transport, source, destination, type, code, info, quoted]() {
            transport
                ->ReceiveIcmp(source, 64, type, code, info, source, destination, quoted.data());
        });
    };
    if (Ptr<const Ipv4QueueDiscItem> ip = DynamicCast<const Ipv4QueueDiscItem>(item))
    {
        const Ipv4Header& header = ip->GetHeader();
        report(m_node->GetObject<Ipv4L3Protocol>()->GetProtocol(header.GetProtocol()),
               header.GetSource(),
               header.GetDestination(),
               header.GetProtocol(),
               Icmpv4Header::ICMPV4_DEST_UNREACH,
               Icmpv4DestinationUnreachable::ICMPV4_HOST_UNREACHABLE);
    }
    else if (Ptr<const Ipv6QueueDiscItem> ip6 = DynamicCast<const Ipv6QueueDiscItem>(item))
    {
        const Ipv6Header& header = ip6->GetHeader();
        report(m_node->GetObject<Ipv6L3Protocol>()->GetProtocol(header.GetNextHeader()),
               header.GetSource(),
               header.GetDestination(),
               header.GetNextHeader(),
               Icmpv6Header::ICMPV6_ERROR_DESTINATION_UNREACHABLE,
               Icmpv6Header::ICMPV6_ADDR_UNREACHABLE);
    }
}

} // namespace sim
} // namespace mprecover
