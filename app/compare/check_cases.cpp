#include "check_cases.h"

#include <libxml/xmlwriter.h>

#include <map>
#include <memory>
#include <stdexcept>

namespace mprecover {

std::vector<CheckCase> judge_check(const Comparison& baseline, const Comparison& now,
                                   const std::optional<std::string>& parity_with) {
  std::vector<CheckCase> cases;
  const std::vector<Regression> regressions = find_regressions(baseline, now);
  for (const ScenarioComparison& scenario : now.scenarios) {
    const ScenarioComparison* base = baseline.find(scenario.name);
    for (const RunFigures& run : scenario.runs) {
      CheckCase c{scenario.name, run.backend, run.policy, run.wall_s, {}, {}};
      for (const Regression& r : regressions)
        if (r.scenario == run.scenario && r.backend == run.backend && r.policy == run.policy)
          c.problems.push_back("REGRESSION " + r.describe());
      if (parity_with && run.backend != *parity_with && base != nullptr) {
        if (const RunFigures* reference = base->find(*parity_with, run.policy)) {
          const ParityVerdict verdict = check_parity(*reference, run, scenario.parity_context(run.policy));
          if (!verdict.agree)
            c.problems.push_back("DISAGREE " + scenario.name + " " + run.policy + ": " + differences_text(verdict));
        } else if (const auto why = base->not_run_on(*parity_with)) {
          c.notes.push_back("parity not judged: " + scenario.name + " " + run.policy + ": the baseline did not run it "
                            "on " + *why);
        } else {
          c.problems.push_back("DISAGREE " + scenario.name + " " + run.policy + ": the baseline has no run on " +
                               *parity_with + " to compare with");
        }
      }
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

namespace {

using Writer = std::unique_ptr<xmlTextWriter, decltype(&xmlFreeTextWriter)>;

const xmlChar* xml(const std::string& text) { return reinterpret_cast<const xmlChar*>(text.c_str()); }

void check(int result, const char* what) {
  if (result < 0) throw std::runtime_error(std::string("writing the JUnit report: ") + what + " failed");
}

void attribute(xmlTextWriter* w, const char* name, const std::string& value) {
  check(xmlTextWriterWriteAttribute(w, xml(name), xml(value)), name);
}

}  // namespace

std::string junit_xml(const std::vector<CheckCase>& cases) {
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer(xmlBufferCreate(), xmlBufferFree);
  if (!buffer) throw std::runtime_error("writing the JUnit report: out of memory");
  Writer writer(xmlNewTextWriterMemory(buffer.get(), 0), xmlFreeTextWriter);
  if (!writer) throw std::runtime_error("writing the JUnit report: out of memory");
  xmlTextWriter* w = writer.get();
  check(xmlTextWriterSetIndent(w, 1), "indent");
  check(xmlTextWriterStartDocument(w, nullptr, "UTF-8", nullptr), "the document");

  std::map<std::string, std::vector<const CheckCase*>> suites;
  std::vector<std::string> order;
  std::size_t failures = 0;
  for (const CheckCase& c : cases) {
    if (suites.find(c.scenario) == suites.end()) order.push_back(c.scenario);
    suites[c.scenario].push_back(&c);
    failures += c.problems.empty() ? 0U : 1U;
  }
  check(xmlTextWriterStartElement(w, xml("testsuites")), "testsuites");
  attribute(w, "name", "mprecover check");
  attribute(w, "tests", std::to_string(cases.size()));
  attribute(w, "failures", std::to_string(failures));
  for (const std::string& scenario : order) {
    const auto& members = suites[scenario];
    std::size_t failed = 0;
    for (const CheckCase* c : members) failed += c->problems.empty() ? 0U : 1U;
    check(xmlTextWriterStartElement(w, xml("testsuite")), "testsuite");
    attribute(w, "name", scenario);
    attribute(w, "tests", std::to_string(members.size()));
    attribute(w, "failures", std::to_string(failed));
    for (const CheckCase* c : members) {
      check(xmlTextWriterStartElement(w, xml("testcase")), "testcase");
      attribute(w, "classname", c->scenario + "." + c->backend);
      attribute(w, "name", c->policy);
      attribute(w, "time", std::to_string(c->seconds));
      if (!c->problems.empty()) {
        std::string text;
        for (const std::string& p : c->problems) text += p + "\n";
        check(xmlTextWriterStartElement(w, xml("failure")), "failure");
        attribute(w, "message", c->problems.front());
        check(xmlTextWriterWriteString(w, xml(text)), "failure text");
        check(xmlTextWriterEndElement(w), "failure");
      }
      check(xmlTextWriterEndElement(w), "testcase");
    }
    check(xmlTextWriterEndElement(w), "testsuite");
  }
  check(xmlTextWriterEndDocument(w), "the document");
  writer.reset();
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer.get())));
}

}  // namespace mprecover
