// The command lines of `kind: command` traffic: their placeholders, filled in by the backend that
// runs them, and their words, split as a shell would split them (wordexp(3)) but run without one,
// so that the program started is the one stopped at the end of the run.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mprecover {

// What a command line may say in braces, and what each stands for.
const std::map<std::string, std::string>& command_placeholders();

class CommandLineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `line` with every "{name}" replaced by values.at(name). Throws CommandLineError naming a
// placeholder that is not in command_placeholders().
std::string fill_placeholders(const std::string& line, const std::map<std::string, std::string>& values);

// The words of a filled-in line: quotes and backslashes as in sh, $VARIABLES expanded; no command
// substitution, and none of | & ; < > ( ) { } outside quotes (they would need a shell). Throws
// CommandLineError saying which.
std::vector<std::string> split_command_line(const std::string& line);

}  // namespace mprecover
