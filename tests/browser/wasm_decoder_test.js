// The viewer's WebAssembly build of the kit must behave exactly like the native build.
//
// decoder_vectors (native C++, linked against the kit) writes the test vectors together with the
// native FrameDecoder's state after every feed() call, the native encode_frame(), parse_count(),
// parse_post() and check_utf8() results. This test loads the built page's chatkit_wasm.js and
// codec.js (the very files the browser gets), runs the same inputs through them and requires
// the same results, byte for byte and state by state.
//
// Usage: node wasm_decoder_test.js --generator PATH/decoder_vectors --www PATH/wasm-viewer/www
//        [--seed N]
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function parseArguments(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!['generator', 'www', 'seed'].includes(name) || argv[i + 1] === undefined) {
      throw new Error(`usage: node wasm_decoder_test.js --generator PATH --www DIR [--seed N] ` +
                      `(got ${argv.join(' ')})`);
    }
    options[name] = argv[i + 1];
  }
  if (!options.generator || !options.www) throw new Error('--generator and --www are required');
  return options;
}

// Loads the page's codec.js with the page's chatkit_wasm.js + .wasm. codec.js is an ES module
// that imports nothing; importing it from a data: URL makes Node treat it as one whatever
// package.json files surround the build directory.
async function loadPageCodec(www) {
  const factory = require(path.resolve(www, 'chatkit_wasm.js'));
  const source = fs.readFileSync(path.join(www, 'codec.js'), 'utf8');
  const codecModule = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  const wasmBinary = fs.readFileSync(path.join(www, 'chatkit_wasm.wasm'));
  return codecModule.loadCodec(factory, { wasmBinary });
}

const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes) => Buffer.from(bytes).toString('hex');

// The hex + ASCII dump the kit's hex_dump() prints, with a caret line under byte `mark`.
function hexDump(bytes, mark = -1, maxBytes = 256, indent = '    ') {
  const lines = [];
  const shown = Math.min(bytes.length, maxBytes);
  for (let row = 0; row < shown; row += 16) {
    const slice = bytes.subarray(row, Math.min(row + 16, shown));
    const hex = Array.from(slice, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(slice, (b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${indent}${row.toString(16).padStart(4, '0')}  ${hex.padEnd(48)} |${ascii}|`);
    if (mark >= row && mark < row + 16) lines.push(`${indent}${' '.repeat(6 + (mark - row) * 3)}^^`);
  }
  if (bytes.length > shown) lines.push(`${indent}... ${bytes.length - shown} more bytes`);
  return lines.join('\n');
}

// The fields of a step in a fixed order, as plain JSON values (the native trace's shape).
const kStepFields = ['chunk', 'offset', 'offered', 'used', 'state', 'stateName', 'error', 'errorText',
                     'lengthBytesRead', 'lengthBytes', 'payloadLength', 'payloadBytesRead',
                     'maxMessageBytes', 'message', 'framesDecoded'];

function plainStep(step, chunk) {
  return {
    ...step,
    chunk,
    lengthBytes: toHex(step.lengthBytes),
    message: step.message === null ? null : toHex(step.message),
  };
}

function describeStep(step) {
  return `feed(chunk ${step.chunk} +${step.offset}, ${step.offered} bytes) used ${step.used} -> ` +
         `${step.stateName} (length ${step.lengthBytesRead}/4 [${step.lengthBytes}], payload ` +
         `${step.payloadBytesRead}/${step.payloadLength})` +
         (step.errorText ? `: ${step.errorText}` : '') +
         (step.message !== null ? `, message ${step.message || '(empty)'}` : '');
}

// Runs one vector through the WebAssembly decoder, returns a failure text or ''.
function checkVector(codec, vector) {
  const stream = fromHex(vector.stream);
  const decoder = codec.newDecoder(vector.maxMessageBytes);
  const steps = [];
  try {
    let start = 0;
    vector.chunks.forEach((size, chunk) => {
      decoder.feedAll(stream.slice(start, start + size), (step) => steps.push(plainStep(step, chunk)));
      start += size;
    });
  } finally {
    decoder.dispose();
  }

  const expected = vector.trace;
  const chunkStarts = [];
  vector.chunks.reduce((at, size) => (chunkStarts.push(at), at + size), 0);
  for (let i = 0; i < Math.max(expected.length, steps.length); ++i) {
    const want = expected[i];
    const got = steps[i];
    const field = !want || !got ? null : kStepFields.find((name) => want[name] !== got[name]);
    if (want && got && field === undefined) continue;

    const at = want ? chunkStarts[want.chunk] + want.offset : chunkStarts[got.chunk] + got.offset;
    const lines = [
      `vector "${vector.name}": ${vector.description} (limit ${vector.maxMessageBytes})`,
      `  stream of ${stream.length} bytes in chunks [${vector.chunks.join(', ')}]; the caret marks ` +
      'where the differing feed() call started:',
      hexDump(stream, at),
    ];
    if (i > 0) {
      lines.push('  steps on which native and WebAssembly agree:');
      for (const step of expected.slice(Math.max(0, i - 4), i)) lines.push(`    ${describeStep(step)}`);
    }
    if (!want) {
      lines.push(`  step ${i + 1}: the native decoder made no more feed() calls, WebAssembly did:`,
                 `    ${describeStep(got)}`);
    } else if (!got) {
      lines.push(`  step ${i + 1}: WebAssembly made no more feed() calls, native expected:`,
                 `    ${describeStep(want)}`);
    } else {
      lines.push(`  step ${i + 1} of ${expected.length}: field "${field}" differs`,
                 `    native (expected): ${JSON.stringify(want[field])}`,
                 `    wasm (got):        ${JSON.stringify(got[field])}`,
                 `    native step: ${describeStep(want)}`,
                 `    wasm step:   ${describeStep(got)}`);
    }
    lines.push('  hint: both run kit/framing/frame_codec.cc; a difference points at the C interface ' +
               '(wasm-viewer/wasm/viewer_api.cc) or at how codec.js copies bytes in and out of the ' +
               "module's memory (size_t and uint32_t must be read with >>> 0).");
    return lines.join('\n');
  }
  return '';
}

function checkSection(name, entries, check) {
  const failures = [];
  for (const entry of entries) {
    const problem = check(entry);
    if (problem) failures.push(`${name}: ${problem}`);
  }
  return failures;
}

// The page's lean loops over the same vector: feedFrames() (how the byte view's streams decode)
// must make the same feed() calls as the native decoder and report the same state, payload
// length, message and error; feedQuiet() (how step mode jumps) must consume as many bytes.
// Returns a failure text or ''.
function checkLeanFeeds(codec, vector) {
  const stream = fromHex(vector.stream);
  const lean = [];
  const quiet = [];
  for (const [list, feed] of [[lean, 'feedFrames'], [quiet, 'feedQuiet']]) {
    const decoder = codec.newDecoder(vector.maxMessageBytes);
    try {
      let start = 0;
      vector.chunks.forEach((size, chunk) => {
        const bytes = stream.slice(start, start + size);
        if (feed === 'feedQuiet') {
          list.push(decoder.feedQuiet(bytes));
        } else {
          decoder.feedFrames(bytes, (step) => list.push({
            chunk, offset: step.offset, used: step.used, state: step.state,
            payloadLength: step.payloadLength, errorText: step.errorText,
            message: step.copyMessage ? toHex(step.copyMessage()) : null,
          }));
        }
        start += size;
      });
    } finally {
      decoder.dispose();
    }
  }
  const expected = vector.trace.map((want) => ({
    chunk: want.chunk, offset: want.offset, used: want.used, state: want.state,
    payloadLength: want.state === 0 ? null : want.payloadLength,
    errorText: want.state === 3 ? want.errorText : '', message: want.message,
  }));
  const where = `vector "${vector.name}" (chunks [${vector.chunks.join(', ')}])`;
  for (let i = 0; i < Math.max(expected.length, lean.length); ++i) {
    if (JSON.stringify(expected[i]) !== JSON.stringify(lean[i])) {
      return `${where}: feedFrames() step ${i + 1} differs from the native decoder's\n` +
             `    native (expected): ${JSON.stringify(expected[i])}\n    feedFrames (got):  ${JSON.stringify(lean[i])}\n` +
             '  hint: feedFrames() must make the same feed() calls as feedAll() and read the same values';
    }
  }
  const consumed = vector.chunks.map((_, chunk) =>
    vector.trace.filter((step) => step.chunk === chunk).reduce((sum, step) => sum + step.used, 0));
  if (JSON.stringify(consumed) !== JSON.stringify(quiet)) {
    return `${where}: bytes consumed per chunk by feedQuiet() ${JSON.stringify(quiet)}, by the native ` +
           `decoder ${JSON.stringify(consumed)}\n  hint: feedQuiet() feeds until the chunk is used up or ` +
           'the decoder takes nothing more, as feedAll() does';
  }
  return '';
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const generatorArgs = options.seed ? ['--seed', options.seed] : [];
  const document = JSON.parse(execFileSync(options.generator, generatorArgs, {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  }));
  const codec = await loadPageCodec(options.www);

  const failures = [];
  let feeds = 0;
  for (const vector of document.vectors) {
    feeds += vector.trace.length;
    const problem = checkVector(codec, vector) || checkLeanFeeds(codec, vector);
    if (problem) failures.push(problem);
  }

  failures.push(...checkSection('state names', document.stateNames.map((name, state) => ({ name, state })),
                                ({ name, state }) => {
    const got = codec.stateName(state);
    return got === name ? '' : `state ${state}: native "${name}", wasm "${got}"`;
  }));
  failures.push(...checkSection('encode_frame', document.encodings, ({ message, frame }) => {
    const got = toHex(codec.encodeFrame(fromHex(message)));
    if (got === frame) return '';
    return `message of ${message.length / 2} bytes:\n    native frame:\n${hexDump(fromHex(frame))}\n` +
           `    wasm frame:\n${hexDump(fromHex(got))}`;
  }));
  failures.push(...checkSection('encode_frame of a JavaScript string', [{ text: 'h\u00e9llo \u{1F642}' }],
                                ({ text }) => {
    const got = toHex(codec.encodeFrame(text));
    const want = toHex(codec.encodeFrame(new TextEncoder().encode(text)));
    return got === want && got.startsWith('0000000b') ? '' : `"${text}": got ${got}, want 0000000b + UTF-8`;
  }));
  failures.push(...checkSection('parse_count', document.counts, ({ text, value }) => {
    const got = codec.parseCount(fromHex(text));
    return got === value ? '' : `text ${text} (hex): native ${value}, wasm ${got}`;
  }));
  failures.push(...checkSection('parse_post', document.posts, ({ text, parts }) => {
    const got = codec.parsePost(fromHex(text));
    const fields = (p) => (p ? [p.time, p.host, p.message] : null);
    const same = JSON.stringify(fields(got)) === JSON.stringify(fields(parts));
    return same ? '' : `post ${JSON.stringify(Buffer.from(text, 'hex').toString())}: native ` +
                       `${JSON.stringify(parts)}, wasm ${JSON.stringify(got)}`;
  }));
  failures.push(...checkSection('check_utf8', document.utf8, ({ bytes, errorOffset }) => {
    const got = codec.utf8ErrorOffset(fromHex(bytes));
    return got === errorOffset ? ''
        : `bytes ${bytes}: native error offset ${errorOffset}, wasm ${got} (-1 = valid)\n` +
          hexDump(fromHex(bytes), errorOffset >= 0 ? errorOffset : got);
  }));

  const summary = `${document.vectors.length} vectors (${feeds} feed() calls), ` +
                  `${document.encodings.length} encodings, ${document.counts.length} counts, ` +
                  `${document.posts.length} posts, ${document.utf8.length} UTF-8 checks; seed ` +
                  `${document.seed} (rerun with --seed ${document.seed})`;
  if (failures.length > 0) {
    console.error(`FAIL: the WebAssembly build differs from the native build in ${failures.length} ` +
                  `place(s) out of ${summary}\n`);
    console.error(failures.join('\n\n'));
    process.exitCode = 1;
    return;
  }
  console.log(`ok: the WebAssembly build matches the native build on ${summary}`);
}

main().catch((error) => {
  console.error(`FAIL: ${error.stack || error}`);
  process.exitCode = 1;
});
