#include "campaign_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace mprecover {

namespace {

namespace fs = std::filesystem;

#ifdef MPRECOVER_PYTHON
// The build tree's binary runs the build tree's package; an installed one the installed package.
fs::path package_parent(const fs::path& self) {
  const fs::path build_dir = fs::path(MPRECOVER_BUILD_PYTHON_DIR).parent_path();
  std::error_code ec;
  if (fs::equivalent(self.parent_path(), build_dir, ec)) return MPRECOVER_BUILD_PYTHON_DIR;
  return MPRECOVER_INSTALLED_PYTHON_DIR;
}
#endif

}  // namespace

int campaign_command(const std::vector<std::string>& args) {
#ifdef MPRECOVER_PYTHON
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    std::cerr << "mprecover campaign: cannot find this program's own path (/proc/self/exe): " << ec.message() << '\n';
    return 1;
  }
  const fs::path parent = package_parent(self);
  if (!fs::is_regular_file(parent / "mprecover" / "__init__.py")) {
    std::cerr << "mprecover campaign: the Python package mprecover is not in " << parent.string()
              << " (build it with `cmake --build build --target mprecover_python`, or install it with "
                 "`cmake --install build`)\n";
    return 1;
  }
  const char* old_path = std::getenv("PYTHONPATH");
  std::string python_path = parent.string();
  if (old_path != nullptr && *old_path != '\0') python_path.append(":").append(old_path);
  if (setenv("PYTHONPATH", python_path.c_str(), 1) != 0 || setenv("MPRECOVER_BIN", self.c_str(), 1) != 0) {
    std::cerr << "mprecover campaign: cannot set the environment: " << std::strerror(errno) << '\n';
    return 1;
  }
  std::vector<std::string> words{MPRECOVER_PYTHON, "-m", "mprecover.campaign"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  execv(MPRECOVER_PYTHON, argv.data());
  std::cerr << "mprecover campaign: cannot start " << MPRECOVER_PYTHON << ": " << std::strerror(errno) << '\n';
  return 1;
#else
  (void)args;
  std::cerr << "mprecover campaign: this build has no Python module (configured with -DMPRECOVER_WITH_PYTHON=OFF), "
               "and campaigns are Python: reconfigure with -DMPRECOVER_WITH_PYTHON=ON\n";
  return 1;
#endif
}

}  // namespace mprecover
