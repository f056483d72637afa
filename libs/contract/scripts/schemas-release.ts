// Snapshots every changed schema as schemas/released/<fullname>/v<N+1>.avsc (after the compatibility check passes).
import path from 'node:path';
import { releaseSchemas } from '../src/release';
import { loadSchemaFiles } from '../src/schema-files';

try {
  const released = releaseSchemas(loadSchemaFiles());
  if (released.length === 0) console.log('every schema is already released');
  for (const r of released) console.log(`released ${r.fullname} v${r.version} -> ${path.relative(process.cwd(), r.file)}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
