#include "tcp-abort.h"

namespace mprecover
{
namespace sim
{
namespace
{

/**
 * TcpSocketBase::SendRST is protected. Naming it through a derived class yields a pointer to
 * the base class's member, which may then be called on any TcpSocketBase: standard C++, no
 * change to ns-3. This class is never instantiated.
 */
class TcpResetAccess : public ns3::TcpSocketBase
{
  public:
    static void SendRst(ns3::TcpSocketBase& socket)
    {
        (socket.*(&TcpResetAccess::SendRST))();
    }
};

} // namespace

void
AbortTcpSocket(ns3::Ptr<ns3::TcpSocketBase> socket)
{
    TcpResetAccess::SendRst(*socket);
}

} // namespace sim
} // namespace mprecover
