import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CjoError } from '@cjo/errors';
import { checkSchemas, describeFailures } from './compatibility-check';
import { latestRelease, type SchemaFiles } from './schema-files';

export interface ReleasedSchema {
  fullname: string;
  version: number;
  file: string;
}

/**
 * Snapshots every current schema whose canonical form differs from its latest
 * release as released/<fullname>/v<N+1>.avsc. Refuses (writing nothing) when
 * any current schema is incompatible with its latest release.
 */
export function releaseSchemas(files: SchemaFiles): ReleasedSchema[] {
  const checks = checkSchemas(files);
  const failures = describeFailures(checks);
  if (failures !== undefined) throw new CjoError('schema_incompatible', failures);
  const released: ReleasedSchema[] = [];
  for (const check of checks.filter((c) => c.unreleasedChange)) {
    const current = files.current.get(check.fullname);
    if (current === undefined) continue;
    const version = (latestRelease(files, check.fullname)?.version ?? 0) + 1;
    const dir = path.join(files.dir, 'released', check.fullname);
    const file = path.join(dir, `v${version}.avsc`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, current.text, { flag: 'wx' });
    released.push({ fullname: check.fullname, version, file });
  }
  return released;
}
