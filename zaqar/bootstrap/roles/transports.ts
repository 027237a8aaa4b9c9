/**
 * The transports role: one server per name in `[drivers] transport`, each
 * given the operations and the request pipeline (several transports can run
 * in one process, e.g. `transport = wsgi, websocket`).
 */
import { ContainerModule } from 'inversify';
import { Operations } from '../../api/operations';
import { RequestPipeline } from '../../api/request/pipeline';
import { AuthStrategy } from '../../auth/strategy';
import { Logger } from '../../common/logger';
import { Config } from '../../config/options';
import { resolve, resolveAsync } from '../../di/token';
import { PluginLoader } from '../../plugins/loader';
import type { PluginManifest } from '../../plugins/manifest';
import { Transport, TransportFactory } from '../../transport/transport';

export function transportsRole(transports: readonly PluginManifest[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const manifest of transports) {
      bind(Transport)
        .toDynamicValue(async (ctx) => {
          const factory = await resolve(ctx, PluginLoader).factory(manifest, TransportFactory);
          return factory({
            config: resolve(ctx, Config),
            logger: resolve(ctx, Logger).child({ component: `transport:${manifest.name}` }),
            operations: await resolveAsync(ctx, Operations),
            pipeline: await resolveAsync(ctx, RequestPipeline),
            auth: await resolveAsync(ctx, AuthStrategy),
          });
        })
        .inSingletonScope();
    }
  });
}
