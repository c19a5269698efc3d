// The one error type of the netns backend: it names the action that failed, the object it failed
// on and why, in words (never a bare netlink error code).
#pragma once

#include <stdexcept>
#include <string>

namespace mprecover::netns {

class NetnsError : public std::runtime_error {
 public:
  NetnsError(const std::string& action, const std::string& object, const std::string& reason, int error = 0)
      : std::runtime_error(action + " " + object + ": " + reason), error_(error) {}

  // The errno the kernel answered with, where there was one (EEXIST, ENOENT, ...); else 0.
  int error() const { return error_; }

 private:
  int error_;
};

// Throws NetnsError with strerror(errno_value) as the reason.
[[noreturn]] void throw_errno(const std::string& action, const std::string& object, int errno_value);

// Throws NetnsError for a negative libnl return code (nl_geterror), with a hint where one helps.
[[noreturn]] void throw_nl(const std::string& action, const std::string& object, int nl_error);

}  // namespace mprecover::netns
