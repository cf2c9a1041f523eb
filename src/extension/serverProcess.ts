import { fork } from 'node:child_process';
import type * as vscode from 'vscode';
import { IPCMessageReader, IPCMessageWriter, type Message, type MessageTransports, type MessageWriter } from 'vscode-languageclient/node';

/**
 * Starts the analysis server as a child process spoken to over Node IPC, as
 * `TransportKind.ipc` does, but with Node's structured-clone serialization instead of JSON:
 * the server then takes in a 100 MB trace file's didOpen in ~0.2 s of its event loop instead
 * of ~0.45 s, and the first hints and hovers after opening it wait up to ~0.64 s instead of
 * ~2 s (bench/trace-editor-latency.ts --transport ipc-advanced / ipc-json).
 */
export function startServerProcess(module: string, output: vscode.OutputChannel, cwd?: string): MessageTransports {
  const debug = process.execArgv.some((a) => /^--inspect/.test(a));
  const serialization = 'advanced';
  // The server cannot see the channel's serialization (Node hides it), so it is told, for its status.
  const child = fork(module, ['--node-ipc', `--ipc-serialization=${serialization}`, `--clientProcessId=${process.pid}`], {
    silent: true,
    serialization,
    // As vscode-languageclient does: the first workspace folder, where there is one.
    cwd,
    execArgv: debug ? ['--nolazy', '--inspect=6011'] : [],
    // Inside Electron (desktop VS Code) process.execPath is the editor itself: run it as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' },
  });
  child.stderr?.on('data', (d: Buffer) => output.append(d.toString()));
  child.stdout?.on('data', (d: Buffer) => output.append(d.toString()));
  return { reader: new IPCMessageReader(child), writer: new CloneSafeWriter(new IPCMessageWriter(child)), detached: false };
}

/** Methods whose messages the client builds from document text alone: plain data, sent as they are. */
const PLAIN = new Set(['textDocument/didOpen', 'textDocument/didChange']);

/**
 * Structured clone refuses what JSON passes through: VS Code hands out configuration objects
 * as proxies, for one. Every message but the document-text ones goes through JSON first, as
 * it would have over the JSON channel; those are the big ones, and plain.
 */
class CloneSafeWriter implements MessageWriter {
  constructor(private readonly inner: IPCMessageWriter) {}

  get onError() {
    return this.inner.onError;
  }

  get onClose() {
    return this.inner.onClose;
  }

  write(msg: Message): Promise<void> {
    const method = (msg as { method?: string }).method;
    return this.inner.write(method !== undefined && PLAIN.has(method) ? msg : (JSON.parse(JSON.stringify(msg)) as Message));
  }

  end(): void {
    this.inner.end();
  }

  dispose(): void {
    this.inner.dispose();
  }
}
