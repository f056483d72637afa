import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkSchemas, describeFailures } from '../src/compatibility-check';
import { releaseSchemas } from '../src/release';
import { loadSchemaFiles } from '../src/schema-files';

const fixtures = path.join(__dirname, 'fixtures');

describe('schemas/ compatibility with their latest release', () => {
  const checks = checkSchemas(loadSchemaFiles());

  it('releases every current schema (run `pnpm schemas:release` after a compatible change)', () => {
    expect(checks.filter((c) => c.unreleasedChange).map((c) => c.fullname)).toEqual([]);
  });

  it('keeps every current schema FULL-compatible with its latest release, both ways', () => {
    const failures = describeFailures(checks);
    if (failures !== undefined) throw new Error(`${failures}\nA breaking change needs a new record name and topic (.v2), see schemas/README.md.`);
    expect(checks.length).toBeGreaterThan(0);
  });
});

describe('the compatibility check', () => {
  it('accepts an added field with a default and a removed field that had one', () => {
    const [check] = checkSchemas(loadSchemaFiles(path.join(fixtures, 'compatible')));
    expect(check).toMatchObject({ fullname: 'test.fixture.Order', releasedVersion: 1, unreleasedChange: true, issues: [] });
  });

  it('catches a changed field type and a field added without a default, naming schema and field', () => {
    const checks = checkSchemas(loadSchemaFiles(path.join(fixtures, 'breaking')));
    const message = describeFailures(checks);
    expect(message).toContain('test.fixture.Order is not fully compatible with its released v1');
    expect(message).toContain('released v1 writer -> current reader: field test.fixture.Order.amount: cannot read');
    expect(message).toContain('released v1 writer -> current reader: field test.fixture.Order.region is missing from the writer and has no default');
    expect(message).toContain('current writer -> released v1 reader: field test.fixture.Order.amount: cannot read');
  });
});

describe('releaseSchemas', () => {
  const tempDirs: string[] = [];
  afterAll(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  function copyOf(fixture: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), `cjo-schemas-${fixture}-`));
    tempDirs.push(dir);
    cpSync(path.join(fixtures, fixture), dir, { recursive: true });
    return dir;
  }

  it('snapshots a compatible change as the next version, then has nothing left to release', () => {
    const dir = copyOf('compatible');
    const released = releaseSchemas(loadSchemaFiles(dir));
    expect(released.map((r) => [r.fullname, r.version])).toEqual([['test.fixture.Order', 2]]);
    const v2 = path.join(dir, 'released', 'test.fixture.Order', 'v2.avsc');
    expect(readFileSync(v2, 'utf8')).toBe(readFileSync(path.join(dir, 'test.fixture.Order.avsc'), 'utf8'));
    expect(releaseSchemas(loadSchemaFiles(dir))).toEqual([]);
    expect(checkSchemas(loadSchemaFiles(dir))[0]).toMatchObject({ releasedVersion: 2, unreleasedChange: false, issues: [] });
  });

  it('refuses a breaking change and writes nothing', () => {
    const dir = copyOf('breaking');
    expect(() => releaseSchemas(loadSchemaFiles(dir))).toThrow(/test\.fixture\.Order\.amount/);
    expect(existsSync(path.join(dir, 'released', 'test.fixture.Order', 'v2.avsc'))).toBe(false);
  });
});
