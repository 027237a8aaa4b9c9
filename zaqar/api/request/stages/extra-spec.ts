/**
 * `EXTRA-SPEC` (Zaqar's extra-spec hook): the part before the first `:`
 * names a `zaqar.extraspec.tasks` plugin. Zaqar ships one, `messagecode`,
 * which accepts everything; any other name is refused (the reference
 * answers 500 there).
 */
import { DomainError } from '../../errors';
import type { IncomingRequest } from '../incoming';
import { STAGE_ORDER, type RequestStage } from '../stage';

export const extraSpecStage: RequestStage = {
  name: 'extra-spec',
  order: STAGE_ORDER.extraSpec,
  run(request: IncomingRequest): void {
    const extraSpec = request.header('extra-spec');
    if (!extraSpec) return;
    const scheme = extraSpec.split(':')[0];
    if (scheme && scheme !== 'messagecode') throw new DomainError('extra_spec_unknown', `Unknown extra spec: ${scheme}`);
  },
};
