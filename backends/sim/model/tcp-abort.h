// Aborting an ns-3 TCP socket with a RST, which ns-3 3.37 offers no public call for.
#pragma once

#include "ns3/ptr.h"
#include "ns3/tcp-socket-base.h"

namespace mprecover
{
namespace sim
{

/**
 * Sends a RST to the peer, reports an error close to the socket's owner (its error-close
 * callback runs before this returns) and frees the endpoint, as the kernel's tcp_abort does.
 * Socket::Close() is no substitute: it sends a FIN after the pending data.
 */
void AbortTcpSocket(ns3::Ptr<ns3::TcpSocketBase> socket);

} // namespace sim
} // namespace mprecover
