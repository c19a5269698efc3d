#include "core/network/outage_kinds.h"

#include <stdexcept>

#include "core/network/network_port.h"
#include "engine/enum_names.h"

namespace mprecover {

namespace {

void end_blackhole(NetworkPort& net, PathId path, const PathShape&) { net.set_blackhole(path, false); }

std::vector<OutageKind> make_table() {
  std::vector<OutageKind> t;
  t.push_back({"blackhole",
               "every packet on the path is dropped, the link stays up: an upstream failure. Subflows see silence and "
               "retransmit; they resume by themselves",
               true, false, [](NetworkPort& net, PathId path, const PathShape&) { net.set_blackhole(path, true); },
               end_blackhole});
  t.push_back({"down",
               "the link goes down (carrier lost): a pulled cable, a modem switched off. Subflows survive and resume "
               "when the link is up",
               true, false, [](NetworkPort& net, PathId path, const PathShape&) { net.set_link(path, false); },
               [](NetworkPort& net, PathId path, const PathShape&) { net.set_link(path, true); }});
  t.push_back({"reset",
               "the path's subflows are aborted with a RST during the cut, as a NAT or modem reboot does. The in-kernel "
               "path manager never re-creates them: the bug this project is about",
               true, false,
               [](NetworkPort& net, PathId path, const PathShape&) {
                 net.abort_subflows(path);
                 net.set_blackhole(path, true);
               },
               end_blackhole});
  t.push_back({"readdress",
               "the path is cut and comes back with a new client address, as after a PPPoE reconnect or a new DHCP "
               "lease; the subflows of the old address die with it",
               true, false,
               [](NetworkPort& net, PathId path, const PathShape&) {
                 net.abort_subflows(path);
                 net.set_blackhole(path, true);
                 net.readdress(path);
               },
               end_blackhole});
  t.push_back({"degrade", "the path keeps working with a new rate, delay and/or loss until its restore", true, true,
               [](NetworkPort& net, PathId path, const PathShape& shape) { net.shape(path, shape); },
               [](NetworkPort& net, PathId path, const PathShape& normal) { net.shape(path, normal); }});
  t.push_back({"restore", "the path works again as defined in `topology.paths`", false, false, nullptr, nullptr});
  t.push_back({"up", "the link comes up again (`restore` by its natural name after `down`)", false, false, nullptr,
               nullptr});
  return t;
}

}  // namespace

const std::vector<OutageKind>& outage_kinds() {
  static const std::vector<OutageKind> table = make_table();
  return table;
}

const OutageKind* find_outage_kind(std::string_view name) {
  for (const OutageKind& k : outage_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

const OutageKind& outage_kind(std::string_view name) {
  if (const OutageKind* k = find_outage_kind(name)) return *k;
  throw std::invalid_argument("no outage kind '" + std::string(name) + "'; the actions are " + outage_kind_names_text());
}

std::string outage_kind_names_text() {
  std::vector<std::string> names;
  for (const OutageKind& k : outage_kinds()) names.push_back(k.name);
  return or_list(names);
}

}  // namespace mprecover
