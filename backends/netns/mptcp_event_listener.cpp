#include "backends/netns/mptcp_event_listener.h"

#include <arpa/inet.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/netlink_address.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

using namespace mptcp_pm;

constexpr int kEventBufferBytes = 16 * 1024 * 1024;

std::uint16_t port(nlattr* attr) { return attr == nullptr ? std::uint16_t{0} : ntohs(nla_get_u16(attr)); }

}  // namespace

std::optional<Event> to_engine_event(const KernelMptcpEvent& e, const PathOfAddress& path_of) {
  if (e.type == EventType::closed) return MptcpClosed{e.token};
  const auto path = path_of(e.saddr);
  if (!path) return std::nullopt;
  switch (e.type) {
    case EventType::created:
      return MptcpCreated{e.token, *path};
    case EventType::established:
      return MptcpEstablished{e.token, *path, e.sport};
    case EventType::sub_established:
      return MptcpSubEstablished{e.token, *path, e.sport};
    case EventType::sub_closed:
      return MptcpSubClosed{e.token, *path, e.error, e.sport};
    default:
      return std::nullopt;
  }
}

MptcpEventListener::MptcpEventListener(const NetworkNamespace& ns) : ns_name_(ns.name()) {
  NamespaceScope scope(ns);
  sock_ = nl_socket_alloc();
  if (sock_ == nullptr) throw NetnsError("allocating", "a generic-netlink socket in " + ns_name_, "out of memory");
  nl_socket_disable_seq_check(sock_);
  nl_socket_modify_cb(sock_, NL_CB_VALID, NL_CB_CUSTOM, &MptcpEventListener::on_message, this);
  if (const int err = genl_connect(sock_); err < 0) {
    nl_socket_free(sock_);
    sock_ = nullptr;
    throw_nl("opening a generic-netlink socket in", ns_name_, err);
  }
  const int group = genl_ctrl_resolve_grp(sock_, kFamily, kEventsGroup);
  if (group < 0) {
    nl_socket_free(sock_);
    sock_ = nullptr;
    throw NetnsError("resolving multicast group", std::string(kEventsGroup) + " in " + ns_name_,
                       "not found: this kernel has no MPTCP (CONFIG_MPTCP) or it is disabled");
  }
  if (const int err = nl_socket_add_membership(sock_, group); err < 0) {
    nl_socket_free(sock_);
    sock_ = nullptr;
    throw_nl("joining multicast group", std::string(kEventsGroup) + " in " + ns_name_, err);
  }
  nl_socket_set_nonblocking(sock_);
  // A rebuild of a thousand connections is a burst of thousands of events: room for them, past
  // net.core.rmem_max (root may force it).
  const int bytes = kEventBufferBytes;
  setsockopt(nl_socket_get_fd(sock_), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
}

MptcpEventListener::~MptcpEventListener() {
  if (sock_ != nullptr) nl_socket_free(sock_);
}

int MptcpEventListener::fd() const { return nl_socket_get_fd(sock_); }

std::vector<KernelMptcpEvent> MptcpEventListener::drain() {
  for (;;) {
    const int err = nl_recvmsgs_default(sock_);
    if (err == -NLE_AGAIN) break;
    if (err < 0) {
      // A full socket buffer drops events (NLE_NOMEM, ENOBUFS): say so rather than hide it.
      throw_nl("reading MPTCP events in", ns_name_, err);
    }
  }
  return std::exchange(pending_, {});
}

int MptcpEventListener::on_message(nl_msg* msg, void* self) {
  auto* listener = static_cast<MptcpEventListener*>(self);
  nlmsghdr* header = nlmsg_hdr(msg);
  auto* genl = static_cast<genlmsghdr*>(nlmsg_data(header));
  nlattr* attrs[kEventAttrMax + 1] = {};
  if (genlmsg_parse(header, 0, attrs, kEventAttrMax, nullptr) < 0) return NL_SKIP;
  auto at = [&](EventAttr a) { return attrs[raw(a)]; };
  KernelMptcpEvent e;
  e.type = static_cast<EventType>(genl->cmd);
  if (at(EventAttr::token) != nullptr) e.token = nla_get_u32(at(EventAttr::token));
  e.saddr = netlink_address_text(at(EventAttr::saddr4), at(EventAttr::saddr6));
  e.daddr = netlink_address_text(at(EventAttr::daddr4), at(EventAttr::daddr6));
  e.sport = port(at(EventAttr::sport));
  e.dport = port(at(EventAttr::dport));
  if (at(EventAttr::loc_id) != nullptr) e.loc_id = nla_get_u8(at(EventAttr::loc_id));
  if (at(EventAttr::rem_id) != nullptr) e.rem_id = nla_get_u8(at(EventAttr::rem_id));
  if (at(EventAttr::error) != nullptr) e.error = nla_get_u8(at(EventAttr::error));
  if (at(EventAttr::if_idx) != nullptr) e.if_idx = static_cast<int>(nla_get_u32(at(EventAttr::if_idx)));
  if (at(EventAttr::server_side) != nullptr) e.server_side = nla_get_u8(at(EventAttr::server_side)) != 0;
  listener->pending_.push_back(std::move(e));
  return NL_OK;
}

}  // namespace mprecover::netns
