// Tests for stage-3 post text: "[<time> <host>] <message>" built by format_post and split back by
// parse_post, whatever the message holds, and malformed posts refused.
#include "kit/protocol/post.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chatkit {
namespace {

constexpr const char* kTime = "2026-11-24T09:15:02.123456+01:00";

TEST(FormatPost, BuildsTimeHostAndMessage) {
  EXPECT_EQ("[2026-11-24T09:15:02.123456+01:00 lab-03.school.example] Hello, class!",
            format_post(kTime, "lab-03.school.example", "Hello, class!"));
  EXPECT_EQ("[2026-11-24T09:15:02.123456+01:00 127.0.0.1] ", format_post(kTime, "127.0.0.1", ""));
}

TEST(ParsePost, SplitsAPostIntoItsParts) {
  const std::string post = format_post(kTime, "127.0.0.1", "Hello");
  const std::optional<PostParts> parts = parse_post(post);
  ASSERT_TRUE(parts.has_value()) << post;
  EXPECT_EQ(kTime, parts->time);
  EXPECT_EQ("127.0.0.1", parts->host);
  EXPECT_EQ("Hello", parts->message);
  // The parts are views into the post, not copies.
  EXPECT_EQ(post.data() + 1, parts->time.data());
  EXPECT_EQ(post.data() + post.size() - 5, parts->message.data());
}

TEST(ParsePost, RoundTripsMessagesThatLookLikePostSyntax) {
  const std::vector<std::string> messages = {
      "",
      "plain",
      "] ",
      "a] b",
      "]]] [[[",
      "[2026-11-24T09:15:02.123456+01:00 other.host] a fake post inside a post",
      "line one\nline two\r\n",
      "tab\there",
      " leading and trailing spaces ",
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
  };
  const std::vector<std::string> hosts = {"127.0.0.1", "::1", "lab-03.school.example",
                                          "fe80::1%eth0"};
  for (const std::string& host : hosts) {
    for (const std::string& message : messages) {
      const std::string post = format_post(kTime, host, message);
      const std::optional<PostParts> parts = parse_post(post);
      ASSERT_TRUE(parts.has_value()) << "rejected its own output: " << post;
      EXPECT_EQ(kTime, parts->time) << post;
      EXPECT_EQ(host, parts->host) << post;
      EXPECT_EQ(message, parts->message) << post;
    }
  }
}

TEST(ParsePost, RejectsMalformedPosts) {
  const std::string t = kTime;
  const std::vector<std::string> malformed = {
      "",
      "plain text",
      t + " host] no opening bracket",
      "[" + t + " host]no space after the bracket",
      "[" + t + " host",      // No "] " at all.
      "[" + t + "] no host",  // Time then "] ".
      "[" + t + " ] empty host",
      "[" + t + "  host] two spaces",  // The host would start with a space.
      "[" + t + " ho st] a space in the host",
      "[" + t + " ho]st] a bracket in the host",
      "[2026-11-24T09:15:02 host] no microseconds",
      "[2026-11-24T09:15:02.123456 host] no offset",
      "[yesterday host] not a timestamp",
      "[ " + t + " host] space before the time",
      " [" + t + " host] leading space",
  };
  for (const std::string& post : malformed) {
    EXPECT_FALSE(parse_post(post).has_value()) << "accepted '" << post << "'";
  }
}

}  // namespace
}  // namespace chatkit
