// Commands to the kernel's MPTCP path manager of one namespace (generic netlink, mptcp_pm).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct nl_sock;
struct nl_msg;

namespace mprecover::netns {

class NetworkNamespace;

// An IPv4 or IPv6 address (text form) with an optional port (0: none), endpoint id (0: none) and flags
// (mptcp_pm::EndpointFlag bits; a subflow's local address flagged backup makes a backup subflow).
struct MptcpAddress {
  std::string address;
  std::uint16_t port = 0;
  std::uint8_t id = 0;
  std::uint32_t flags = 0;
};

// In-kernel PM endpoint (`ip mptcp endpoint add ADDRESS id ID FLAGS dev DEV`).
struct MptcpEndpoint {
  std::string address;
  std::uint8_t id = 0;     // 0: the kernel picks
  std::uint32_t flags = 0; // mptcp_pm::EndpointFlag bits
  int ifindex = 0;         // 0: none
};

// A generic-netlink socket on the mptcp_pm family, bound to `ns`. Every call waits for the
// kernel's answer and throws NetnsError naming the command, the object and the namespace.
class MptcpPmClient {
 public:
  // Throws when the kernel has no MPTCP (no mptcp_pm family), saying so.
  explicit MptcpPmClient(const NetworkNamespace& ns);
  ~MptcpPmClient();
  MptcpPmClient(const MptcpPmClient&) = delete;
  MptcpPmClient& operator=(const MptcpPmClient&) = delete;

  // In-kernel PM.
  void set_limits(std::uint32_t subflows, std::uint32_t add_addr_accepted);
  void add_endpoint(const MptcpEndpoint& endpoint);
  void delete_endpoint(std::uint8_t id);
  void set_endpoint_flags(std::uint8_t id, std::uint32_t flags);
  void flush_endpoints();
  // The endpoints there are now (`ip mptcp endpoint show`), their addresses and ids.
  std::vector<MptcpEndpoint> endpoints();

  // Userspace PM (net.mptcp.pm_type=1): a subflow of connection `token` from `local` (its id
  // required, non-zero) to `remote` (address and port).
  void create_subflow(std::uint32_t token, const MptcpAddress& local, const MptcpAddress& remote);
  // Closes the subflow `local` (address and port) to `remote` (address and port) of `token`.
  void destroy_subflow(std::uint32_t token, const MptcpAddress& local, const MptcpAddress& remote);

 private:
  nl_msg* message(std::uint8_t command) const;
  void send(nl_msg* msg, const std::string& action, const std::string& object);

  struct nl_sock* sock_ = nullptr;
  int family_ = 0;
  std::string ns_name_;
};

}  // namespace mprecover::netns
