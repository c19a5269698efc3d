#include "backends/netns/crash_cleanup.h"

#include <sys/mount.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>

namespace mprecover::netns {

namespace {

constexpr std::size_t kSlots = 2048;  // namespaces alive at once in one process
constexpr std::size_t kPathBytes = 256;
constexpr std::array<int, 5> kFatalSignals{SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

struct Slot {
  std::atomic<bool> live{false};
  char path[kPathBytes] = {};
};

std::array<Slot, kSlots> g_slots;
std::mutex g_slots_mutex;  // for registering and forgetting; the handler only reads `live`
std::array<struct sigaction, kFatalSignals.size()> g_previous{};

extern "C" void remove_namespaces_and_go_on(int signal) {
  for (Slot& slot : g_slots) {
    if (!slot.live.load()) continue;
    umount2(slot.path, MNT_DETACH);
    unlink(slot.path);
  }
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i) {
    if (kFatalSignals[i] == signal) sigaction(signal, &g_previous[i], nullptr);
  }
  // A fault re-runs the faulting instruction into the previous handler; raise() covers the rest.
  raise(signal);
}

void install_handlers() {
  struct sigaction action{};
  action.sa_handler = remove_namespaces_and_go_on;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_NODEFER;
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i) sigaction(kFatalSignals[i], &action, &g_previous[i]);
}

}  // namespace

void remove_on_crash(const std::string& path) {
  static std::once_flag installed;
  std::call_once(installed, install_handlers);
  if (path.size() >= kPathBytes) return;  // NetworkNamespace's names are far shorter
  std::lock_guard<std::mutex> lock(g_slots_mutex);
  for (Slot& slot : g_slots) {
    if (slot.live.load()) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    slot.live.store(true);
    return;
  }
}

void forget_on_crash(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_slots_mutex);
  for (Slot& slot : g_slots) {
    if (slot.live.load() && path == slot.path) {
      slot.live.store(false);
      return;
    }
  }
}

}  // namespace mprecover::netns
