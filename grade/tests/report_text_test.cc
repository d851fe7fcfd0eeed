// The text helpers every report format relies on (grade/report_text.h).
#include "grade/report_text.h"

#include <gtest/gtest.h>

namespace chatkit::grade {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(ReportText, XmlSafeReplacesWhatXmlCannotCarry) {
  EXPECT_EQ(xml_safe("tab\tline\ncr\r"), "tab\tline\ncr\r");
  EXPECT_EQ(xml_safe(std::string("nul\0bell\x07", 9)), "nul" + kFffd + "bell" + kFffd);
  EXPECT_EQ(xml_safe("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd"), kFffd + kFffd + kFffd);
  EXPECT_EQ(xml_safe("\xff"), kFffd);
}

TEST(ReportText, XmlEscapeEscapesMarkupAndKeepsLineBreaksOutOfAttributes) {
  EXPECT_EQ(xml_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(xml_escape("one\ntwo\r"), "one\ntwo&#13;");
  EXPECT_EQ(xml_escape("one\ntwo\tx", true), "one&#10;two&#9;x");
}

TEST(ReportText, KeepStartAndEndCutsTheMiddleAndSaysSo) {
  std::string text = "START" + std::string(10000, 'x') + "END";
  const std::string kept = keep_start_and_end(text, 1000);
  EXPECT_LE(kept.size(), 1000u);
  EXPECT_EQ(kept.substr(0, 5), "START");
  EXPECT_EQ(kept.substr(kept.size() - 3), "END");
  EXPECT_NE(kept.find("bytes cut here: the whole text was 10,008 bytes"), std::string::npos)
      << kept;
  EXPECT_EQ(keep_start_and_end("short", 1000), "short");
}

TEST(ReportText, KeepStartAndEndNeverSplitsACharacter) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "✓";  // 3 bytes each
  for (std::size_t limit : {500u, 501u, 502u, 100u, 101u}) {
    const std::string kept = keep_start_and_end(text, limit);
    EXPECT_LE(kept.size(), limit);
    EXPECT_EQ(utf8_replace_invalid(kept), kept) << "limit " << limit;
  }
}

TEST(ReportText, HintLineFindsTheHintOnItsOwnLine) {
  EXPECT_EQ(hint_line("headline\nSteps so far:\nHint: use htonl()\nserver output"), "use htonl()");
  EXPECT_EQ(hint_line("no hint here; Hint: inline is not one"), "");
  EXPECT_EQ(hint_line("Hint: first"), "first");
}

TEST(ReportText, FormatNumberShowsAtMostTwoDecimals) {
  EXPECT_EQ(format_number(2), "2");
  EXPECT_EQ(format_number(2.5), "2.5");
  EXPECT_EQ(format_number(1.0 / 3), "0.33");
  EXPECT_EQ(format_number(0), "0");
}

}  // namespace
}  // namespace chatkit::grade
