// Ctrl-C during mprecover.run(): the run executes with the GIL released, so Python's own SIGINT
// handling (a flag checked between bytecodes) cannot reach it. For the length of the run we put a
// handler in front of Python's that sets the run's stop flag, then hands the signal on to Python's
// handler, which records it as usual; the caller raises KeyboardInterrupt after the run returns.
#include <csignal>
#include <cstdint>

#include "bindings.h"

namespace mprecover::python {

namespace {

std::atomic<std::atomic<bool>*> g_stop{nullptr};
static_assert(std::atomic<std::atomic<bool>*>::is_always_lock_free, "the signal handler needs a lock-free pointer");
struct sigaction g_python_action {};

extern "C" void on_sigint(int signal, siginfo_t* info, void* context) {
  if (std::atomic<bool>* stop = g_stop.load()) stop->store(true);
  if (g_python_action.sa_flags & SA_SIGINFO) {
    g_python_action.sa_sigaction(signal, info, context);
  } else {
    void (*handler)(int) = g_python_action.sa_handler;
    // Installed only when Python's handler is a function (not SIG_DFL or SIG_IGN): see below.
    handler(signal);
  }
}

bool on_main_thread() {
  const py::module_ threading = py::module_::import("threading");
  return threading.attr("current_thread")().is(threading.attr("main_thread")());
}

bool is_function(const struct sigaction& action) {
  if (action.sa_flags & SA_SIGINFO) return action.sa_sigaction != nullptr;
  const auto handler = reinterpret_cast<std::uintptr_t>(action.sa_handler);
  return handler != reinterpret_cast<std::uintptr_t>(SIG_DFL) && handler != reinterpret_cast<std::uintptr_t>(SIG_IGN);
}

}  // namespace

InterruptGuard::InterruptGuard(std::atomic<bool>& stop) {
  // Only the main thread gets Python's signals; a run on another thread is not ours to stop.
  // When Python ignores SIGINT or leaves it to the default action, so do we.
  if (!on_main_thread()) return;
  struct sigaction current {};
  if (sigaction(SIGINT, nullptr, &current) != 0 || !is_function(current)) return;
  g_python_action = current;
  g_stop.store(&stop);
  struct sigaction ours {};
  ours.sa_sigaction = on_sigint;
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&ours.sa_mask);
  installed_ = sigaction(SIGINT, &ours, nullptr) == 0;
  if (!installed_) g_stop.store(nullptr);
}

InterruptGuard::~InterruptGuard() {
  if (!installed_) return;
  sigaction(SIGINT, &g_python_action, nullptr);
  g_stop.store(nullptr);
}

}  // namespace mprecover::python
