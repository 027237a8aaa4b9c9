/**
 * `smtp_mode = third_part`: the complete message (RFC 5322, LF line ends
 * as a local mail command expects) is written to the stdin of
 * `smtp_command`, split on single spaces as Zaqar splits it (no shell, no
 * quoting), default `/usr/sbin/sendmail -t -oi`: `-t` takes the recipients
 * from the headers.
 *
 * The message is built by nodemailer's stream transport and the command run
 * here rather than through nodemailer's sendmail transport: that one always
 * appends its own `-i`, the envelope sender and the recipients to the
 * command line, which would not be the command the operator configured,
 * and it has no timeout.
 *
 * Exit status 0: delivered. Another status, a signal, the timeout or an
 * abort: retry (the mail command may have been busy or its queue full). A
 * command that cannot be started (not found, not executable): failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createTransport, type Transporter } from 'nodemailer';
import type { DeliveryOutcome } from '../../../zaqar/notification/notifier';
import type { MailFields } from './message';
import type { MailSender } from './sender';

const OUTPUT_LIMIT = 2000;

/** `smtp_command` as Zaqar runs it: `str.split(' ')`, so two spaces make an empty argument. */
export function commandWords(command: string): string[] {
  return command.split(' ');
}

/** The complete message as bytes, the way nodemailer would send it. */
export async function renderMessage(composer: Transporter, mail: MailFields): Promise<Buffer> {
  const info = (await composer.sendMail(mail)) as { message: Buffer };
  return info.message;
}

export class CommandSender implements MailSender {
  private readonly composer: Transporter;
  private readonly running = new Set<ChildProcess>();

  constructor(
    private readonly words: readonly string[],
    private readonly timeoutMs: number,
  ) {
    this.composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: MailFields, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (signal.aborted) return { status: 'retry', reason: 'smtp_command: delivery aborted' };
    const [program, ...args] = this.words;
    if (!program) return { status: 'failed', reason: '[notification] smtp_command is empty' };
    let message: Buffer;
    try {
      message = await renderMessage(this.composer, mail);
    } catch (err) {
      return { status: 'failed', reason: `cannot build the message: ${(err as Error).message}` };
    }
    return this.run(program, args, message, signal);
  }

  private run(program: string, args: string[], input: Buffer, signal: AbortSignal): Promise<DeliveryOutcome> {
    return new Promise((resolve) => {
      let output = '';
      let settled = false;
      let stopped: string | undefined;
      const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      this.running.add(child);
      const collect = (chunk: Buffer): void => {
        if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
      };
      const stop = (why: string): void => {
        if (stopped === undefined) stopped = why;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => stop(`timed out after ${this.timeoutMs} ms`), this.timeoutMs);
      const onAbort = (): void => stop('delivery aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      const finish = (outcome: DeliveryOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.running.delete(child);
        resolve(outcome);
      };
      const described = (): string => (output.trim() ? `: ${output.trim().slice(0, OUTPUT_LIMIT)}` : '');

      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.on('error', (err: NodeJS.ErrnoException) => {
        const cannotStart = err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'ENOTDIR' || err.code === 'EISDIR';
        finish({ status: cannotStart ? 'failed' : 'retry', reason: `smtp_command ${program}: ${err.message}` });
      });
      child.on('close', (code, sig) => {
        if (stopped !== undefined) finish({ status: 'retry', reason: `smtp_command ${program}: ${stopped}${described()}` });
        else if (code === 0) finish({ status: 'delivered' });
        else finish({ status: 'retry', reason: `smtp_command ${program} exited with ${code ?? sig}${described()}` });
      });
      // A command that exits without reading all of its input makes the pipe fail; its exit status tells how it went.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    });
  }

  async close(): Promise<void> {
    for (const child of this.running) child.kill('SIGKILL');
    this.composer.close();
  }
}
