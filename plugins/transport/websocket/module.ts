import { ContainerModule } from 'inversify';
import { TransportFactory, type TransportContext } from '../../../zaqar/transport/transport';
import { WebSocketTransport } from './server';

export const websocketModule = new ContainerModule((options) => {
  options.bind(TransportFactory).toConstantValue((context: TransportContext) => new WebSocketTransport(context)).whenNamed('websocket');
});
