// Starts chatkit's programs for the browser tests and stops them again: chat-server (optionally
// with --web, which serves the viewer) and chat-bridge. Each program's output is kept for failure
// messages; the tests read the lines the programs promise (docs/protocol.md 6.1: "listening on
// ADDR:PORT" first; the bridge: "viewer at http://127.0.0.1:PORT/").
'use strict';

const { spawn } = require('node:child_process');

class ChildProgram {
  constructor(name, executable, args, options = {}) {
    this.name = name;
    this.command = [executable, ...args].join(' ');
    this.output = '';
    this.exit = null;
    this.waiters = [];
    this.child = spawn(executable, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk) => {
      this.output += chunk.toString('utf8');
      this.waiters.forEach((check) => check());
    };
    this.child.stdout.on('data', collect);
    this.child.stderr.on('data', collect);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        this.waiters.forEach((check) => check());
        resolve(this.exit);
      });
      this.child.on('error', (error) => {
        this.exit = { code: null, signal: null, error };
        this.waiters.forEach((check) => check());
        resolve(this.exit);
      });
    });
  }

  // Resolves to the first match of `pattern` in the output; rejects when the program exits or
  // the time is up, with the output so far.
  waitFor(pattern, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const check = () => {
        const match = this.output.match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (this.exit) {
          done();
          reject(new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before printing ` +
                           `${pattern}\n${this.describe()}`));
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms\n${this.describe()}`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  describe() {
    return `--- ${this.name}: ${this.command}\n${this.output || '(no output)'}\n--- end of ${this.name}`;
  }

  // SIGTERM (the programs stop gracefully on it), then SIGKILL if it takes longer than 10 s.
  async stop() {
    if (this.exit) return this.exit;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

// Starts a chat server of `stage` on a free loopback port with the viewer in front of it, either
// in one process (`via: 'server'`, chat-server --web 0) or as chat-server plus a standalone
// chat-bridge (`via: 'bridge'`). Resolves to {viewerUrl, chatPort, programs, stop()}.
async function startChatWithViewer({ via, stage, serverPath, bridgePath, dataDir }) {
  const serverArgs = ['--stage', String(stage), '--bind', '127.0.0.1', '--port', '0'];
  if (stage === 3) serverArgs.push('--data', `${dataDir}/history.db`);
  const programs = [];
  // Stops the programs (the bridge first) and resolves to their exits: [{name, code, signal}].
  const stop = async () => {
    const exits = [];
    for (const program of [...programs].reverse()) exits.push({ name: program.name, ...(await program.stop()) });
    return exits;
  };
  try {
    if (via === 'server') {
      const server = new ChildProgram('chat-server', serverPath, [...serverArgs, '--web', '0']);
      programs.push(server);
      const [, chatPort] = await server.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
      const [, viewerUrl] = await server.waitFor(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/);
      return { viewerUrl, chatPort: Number(chatPort), programs, stop };
    }
    const server = new ChildProgram('chat-server', serverPath, serverArgs);
    programs.push(server);
    const [, chatPort] = await server.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
    const bridge = new ChildProgram('chat-bridge', bridgePath, [
      '--target', `127.0.0.1:${chatPort}`, '--web', '0', '--stage', String(stage)]);
    programs.push(bridge);
    const [, viewerUrl] = await bridge.waitFor(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/);
    return { viewerUrl, chatPort: Number(chatPort), programs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

module.exports = { ChildProgram, startChatWithViewer };
