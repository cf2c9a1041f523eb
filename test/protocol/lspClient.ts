import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-languageserver-protocol/node';
import {
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ExitNotification,
  ShutdownRequest,
} from 'vscode-languageserver-protocol';

export const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

/**
 * How the client talks to the server: over stdio, as any editor can, or over Node IPC as the
 * extension does (`json`: Node's default serialization; `advanced`: the structured-clone one
 * the extension asks for, see src/extension/serverProcess.ts).
 */
export type Transport = 'stdio' | 'ipc-json' | 'ipc-advanced';

/** The built server, started as any editor would: `node dist/server.js --stdio` (or over IPC, as the extension does). */
export class LspTestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly stderr: string[] = [];
  private readonly diagnosticWaiters: { uri: string; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();

  constructor(transport: Transport = 'stdio') {
    if (transport === 'stdio') {
      this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    } else {
      const serialization = transport === 'ipc-advanced' ? 'advanced' : 'json';
      this.proc = fork(SERVER, ['--node-ipc', `--ipc-serialization=${serialization}`], { silent: true, serialization });
      this.conn = createMessageConnection(new IPCMessageReader(this.proc), new IPCMessageWriter(this.proc));
    }
    this.proc.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      for (const w of this.diagnosticWaiters.splice(0)) {
        if (w.uri === p.uri) w.resolve(p);
        else this.diagnosticWaiters.push(w);
      }
    });
    this.conn.listen();
  }

  async initialize(rootUri: string) {
    const result = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'fixtures' }],
      capabilities: { window: { workDoneProgress: true } },
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Resolves with the next diagnostics published for `uri` (event-driven, no sleeping). */
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.diagnosticWaiters.push({ uri, resolve }));
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.proc.on('exit', (code) => resolve(code)));
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}
