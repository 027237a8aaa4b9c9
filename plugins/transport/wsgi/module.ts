import { ContainerModule } from 'inversify';
import { TransportFactory, type TransportContext } from '../../../zaqar/transport/transport';
import { RestifyTransport } from './server';

export const transportModule = new ContainerModule((options) => {
  options.bind(TransportFactory).toConstantValue((context: TransportContext) => new RestifyTransport(context)).whenNamed('wsgi');
});
