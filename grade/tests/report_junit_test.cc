// junit.xml (grade/reports.h). Python's XML parser reads it too (check_reports.py).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grade/report_text.h"
#include "grade/reports.h"
#include "grade/tests/report_fixtures.h"

namespace chatkit::grade {
namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// A careful check of well-formedness for the subset of XML the report uses: every tag closes in
// order, '<' and '&' appear only as markup or entities, no character XML 1.0 forbids.
void expect_well_formed(const std::string& xml) {
  ASSERT_EQ(xml_safe(xml), xml) << "a character XML 1.0 forbids, or bytes that are not UTF-8";
  std::vector<std::string> open;
  std::size_t i = xml.find("?>") + 2;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const std::size_t end = xml.find(';', i);
      ASSERT_NE(end, std::string::npos);
      const std::string entity = xml.substr(i, end - i + 1);
      const bool known = entity == "&amp;" || entity == "&lt;" || entity == "&gt;" ||
                         entity == "&quot;" || entity == "&#39;" || entity == "&#10;" ||
                         entity == "&#13;" || entity == "&#9;";
      ASSERT_TRUE(known) << "entity " << entity;
      i = end + 1;
    } else if (xml[i] == '<') {
      const std::size_t end = xml.find('>', i);
      ASSERT_NE(end, std::string::npos);
      std::string tag = xml.substr(i + 1, end - i - 1);
      ASSERT_EQ(tag.find('<'), std::string::npos) << tag;
      ASSERT_EQ(count(tag, "\"") % 2, 0) << tag;
      const bool closing = tag[0] == '/';
      const bool empty = tag.back() == '/';
      const std::string name =
          tag.substr(closing ? 1 : 0, tag.find_first_of(" />", 1) - (closing ? 1 : 0));
      if (closing) {
        ASSERT_FALSE(open.empty()) << "</" << name << "> closes nothing";
        ASSERT_EQ(open.back(), name);
        open.pop_back();
      } else if (!empty) {
        open.push_back(name);
      }
      i = end + 1;
    } else {
      ASSERT_NE(xml[i], '>') << "a bare > at " << i;
      ++i;
    }
  }
  EXPECT_TRUE(open.empty()) << "<" << open.back() << "> is never closed";
}

TEST(JunitXml, ASuitePerStudentAndACasePerCheck) {
  const std::string xml = render_junit(testing::stage2_class(), GradingPolicy{});
  expect_well_formed(xml);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"chatkit "
                      "stage 2\" tests=\"30\" failures=\"17\" errors=\"0\" skipped=\"1\" "
                      "time=\"251.500\">",
                      0),
            0u)
      << xml;
  EXPECT_EQ(count(xml, "<testsuite "), 6);
  EXPECT_EQ(count(xml, "<testcase "), 30);
  EXPECT_NE(xml.find("<testsuite name=\"bo\" tests=\"5\" failures=\"2\" errors=\"0\" "
                     "skipped=\"0\" time=\"14.750\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"bo.Stage2Server\" "
                     "name=\"SendsTheCountThenEveryItemOldestFirstByteExact\" time=\"0.250\">\n"
                     "      <failure message=\"the count came as 01 00 00 00\" type=\"failed\">"
                     "server: sends the count then every item oldest first byte-exact\n"
                     "the count came as 01 00 00 00\nSteps so far:"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"ana.Stage2Client\" name=\"ReadsATwoDigitCount\" "
                     "time=\"0.250\"/>"),
            std::string::npos);
}

TEST(JunitXml, BuildFailureFailsEveryCaseAndShowsTheCompiler) {
  const std::string xml = render_junit(testing::stage2_class(), GradingPolicy{});
  EXPECT_EQ(count(xml,
                  "<failure message=\"not run: the code did not compile: server.cpp:12: "
                  "&#39;sendall&#39; was not declared\""),
            5);
  EXPECT_NE(xml.find("<system-out>the code did not compile: server.cpp:12: &#39;sendall&#39; "
                     "was not declared\n\nBuild output:\nserver.cpp:12:5: error:"),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"build\" value=\"failed\"/>"), std::string::npos);
}

TEST(JunitXml, HostileTextIsEscapedAndStripped) {
  const std::string xml = render_junit(testing::stage2_class(), GradingPolicy{});
  expect_well_formed(xml);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"=HYPERLINK(&quot;http://evil&quot;,&quot;&lt;b&gt;x&lt;"
                     "/b&gt;&quot;)\""),
            std::string::npos);
  EXPECT_NE(xml.find("got &quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; &amp; "
                     "]]&gt; \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD[31m"),
            std::string::npos)
      << xml;
  EXPECT_NE(
      xml.find("<skipped message=\"could not run here: no &quot;/proc&quot; &lt;here&gt;\"/>"),
      std::string::npos);
}

TEST(JunitXml, AnEmptyClassIsStillADocument) {
  ClassResult klass;
  klass.stage = 1;
  const std::string xml = render_junit(klass, GradingPolicy{});
  expect_well_formed(xml);
  EXPECT_NE(xml.find("tests=\"0\""), std::string::npos);
}

}  // namespace
}  // namespace chatkit::grade
