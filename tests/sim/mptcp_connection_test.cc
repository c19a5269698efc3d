// The MPTCP model end to end on small networks: joins, reordering, reinjection, resets and the
// path manager's answers to them, DATA_FIN, throughput.
#include "mptcp-test-network.h"

#include "backends/sim/model/mptcp-path-manager.h"
#include "backends/sim/model/mptcp-server.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

namespace mprecover::sim
{
namespace
{

using namespace ns3;
using test::MptcpTestNetwork;
using test::TestPathSpec;

class MptcpModel : public ::testing::Test
{
  protected:
    /// The network, the server, and a path manager whose events land in `events`.
    void Build(const std::vector<TestPathSpec>& paths,
               MptcpPathManager::Mode mode,
               std::optional<uint64_t> bytesToSend,
               TrafficDirection direction = TrafficDirection::upload,
               std::optional<RequestResponse> exchange = std::nullopt)
    {
        m_network = std::make_unique<MptcpTestNetwork>(paths);
        m_server = CreateObject<MptcpServer>(m_network->GetServer(), MptcpTestNetwork::SERVER_PORT);
        m_pm = CreateObject<MptcpPathManager>(
            MakeCallback(&MptcpTestNetwork::CreateBoundTcpSocket, m_network.get()),
            m_network->GetServerAddress(),
            mode);
        m_pm->SetEventCallback([this](const Event& event) {
            m_events.push_back({Simulator::Now(), event});
        });
        MptcpConnection::Config config;
        config.bytesToSend = bytesToSend;
        config.direction = direction;
        config.exchange = exchange;
        config.offered = exchange.has_value();
        m_pm->SetConnectionConfig(config);
        // Nodes initialize (traffic control finds its devices) in the first simulated instant.
        Simulator::Stop(Seconds(0));
        Simulator::Run();
    }

    void TearDown() override
    {
        m_pm = nullptr;
        m_server = nullptr;
        Simulator::Destroy();
    }

    template <typename E>
    std::vector<std::pair<Time, E>> EventsOf() const
    {
        std::vector<std::pair<Time, E>> found;
        for (const auto& [time, event] : m_events)
        {
            if (const E* e = std::get_if<E>(&event))
            {
                found.emplace_back(time, *e);
            }
        }
        return found;
    }

    /// Sub-established events on `path` after `since`.
    std::size_t CountSubEstablished(PathId path, Time since = Seconds(0)) const
    {
        std::size_t count = 0;
        for (const auto& [time, event] : EventsOf<MptcpSubEstablished>())
        {
            count += (event.path == path && time >= since) ? 1U : 0U;
        }
        return count;
    }

    std::unique_ptr<MptcpTestNetwork> m_network;
    Ptr<MptcpServer> m_server;
    Ptr<MptcpPathManager> m_pm;
    std::vector<std::pair<Time, Event>> m_events;
};

constexpr uint64_t MB = 1000 * 1000;

TEST_F(MptcpModel, JoinedSubflowCarriesDataAndDataFinClosesTheConnection)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          4 * MB);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(10));
    Simulator::Run();

    ASSERT_EQ(EventsOf<MptcpCreated>().size(), 1U);
    EXPECT_EQ(EventsOf<MptcpCreated>()[0].second.token, token);
    EXPECT_EQ(EventsOf<MptcpEstablished>().size(), 1U);
    EXPECT_EQ(CountSubEstablished(1), 1U);
    EXPECT_TRUE(EventsOf<MptcpSubClosed>().empty());
    ASSERT_EQ(EventsOf<MptcpClosed>().size(), 1U);
    // 4 MB over 2 x 10 Mbit/s takes about 1.7 s; one path alone would need 3.2 s.
    EXPECT_LT(EventsOf<MptcpClosed>()[0].first, Seconds(2.6));

    Ptr<MptcpServerConnection> atServer = m_server->GetConnection(token);
    ASSERT_TRUE(atServer);
    const MptcpReceiver& received = atServer->GetReceiver();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), 4 * MB);
    EXPECT_GT(received.GetBytesReceivedOnPath(0), 1 * MB);
    EXPECT_GT(received.GetBytesReceivedOnPath(1), 1 * MB);
    EXPECT_TRUE(m_pm->GetConnection(token)->IsClosed());
}

// The kernel's mptcp_subflow_get_send: a backup subflow carries nothing while another subflow is
// active, even one whose window is full, and everything once the others are gone.
TEST_F(MptcpModel, ABackupSubflowCarriesDataOnlyWhenNoOtherCan)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          std::nullopt);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW | MPTCP_ENDPOINT_BACKUP);
    const ConnectionToken token = m_pm->Connect(0);
    std::optional<uint64_t> onBackupBeforeAbort;
    Simulator::Schedule(Seconds(2), [&] {
        onBackupBeforeAbort = m_pm->GetConnection(token)->GetBytesSentOnPath(1);
        m_pm->AbortSubflows(0);
    });
    Simulator::Stop(Seconds(4));
    Simulator::Run();

    ASSERT_TRUE(onBackupBeforeAbort.has_value());
    EXPECT_EQ(*onBackupBeforeAbort, 0U);
    // About 2.5 MB in the 2 s the backup is alone.
    EXPECT_GT(m_pm->GetConnection(token)->GetBytesSentOnPath(1), 1'500'000U);
}

// RFC 8684 section 3.2, and the kernel's __mptcp_subflow_active: an MP_JOIN subflow is announced
// established at the SYN-ACK, but carries data only once the server has answered its third ACK.
TEST_F(MptcpModel, AJoinedSubflowCarriesNoDataBeforeTheFourthAck)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          std::nullopt);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    std::optional<uint64_t> sentJustAfterJoin;
    m_pm->SetEventCallback([&](const Event& event) {
        const auto* joined = std::get_if<MptcpSubEstablished>(&event);
        if (joined && joined->path == 1)
        {
            // Well within the round trip the fourth ACK takes.
            Simulator::Schedule(MilliSeconds(5), [&] {
                sentJustAfterJoin = m_pm->GetConnection(token)->GetBytesSentOnPath(1);
            });
        }
    });
    Simulator::Stop(Seconds(2));
    Simulator::Run();

    ASSERT_TRUE(sentJustAfterJoin.has_value());
    EXPECT_EQ(*sentJustAfterJoin, 0U);
    EXPECT_GT(m_pm->GetConnection(token)->GetBytesSentOnPath(1), 100'000U);
}

// The client sends nothing on its initial subflow before the server's greeting (its answer to the
// MP_CAPABLE record, a round trip after the handshake), as the netns client waits for its byte.
TEST_F(MptcpModel, TheClientSendsNothingBeforeTheServersGreeting)
{
    Build({{"10Mbps", MilliSeconds(20)}}, MptcpPathManager::Mode::IN_KERNEL, std::nullopt);
    const ConnectionToken token = m_pm->Connect(0);
    std::optional<uint64_t> sentJustAfterHandshake;
    m_pm->SetEventCallback([&](const Event& event) {
        if (std::holds_alternative<MptcpEstablished>(event))
        {
            // Well within the round trip the greeting takes.
            Simulator::Schedule(MilliSeconds(5), [&] {
                sentJustAfterHandshake = m_pm->GetConnection(token)->GetSender()->GetBytesSent();
            });
        }
    });
    Simulator::Stop(Seconds(1));
    Simulator::Run();

    ASSERT_TRUE(sentJustAfterHandshake.has_value());
    EXPECT_EQ(*sentJustAfterHandshake, 0U);
    EXPECT_GT(m_pm->GetConnection(token)->GetSender()->GetBytesSent(), 100'000U);
}

// An app-limited connection sends what its application makes, 2 Mbit/s, not what the two
// 10 Mbit/s paths could carry, and its last bytes arrive within a tick and a round trip.
TEST_F(MptcpModel, ARateLimitedConnectionSendsAtItsApplicationsRate)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          std::nullopt);
    MptcpConnection::Config video;
    video.appRate = AppRate{2'000'000};
    m_pm->SetConnectionConfig(video);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(5));
    Simulator::Run();

    Ptr<MptcpServerConnection> atServer = m_server->GetConnection(token);
    ASSERT_TRUE(atServer);
    const MptcpReceiver& received = atServer->GetReceiver();
    EXPECT_TRUE(received.IsIntegrityOk());
    constexpr double made = 2e6 / 8 * 5; // 1.25 MB in 5 s
    EXPECT_LE(static_cast<double>(received.GetBytesDelivered()), made);
    EXPECT_GE(static_cast<double>(received.GetBytesDelivered()), made - 2e6 / 8 * 0.1);
}

TEST_F(MptcpModel, ReordersAcrossPathsOfVeryDifferentDelays)
{
    Build({{"20Mbps", MilliSeconds(2)}, {"20Mbps", MilliSeconds(80)}},
          MptcpPathManager::Mode::IN_KERNEL,
          10 * MB);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(10));
    Simulator::Run();

    Ptr<MptcpServerConnection> atServer = m_server->GetConnection(token);
    ASSERT_TRUE(atServer);
    const MptcpReceiver& received = atServer->GetReceiver();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), 10 * MB);
    EXPECT_GT(received.GetBytesReceivedOnPath(1), 1 * MB);
    EXPECT_EQ(received.GetBufferedBytes(), 0U);
}

TEST_F(MptcpModel, ResetSubflowIsReinjectedAndNotRecreatedUntilEndpointFlap)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          8 * MB);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Schedule(Seconds(1), &MptcpPathManager::AbortSubflows, m_pm, 1);
    Simulator::Stop(Seconds(2.5));
    Simulator::Run();

    const auto closed = EventsOf<MptcpSubClosed>();
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].second.path, 1U);
    EXPECT_EQ(closed[0].second.error, ECONNRESET);
    EXPECT_EQ(CountSubEstablished(1, Seconds(1)), 0U) << "the in-kernel PM re-created it";
    EXPECT_GT(m_pm->GetConnection(token)->GetSender()->GetBytesReinjected(), 0U);

    // Adding another endpoint does not bring path 1 back either; a flap of its own does.
    m_pm->DeleteEndpoint(1);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    EXPECT_EQ(CountSubEstablished(1, Seconds(2.5)), 1U);

    const MptcpReceiver& received = m_server->GetConnection(token)->GetReceiver();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), 8 * MB);
    EXPECT_EQ(EventsOf<MptcpClosed>().size(), 1U);
}

TEST_F(MptcpModel, ConnectionSurvivesOnTheJoinedSubflowWhenTheInitialOneIsReset)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          5 * MB);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Schedule(Seconds(1), &MptcpPathManager::AbortSubflows, m_pm, 0);
    Simulator::Stop(Seconds(10));
    Simulator::Run();

    const auto closed = EventsOf<MptcpSubClosed>();
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].second.path, 0U);
    const MptcpReceiver& received = m_server->GetConnection(token)->GetReceiver();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), 5 * MB);
    EXPECT_EQ(EventsOf<MptcpClosed>().size(), 1U);
}

TEST_F(MptcpModel, UserspacePmCreatesAndDestroysSubflowsOnCommand)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::USERSPACE,
          std::nullopt);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(CountSubEstablished(1), 0U) << "the userspace PM opens nothing by itself";
    EXPECT_EQ(m_pm->SubflowCreate(token + 1, 1), ENOENT);
    EXPECT_EQ(m_pm->SubflowCreate(token, 1), 0);
    EXPECT_EQ(m_pm->SubflowCreate(token, 1), EEXIST) << "one is connecting there already";

    Simulator::Schedule(Seconds(1), &MptcpPathManager::AbortSubflows, m_pm, 1);
    Simulator::Stop(Seconds(2.5));
    Simulator::Run();
    EXPECT_EQ(CountSubEstablished(1), 1U);
    ASSERT_EQ(EventsOf<MptcpSubClosed>().size(), 1U);
    EXPECT_EQ(EventsOf<MptcpSubClosed>()[0].second.error, ECONNRESET);

    EXPECT_EQ(m_pm->SubflowCreate(token, 1), 0);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_EQ(CountSubEstablished(1), 2U);
    EXPECT_TRUE(m_pm->GetConnection(token)->IsSubflowEstablished(1));

    EXPECT_EQ(m_pm->SubflowDestroy(token, 1), 0);
    ASSERT_EQ(EventsOf<MptcpSubClosed>().size(), 2U);
    EXPECT_EQ(EventsOf<MptcpSubClosed>()[1].second.error, 0);
    EXPECT_FALSE(m_pm->GetConnection(token)->HasSubflow(1));

    m_pm->GetConnection(token)->Stop();
    Simulator::Stop(Seconds(2));
    Simulator::Run();
    const MptcpReceiver& received = m_server->GetConnection(token)->GetReceiver();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), m_pm->GetConnection(token)->GetSender()->GetBytesSent());
    EXPECT_GT(received.GetBytesDelivered(), 2 * MB);
}

// As the kernel's userspace PM: a second subflow on a path with an established one is a new
// subflow with a port of its own (a stalled one's replacement), and SUBFLOW_DESTROY by port
// closes only the one named.
TEST_F(MptcpModel, ASecondSubflowOnAPathAndTheFirstRetiredByItsPort)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::USERSPACE,
          std::nullopt);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    ASSERT_EQ(m_pm->SubflowCreate(token, 1), 0);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    ASSERT_EQ(m_pm->SubflowCreate(token, 1), 0);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    const auto established = EventsOf<MptcpSubEstablished>();
    ASSERT_EQ(established.size(), 2U);
    const uint16_t first = established[0].second.port;
    const uint16_t second = established[1].second.port;
    EXPECT_NE(first, 0);
    EXPECT_NE(first, second);

    EXPECT_EQ(m_pm->SubflowDestroy(token, 1, first), 0);
    ASSERT_EQ(EventsOf<MptcpSubClosed>().size(), 1U);
    EXPECT_EQ(EventsOf<MptcpSubClosed>()[0].second.port, first);
    EXPECT_EQ(m_pm->SubflowDestroy(token, 1, first), ENOENT);
    EXPECT_TRUE(m_pm->GetConnection(token)->IsSubflowEstablished(1)) << "the second one stays";
    const uint64_t before = m_server->GetConnection(token)->GetReceiver().GetBytesReceivedOnPath(1);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_GT(m_server->GetConnection(token)->GetReceiver().GetBytesReceivedOnPath(1), before) << "and carries data";
}

TEST_F(MptcpModel, BlackholedSubflowStallsItsDataMovesOnAndItResumesAfterward)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          std::nullopt);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Ptr<MptcpConnection> connection = m_pm->GetConnection(token);
    Simulator::Schedule(Seconds(1), &MptcpTestNetwork::SetBlackhole, m_network.get(), 1, true);
    Simulator::Schedule(Seconds(4), &MptcpTestNetwork::SetBlackhole, m_network.get(), 1, false);
    Simulator::Stop(Seconds(3.5));
    Simulator::Run();
    const MptcpReceiver& received = m_server->GetConnection(token)->GetReceiver();
    const uint64_t deliveredInOutage = received.GetBytesDelivered();
    const uint64_t onPath1InOutage = received.GetBytesReceivedOnPath(1);
    EXPECT_GT(connection->GetSender()->GetBytesReinjected(), 0U);
    // The stranded data went over path 0: delivery did not wait for the path to come back.
    EXPECT_GT(deliveredInOutage, 10 * MB / 8 * 3.5 / 2);

    Simulator::Stop(Seconds(6.5));
    Simulator::Run();
    EXPECT_TRUE(EventsOf<MptcpSubClosed>().empty()) << "a blackhole alone kills no subflow";
    EXPECT_GT(received.GetBytesReceivedOnPath(1), onPath1InOutage + 1 * MB)
        << "path 1 carries data again";
    connection->Stop();
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), connection->GetSender()->GetBytesSent());
}

TEST_F(MptcpModel, DownloadGoesOverTheSubflowsTheClientOpenedAndIsCheckedThere)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(20)}},
          MptcpPathManager::Mode::IN_KERNEL,
          4 * MB,
          TrafficDirection::download);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(10));
    Simulator::Run();

    Ptr<MptcpConnection> client = m_pm->GetConnection(token);
    ASSERT_TRUE(client->GetReceiver());
    EXPECT_FALSE(client->GetSender()) << "the client sends nothing";
    const MptcpReceiver& received = *client->GetReceiver();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), 4 * MB);
    EXPECT_GT(received.GetBytesReceivedOnPath(0), 1 * MB);
    EXPECT_GT(received.GetBytesReceivedOnPath(1), 1 * MB) << "the server sends on the joined subflow too";
    Ptr<MptcpServerConnection> server = m_server->GetConnection(token);
    ASSERT_TRUE(server);
    ASSERT_TRUE(server->GetSender());
    EXPECT_EQ(server->GetSender()->GetBytesSent(), 4 * MB);
    EXPECT_EQ(server->GetReceiver().GetBytesDelivered(), 0U);
    ASSERT_EQ(EventsOf<MptcpClosed>().size(), 1U) << "the client's connection ends with the stream";
    EXPECT_TRUE(client->IsClosed());
}

TEST_F(MptcpModel, BothWaysEachEndSendsItsStreamAndChecksTheOther)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(20)}},
          MptcpPathManager::Mode::IN_KERNEL,
          3 * MB,
          TrafficDirection::both);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(10));
    Simulator::Run();

    Ptr<MptcpConnection> client = m_pm->GetConnection(token);
    Ptr<MptcpServerConnection> server = m_server->GetConnection(token);
    ASSERT_TRUE(client->GetSender() && client->GetReceiver() && server && server->GetSender());
    for (const MptcpReceiver* received : {client->GetReceiver(), &server->GetReceiver()})
    {
        EXPECT_TRUE(received->IsFinished());
        EXPECT_TRUE(received->IsIntegrityOk());
        EXPECT_EQ(received->GetBytesDelivered(), 3 * MB);
        EXPECT_GT(received->GetBytesReceivedOnPath(1), 500'000U);
    }
    EXPECT_EQ(client->GetSender()->GetBytesSent(), 3 * MB);
    EXPECT_EQ(server->GetSender()->GetBytesSent(), 3 * MB);
    EXPECT_TRUE(client->IsClosed()) << "once both streams are done";
}

// The client's RST reaches the server, whose subflow dies: what it carried goes over the other.
TEST_F(MptcpModel, DownloadSurvivesAResetOfOneOfItsPaths)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          6 * MB,
          TrafficDirection::download);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Schedule(Seconds(1), &MptcpPathManager::AbortSubflows, m_pm, 1);
    Simulator::Stop(Seconds(12));
    Simulator::Run();

    const MptcpReceiver& received = *m_pm->GetConnection(token)->GetReceiver();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), 6 * MB);
    EXPECT_GT(m_server->GetConnection(token)->GetSender()->GetBytesReinjected(), 0U);
    EXPECT_LT(received.GetBytesReceivedOnPath(1), 2 * MB) << "path 1 carried nothing after the reset";
}

// The client aborts, the blackhole swallows its RST: the server's subflow stalls at its RTO, and
// the server sends its stranded data again over the other path.
TEST_F(MptcpModel, DownloadOverABlackholedPathIsSentAgainByTheServer)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          8 * MB,
          TrafficDirection::download);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Schedule(Seconds(1), &MptcpTestNetwork::SetBlackhole, m_network.get(), 1, true);
    Simulator::Stop(Seconds(3.5));
    Simulator::Run();
    const MptcpReceiver& received = *m_pm->GetConnection(token)->GetReceiver();
    EXPECT_GT(m_server->GetConnection(token)->GetSender()->GetBytesReinjected(), 0U);
    EXPECT_GT(received.GetBytesDelivered(), 10 * MB / 8 * 3.5 / 2)
        << "delivery did not wait for the path to come back";
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    EXPECT_TRUE(received.IsFinished());
    EXPECT_TRUE(received.IsIntegrityOk());
    EXPECT_EQ(received.GetBytesDelivered(), 8 * MB);
}

// Request/response: 2 kB up, 100 kB down, 100 ms of thought between, over one 10 Mbit/s path of
// 10 ms each way: each request is answered once the whole of it is in, a round trip and the
// response's 80 ms of transmission after it was issued, and the next follows its think time.
TEST_F(MptcpModel, RequestResponseAnswersEachWholeRequestAndThinksBeforeTheNext)
{
    const RequestResponse exchange{2'000, 100'000, std::chrono::milliseconds{100}, std::chrono::seconds{2}};
    Build({{"10Mbps", MilliSeconds(10)}}, MptcpPathManager::Mode::IN_KERNEL, std::nullopt, TrafficDirection::both,
          exchange);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(4));
    Simulator::Run();

    Ptr<MptcpConnection> client = m_pm->GetConnection(token);
    ASSERT_TRUE(client->GetRequests());
    const std::vector<RequestTiming>& requests = client->GetRequests()->requests();
    ASSERT_GT(requests.size(), 10U);
    for (std::size_t i = 0; i + 1 < requests.size(); ++i)
    {
        ASSERT_TRUE(requests[i].answered) << i;
        const double latency = to_seconds(*requests[i].answered - requests[i].issued);
        EXPECT_GT(latency, 0.08 + 0.02) << i;  // the transmission and a round trip at least
        if (i > 0)
        {
            EXPECT_LT(latency, 0.15) << i;  // slow start is over
        }
        EXPECT_EQ(requests[i + 1].issued - *requests[i].answered, std::chrono::milliseconds{100}) << i;
    }
    Ptr<MptcpServerConnection> server = m_server->GetConnection(token);
    ASSERT_TRUE(server && server->GetSender());
    EXPECT_EQ(server->GetReceiver().GetBytesDelivered(), requests.size() * 2'000U) << "every request is in";
    const uint64_t answered = requests.back().answered ? requests.size() : requests.size() - 1;
    EXPECT_GE(client->GetReceiver()->GetBytesDelivered(), answered * 100'000U);
    EXPECT_LE(server->GetSender()->GetBytesSent(), requests.size() * 100'000U) << "no response before its request";
    EXPECT_TRUE(client->GetReceiver()->IsIntegrityOk());
    EXPECT_TRUE(server->GetReceiver().IsIntegrityOk());
}

// The join's SYNs follow Linux's schedule (1 s five times, then doubling: LinuxTcpSocket) and
// the subflow closes with ETIMEDOUT at the timeout after the eleventh, 131 s after the first.
TEST_F(MptcpModel, JoinThatNeverCompletesClosesWithEtimedout)
{
    Build({{"1Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          std::nullopt);
    m_network->SetBlackhole(1, true);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    m_pm->Connect(0);
    Simulator::Stop(Seconds(135));
    Simulator::Run();

    ASSERT_EQ(EventsOf<MptcpEstablished>().size(), 1U);
    const Time joinStart = EventsOf<MptcpEstablished>()[0].first; // the in-kernel PM joins then
    const auto closed = EventsOf<MptcpSubClosed>();
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].second.path, 1U);
    EXPECT_EQ(closed[0].second.error, ETIMEDOUT);
    EXPECT_NEAR((closed[0].first - joinStart).GetSeconds(), 131.0, 0.2);
}

TEST_F(MptcpModel, SubflowLimitCapsTheInKernelPm)
{
    Build({{"10Mbps", MilliSeconds(10)}, {"10Mbps", MilliSeconds(10)}},
          MptcpPathManager::Mode::IN_KERNEL,
          1 * MB);
    m_pm->SetSubflowLimit(0);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    EXPECT_EQ(CountSubEstablished(1), 0U);
    EXPECT_TRUE(m_server->GetConnection(token)->GetReceiver().IsFinished());
}

TEST_F(MptcpModel, TwoFiftyMegabitPathsAddUp)
{
    Build({{"50Mbps", MilliSeconds(10)}, {"50Mbps", MilliSeconds(15)}},
          MptcpPathManager::Mode::IN_KERNEL,
          std::nullopt);
    m_pm->AddEndpoint(1, MPTCP_ENDPOINT_SUBFLOW);
    const ConnectionToken token = m_pm->Connect(0);
    Simulator::Stop(Seconds(2));
    Simulator::Run();
    const MptcpReceiver& received = m_server->GetConnection(token)->GetReceiver();
    const uint64_t before = received.GetBytesDelivered();
    Simulator::Stop(Seconds(4));
    Simulator::Run();
    const double mbps = static_cast<double>(received.GetBytesDelivered() - before) * 8 / 4 / 1e6;
    EXPECT_GT(mbps, 70.0);
    EXPECT_TRUE(received.IsIntegrityOk());
}

} // namespace
} // namespace mprecover::sim
