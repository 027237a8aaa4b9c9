/**
 * The config role: what every other role reads — the configuration, the
 * logger, the plugins (registry and loader), which plugin serves each role,
 * and the lifetime that closes what the roles open.
 */
import { ContainerModule } from 'inversify';
import { Logger } from '../../common/logger';
import { Config } from '../../config/options';
import { PluginLoader } from '../../plugins/loader';
import { Lifetime } from '../lifetime';
import { PluginSelection } from '../selection';

export function configRole(config: Config, logger: Logger, plugins: PluginLoader, selection: PluginSelection): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Config).toConstantValue(config);
    bind(Logger).toConstantValue(logger);
    bind(PluginLoader).toConstantValue(plugins);
    bind(PluginSelection).toConstantValue(selection);
    bind(Lifetime).toConstantValue(new Lifetime(logger));
  });
}
