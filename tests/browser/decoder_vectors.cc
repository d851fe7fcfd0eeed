// decoder_vectors: writes test vectors for the viewer's WebAssembly build of the kit, with what
// the NATIVE build of the same code makes of them, as JSON. wasm_decoder_test.js feeds the same
// inputs to the WebAssembly module through the page's own codec.js and requires the same results,
// byte for byte: every decoder state after every feed() call (including errors and their text),
// every encoded frame, every parsed count and post, every UTF-8 verdict.
//
// Usage: decoder_vectors [--seed N] [--out FILE]      (JSON on standard output without --out)
//
// The vectors are the protocol document's examples and mistakes (docs/protocol.md, 2.2 and 2.3),
// the edges of the decoder (empty frame, the limit, 4 GiB lengths, every kind of ill-formed
// UTF-8), and seeded random streams of valid and broken frames in random chunkings.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "kit/framing/utf8.h"
#include "kit/protocol/post.h"
#include "kit/protocol/stage.h"
#include "tests/browser/decoder_inputs.h"

namespace {

using chatkit::FrameDecoder;
using chatkit::test::DecoderVector;
using chatkit::test::RandomInputs;
using nlohmann::json;

constexpr std::uint32_t kDefaultSeed = 20261124;

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

json snapshot(const FrameDecoder& decoder) {
  json step;
  step["state"] = static_cast<int>(decoder.state());
  step["stateName"] = chatkit::to_string(decoder.state());
  step["error"] = static_cast<int>(decoder.error());
  step["errorText"] = decoder.error_text();
  step["lengthBytesRead"] = decoder.length_bytes_read();
  step["lengthBytes"] = to_hex(std::string_view(
      reinterpret_cast<const char*>(decoder.length_bytes()), decoder.length_bytes_read()));
  step["payloadLength"] = decoder.payload_length();
  step["payloadBytesRead"] = decoder.payload_bytes_read();
  step["maxMessageBytes"] = decoder.max_message_bytes();
  step["message"] = decoder.state() == FrameDecoder::State::kFrameDone
                        ? json(to_hex(decoder.message()))
                        : json(nullptr);
  step["framesDecoded"] = decoder.frames_decoded();
  return step;
}

// Feeds the stream chunk by chunk exactly as codec.js's Decoder.feedAll() does: feed() the rest
// of the chunk until it is used up or feed() takes nothing, recording every call.
json trace(const DecoderVector& vector) {
  FrameDecoder decoder(vector.max_message_bytes);
  json steps = json::array();
  std::size_t start = 0;
  for (std::size_t chunk = 0; chunk < vector.chunks.size(); ++chunk) {
    // Each chunk in a buffer of its own, as it arrives from a socket.
    const std::string data = vector.stream.substr(start, vector.chunks[chunk]);
    start += vector.chunks[chunk];
    std::size_t offset = 0;
    while (offset < data.size()) {
      const std::size_t offered = data.size() - offset;
      const std::size_t used =
          decoder.feed(reinterpret_cast<const std::uint8_t*>(data.data()) + offset, offered);
      json step = snapshot(decoder);
      step["chunk"] = chunk;
      step["offset"] = offset;
      step["offered"] = offered;
      step["used"] = used;
      steps.push_back(std::move(step));
      offset += used;
      if (used == 0) break;
    }
  }
  return steps;
}

json encodings() {
  json out = json::array();
  for (const std::string& message : chatkit::test::encoding_inputs()) {
    out.push_back(
        {{"message", to_hex(message)}, {"frame", to_hex(chatkit::encode_frame(message))}});
  }
  return out;
}

json counts() {
  json out = json::array();
  for (const std::string& text : chatkit::test::count_inputs()) {
    const auto count = chatkit::parse_count(text);
    out.push_back({{"text", to_hex(text)}, {"value", count ? json(*count) : json(nullptr)}});
  }
  return out;
}

json posts() {
  json out = json::array();
  for (const std::string& text : chatkit::test::post_inputs()) {
    const auto parts = chatkit::parse_post(text);
    json entry = {{"text", to_hex(text)}, {"parts", nullptr}};
    if (parts) {
      entry["parts"] = {{"time", std::string(parts->time)},
                        {"host", std::string(parts->host)},
                        {"message", std::string(parts->message)}};
    }
    out.push_back(std::move(entry));
  }
  return out;
}

json utf8_checks(RandomInputs& random) {
  json out = json::array();
  for (const std::string& input : chatkit::test::utf8_inputs(random)) {
    const chatkit::Utf8Check check = chatkit::check_utf8(input);
    out.push_back({{"bytes", to_hex(input)},
                   {"errorOffset", check.valid ? -1 : static_cast<long long>(check.error_offset)}});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t seed = kDefaultSeed;
  std::string out_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--seed" && i + 1 < argc) {
      seed = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else {
      std::fprintf(stderr, "usage: decoder_vectors [--seed N] [--out FILE]\n");
      return 2;
    }
  }

  RandomInputs random(seed);
  std::vector<DecoderVector> vectors = chatkit::test::fixed_vectors();
  for (DecoderVector& vector : chatkit::test::random_vectors(random))
    vectors.push_back(std::move(vector));

  for (const DecoderVector& vector : vectors) {
    std::size_t total = 0;
    for (const std::size_t size : vector.chunks) total += size;
    if (total != vector.stream.size()) {
      std::fprintf(stderr,
                   "decoder_vectors: vector %s: chunks add up to %zu, the stream has %zu bytes\n",
                   vector.name.c_str(), total, vector.stream.size());
      return 1;
    }
  }

  json document;
  document["seed"] = seed;
  document["defaultMaxMessageBytes"] = chatkit::kDefaultMaxMessageBytes;
  document["vectors"] = json::array();
  for (const DecoderVector& vector : vectors) {
    document["vectors"].push_back({{"name", vector.name},
                                   {"description", vector.description},
                                   {"maxMessageBytes", vector.max_message_bytes},
                                   {"stream", to_hex(vector.stream)},
                                   {"chunks", vector.chunks},
                                   {"trace", trace(vector)}});
  }
  document["stateNames"] = json::array();
  for (const auto state :
       {FrameDecoder::State::kReadingLength, FrameDecoder::State::kReadingPayload,
        FrameDecoder::State::kFrameDone, FrameDecoder::State::kFailed}) {
    document["stateNames"].push_back(chatkit::to_string(state));
  }
  document["encodings"] = encodings();
  document["counts"] = counts();
  document["posts"] = posts();
  document["utf8"] = utf8_checks(random);

  // ensure_ascii keeps the file plain ASCII whatever the error texts say.
  const std::string text = document.dump(-1, ' ', true) + "\n";
  if (out_path.empty()) {
    std::cout << text;
    return std::cout.good() ? 0 : 1;
  }
  std::ofstream file(out_path, std::ios::binary);
  file << text;
  return file.good() ? 0 : 1;
}
