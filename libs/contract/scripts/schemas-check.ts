// Fails (exit 1) when a current schema is not FULL-compatible with its latest release.
import { checkSchemas, describeFailures } from '../src/compatibility-check';
import { loadSchemaFiles } from '../src/schema-files';

const checks = checkSchemas(loadSchemaFiles());
for (const check of checks) {
  const pending = check.unreleasedChange && check.issues.length === 0 ? ', changed since: run `pnpm schemas:release`' : '';
  const state = check.releasedVersion === undefined ? 'never released' : `released v${check.releasedVersion}${pending}`;
  console.log(`${check.issues.length === 0 ? 'ok  ' : 'FAIL'} ${check.fullname} (${state})`);
}
const failures = describeFailures(checks);
if (failures !== undefined) {
  console.error(`\n${failures}`);
  process.exitCode = 1;
}
