/**
 * Zaqar's own complete sample zaqar.conf, as Debian's zaqar-common package
 * installs it. `ZAQAR_SAMPLE_CONF` points elsewhere (CI copies the file
 * when the packaged one, mode 0640 root:zaqar, is not readable).
 *
 * Tests that need it skip loudly when it is missing; under CI=true they
 * fail instead, because CI installs it and a skip there would hide a gap.
 */
import { readFileSync } from 'node:fs';
import { skipUnlessAvailable } from '../../tools/services/process';

export const DEBIAN_SAMPLE = process.env.ZAQAR_SAMPLE_CONF ?? '/etc/zaqar/zaqar.conf';

/** The sample's text, or skip (fail under CI) with the reason. */
export function readSampleOrSkip(context: Mocha.Context): string {
  try {
    return readFileSync(DEBIAN_SAMPLE, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `${DEBIAN_SAMPLE} is absent: install Debian's zaqar-common package to run this test`
        : `${DEBIAN_SAMPLE} is not readable by this user (${code ?? String(error)}): run as root, as a member of group zaqar, or set ZAQAR_SAMPLE_CONF`;
    skipUnlessAvailable(context, reason);
    throw error; // unreachable: skipUnlessAvailable skips or throws
  }
}
