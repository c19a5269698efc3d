#include "backends/netns/mptcp_pm_client.h"

#include <arpa/inet.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include "backends/netns/mptcp_pm_spec.h"
#include "backends/netns/namespace_scope.h"
#include "backends/netns/netlink_address.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

namespace {

using namespace mptcp_pm;

// The nested address attribute `type` (Attr::addr or Attr::addr_remote).
void put_address(nl_msg* msg, Attr type, const std::string& address, std::uint16_t port, std::uint8_t id,
                 std::uint32_t flags, int ifindex, const std::string& action) {
  nlattr* nest = nla_nest_start(msg, raw(type) | NLA_F_NESTED);
  // No address, no family: the kernel then looks the endpoint up by id alone.
  if (!address.empty()) {
    put_netlink_address(msg, raw(AddrAttr::family), raw(AddrAttr::addr4), raw(AddrAttr::addr6), address, action);
  }
  if (port != 0) nla_put_u16(msg, raw(AddrAttr::port), port);  // host order, as the spec says
  if (id != 0) nla_put_u8(msg, raw(AddrAttr::id), id);
  if (flags != 0) nla_put_u32(msg, raw(AddrAttr::flags), flags);
  if (ifindex != 0) nla_put_s32(msg, raw(AddrAttr::if_idx), ifindex);
  nla_nest_end(msg, nest);
}

std::string describe(const MptcpAddress& a) {
  std::string text = a.address;
  if (a.port != 0) {
    text += ':';
    text += std::to_string(a.port);
  }
  if (a.id != 0) {
    text += " id ";
    text += std::to_string(a.id);
  }
  return text;
}

}  // namespace

MptcpPmClient::MptcpPmClient(const NetworkNamespace& ns) : ns_name_(ns.name()) {
  NamespaceScope scope(ns);
  sock_ = nl_socket_alloc();
  if (sock_ == nullptr) throw NetnsError("allocating", "a generic-netlink socket in " + ns_name_, "out of memory");
  if (const int err = genl_connect(sock_); err < 0) {
    nl_socket_free(sock_);
    sock_ = nullptr;
    throw_nl("opening a generic-netlink socket in", ns_name_, err);
  }
  family_ = genl_ctrl_resolve(sock_, kFamily);
  if (family_ < 0) {
    nl_socket_free(sock_);
    sock_ = nullptr;
    throw NetnsError("resolving generic-netlink family", std::string(kFamily) + " in " + ns_name_,
                       "not found: this kernel has no MPTCP (CONFIG_MPTCP) or it is disabled");
  }
}

MptcpPmClient::~MptcpPmClient() {
  if (sock_ != nullptr) nl_socket_free(sock_);
}

nl_msg* MptcpPmClient::message(std::uint8_t command) const {
  nl_msg* msg = nlmsg_alloc();
  if (msg == nullptr) throw NetnsError("allocating", "a netlink message", "out of memory");
  genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, 0, command, kVersion);
  return msg;
}

void MptcpPmClient::send(nl_msg* msg, const std::string& action, const std::string& object) {
  if (const int err = nl_send_sync(sock_, msg); err < 0) throw_nl(action, object + " in " + ns_name_, err);
}

void MptcpPmClient::set_limits(std::uint32_t subflows, std::uint32_t add_addr_accepted) {
  nl_msg* msg = message(raw(Command::set_limits));
  nla_put_u32(msg, raw(Attr::rcv_add_addrs), add_addr_accepted);
  nla_put_u32(msg, raw(Attr::subflows), subflows);
  send(msg, "setting MPTCP limits",
       "subflows " + std::to_string(subflows) + " add_addr_accepted " + std::to_string(add_addr_accepted));
}

void MptcpPmClient::add_endpoint(const MptcpEndpoint& e) {
  const std::string action = "adding MPTCP endpoint";
  nl_msg* msg = message(raw(Command::add_addr));
  try {
    put_address(msg, Attr::addr, e.address, 0, e.id, e.flags, e.ifindex, action);
  } catch (...) {
    nlmsg_free(msg);
    throw;
  }
  send(msg, action, e.address + " id " + std::to_string(e.id));
}

void MptcpPmClient::delete_endpoint(std::uint8_t id) {
  nl_msg* msg = message(raw(Command::del_addr));
  put_address(msg, Attr::addr, "", 0, id, 0, 0, "");
  send(msg, "deleting MPTCP endpoint", "id " + std::to_string(id));
}

void MptcpPmClient::set_endpoint_flags(std::uint8_t id, std::uint32_t flags) {
  nl_msg* msg = message(raw(Command::set_flags));
  put_address(msg, Attr::addr, "", 0, id, flags, 0, "");
  send(msg, "setting flags " + std::to_string(flags) + " of MPTCP endpoint", "id " + std::to_string(id));
}

void MptcpPmClient::flush_endpoints() {
  send(message(raw(Command::flush_addrs)), "flushing", "the MPTCP endpoints");
}

std::vector<MptcpEndpoint> MptcpPmClient::endpoints() {
  nl_msg* msg = nlmsg_alloc();
  if (msg == nullptr) throw NetnsError("allocating", "a netlink message", "out of memory");
  genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, NLM_F_DUMP, raw(Command::get_addr), kVersion);
  std::vector<MptcpEndpoint> found;
  const auto parse = [](nl_msg* reply, void* arg) -> int {
    auto& out = *static_cast<std::vector<MptcpEndpoint>*>(arg);
    nlattr* attrs[kAttrMax + 1];
    if (genlmsg_parse(nlmsg_hdr(reply), 0, attrs, kAttrMax, nullptr) < 0 || !attrs[raw(Attr::addr)]) return NL_OK;
    nlattr* addr[kAddrAttrMax + 1];
    if (nla_parse_nested(addr, kAddrAttrMax, attrs[raw(Attr::addr)], nullptr) < 0) return NL_OK;
    MptcpEndpoint e;
    e.address = netlink_address_text(addr[raw(AddrAttr::addr4)], addr[raw(AddrAttr::addr6)]);
    if (addr[raw(AddrAttr::id)]) e.id = nla_get_u8(addr[raw(AddrAttr::id)]);
    if (addr[raw(AddrAttr::flags)]) e.flags = nla_get_u32(addr[raw(AddrAttr::flags)]);
    if (addr[raw(AddrAttr::if_idx)]) e.ifindex = nla_get_s32(addr[raw(AddrAttr::if_idx)]);
    out.push_back(e);
    return NL_OK;
  };
  nl_cb* cb = nl_cb_clone(nl_socket_get_cb(sock_));
  nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, &found);
  int err = nl_send_auto(sock_, msg);
  nlmsg_free(msg);
  if (err >= 0) err = nl_recvmsgs(sock_, cb);
  nl_cb_put(cb);
  if (err < 0) throw_nl("listing", "the MPTCP endpoints in " + ns_name_, err);
  return found;
}

void MptcpPmClient::create_subflow(std::uint32_t token, const MptcpAddress& local, const MptcpAddress& remote) {
  const std::string action = "creating MPTCP subflow";
  const std::string object = describe(local) + " -> " + describe(remote) + " of token " + std::to_string(token);
  nl_msg* msg = message(raw(Command::subflow_create));
  try {
    nla_put_u32(msg, raw(Attr::token), token);
    put_address(msg, Attr::addr, local.address, local.port, local.id, local.flags, 0, action);
    put_address(msg, Attr::addr_remote, remote.address, remote.port, 0, 0, 0, action);
  } catch (...) {
    nlmsg_free(msg);
    throw;
  }
  send(msg, action, object);
}

void MptcpPmClient::destroy_subflow(std::uint32_t token, const MptcpAddress& local, const MptcpAddress& remote) {
  const std::string action = "destroying MPTCP subflow";
  const std::string object = describe(local) + " -> " + describe(remote) + " of token " + std::to_string(token);
  nl_msg* msg = message(raw(Command::subflow_destroy));
  try {
    nla_put_u32(msg, raw(Attr::token), token);
    put_address(msg, Attr::addr, local.address, local.port, 0, 0, 0, action);
    put_address(msg, Attr::addr_remote, remote.address, remote.port, 0, 0, 0, action);
  } catch (...) {
    nlmsg_free(msg);
    throw;
  }
  send(msg, action, object);
}

}  // namespace mprecover::netns
