import { createLogger } from '@cjo/log';
import { createHttpApp, type HttpAppOptions, type HttpApp } from '../src';

export const silentLogger = createLogger({ name: 'http-test', level: 'silent' });

/** Builds an app, lets the test add routes, and closes it after the test file. */
export function appFactory(): (options?: Partial<HttpAppOptions>, routes?: (app: HttpApp) => void) => Promise<HttpApp> {
  const apps: HttpApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });
  return async (options = {}, routes = () => {}) => {
    const app = await createHttpApp({ logger: silentLogger, serviceName: 'test-service', ...options });
    apps.push(app);
    routes(app);
    await app.ready();
    return app;
  };
}
