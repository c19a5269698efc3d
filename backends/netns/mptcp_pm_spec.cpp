// Our mptcp_pm numbers against the kernel's uapi header: a mismatch fails the build.
#include "backends/netns/mptcp_pm_spec.h"

#include <linux/mptcp.h>

#include <cstring>

namespace mprecover::netns::mptcp_pm {

static_assert(std::string_view(kFamily) == MPTCP_PM_NAME);
static_assert(std::string_view(kEventsGroup) == MPTCP_PM_EV_GRP_NAME);
static_assert(kVersion == MPTCP_PM_VER);

static_assert(raw(Command::add_addr) == MPTCP_PM_CMD_ADD_ADDR);
static_assert(raw(Command::del_addr) == MPTCP_PM_CMD_DEL_ADDR);
static_assert(raw(Command::get_addr) == MPTCP_PM_CMD_GET_ADDR);
static_assert(raw(Command::flush_addrs) == MPTCP_PM_CMD_FLUSH_ADDRS);
static_assert(raw(Command::set_limits) == MPTCP_PM_CMD_SET_LIMITS);
static_assert(raw(Command::get_limits) == MPTCP_PM_CMD_GET_LIMITS);
static_assert(raw(Command::set_flags) == MPTCP_PM_CMD_SET_FLAGS);
static_assert(raw(Command::announce) == MPTCP_PM_CMD_ANNOUNCE);
static_assert(raw(Command::remove) == MPTCP_PM_CMD_REMOVE);
static_assert(raw(Command::subflow_create) == MPTCP_PM_CMD_SUBFLOW_CREATE);
static_assert(raw(Command::subflow_destroy) == MPTCP_PM_CMD_SUBFLOW_DESTROY);

static_assert(raw(Attr::addr) == MPTCP_PM_ATTR_ADDR);
static_assert(raw(Attr::rcv_add_addrs) == MPTCP_PM_ATTR_RCV_ADD_ADDRS);
static_assert(raw(Attr::subflows) == MPTCP_PM_ATTR_SUBFLOWS);
static_assert(raw(Attr::token) == MPTCP_PM_ATTR_TOKEN);
static_assert(raw(Attr::loc_id) == MPTCP_PM_ATTR_LOC_ID);
static_assert(raw(Attr::addr_remote) == MPTCP_PM_ATTR_ADDR_REMOTE);

static_assert(raw(AddrAttr::family) == MPTCP_PM_ADDR_ATTR_FAMILY);
static_assert(raw(AddrAttr::id) == MPTCP_PM_ADDR_ATTR_ID);
static_assert(raw(AddrAttr::addr4) == MPTCP_PM_ADDR_ATTR_ADDR4);
static_assert(raw(AddrAttr::addr6) == MPTCP_PM_ADDR_ATTR_ADDR6);
static_assert(raw(AddrAttr::port) == MPTCP_PM_ADDR_ATTR_PORT);
static_assert(raw(AddrAttr::flags) == MPTCP_PM_ADDR_ATTR_FLAGS);
static_assert(raw(AddrAttr::if_idx) == MPTCP_PM_ADDR_ATTR_IF_IDX);

static_assert(EndpointFlag::signal == MPTCP_PM_ADDR_FLAG_SIGNAL);
static_assert(EndpointFlag::subflow == MPTCP_PM_ADDR_FLAG_SUBFLOW);
static_assert(EndpointFlag::backup == MPTCP_PM_ADDR_FLAG_BACKUP);
static_assert(EndpointFlag::fullmesh == MPTCP_PM_ADDR_FLAG_FULLMESH);
#ifdef MPTCP_PM_ADDR_FLAG_IMPLICIT
static_assert(EndpointFlag::implicit == MPTCP_PM_ADDR_FLAG_IMPLICIT);
#endif

static_assert(raw(EventType::created) == MPTCP_EVENT_CREATED);
static_assert(raw(EventType::established) == MPTCP_EVENT_ESTABLISHED);
static_assert(raw(EventType::closed) == MPTCP_EVENT_CLOSED);
static_assert(raw(EventType::announced) == MPTCP_EVENT_ANNOUNCED);
static_assert(raw(EventType::removed) == MPTCP_EVENT_REMOVED);
static_assert(raw(EventType::sub_established) == MPTCP_EVENT_SUB_ESTABLISHED);
static_assert(raw(EventType::sub_closed) == MPTCP_EVENT_SUB_CLOSED);
static_assert(raw(EventType::sub_priority) == MPTCP_EVENT_SUB_PRIORITY);
// listener_created/closed (15, 16) came after this machine's uapi header; taken from the spec.

static_assert(raw(EventAttr::token) == MPTCP_ATTR_TOKEN);
static_assert(raw(EventAttr::family) == MPTCP_ATTR_FAMILY);
static_assert(raw(EventAttr::loc_id) == MPTCP_ATTR_LOC_ID);
static_assert(raw(EventAttr::rem_id) == MPTCP_ATTR_REM_ID);
static_assert(raw(EventAttr::saddr4) == MPTCP_ATTR_SADDR4);
static_assert(raw(EventAttr::saddr6) == MPTCP_ATTR_SADDR6);
static_assert(raw(EventAttr::daddr4) == MPTCP_ATTR_DADDR4);
static_assert(raw(EventAttr::daddr6) == MPTCP_ATTR_DADDR6);
static_assert(raw(EventAttr::sport) == MPTCP_ATTR_SPORT);
static_assert(raw(EventAttr::dport) == MPTCP_ATTR_DPORT);
static_assert(raw(EventAttr::backup) == MPTCP_ATTR_BACKUP);
static_assert(raw(EventAttr::error) == MPTCP_ATTR_ERROR);
static_assert(raw(EventAttr::flags) == MPTCP_ATTR_FLAGS);
static_assert(raw(EventAttr::timeout) == MPTCP_ATTR_TIMEOUT);
static_assert(raw(EventAttr::if_idx) == MPTCP_ATTR_IF_IDX);
static_assert(raw(EventAttr::reset_reason) == MPTCP_ATTR_RESET_REASON);
static_assert(raw(EventAttr::reset_flags) == MPTCP_ATTR_RESET_FLAGS);
static_assert(raw(EventAttr::server_side) == MPTCP_ATTR_SERVER_SIDE);
static_assert(kEventAttrMax >= MPTCP_ATTR_MAX);
static_assert(kAttrMax >= MPTCP_PM_ATTR_MAX);
static_assert(kAddrAttrMax >= MPTCP_PM_ADDR_ATTR_MAX);

static_assert(event_type_named(event_name(EventType::sub_closed)) == EventType::sub_closed);

}  // namespace mprecover::netns::mptcp_pm
