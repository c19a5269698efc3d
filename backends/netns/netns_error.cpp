#include "backends/netns/netns_error.h"

#include <netlink/errno.h>

#include <cerrno>
#include <cstring>

namespace mprecover::netns {

namespace {

// The errno behind a libnl code, for the codes the kernel's netlink answers turn into.
int errno_of(int nl_code) {
  switch (nl_code) {
    case NLE_EXIST: return EEXIST;
    case NLE_OBJ_NOTFOUND: return ENOENT;
    case NLE_INVAL: return EINVAL;
    case NLE_PERM: return EPERM;
    case NLE_NOACCESS: return EACCES;
    case NLE_BUSY: return EBUSY;
    case NLE_NOMEM: return ENOMEM;
    case NLE_AGAIN: return EAGAIN;
    case NLE_OPNOTSUPP: return EOPNOTSUPP;
    case NLE_RANGE: return ERANGE;
    case NLE_NOADDR: return EADDRNOTAVAIL;
    default: return EIO;
  }
}

}  // namespace

void throw_errno(const std::string& action, const std::string& object, int errno_value) {
  throw NetnsError(action, object, std::strerror(errno_value), errno_value);
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
  throw NetnsError(action, object, reason, errno_of(code));
}

}  // namespace mprecover::netns
