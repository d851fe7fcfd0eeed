// The inputs of the viewer's decoder vectors (decoder_vectors.cc): byte streams with the chunks
// they arrive in, and the texts for encode_frame, parse_count, parse_post and check_utf8. Only
// inputs: what the kit makes of them is computed by decoder_vectors (natively) and by
// wasm_decoder_test.js (in WebAssembly), and compared.
#ifndef CHATKIT_TESTS_BROWSER_DECODER_INPUTS_H_
#define CHATKIT_TESTS_BROWSER_DECODER_INPUTS_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"

namespace chatkit::test {

// A byte stream, the sizes of the chunks it arrives in (they add up to its size) and the
// decoder's limit.
struct DecoderVector {
  std::string name;
  std::string description;
  std::string stream;
  std::vector<std::size_t> chunks;
  std::uint32_t max_message_bytes = kDefaultMaxMessageBytes;
};

// Seeded random inputs: the same seed gives the same inputs on every platform (std::mt19937 is
// specified exactly; the distributions are not, so only its raw output is used).
class RandomInputs {
 public:
  explicit RandomInputs(std::uint32_t seed) : rng_(seed) {}

  // A number in [0, limit).
  std::size_t below(std::size_t limit);
  // Well-formed UTF-8 of about `size` bytes: mostly ASCII, and characters of 2, 3 and 4 bytes.
  std::string text(std::size_t size);
  // Chunk sizes adding up to `total`, each at least 1 and at most `largest`.
  std::vector<std::size_t> chunking(std::size_t total, std::size_t largest);

 private:
  std::mt19937 rng_;
};

// The protocol document's examples and mistakes (docs/protocol.md 2.2, 2.3) and the decoder's
// edges: the empty frame, the limit, 4 GiB lengths, each kind of ill-formed UTF-8, truncation.
std::vector<DecoderVector> fixed_vectors();
// Random streams of valid frames (some with one byte broken), random garbage, a 200 KiB frame,
// all in random chunkings.
std::vector<DecoderVector> random_vectors(RandomInputs& random);

// Messages for encode_frame, texts for parse_count and parse_post, byte strings for check_utf8.
std::vector<std::string> encoding_inputs();
std::vector<std::string> count_inputs();
std::vector<std::string> post_inputs();
std::vector<std::string> utf8_inputs(RandomInputs& random);

}  // namespace chatkit::test

#endif  // CHATKIT_TESTS_BROWSER_DECODER_INPUTS_H_
