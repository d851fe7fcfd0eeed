// summary.html (grade/reports.h).
#include <gtest/gtest.h>

#include <string>

#include "grade/report_text.h"
#include "grade/reports.h"
#include "grade/tests/report_fixtures.h"

namespace chatkit::grade {
namespace {

std::string page() {
  return render_summary_html(testing::stage2_class(), GradingPolicy{});
}

std::size_t at(const std::string& html, const std::string& what) {
  const std::size_t found = html.find(what);
  EXPECT_NE(found, std::string::npos) << "missing: " << what;
  return found;
}

TEST(SummaryHtml, IsOneSelfContainedPageWithNoScript) {
  const std::string html = page();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(xml_safe(html), html);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  at(html, "<style>");
}

TEST(SummaryHtml, ShowsTheClassTotalsAndEachChecksPassRate) {
  const std::string html = page();
  at(html, "<h1>Stage 2: 6 students</h1>");
  // ana passes everything; bo, dee and the hostile student some; chen and eve could not be graded.
  at(html, "<b>1</b> pass every check · <b>3</b> pass some · <b>2</b> could not be graded");
  at(html, "Graded in 4 min 12 s, 2 at a time.");
  // The first check: ana, bo, dee, hostile pass it: 4 of 6 = 67 %.
  at(html,
     "#1 server: prints its listening line and accepts connections<div class=\"name\">"
     "Stage2Server.PrintsItsListeningLineAndAcceptsConnections</div></td><td>1</td><td "
     "class=\"bar\"><div style=\"width:67%\"></div></td><td>4 of 6</td>");
}

TEST(SummaryHtml, GroupsTheMostCommonFailuresByTheirHint) {
  const std::string html = page();
  // bo's two failures share the byte-order hint: one group, first (2 failures, then by count).
  const std::size_t failures = at(html, "<h2>Most common failures</h2>");
  const std::size_t byte_order = at(html,
                                    "1 student, 2 failures</span><div class=\"hint\">Hint: "
                                    "the length prefix is big-endian");
  EXPECT_GT(byte_order, failures);
  // dee's four unfinished checks have no hint: grouped by their first line.
  const std::size_t timeout = at(html,
                                 "1 student, 4 failures</span><div class=\"hint\">not "
                                 "finished: the time for the checks ran out</div>");
  EXPECT_LT(timeout, byte_order) << "more failures first when as many students";
  // Build failures are not counted among the failures: the grid shows them.
  EXPECT_EQ(html.find("<div class=\"hint\">not run"), std::string::npos);
}

TEST(SummaryHtml, TheGridPutsTheBestFirstAndTheUngradedLast) {
  const std::string html = page();
  const std::size_t grid = at(html, "<h2>Who passes what</h2>");
  const std::size_t ana = at(html, "<tr><th class=\"student\">ana</th><td class=\"score\">5 / 5");
  const std::size_t bo = at(html, "<tr><th class=\"student\">bo</th><td class=\"score\">3 / 5");
  const std::size_t chen = html.find("<tr><th class=\"student\">chen");
  const std::size_t dee = html.find("<tr><th class=\"student\">dee");
  EXPECT_LT(grid, ana);
  EXPECT_LT(ana, bo);
  EXPECT_LT(bo, dee);
  EXPECT_LT(dee, chen);
  // Why nothing ran, across the row; why a run did not finish, under its cells.
  at(html,
     "<td class=\"problem\" colspan=\"5\">the code did not compile: server.cpp:12: "
     "&#39;sendall&#39; was not declared</td></tr>");
  at(html,
     "<tr class=\"after\"><td></td><td></td><td class=\"problem\" colspan=\"5\">the "
     "checks did not finish within 120 s");
  at(html, "<td class=\"fail\" title=\"the count came as 01 00 00 00\">✗</td>");
}

TEST(SummaryHtml, StudentTextIsEscaped) {
  const std::string html = page();
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_EQ(html.find("<i>never</i>"), std::string::npos);
  at(html, "=HYPERLINK(&quot;http://evil&quot;,&quot;&lt;b&gt;x&lt;/b&gt;&quot;)");
  at(html, "Hint: &lt;i&gt;never&lt;/i&gt; &quot;trust&quot; input");
  at(html, "title=\"got &quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; &amp;");
  at(html, "<td class=\"skip\" title=\"could not run here: no &quot;/proc&quot; &lt;here&gt;\">–");
}

TEST(SummaryHtml, AnEmptyClassSaysSo) {
  ClassResult klass;
  klass.stage = 3;
  const std::string html = render_summary_html(klass, GradingPolicy{});
  at(html, "<h1>Stage 3: 0 students</h1>");
  at(html, "None: every check that ran passed.");
}

}  // namespace
}  // namespace chatkit::grade
