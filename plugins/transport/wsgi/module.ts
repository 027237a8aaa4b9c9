import { ContainerModule } from 'inversify';
import { TYPES } from '../../../zaqar/bootstrap/tokens';
import type { TransportFactory } from '../../../zaqar/transport/transport';
import { RestifyTransport } from './server';

const factory: TransportFactory = (context) => new RestifyTransport(context);

export const transportModule = new ContainerModule((options) => {
  options.bind<TransportFactory>(TYPES.Transport).toConstantValue(factory).whenNamed('wsgi');
});
