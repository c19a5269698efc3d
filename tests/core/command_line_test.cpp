// Kind command's command lines: placeholders filled in, words split as sh splits them, no shell.
#include "core/network/command_line.h"

#include <gtest/gtest.h>

namespace mprecover {
namespace {

const std::map<std::string, std::string> kValues{{"server", "10.3.0.2"}, {"port", "5201"}, {"duration", "41"}};

TEST(CommandLine, FillsEveryPlaceholderAndLeavesTheRest) {
  EXPECT_EQ(fill_placeholders("iperf3 -c {server} -p {port} -t {duration} -T '{port}'", kValues),
            "iperf3 -c 10.3.0.2 -p 5201 -t 41 -T '5201'");
  EXPECT_EQ(fill_placeholders("echo no braces } here {", kValues), "echo no braces } here {");
  EXPECT_THROW(fill_placeholders("iperf3 -c {host}", kValues), CommandLineError);
}

TEST(CommandLine, SplitsWordsAsAShellWouldWithoutRunningOne) {
  EXPECT_EQ(split_command_line("iperf3  -c 10.3.0.2 --title 'two words' \"and two\" a\\ b"),
            (std::vector<std::string>{"iperf3", "-c", "10.3.0.2", "--title", "two words", "and two", "a b"}));
  EXPECT_EQ(split_command_line("sh -c 'echo a; echo b'"), (std::vector<std::string>{"sh", "-c", "echo a; echo b"}));
  EXPECT_THROW(split_command_line("iperf3 -c x | tee log"), CommandLineError);
  EXPECT_THROW(split_command_line("iperf3 -c $(hostname)"), CommandLineError);
  EXPECT_THROW(split_command_line("iperf3 'unclosed"), CommandLineError);
  EXPECT_THROW(split_command_line("   "), CommandLineError);
}

}  // namespace
}  // namespace mprecover
