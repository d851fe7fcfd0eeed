// codec-bench: frame encode and decode (with UTF-8 validation) against memcpy of the same bytes.
//
//   build/bench/codec-bench [--summary-json=PATH] [Google Benchmark flags]
//
// For each message size (16 B, 1 KiB, 64 KiB) and text (ASCII; multi-byte: Cyrillic, Greek,
// CJK and emoji between ASCII spaces and punctuation) it measures, in payload bytes per second:
//   memcpy   copying the message's bytes (the baseline: no framing can beat a plain copy)
//   encode   append_frame() into a reused buffer (what the server does for each reply)
//   decode   FrameDecoder::feed() of the whole frame: length check and UTF-8 validation
//   decode_split   the same frame fed in 1,460-byte pieces (one TCP segment each), which makes
//            the decoder copy the payload together before validating it
// and prints each as a ratio of memcpy (column x_baseline), then the targets of
// docs/performance.md with the figures that meet or miss them.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/micro/ratio_reporter.h"
#include "kit/framing/frame_codec.h"
#include "kit/framing/utf8.h"

namespace chatkit {
namespace {

constexpr std::size_t kSizes[] = {16, 1024, 64 * 1024};
constexpr const char* kTexts[] = {"ascii", "multibyte"};
constexpr std::size_t kSegmentBytes = 1460;

// `size` bytes of chat text. Multi-byte text is cut at a character boundary and padded with
// spaces, so that it stays valid UTF-8 at every size.
std::string make_text(const std::string& kind, std::size_t size) {
  const std::string sample =
      kind == "ascii" ? "The quick brown fox jumps over the lazy dog; see you at 10:15 in room 2B! "
                      : "Привет, мир! Καλημέρα κόσμε. 你好，世界。こんにちは 🎉🚀 Ça va très bien. ";
  std::string text;
  while (text.size() < size) text += sample;
  std::size_t cut = size;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text.append(size - cut, ' ');
  return text;
}

std::string name_of(const char* what, const std::string& text, std::size_t size) {
  return std::string(what) + "/" + text + "/" + std::to_string(size);
}

void bm_memcpy(benchmark::State& state, const std::string& message) {
  std::vector<char> out(message.size());
  for (auto _ : state) {
    std::memcpy(out.data(), message.data(), message.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}

void bm_encode(benchmark::State& state, const std::string& message) {
  std::string out;
  out.reserve(message.size() + kFrameHeaderBytes);
  for (auto _ : state) {
    out.clear();
    append_frame(message, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}

void bm_decode(benchmark::State& state, const std::string& message) {
  const std::string frame = encode_frame(message);
  FrameDecoder decoder;
  for (auto _ : state) {
    decoder.feed(frame);
    if (decoder.state() != FrameDecoder::State::kFrameDone) {
      state.SkipWithError(("decode failed: " + decoder.error_text()).c_str());
      break;
    }
    benchmark::DoNotOptimize(decoder.message().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}

void bm_decode_split(benchmark::State& state, const std::string& message) {
  const std::string frame = encode_frame(message);
  FrameDecoder decoder;
  for (auto _ : state) {
    for (std::size_t at = 0; at < frame.size(); at += kSegmentBytes) {
      decoder.feed(std::string_view(frame).substr(at, kSegmentBytes));
    }
    if (decoder.state() != FrameDecoder::State::kFrameDone) {
      state.SkipWithError(("decode failed: " + decoder.error_text()).c_str());
      break;
    }
    benchmark::DoNotOptimize(decoder.message().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}

// Everything but memcpy is compared with the memcpy of the same text and size.
std::string baseline_of(const std::string& name) {
  const std::size_t slash = name.find('/');
  if (slash == std::string::npos || name.compare(0, slash, "memcpy") == 0) return "";
  return "memcpy" + name.substr(slash);
}

struct Target {
  const char* what;
  std::string name;
  bool ratio;       // Compare the ratio to memcpy (else the rate in GB/s).
  double at_least;  // Ratio, or GB/s.
};

std::string format_summary(const RatioReporter& reporter, const std::vector<Target>& targets,
                           bool* all_met) {
  std::string json = "{\"rates_bytes_per_second\": {";
  bool first = true;
  for (const auto& [name, rate] : reporter.rates()) {
    json += std::string(first ? "" : ", ") + "\"" + name + "\": " + std::to_string(rate);
    first = false;
  }
  json += "}, \"targets\": [";
  std::printf("\nTargets (docs/performance.md):\n");
  *all_met = true;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Target& target = targets[i];
    const double value =
        target.ratio ? reporter.ratio(target.name) : reporter.rate(target.name) / 1e9;
    const bool met = value >= target.at_least;
    *all_met = *all_met && met;
    std::printf("  %-48s %8.2f%s  (target >= %.2f%s)  %s\n", target.what, value,
                target.ratio ? "x" : " GB/s", target.at_least, target.ratio ? "x" : " GB/s",
                met ? "met" : "MISSED");
    json += std::string(i ? ", " : "") + "{\"what\": \"" + target.what + "\", \"name\": \"" +
            target.name + "\", \"value\": " + std::to_string(value) +
            ", \"at_least\": " + std::to_string(target.at_least) + ", \"unit\": \"" +
            (target.ratio ? "x memcpy" : "GB/s") + "\", \"met\": " + (met ? "true" : "false") + "}";
  }
  return json + "]}";
}

}  // namespace
}  // namespace chatkit

int main(int argc, char** argv) {
  using namespace chatkit;
  const auto own = take_own_flags(&argc, argv, {"summary-json"});
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  // The messages live until the end of main: the benchmarks refer to them.
  std::vector<std::string> messages;
  messages.reserve(std::size(kTexts) * std::size(kSizes));
  for (const char* text : kTexts) {
    for (const std::size_t size : kSizes) {
      messages.push_back(make_text(text, size));
      const std::string& message = messages.back();
      if (!check_utf8(message).valid) {
        std::fprintf(stderr, "codec-bench: test text %s/%zu is not UTF-8\n", text, size);
        return 1;
      }
      // The baseline first: the reporter needs its rate when the others are reported.
      benchmark::RegisterBenchmark(name_of("memcpy", text, size).c_str(), bm_memcpy, message);
      benchmark::RegisterBenchmark(name_of("encode", text, size).c_str(), bm_encode, message);
      benchmark::RegisterBenchmark(name_of("decode", text, size).c_str(), bm_decode, message);
      if (size > kSegmentBytes) {
        benchmark::RegisterBenchmark(name_of("decode_split", text, size).c_str(), bm_decode_split,
                                     message);
      }
    }
  }

  RatioReporter reporter("bytes_per_second", baseline_of);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const std::vector<Target> targets = {
      {"encode 64 KiB ASCII, of memcpy", "encode/ascii/65536", true, 0.80},
      {"decode 64 KiB ASCII, of memcpy", "decode/ascii/65536", true, 0.50},
      {"decode 64 KiB multi-byte UTF-8", "decode/multibyte/65536", false, 1.0},
  };
  bool all_met = false;
  const std::string summary = format_summary(reporter, targets, &all_met);
  if (own.count("summary-json") && !write_summary(own.at("summary-json"), summary)) return 1;
  return 0;
}
