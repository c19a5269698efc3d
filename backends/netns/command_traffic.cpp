#include "backends/netns/command_traffic.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "backends/netns/mptcp_subflow_diag.h"
#include "backends/netns/netns_error.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/sock_diag_socket.h"
#include "core/network/command_line.h"

namespace mprecover::netns {

namespace {

constexpr const char* kMptcpize = "/usr/bin/mptcpize";
constexpr auto kListenTimeout = std::chrono::seconds(5);

// The last lines of a program's output, for a one-line failure.
std::string last_lines(const std::string& output, std::size_t lines = 4) {
  std::size_t from = output.size();
  while (from > 0 && output[from - 1] == '\n') --from;
  const std::size_t end = from;
  for (std::size_t n = 0; from > 0 && n < lines; --from)
    if (output[from - 1] == '\n' && ++n == lines) break;
  std::string text = output.substr(from, end - from);
  for (char& c : text)
    if (c == '\n') c = '|';
  return text.empty() ? "(it printed nothing)" : "\"" + text + "\"";
}

std::vector<std::string> argv_of(const std::string& line, const std::map<std::string, std::string>& values) {
  std::vector<std::string> argv{kMptcpize, "run"};
  for (std::string& word : split_command_line(fill_placeholders(line, values))) argv.push_back(std::move(word));
  return argv;
}

}  // namespace

CommandTraffic::CommandTraffic(const NetworkNamespace& server_ns, const NetworkNamespace& client_ns, EventLoop& loop,
                               const TrafficCommands& commands, const std::string& server_address,
                               std::uint16_t port, ClientEndCallback on_client_end)
    : loop_(loop), on_client_end_(std::move(on_client_end)) {
  if (access(kMptcpize, X_OK) != 0)
    throw NetnsError("running", "kind command's programs",
                     std::string(kMptcpize) + " is not installed (Debian package mptcpize; cmake/install-deps.sh "
                                              "installs it)");
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(commands.client_time).count();
  const std::map<std::string, std::string> values{
      {"server", server_address}, {"port", std::to_string(port)}, {"duration", std::to_string(seconds)}};
  server_ = {"server", argv_of(commands.server, values), nullptr, std::nullopt};
  client_ = {"client", argv_of(commands.client, values), nullptr, std::nullopt};
  start(server_, server_ns);
  await_listener(server_ns, port);
  start(client_, client_ns);
}

void CommandTraffic::start(Program& program, const NetworkNamespace& ns) {
  program.process =
      std::make_unique<DaemonProcess>(ns, program.argv, loop_, [this, &program](const DaemonProcess::Ending& ending) {
        program.ended = ending;
        if (&program == &client_ && on_client_end_) on_client_end_(ending.how);
      });
}

void CommandTraffic::await_listener(const NetworkNamespace& ns, std::uint16_t port) {
  SockDiagSocket diag(ns);
  const auto deadline = std::chrono::steady_clock::now() + kListenTimeout;
  while (!tcp_listener_on(diag, port)) {
    if (!server_.process->poll() || std::chrono::steady_clock::now() >= deadline)
      throw NetnsError("starting", "the server command `" + command_text(server_) + "` in " + ns.name(),
                       (server_.process->running() ? "nothing listened on port " + std::to_string(port) + " within 5 s"
                                                   : std::string("it ended before it listened on port ") +
                                                         std::to_string(port)) +
                           "; its output: " + last_lines(server_.process->output()));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string CommandTraffic::command_text(const Program& program) const {
  std::string text;
  for (const std::string& word : program.argv) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::vector<std::string> CommandTraffic::failures() const {
  std::vector<std::string> failures;
  for (const Program* program : {&server_, &client_})
    if (program->ended && !program->ended->succeeded)
      failures.push_back("the " + program->role + " command `" + command_text(*program) + "` " + program->ended->how +
                         ": " + last_lines(program->process->output()));
  return failures;
}

std::vector<std::string> CommandTraffic::notes() const {
  std::vector<std::string> notes;
  for (const Program* program : {&server_, &client_})
    notes.push_back("command: the " + program->role + "'s `" + command_text(*program) + "` " +
                    (program->ended ? program->ended->how : "was still running at the end of the run, and was stopped") +
                    " (its output: command-" + program->role + ".log)");
  return notes;
}

std::vector<std::pair<std::string, std::string>> CommandTraffic::run_files() const {
  std::vector<std::pair<std::string, std::string>> files;
  for (const Program* program : {&server_, &client_})
    files.emplace_back("command-" + program->role + ".log",
                       "$ " + command_text(*program) + "\n" + program->process->output() + "[" +
                           (program->ended ? program->ended->how : "still running at the end of the run: stopped") +
                           "]\n");
  return files;
}

}  // namespace mprecover::netns
