/**
 * Starts a real zaqar-server process (the compiled bin) for functional
 * tests: a temporary data folder, a generated zaqar.conf on port 0, and the
 * URL read back from the server's "Serving on" log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVER_BIN = path.join(ROOT, 'bin', 'zaqar-server.js');

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  configFile: string;
  child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Sends a signal and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops (if running) and removes the data folder. */
  cleanup(): Promise<void>;
}

export interface ServerOptions {
  /** Extra INI text appended after the defaults (later values win). */
  extraConfig?: string;
  /** Reuse a data folder (restart tests). */
  dataDir?: string;
  /** Milliseconds to wait for the listening line. */
  timeoutMs?: number;
}

export function baseConfig(dataDir: string): string {
  return `[DEFAULT]
admin_mode = true

[drivers]
transport = wsgi
message_store = sqlite
management_store = sqlalchemy

[drivers:transport:wsgi]
bind = 127.0.0.1
port = 0

[drivers:message_store:sqlite]
uri = sqlite:///${dataDir}/messages.sqlite

[drivers:management_store:sqlalchemy]
uri = sqlite:///${dataDir}/management.sqlite

[signed_url]
secret_key = test-secret-key
`;
}

export function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'zaqar-ts-functional-'));
  const configFile = path.join(dataDir, 'zaqar.conf');
  writeFileSync(configFile, baseConfig(dataDir) + (options.extraConfig ?? ''));
  const child = spawn(process.execPath, [SERVER_BIN, '--config-file', configFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );

  return new Promise((resolve, reject) => {
    let listening = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${options.timeoutMs ?? 15000} ms:\n${stderr}`));
    }, options.timeoutMs ?? 15000);
    void exited.then((code) => {
      if (listening) return;
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`));
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /Serving on http:\/\/([^:"]+):(\d+)/.exec(stderr);
      if (!m || listening) return;
      listening = true;
      clearTimeout(timer);
      const port = Number(m[2]);
      const server: RunningServer = {
        url: `http://127.0.0.1:${port}`,
        port,
        dataDir,
        configFile,
        child,
        stderr: () => stderr,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (exitCode !== undefined) return exitCode;
          child.kill(signal);
          return exited;
        },
        async cleanup() {
          await server.stop('SIGKILL');
          if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
        },
      };
      resolve(server);
    });
  });
}
