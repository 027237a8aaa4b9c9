/**
 * A real SMTP server for tests and tools: aiosmtpd (Debian's
 * python3-aiosmtpd) run by tools/services/smtp-server.py on a free
 * loopback port, with a temporary folder holding its self-signed
 * certificate and the mailbox.
 *
 *   const smtp = await SmtpServer.start({ flavour: 'starttls', user: 'zaqar', password: 'secret' });
 *   smtp.port, smtp.caFile      // where to connect, which certificate to trust
 *   await smtp.waitForMessages(1)  // what it received: envelope, headers, decoded body
 *   smtp.connections()          // how many connections clients opened
 *   await smtp.close();         // stops and removes the folder
 *
 * Flavours: `plain` (no TLS), `smtps` (TLS from the first byte, port-465
 * style), `starttls` (STARTTLS offered and required before AUTH and MAIL).
 * With `user` every client must log in (AUTH PLAIN or LOGIN). `rejectCount`
 * refuses the first N messages with `rejectReply`; a recipient whose local
 * part is `reject-NNN` is always refused with reply NNN.
 *
 * `relayCommand()` is a sendmail-compatible command line
 * (tools/services/smtp-relay.py: the message on stdin, submitted to this
 * server with Python's smtplib) for code that delivers through a mail
 * command rather than SMTP.
 *
 * The Python is /usr/bin/python3 (where Debian installs aiosmtpd) or
 * $SMTP_PYTHON; the certificate is made with the openssl CLI. When either
 * is missing, `smtpServerMissing()` says why and the suite skips (or fails
 * under CI, see process.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findExecutable, freePort, type ManagedProcess, startProcess, waitUntil } from './process';

export const LOOPBACK = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;

export type SmtpFlavour = 'plain' | 'smtps' | 'starttls';

export interface SmtpServerOptions {
  flavour?: SmtpFlavour;
  /** Require AUTH with this login. */
  user?: string;
  password?: string;
  /** Refuse the first N messages (default 0). */
  rejectCount?: number;
  /** The reply for them (default `451 4.3.0 Try again later`). */
  rejectReply?: string;
  /** Refuse at RCPT (default) or after DATA. */
  rejectAt?: 'rcpt' | 'data';
}

/** One message as the server received and Python's email package decoded it. */
export interface ReceivedMail {
  /** 1, 2, ... in order of arrival. */
  seq: number;
  /** Which connection (1, 2, ...) carried it. */
  connection: number;
  /** Whether that connection was encrypted (implicit TLS or after STARTTLS). */
  tls: boolean;
  /** The login the client authenticated with, or null. */
  authUser: string | null;
  mailFrom: string;
  rcptTos: string[];
  headers: [string, string][];
  from: string;
  to: string;
  subject: string;
  contentType: string;
  charset: string | null;
  transferEncoding: string;
  /** The decoded text body, line ends as LF. */
  body: string;
  /** The message as transmitted. */
  raw: string;
}

/** The project root (where package.json is), from the source or the compiled tree. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

const SCRIPTS = path.join(projectRoot(), 'tools', 'services');
const SERVER_SCRIPT = path.join(SCRIPTS, 'smtp-server.py');
const RELAY_SCRIPT = path.join(SCRIPTS, 'smtp-relay.py');

/** The Python that runs the server: $SMTP_PYTHON, else Debian's /usr/bin/python3. */
export function smtpPython(): string {
  return process.env.SMTP_PYTHON || '/usr/bin/python3';
}

let missingReason: string | undefined | null = null;

/** Why the SMTP server cannot run here, or undefined when it can. */
export function smtpServerMissing(): string | undefined {
  if (missingReason !== null) return missingReason;
  const python = smtpPython();
  const probe = spawnSync(python, ['-c', 'import aiosmtpd'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) {
    missingReason = `${python} cannot import aiosmtpd (install Debian package python3-aiosmtpd, or set SMTP_PYTHON to a python3 that has it)`;
  } else if (findExecutable('openssl', 'OPENSSL', ['/usr/bin']) === undefined) {
    missingReason = 'openssl not found (install Debian package openssl): the SMTP server makes its certificate with it';
  } else {
    missingReason = undefined;
  }
  return missingReason;
}

function field<T>(record: Record<string, unknown>, key: string, fallback: T): T {
  return (record[key] ?? fallback) as T;
}

export class SmtpServer {
  private process: ManagedProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly options: SmtpServerOptions,
  ) {}

  /** Starts a server on a free loopback port in a new temporary folder; resolves once it accepts connections. */
  static async start(options: SmtpServerOptions = {}): Promise<SmtpServer> {
    const missing = smtpServerMissing();
    if (missing !== undefined) throw new Error(missing);
    const server = new SmtpServer(await freePort(), options);
    await server.launch();
    return server;
  }

  readonly host = LOOPBACK;

  get flavour(): SmtpFlavour {
    return this.options.flavour ?? 'plain';
  }

  get user(): string | undefined {
    return this.options.user;
  }

  get password(): string | undefined {
    return this.options.password;
  }

  /** The server's folder (certificate, mailbox, connection log). */
  get dir(): string {
    if (!this.process) throw new Error('the SMTP server is not running');
    return this.process.dir;
  }

  /** The self-signed certificate, for clients to trust as their CA. */
  get caFile(): string {
    return path.join(this.dir, 'cert.pem');
  }

  get running(): boolean {
    return this.process !== undefined && !this.process.exited();
  }

  private async launch(): Promise<void> {
    const o = this.options;
    const args = [
      SERVER_SCRIPT,
      '--host', LOOPBACK,
      '--port', String(this.port),
      '--dir', '.',
      '--flavour', this.flavour,
      ...(o.user !== undefined ? ['--user', o.user, '--password', o.password ?? ''] : []),
      ...(o.rejectCount ? ['--reject-count', String(o.rejectCount)] : []),
      ...(o.rejectReply ? ['--reject-reply', o.rejectReply] : []),
      ...(o.rejectAt ? ['--reject-at', o.rejectAt] : []),
    ];
    const proc = startProcess(smtpPython(), args, { env: { PYTHONUNBUFFERED: '1' } });
    this.process = proc;
    try {
      await waitUntil(async () => /^READY /m.test(proc.output()), START_TIMEOUT_MS, `SMTP server on port ${this.port}`, proc);
    } catch (err) {
      await proc.stop();
      this.process = undefined;
      throw err;
    }
  }

  /** Every message received so far, in order of arrival. */
  messages(): ReceivedMail[] {
    const folder = path.join(this.dir, 'mailbox');
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => {
        const r = JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as Record<string, unknown>;
        return {
          seq: field(r, 'seq', 0),
          connection: field(r, 'connection', 0),
          tls: field(r, 'tls', false),
          authUser: field<string | null>(r, 'auth_user', null),
          mailFrom: field(r, 'mail_from', ''),
          rcptTos: field<string[]>(r, 'rcpt_tos', []),
          headers: field<[string, string][]>(r, 'headers', []),
          from: field(r, 'from', ''),
          to: field(r, 'to', ''),
          subject: field(r, 'subject', ''),
          contentType: field(r, 'content_type', ''),
          charset: field<string | null>(r, 'charset', null),
          transferEncoding: field(r, 'transfer_encoding', ''),
          body: field(r, 'body', ''),
          raw: field(r, 'raw', ''),
        };
      });
  }

  /** Resolves with the messages once there are at least `count`; throws after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    await waitUntil(async () => this.messages().length >= count, timeoutMs, `${count} message(s) at the SMTP server`, this.process);
    return this.messages();
  }

  /** How many connections clients have opened (a STARTTLS upgrade is not a new one). */
  connections(): number {
    const file = path.join(this.dir, 'connections.jsonl');
    if (!existsSync(file)) return 0;
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  }

  /**
   * A sendmail-compatible command line that submits a message read on
   * stdin to this server (plain flavour only: the relay speaks SMTP without
   * TLS), logging in when the server wants it. Words are separated by single
   * spaces, the form `[notification] smtp_command` is split on.
   */
  relayCommand(extraArgs: string[] = ['-t', '-oi']): string {
    if (this.flavour !== 'plain') throw new Error('the relay talks to a plain-flavour server only');
    const words = [smtpPython(), RELAY_SCRIPT, '--server', `${LOOPBACK}:${this.port}`];
    if (this.user !== undefined) words.push('--user', this.user, '--password', this.password ?? '');
    const all = [...words, ...extraArgs];
    if (all.some((w) => w === '' || /\s/.test(w))) throw new Error(`relay command words may not be empty or contain spaces: ${all.join(' ')}`);
    return all.join(' ');
  }

  /** SIGSTOP: connections are accepted by the kernel but nothing answers (a hung server). */
  pause(): void {
    this.process?.child.kill('SIGSTOP');
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    this.process?.child.kill('SIGCONT');
  }

  /** Stops the server and removes its folder. */
  async close(): Promise<void> {
    if (!this.process) return;
    this.resume();
    await this.process.stop();
    this.process = undefined;
  }
}
