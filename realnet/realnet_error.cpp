#include "realnet/realnet_error.h"

#include <netlink/errno.h>

#include <cstring>

namespace mprecover::realnet {

void throw_errno(const std::string& action, const std::string& object, int errno_value) {
  throw RealnetError(action, object, std::strerror(errno_value));
}

void throw_nl(const std::string& action, const std::string& object, int nl_error) {
  const int code = nl_error < 0 ? -nl_error : nl_error;
  std::string reason = nl_geterror(code);
  switch (code) {
    case NLE_PERM:
      reason += " (the netns backend must run as root)";
      break;
    case NLE_OPNOTSUPP:
    case NLE_OBJ_NOTFOUND:
      reason += " (the kernel lacks this feature or module)";
      break;
    case NLE_EXIST:
      reason += " (already there: a leftover of an earlier run?)";
      break;
    default:
      break;
  }
  throw RealnetError(action, object, reason);
}

}  // namespace mprecover::realnet
