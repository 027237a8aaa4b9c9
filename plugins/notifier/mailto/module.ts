/**
 * DI wiring of the mailto notifier: binds its NotifierFactory under the
 * plugin name. Required only when a `mailto:` subscriber is served.
 */
import { ContainerModule } from 'inversify';
import { NotifierFactory } from '../../../zaqar/notification/notifier';
import { createMailtoNotifier } from './notifier';

export const PLUGIN_NAME = 'mailto';

export function createMailtoModule(): ContainerModule {
  return new ContainerModule((options) => {
    options.bind(NotifierFactory).toConstantValue(createMailtoNotifier).whenNamed(PLUGIN_NAME);
  });
}
