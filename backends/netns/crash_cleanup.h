// A run's namespaces go away even when the process crashes. NetworkNamespace registers every
// namespace it mounts; on SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT a handler unmounts and
// unlinks them (system calls only, as a signal handler must), then hands the signal on to the
// handler that was there before. SIGKILL cannot be caught: the next run removes what such a run
// left (netns_registry.h).
#pragma once

#include <string>

namespace mprecover::netns {

// Installs the handlers (once per process) and records /run/netns/NAME. Thread-safe.
void remove_on_crash(const std::string& path);
// Forgets it again (the namespace was removed the normal way). Thread-safe.
void forget_on_crash(const std::string& path);

}  // namespace mprecover::netns
