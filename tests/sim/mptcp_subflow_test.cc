// One subflow against a scripted server: the records it reads and what its owner does in between.
#include "mptcp-test-network.h"

#include "backends/sim/model/mptcp-records.h"
#include "backends/sim/model/mptcp-subflow.h"

#include "ns3/tcp-socket-factory.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace mprecover::sim
{
namespace
{

using namespace ns3;
using test::MptcpTestNetwork;

// Answers the subflow's first bytes with three DATA_ACK records written at once: they arrive in
// one read.
class ThreeDataAcksServer
{
  public:
    explicit ThreeDataAcksServer(Ptr<Node> server)
    {
        m_listener = Socket::CreateSocket(server, TcpSocketFactory::GetTypeId());
        m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), MptcpTestNetwork::SERVER_PORT));
        m_listener->Listen();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeCallback(&ThreeDataAcksServer::OnAccept, this));
    }

  private:
    void OnAccept(Ptr<Socket> socket, const Address&)
    {
        m_socket = socket;
        socket->SetRecvCallback(MakeCallback(&ThreeDataAcksServer::OnRecv, this));
    }

    void OnRecv(Ptr<Socket> socket)
    {
        while (socket->Recv())
        {
        }
        if (m_answered)
        {
            return;
        }
        m_answered = true;
        std::vector<uint8_t> records;
        for (uint64_t ack : {1000U, 2000U, 3000U})
        {
            AppendDataAck(records, ack);
        }
        socket->Send(Create<Packet>(records.data(), static_cast<uint32_t>(records.size())));
    }

    Ptr<Socket> m_listener;
    Ptr<Socket> m_socket;
    bool m_answered = false;
};

// A connection whose window opens at each DATA_ACK: it sends on the same subflow at once, from
// inside the subflow's parsing of the read.
class SendOnEveryDataAck : public MptcpSubflowOwner
{
  public:
    void OnSubflowEstablished(MptcpSubflow&) override
    {
    }

    void OnSubflowProgress(MptcpSubflow&) override
    {
    }

    void OnSubflowStalled(MptcpSubflow&) override
    {
    }

    void OnSubflowDataAck(uint64_t dataAck) override
    {
        acks.push_back(dataAck);
        subflow->SendData(dataAck, 4000, m_stream);
    }

    void OnSubflowClosed(MptcpSubflow&, int error) override
    {
        closedWith = error;
    }

    MptcpSubflow* subflow = nullptr;
    std::vector<uint64_t> acks;
    std::optional<int> closedWith;

  private:
    MptcpDataStream m_stream{7};
};

TEST(MptcpSubflowRecords, SendingFromADataAckDoesNotCorruptTheRestOfTheRead)
{
    {
        MptcpTestNetwork network({{"10Mbps", MilliSeconds(5)}});
        ThreeDataAcksServer server(network.GetServer());
        // Nodes initialize (traffic control finds its devices) in the first simulated instant.
        Simulator::Stop(Seconds(0));
        Simulator::Run();
        SendOnEveryDataAck owner;
        MptcpSubflow subflow(owner, 0, false, network.CreateBoundTcpSocket(0));
        owner.subflow = &subflow;
        std::vector<uint8_t> join;
        AppendMpJoin(join, 1, 0);
        subflow.Connect(network.GetServerAddress(), join);
        Simulator::Stop(Seconds(1));
        Simulator::Run();

        EXPECT_EQ(owner.acks, (std::vector<uint64_t>{1000, 2000, 3000}));
        EXPECT_FALSE(owner.closedWith.has_value()) << "closed with errno " << owner.closedWith.value_or(0);
    }
    Simulator::Destroy();
}

} // namespace
} // namespace mprecover::sim
