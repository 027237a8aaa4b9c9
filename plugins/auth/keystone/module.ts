/**
 * The keystone auth plugin's DI module: builds the strategy from
 * [keystone_authtoken] (refusing a configuration that cannot work at
 * start-up) with one HTTP client, service session, token cache and
 * validator per process, and the trusts of [trustee] when it is configured. Keystone is first contacted by the first request
 * that needs it, so the server starts while Keystone is still down.
 */
import { ContainerModule } from 'inversify';
import { AuthStrategyFactory } from '../../../zaqar/auth/strategy';
import type { Logger } from '../../../zaqar/common/logger';
import { ConfigError, type Config } from '../../../zaqar/config/options';
import { Discovery } from './discovery';
import { KeystoneHttp } from './http';
import { ServiceSession } from './service-session';
import { keystoneSettings, TOKEN_CACHE_ENTRIES, trusteeSettings } from './settings';
import { KeystoneStrategy } from './strategy';
import { TokenCache } from './token-cache';
import type { TokenInfo } from './token-info';
import { KeystoneTrusts } from './trusts';
import { TokenValidator } from './validator';

export const KEYSTONE = 'keystone';

/** Builds the strategy (exported for in-process tests against a real Keystone). */
export const keystoneStrategyFactory: AuthStrategyFactory = ({ config, logger }) => {
  const settings = keystoneSettings(config, logger);
  let http: KeystoneHttp;
  try {
    http = new KeystoneHttp(settings.http);
  } catch (err) {
    throw new ConfigError(`cannot read a TLS file: ${(err as Error).message}`, { group: 'keystone_authtoken', option: 'cafile' });
  }
  const session = new ServiceSession(http, new Discovery(http), settings, logger);
  const validator = new TokenValidator(http, session, new TokenCache<TokenInfo>(settings.tokenCacheTime, TOKEN_CACHE_ENTRIES), logger);
  const trusts = keystoneTrusts(config, logger);
  return new KeystoneStrategy({
    settings,
    validator,
    session,
    logger,
    trusts,
    close: () => {
      http.close();
      trusts?.close();
    },
  });
};

/** The trusts of [trustee], with connections of their own ([trustee] has its own TLS options); undefined without a trustee. */
function keystoneTrusts(config: Config, logger: Logger): KeystoneTrusts | undefined {
  const settings = trusteeSettings(config);
  if (settings === undefined) return undefined;
  let http: KeystoneHttp;
  try {
    http = new KeystoneHttp(settings.http);
  } catch (err) {
    throw new ConfigError(`cannot read a TLS file: ${(err as Error).message}`, { group: 'trustee', option: 'cafile' });
  }
  return new KeystoneTrusts(http, new Discovery(http), settings, logger.child({ trustee: true }));
}

export const keystoneModule = new ContainerModule((options) => {
  options.bind(AuthStrategyFactory).toConstantValue(keystoneStrategyFactory).whenNamed(KEYSTONE);
});
