#include "core/scenario/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace mprecover {
namespace {

using namespace std::chrono_literals;

std::string error_of(auto parse, std::string_view text) {
  try {
    parse(text);
  } catch (const ValueError& error) {
    return error.what();
  }
  return "no error for \"" + std::string(text) + "\"";
}

TEST(ParseDuration, ReadsEveryUnit) {
  EXPECT_EQ(parse_duration("10ms"), 10ms);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("250us"), 250us);
  EXPECT_EQ(parse_duration("7ns"), 7ns);
  EXPECT_EQ(parse_duration("2min"), 120s);
  EXPECT_EQ(parse_duration("1h"), 3600s);
  EXPECT_EQ(parse_duration("0s"), 0s);
  EXPECT_EQ(parse_duration("0.001s"), 1ms);
  EXPECT_EQ(parse_duration("0.5min"), 30s);
  EXPECT_EQ(parse_duration("1.000000000s"), 1s);  // trailing zeros beyond ns precision are fine
  EXPECT_EQ(parse_duration("007s"), 7s);
}

TEST(ParseDuration, RejectsWhatIsNotADuration) {
  EXPECT_EQ(error_of(parse_duration, "20 parsecs"),
            R"(expected a duration such as "200ms" or "1.5s" (units: ns, us, ms, s, min, h), got "20 parsecs")");
  for (const char* text : {"", "10", "ms", "10 ms", "1.s", ".5s", "1.2.3s", "1e3s", "10MS", "+1s", "1,5s", "nans"})
    EXPECT_NE(error_of(parse_duration, text).find("expected a duration"), std::string::npos) << text;
  EXPECT_EQ(error_of(parse_duration, "-1s"), R"(a negative value is not allowed here, got "-1s")");
  EXPECT_EQ(error_of(parse_duration, "1.5ns"), R"("1.5ns" is finer than 1ns)");
  EXPECT_EQ(error_of(parse_duration, "0.0000000001s"), R"("0.0000000001s" is finer than 1ns)");
}

TEST(ParseDuration, RejectsValuesThatOverflow) {
  EXPECT_EQ(error_of(parse_duration, "9999999999999999999999s"), R"("9999999999999999999999s" is too large)");
  EXPECT_EQ(error_of(parse_duration, "5000000h"), R"("5000000h" is too large)");  // fits 64 bits, not int64 ns
  EXPECT_EQ(error_of(parse_duration, "18446744073709551615min"), R"("18446744073709551615min" is too large)");
  EXPECT_EQ(parse_duration("9223372036854775807ns"), Duration{INT64_MAX});
  EXPECT_EQ(error_of(parse_duration, "9223372036854775808ns"), R"("9223372036854775808ns" is too large)");
  EXPECT_EQ(error_of(parse_duration, "1.0000000000000000001s"), R"("1.0000000000000000001s" has too many decimals)");
}

TEST(FormatDuration, GivesTheCanonicalShortForm) {
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(format_duration(10ms), "10ms");
  EXPECT_EQ(format_duration(250us), "250us");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(120s), "120s");  // min and h are read, never written
  EXPECT_EQ(format_duration(7200s), "7200s");
  EXPECT_EQ(format_duration(1234567ns), "1.234567ms");
  EXPECT_EQ(format_duration(1ns), "1ns");
}

TEST(ParseRate, ReadsSiUnits) {
  EXPECT_EQ(parse_rate("50Mbit"), 50'000'000u);
  EXPECT_EQ(parse_rate("1Gbit"), 1'000'000'000u);
  EXPECT_EQ(parse_rate("500kbit"), 500'000u);
  EXPECT_EQ(parse_rate("100bit"), 100u);
  EXPECT_EQ(parse_rate("1.5Mbit"), 1'500'000u);
  EXPECT_EQ(parse_rate("0bit"), 0u);
}

TEST(ParseRate, NamesTheAcceptedUnits) {
  EXPECT_EQ(error_of(parse_rate, "50Mbps"),
            R"(expected a rate such as "50Mbit" or "1.5Gbit" (units: bit, kbit, Mbit, Gbit), got "50Mbps")");
  EXPECT_EQ(error_of(parse_rate, "0.5bit"), R"("0.5bit" is finer than 1bit)");
  EXPECT_EQ(error_of(parse_rate, "20000000000Gbit"), R"("20000000000Gbit" is too large)");
  EXPECT_NE(error_of(parse_rate, "50MBit").find("expected a rate"), std::string::npos);
}

TEST(FormatRate, GivesTheCanonicalShortForm) {
  EXPECT_EQ(format_rate(50'000'000), "50Mbit");
  EXPECT_EQ(format_rate(1'500'000'000), "1.5Gbit");
  EXPECT_EQ(format_rate(999), "999bit");
  EXPECT_EQ(format_rate(0), "0bit");
  EXPECT_EQ(format_rate(UINT64_MAX), "18446744073.709551615Gbit");
}

TEST(ParseRatio, ReadsPercentages) {
  EXPECT_DOUBLE_EQ(parse_ratio("2%"), 0.02);
  EXPECT_EQ(parse_ratio("0.5%"), 0.005);
  EXPECT_EQ(parse_ratio("0%"), 0.0);
  EXPECT_EQ(parse_ratio("100%"), 1.0);
  EXPECT_EQ(parse_ratio("100.000%"), 1.0);
  EXPECT_EQ(parse_ratio("50%"), 0.5);
}

TEST(ParseRatio, RejectsOutOfRangeAndMalformed) {
  EXPECT_EQ(error_of(parse_ratio, "101%"), R"(a percentage must be between 0% and 100%, got "101%")");
  EXPECT_EQ(error_of(parse_ratio, "100.01%"), R"(a percentage must be between 0% and 100%, got "100.01%")");
  EXPECT_EQ(error_of(parse_ratio, "-1%"), R"(a negative value is not allowed here, got "-1%")");
  EXPECT_EQ(error_of(parse_ratio, "0.02"), R"(expected a percentage such as "2%" or "0.5%", got "0.02")");
  for (const char* text : {"%", "nan%", "inf%", "1e2%", "2 %", "2%%", ""})
    EXPECT_NE(error_of(parse_ratio, text).find("expected a percentage"), std::string::npos) << text;
  EXPECT_EQ(error_of(parse_ratio, "99999999999999999999999%"), R"("99999999999999999999999%" is too large)");
}

TEST(FormatRatio, GivesTheCanonicalShortForm) {
  EXPECT_EQ(format_ratio(0.02), "2%");
  EXPECT_EQ(format_ratio(0.005), "0.5%");
  EXPECT_EQ(format_ratio(0.0), "0%");
  EXPECT_EQ(format_ratio(1.0), "100%");
  EXPECT_EQ(format_ratio(0.5), "50%");
  EXPECT_EQ(format_ratio(0.123), "12.3%");
}

TEST(ParseQueueSize, ReadsPacketsAndBytes) {
  EXPECT_EQ(parse_queue_size("100p"), (QueueSize{QueueSize::Unit::packets, 100}));
  EXPECT_EQ(parse_queue_size("64KB"), (QueueSize{QueueSize::Unit::bytes, 64'000}));
  EXPECT_EQ(parse_queue_size("1MB"), (QueueSize{QueueSize::Unit::bytes, 1'000'000}));
  EXPECT_EQ(parse_queue_size("1500B"), (QueueSize{QueueSize::Unit::bytes, 1500}));
  EXPECT_EQ(parse_queue_size("64KiB"), (QueueSize{QueueSize::Unit::bytes, 65'536}));
}

TEST(ParseQueueSize, RejectsEmptyQueuesAndOtherUnits) {
  EXPECT_EQ(error_of(parse_queue_size, "0p"), R"(a queue size must be more than 0, got "0p")");
  EXPECT_EQ(error_of(parse_queue_size, "0KB"), R"(a queue size must be more than 0, got "0KB")");
  EXPECT_EQ(error_of(parse_queue_size, "100"),
            R"(expected a queue size in packets such as "100p" or in bytes such as "64KB" )"
            R"((units: B, KB, KiB, MB, MiB, GB, GiB), got "100")");
  EXPECT_NE(error_of(parse_queue_size, "1.5p").find("expected a queue size"), std::string::npos);
  EXPECT_EQ(error_of(parse_queue_size, "99999999999999999999p"), R"("99999999999999999999p" is too large)");
}

TEST(FormatQueueSize, GivesTheCanonicalShortForm) {
  EXPECT_EQ(format_queue_size({QueueSize::Unit::packets, 100}), "100p");
  EXPECT_EQ(format_queue_size({QueueSize::Unit::bytes, 64'000}), "64KB");
  EXPECT_EQ(format_queue_size({QueueSize::Unit::bytes, 65'536}), "64KiB");
  EXPECT_EQ(format_queue_size({QueueSize::Unit::bytes, 1500}), "1.5KB");
}

TEST(ParseBytes, ReadsDecimalAndBinaryUnits) {
  EXPECT_EQ(parse_bytes("100MB"), 100'000'000u);
  EXPECT_EQ(parse_bytes("1GB"), 1'000'000'000u);
  EXPECT_EQ(parse_bytes("500KB"), 500'000u);
  EXPECT_EQ(parse_bytes("1GiB"), 1'073'741'824u);
  EXPECT_EQ(parse_bytes("1.5KiB"), 1536u);
  EXPECT_EQ(parse_bytes("0.5GiB"), 536'870'912u);
  EXPECT_EQ(parse_bytes("0B"), 0u);
  EXPECT_EQ(error_of(parse_bytes, "0.3KiB"), R"("0.3KiB" is finer than 1B)");
  EXPECT_EQ(error_of(parse_bytes, "100mb"),
            R"(expected a byte count such as "100MB" or "1GiB" (units: B, KB, KiB, MB, MiB, GB, GiB), got "100mb")");
  EXPECT_EQ(error_of(parse_bytes, "17179869184GiB"), R"("17179869184GiB" is too large)");
}

TEST(FormatBytes, PrefersWholeBinaryUnitsThenDecimals) {
  EXPECT_EQ(format_bytes(100'000'000), "100MB");
  EXPECT_EQ(format_bytes(1'073'741'824), "1GiB");
  EXPECT_EQ(format_bytes(1'500'000'000), "1.5GB");
  EXPECT_EQ(format_bytes(2048), "2KiB");
  EXPECT_EQ(format_bytes(0), "0B");
  EXPECT_EQ(format_bytes(999), "999B");
}

TEST(ParseWholeNumber, ChecksDigitsAndRange) {
  EXPECT_EQ(parse_whole_number("4", 1, 10), 4u);
  EXPECT_EQ(parse_whole_number("18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(error_of([](std::string_view t) { return parse_whole_number(t, 1, 10); }, "0"),
            R"(must be between 1 and 10, got "0")");
  EXPECT_EQ(error_of([](std::string_view t) { return parse_whole_number(t, 1, 10); }, "11"),
            R"(must be between 1 and 10, got "11")");
  EXPECT_EQ(error_of([](std::string_view t) { return parse_whole_number(t, 0, UINT64_MAX); }, "18446744073709551616"),
            R"(must be between 0 and 18446744073709551615, got "18446744073709551616")");
  for (const char* text : {"", "-1", "+1", "1.0", "1e3", "0x10", " 1", "four"})
    EXPECT_NE(error_of([](std::string_view t) { return parse_whole_number(t, 0, 10); }, text).find("whole number"),
              std::string::npos)
        << text;
}

TEST(ParseBool, AcceptsOnlyTrueAndFalse) {
  EXPECT_TRUE(parse_bool("true"));
  EXPECT_FALSE(parse_bool("false"));
  EXPECT_EQ(error_of(parse_bool, "yes"), R"(expected true or false, got "yes")");
}

// parse(format(x)) == x over a spread of values, including ones no file would use.
TEST(Units, FormatThenParseGivesTheSameValue) {
  std::uint64_t value = 1;
  for (int i = 0; i < 2000; ++i) {
    value = value * 6364136223846793005ULL + 1442695040888963407ULL;  // a fixed LCG, so failures repeat
    for (const std::uint64_t v : {value, value >> 20, value >> 40, value % 1000 * 1'000'000, value % 100}) {
      const Duration duration{static_cast<Duration::rep>(v >> 1)};
      EXPECT_EQ(parse_duration(format_duration(duration)), duration) << format_duration(duration);
      EXPECT_EQ(parse_rate(format_rate(v)), v) << format_rate(v);
      EXPECT_EQ(parse_bytes(format_bytes(v)), v) << format_bytes(v);
      if (v > 0) {
        const QueueSize packets{QueueSize::Unit::packets, v};
        const QueueSize bytes{QueueSize::Unit::bytes, v};
        EXPECT_EQ(parse_queue_size(format_queue_size(packets)), packets);
        EXPECT_EQ(parse_queue_size(format_queue_size(bytes)), bytes);
      }
      const Ratio ratio = static_cast<double>(v % 1'000'001) / 1'000'000.0;
      EXPECT_EQ(parse_ratio(format_ratio(ratio)), ratio) << format_ratio(ratio);
    }
  }
  for (const Ratio ratio : {0.0, 1.0, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 1e-9, 0.999999999})
    EXPECT_EQ(parse_ratio(format_ratio(ratio)), ratio) << format_ratio(ratio);
}

TEST(Units, ListsTheAcceptedSuffixes) {
  EXPECT_EQ(duration_units(), "ns, us, ms, s, min, h");
  EXPECT_EQ(rate_units(), "bit, kbit, Mbit, Gbit");
  EXPECT_EQ(bytes_units(), "B, KB, KiB, MB, MiB, GB, GiB");
}

}  // namespace
}  // namespace mprecover
