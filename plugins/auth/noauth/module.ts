import { ContainerModule } from 'inversify';
import { AuthStrategyFactory, NOAUTH } from '../../../zaqar/auth/strategy';
import { noauth } from './strategy';

export const noauthModule = new ContainerModule((options) => {
  options.bind(AuthStrategyFactory).toConstantValue(() => noauth).whenNamed(NOAUTH);
});
