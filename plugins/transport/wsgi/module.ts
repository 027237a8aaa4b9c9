import { ContainerModule } from 'inversify';
import { TransportFactory, type TransportContext } from '../../../zaqar/transport/transport';
import { HttpTransport } from './server';

export const transportModule = new ContainerModule((options) => {
  options.bind(TransportFactory).toConstantValue((context: TransportContext) => new HttpTransport(context)).whenNamed('wsgi');
});
