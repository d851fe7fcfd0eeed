#include "tests/browser/decoder_inputs.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace chatkit::test {
namespace {

std::string frames_of(std::initializer_list<std::string_view> messages) {
  std::string stream;
  for (const std::string_view message : messages) append_frame(message, stream);
  return stream;
}

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (const unsigned value : values) out += static_cast<char>(value);
  return out;
}

std::vector<std::size_t> whole(const std::string& stream) {
  return {stream.size()};
}

std::vector<std::size_t> every(std::size_t size, const std::string& stream) {
  std::vector<std::size_t> chunks;
  for (std::size_t at = 0; at < stream.size(); at += size) {
    chunks.push_back(std::min(size, stream.size() - at));
  }
  return chunks;
}

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xc0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xe0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  }
}

}  // namespace

std::size_t RandomInputs::below(std::size_t limit) {
  // Not std::uniform_int_distribution: its algorithm differs between standard libraries, and a
  // seed must give the same vectors everywhere. The modulo bias does not matter for test inputs.
  return static_cast<std::size_t>(rng_() % limit);
}

std::string RandomInputs::text(std::size_t size) {
  std::string out;
  while (out.size() < size) {
    const std::size_t kind = below(10);
    std::uint32_t code_point;
    if (kind < 6) {
      code_point = static_cast<std::uint32_t>(below(0x80));
    } else if (kind < 8) {
      code_point = static_cast<std::uint32_t>(0x80 + below(0x800 - 0x80));
    } else if (kind < 9) {
      do {
        code_point = static_cast<std::uint32_t>(0x800 + below(0x10000 - 0x800));
      } while (code_point >= 0xd800 && code_point <= 0xdfff);
    } else {
      code_point = static_cast<std::uint32_t>(0x10000 + below(0x110000 - 0x10000));
    }
    append_utf8(code_point, out);
  }
  return out;
}

std::vector<std::size_t> RandomInputs::chunking(std::size_t total, std::size_t largest) {
  std::vector<std::size_t> chunks;
  for (std::size_t left = total; left > 0;) {
    const std::size_t size = std::min(left, 1 + below(largest));
    chunks.push_back(size);
    left -= size;
  }
  return chunks;
}

std::vector<DecoderVector> fixed_vectors() {
  std::vector<DecoderVector> vectors;
  auto add = [&](std::string name, std::string description, std::string stream,
                 std::vector<std::size_t> chunks, std::uint32_t limit = kDefaultMaxMessageBytes) {
    vectors.push_back(
        {std::move(name), std::move(description), std::move(stream), std::move(chunks), limit});
  };
  const std::string hi = frames_of({"Hi"});
  add("hi-whole", "protocol 2.2: \"Hi\" is 00 00 00 02 48 69, in one chunk", hi, whole(hi));
  add("hi-bytewise", "\"Hi\" one byte per chunk: the decoder keeps the partial prefix", hi,
      every(1, hi));
  add("hi-split-in-length", "\"Hi\" split inside the length prefix (2 + 4 bytes)", hi, {2, 4});
  const std::string hello = frames_of({"h\xc3\xa9llo"});
  add("hello-accent", "protocol 2.2: \"h\xc3\xa9llo\" is 6 bytes, so N = 6", hello, whole(hello));
  add("hello-accent-split-in-character", "the 2-byte \xc3\xa9 split across chunks", hello, {6, 4});
  const std::string empty = frames_of({""});
  add("empty-message", "N = 0: the frame 00 00 00 00 carries the empty message", empty,
      whole(empty));
  const std::string two_empty = frames_of({"", ""});
  add("two-empty-messages", "two empty frames in one chunk", two_empty, whole(two_empty));
  const std::string history = frames_of({"2", "hello, class", "h\xc3\xa9llo w\xc3\xb6rld"});
  add("history-one-chunk", "stage 2: a count and its items, all in one chunk", history,
      whole(history));
  add("history-3-byte-chunks", "the same history in 3-byte chunks", history, every(3, history));
  const std::string post_ack =
      frames_of({"[2026-11-24T09:15:02.123456+01:00 pc7.lab.example.org] Hi"});
  add("stage3-ack", "protocol 3.4: the acknowledgement frame (N = 57 = 0x39)", post_ack,
      whole(post_ack));
  const std::string long300 = frames_of({std::string(300, 'x')});
  add("length-300", "protocol 2.2: 300 = 1 x 256 + 44, prefix 00 00 01 2c", long300, {3, 3, 298});
  const std::string at_limit = frames_of({std::string(16, 'a')});
  add("at-limit", "a payload of exactly the limit (16) is accepted", at_limit, whole(at_limit), 16);
  const std::string over_limit = frames_of({std::string(17, 'a')});
  add("over-limit", "one byte over the limit (16) fails once the 4 length bytes are in", over_limit,
      every(2, over_limit), 16);
  const std::string little_endian = bytes({0x02, 0x00, 0x00, 0x00, 0x48, 0x69});
  add("mistake-little-endian", "protocol 2.3: the length little-endian is 33,554,432: too long",
      little_endian, whole(little_endian));
  add("mistake-decimal-text", "protocol 2.3: \"0002Hi\" reads as N = 808,464,434: too long",
      "0002Hi", whole(std::string("0002Hi")));
  const std::string counts_characters = bytes({0, 0, 0, 5, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f});
  add("mistake-counts-characters",
      "protocol 2.3: N = 5 for \"h\xc3\xa9llo\": the message is \"h\xc3\xa9ll\", the 6f starts a "
      "new "
      "frame",
      counts_characters, whole(counts_characters));
  const std::string cut_character = bytes({0, 0, 0, 2, 0x68, 0xc3, 0xa9});
  add("mistake-cuts-character", "protocol 2.3: N = 2 for \"h\xc3\xa9\": payload 68 c3 is not UTF-8",
      cut_character, whole(cut_character));
  const std::string max_length = bytes({0xff, 0xff, 0xff, 0xff, 0x41});
  add("length-4gib", "ff ff ff ff: 4 GiB announced, refused before any payload", max_length,
      every(1, max_length));
  const std::string nul_newline = frames_of({std::string("a\0b\nc", 5)});
  add("nul-and-newline", "NUL and newline are text like any other", nul_newline,
      whole(nul_newline));
  const std::string emoji = frames_of({"\xf0\x9f\x99\x82 ok"});
  add("four-byte-character", "a 4-byte character (U+1F642), fed byte by byte", emoji,
      every(1, emoji));
  const std::pair<const char*, std::string> bad_utf8[] = {
      {"overlong", bytes({0xc0, 0xaf})},
      {"surrogate", bytes({0xed, 0xa0, 0x80})},
      {"above-10ffff", bytes({0xf4, 0x90, 0x80, 0x80})},
      {"lone-continuation", bytes({0x61, 0x80})},
      {"truncated-at-end", bytes({0x61, 0xe2, 0x82})},
      {"ff-byte", bytes({0x61, 0x62, 0xff})},
  };
  for (const auto& [name, payload] : bad_utf8) {
    const std::string stream = frames_of({"ok"}) + frames_of({payload}) + frames_of({"never read"});
    add(std::string("invalid-utf8-") + name,
        "a valid frame, then one whose payload is not UTF-8 (" + std::string(name) +
            "), then one never read",
        stream, whole(stream));
  }
  const std::string truncated = frames_of({"complete"}) + bytes({0, 0, 0, 9, 0x61, 0x62});
  add("truncated-at-end", "the stream ends inside the second frame's payload", truncated,
      {5, 7, 6});
  return vectors;
}

std::vector<DecoderVector> random_vectors(RandomInputs& random) {
  std::vector<DecoderVector> vectors;
  for (int i = 0; i < 40; ++i) {
    std::string stream;
    const std::size_t frames = 1 + random.below(8);
    for (std::size_t f = 0; f < frames; ++f) {
      append_frame(random.text(random.below(4) == 0 ? 0 : random.below(300)), stream);
    }
    std::string description =
        "random: " + std::to_string(frames) + (frames == 1 ? " valid frame" : " valid frames");
    if (i % 4 == 3) {
      // Break one payload byte: the decoder must fail at the same frame, at the same byte.
      const std::size_t at = random.below(stream.size());
      stream[at] = static_cast<char>(0xff);
      description += ", byte " + std::to_string(at) + " set to ff";
    }
    vectors.push_back({"random-" + std::to_string(i), description, stream,
                       random.chunking(stream.size(), 1 + random.below(64))});
  }
  for (int i = 0; i < 5; ++i) {
    std::string garbage;
    for (std::size_t n = 16 + random.below(48); n > 0; --n)
      garbage += static_cast<char>(random.below(256));
    vectors.push_back({"garbage-" + std::to_string(i), "random bytes, small limit (64)", garbage,
                       random.chunking(garbage.size(), 7), 64});
  }
  const std::string big = frames_of({random.text(200 * 1024)});
  vectors.push_back({"large-frame", "a 200 KiB payload in chunks of up to 4 KiB: memory grows", big,
                     random.chunking(big.size(), 4096)});
  return vectors;
}

std::vector<std::string> encoding_inputs() {
  return {"",
          "Hi",
          "h\xc3\xa9llo",
          std::string(300, 'x'),
          "\xf0\x9f\x99\x82",
          std::string("nul\0inside", 10),
          std::string(70000, 'y')};
}

std::vector<std::string> count_inputs() {
  return {"0",  "3",  "007",  "123456789012345678", "1234567890123456789", "", "-1", "+1",
          " 3", "3 ", "0x10", bytes({0, 0, 0, 3}),  "\xef\xbc\x91" /* fullwidth 1 */};
}

std::vector<std::string> post_inputs() {
  return {
      "[2026-11-24T09:15:02.123456+01:00 pc7.lab.example.org] Hi",
      "[2026-11-24T09:14:40.000017-05:30 192.0.2.7] h\xc3\xa9llo ] with [brackets]\nand a newline",
      "[2026-11-24T09:14:40.000017+01:00 ::1] ",
      "[2026-11-24T09:14:40+01:00 host] no microseconds",
      "[2026-11-24T09:14:40.000017+01:00 ] empty host",
      "[2026-11-24T09:14:40.000017+01:00 host]no space",
      "plain message",
      "",
  };
}

std::vector<std::string> utf8_inputs(RandomInputs& random) {
  std::vector<std::string> inputs = {"",
                                     "plain ASCII, longer than eight bytes",
                                     "h\xc3\xa9llo",
                                     bytes({0xc0, 0xaf}),
                                     bytes({0xe0, 0x80, 0xaf}),
                                     bytes({0xed, 0xbf, 0xbf}),
                                     bytes({0xf4, 0x8f, 0xbf, 0xbf}),
                                     bytes({0xf4, 0x90, 0x80, 0x80}),
                                     "abcdefgh" + bytes({0x80}),
                                     "abc" + bytes({0xf0, 0x9f, 0x99})};
  for (int i = 0; i < 20; ++i) {
    std::string text = random.text(1 + random.below(64));
    if (i % 2 == 1) text[random.below(text.size())] = static_cast<char>(0x80 + random.below(0x80));
    inputs.push_back(std::move(text));
  }
  return inputs;
}

}  // namespace chatkit::test
