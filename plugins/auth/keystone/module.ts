/**
 * The keystone auth plugin's DI module: builds the strategy from
 * [keystone_authtoken] (refusing a configuration that cannot work at
 * start-up) with one HTTP client, service session, token cache and
 * validator per process. Keystone is first contacted by the first request
 * that needs it, so the server starts while Keystone is still down.
 */
import { ContainerModule } from 'inversify';
import { AuthStrategyFactory } from '../../../zaqar/auth/strategy';
import { ConfigError } from '../../../zaqar/config/options';
import { Discovery } from './discovery';
import { KeystoneHttp } from './http';
import { ServiceSession } from './service-session';
import { keystoneSettings, TOKEN_CACHE_ENTRIES } from './settings';
import { KeystoneStrategy } from './strategy';
import { TokenCache } from './token-cache';
import type { TokenInfo } from './token-info';
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
  return new KeystoneStrategy({ settings, validator, session, logger, close: () => http.close() });
};

export const keystoneModule = new ContainerModule((options) => {
  options.bind(AuthStrategyFactory).toConstantValue(keystoneStrategyFactory).whenNamed(KEYSTONE);
});
