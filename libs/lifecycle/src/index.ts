export { createLifecycle, type Lifecycle, type LifecycleOptions, type SignalSource, type Stopper } from './lifecycle';
export type { ServiceModule } from './service-module';
