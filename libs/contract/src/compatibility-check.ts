import { canonicalForm, compatibilityIssues } from '@cjo/avro';
import { latestRelease, type SchemaFiles } from './schema-files';

export interface SchemaCheck {
  fullname: string;
  /** The released version compared against; undefined when the schema was never released. */
  releasedVersion: number | undefined;
  /** True when the current schema's canonical form differs from its latest release. */
  unreleasedChange: boolean;
  /** One line per incompatible field, naming the direction; empty when compatible. */
  issues: string[];
}

/**
 * FULL compatibility of each current schema with its latest released version:
 * records written with the release must be readable with the current schema,
 * and records written with the current schema readable with the release.
 */
export function checkSchemas(files: SchemaFiles): SchemaCheck[] {
  return [...files.current.values()].map((current) => {
    const release = latestRelease(files, current.fullname);
    if (release === undefined) {
      return { fullname: current.fullname, releasedVersion: undefined, unreleasedChange: true, issues: [] };
    }
    const label = `v${release.version}`;
    const issues = [
      ...compatibilityIssues(release.type, current.type).map((issue) => `released ${label} writer -> current reader: ${issue}`),
      ...compatibilityIssues(current.type, release.type).map((issue) => `current writer -> released ${label} reader: ${issue}`),
    ];
    return {
      fullname: current.fullname,
      releasedVersion: release.version,
      unreleasedChange: canonicalForm(release.type) !== canonicalForm(current.type),
      issues,
    };
  });
}

/** Human-readable failure text for every incompatible schema, or undefined when all are compatible. */
export function describeFailures(checks: SchemaCheck[]): string | undefined {
  const failing = checks.filter((check) => check.issues.length > 0);
  if (failing.length === 0) return undefined;
  return failing
    .map((check) => [`${check.fullname} is not fully compatible with its released v${check.releasedVersion}:`, ...check.issues.map((i) => `  - ${i}`)].join('\n'))
    .join('\n');
}
