#include "plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace mprecover {

namespace {
// Debian's matplotlib belongs to the system interpreter, not to whatever python3 is first on PATH.
constexpr const char* kPython = "/usr/bin/python3";
// The plot scripts' exit code when matplotlib cannot be imported.
constexpr int kNoMatplotlib = 3;

// Runs `script` on `folder`; `drawn` says what the user finds when it worked.
std::string run_plot_script(const std::string& script, const std::filesystem::path& folder, const std::string& drawn) {
  const std::string dir = folder.string();
  std::vector<char*> argv{const_cast<char*>(kPython), const_cast<char*>(script.c_str()),
                          const_cast<char*>(dir.c_str()), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, kPython, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) return std::string("plot skipped: cannot start ") + kPython + ": " + std::strerror(spawn_error);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return drawn;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kNoMatplotlib)
    return "plot skipped: matplotlib is not installed (apt-get install python3-matplotlib)";
  return "plot skipped: " + script + " failed on " + dir;
}

}  // namespace

std::string draw_plot(const std::filesystem::path& run_dir) {
  return run_plot_script(MPRECOVER_PLOT_DIR "/plot_run.py", run_dir, "plot: " + (run_dir / "throughput.png").string());
}

std::string draw_comparison_plots(const std::filesystem::path& compare_dir) {
  return run_plot_script(MPRECOVER_PLOT_DIR "/plot_compare.py", compare_dir, "plots: " + (compare_dir / "*.png").string());
}

}  // namespace mprecover
