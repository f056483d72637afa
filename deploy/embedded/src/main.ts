import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '@cjo/config';
import { createLifecycle } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { embeddedConfigSchema } from './config';
import { startEmbeddedPlatform } from './platform';

/** `pnpm start`: the whole platform in one process, no Docker, no Kafka. */
async function main(): Promise<void> {
  const config = loadConfig(embeddedConfigSchema);
  const logger = createLogger({ name: 'cjo', level: config.LOG_LEVEL });
  const adminToken = config.CJO_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  const dataDir = resolve(config.CJO_DATA_DIR);
  const platform = await startEmbeddedPlatform({
    logger,
    port: config.PORT,
    host: config.HOST,
    adminToken,
    dataDir,
    env: process.env,
  });

  const shown = config.CJO_ADMIN_TOKEN === undefined ? `${adminToken} (generated; set CJO_ADMIN_TOKEN to choose one)` : '(from CJO_ADMIN_TOKEN)';
  process.stdout.write(
    [
      '',
      `CJO platform (embedded mode) listening on ${platform.url}`,
      `  admin token: ${shown}`,
      `  data:        ${dataDir}`,
      `  API docs:    ${platform.url}/docs`,
      '',
    ].join('\n') + '\n',
  );

  const lifecycle = createLifecycle({ logger });
  lifecycle.onStop('platform', () => platform.stop());
  lifecycle.installSignalHandlers();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
