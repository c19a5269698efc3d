#include "core/network/command_line.h"

#include <wordexp.h>

namespace mprecover {

const std::map<std::string, std::string>& command_placeholders() {
  static const std::map<std::string, std::string> placeholders{
      {"server", "the server's address"},
      {"port", "the port the server command listens on"},
      {"duration", "the client's whole seconds, until 1 s before the end of the run"},
  };
  return placeholders;
}

std::string fill_placeholders(const std::string& line, const std::map<std::string, std::string>& values) {
  std::string filled;
  std::size_t from = 0;
  for (std::size_t open = line.find('{'); open != std::string::npos; open = line.find('{', from)) {
    const std::size_t close = line.find('}', open);
    if (close == std::string::npos) break;
    const std::string name = line.substr(open + 1, close - open - 1);
    if (command_placeholders().count(name) == 0) {
      std::string known;
      for (const auto& [placeholder, meaning] : command_placeholders())
        known += (known.empty() ? "{" : ", {") + placeholder + "}";
      throw CommandLineError("{" + name + "} is not a placeholder; the placeholders are " + known);
    }
    filled += line.substr(from, open - from) + values.at(name);
    from = close + 1;
  }
  return filled + line.substr(from);
}

std::vector<std::string> split_command_line(const std::string& line) {
  wordexp_t words{};
  const int result = wordexp(line.c_str(), &words, WRDE_NOCMD);
  if (result != 0) {
    if (result == WRDE_NOSPACE) wordfree(&words);
    switch (result) {
      case WRDE_BADCHAR:
        throw CommandLineError("one of | & ; < > ( ) { } outside quotes: the command runs without a shell (quote "
                               "the character, or write sh -c '...')");
      case WRDE_CMDSUB:
        throw CommandLineError("$(...) or `...`: the command runs without a shell, which would substitute it");
      case WRDE_SYNTAX:
        throw CommandLineError("unbalanced quotes");
      default:
        throw CommandLineError("cannot split it into words (wordexp error " + std::to_string(result) + ")");
    }
  }
  std::vector<std::string> argv(words.we_wordv, words.we_wordv + words.we_wordc);
  wordfree(&words);
  if (argv.empty()) throw CommandLineError("no program to run");
  return argv;
}

}  // namespace mprecover
