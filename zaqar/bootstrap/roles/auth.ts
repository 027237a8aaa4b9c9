/**
 * The auth role: the auth strategy `[DEFAULT] auth_strategy` names, the
 * policy engine of `[oslo_policy]`, and the request stages that use them —
 * pre-signed URLs, authentication and the policy check.
 */
import { ContainerModule } from 'inversify';
import { policyFromConfig } from '../../auth/policy-config';
import { AuthStrategy, AuthStrategyFactory } from '../../auth/strategy';
import { authenticationStage } from '../../api/request/stages/authentication';
import { PolicyChecker, policyStage } from '../../api/request/stages/policy';
import { signedUrlStage } from '../../api/request/stages/signed-url';
import { RequestStage } from '../../api/request/stage';
import { Logger } from '../../common/logger';
import { SIGNED_URL_GROUP } from '../../config/groups';
import { Config } from '../../config/options';
import { resolve, resolveAsync } from '../../di/token';
import { PluginLoader } from '../../plugins/loader';
import { Lifetime } from '../lifetime';
import { PluginSelection } from '../selection';

export const authRole = new ContainerModule(({ bind }) => {
  bind(AuthStrategy)
    .toDynamicValue(async (ctx) => {
      const manifest = resolve(ctx, PluginSelection).auth;
      const factory = await resolve(ctx, PluginLoader).factory(manifest, AuthStrategyFactory);
      const logger = resolve(ctx, Logger).child({ component: `auth:${manifest.name}` });
      const strategy = await factory({ config: resolve(ctx, Config), logger });
      if (strategy.close) resolve(ctx, Lifetime).onClose(`auth strategy ${manifest.name}`, () => strategy.close!());
      return strategy;
    })
    .inSingletonScope();
  bind(PolicyChecker)
    .toDynamicValue((ctx) => policyFromConfig(resolve(ctx, Config), resolve(ctx, Logger)))
    .inSingletonScope();

  bind(RequestStage).toDynamicValue((ctx) => signedUrlStage(resolve(ctx, Config).get(SIGNED_URL_GROUP).secret_key ?? undefined));
  bind(RequestStage).toDynamicValue(async (ctx) => authenticationStage(await resolveAsync(ctx, AuthStrategy)));
  bind(RequestStage).toDynamicValue((ctx) => policyStage(resolve(ctx, PolicyChecker)));
});
