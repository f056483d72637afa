import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSchema, type Type } from '@cjo/avro';
import { CjoError } from '@cjo/errors';

/** The repository's schemas/ folder, found from this file so it works under tsx and jest alike. */
export const defaultSchemasDir = path.resolve(__dirname, '../../../schemas');

export interface SchemaFile {
  fullname: string;
  file: string;
  text: string;
  type: Type;
}

export interface ReleasedSchemaFile extends SchemaFile {
  version: number;
}

export interface SchemaFiles {
  dir: string;
  /** schemas/<fullname>.avsc, by full name. */
  current: Map<string, SchemaFile>;
  /** schemas/released/<fullname>/v<N>.avsc, by full name, oldest first. */
  released: Map<string, ReleasedSchemaFile[]>;
}

const RELEASE_FILE = /^v([1-9][0-9]*)\.avsc$/;

function readSchema(file: string): { text: string; type: Type } {
  const text = readFileSync(file, 'utf8');
  return { text, type: parseSchema(text, file) };
}

function schemaError(message: string): CjoError {
  return new CjoError('contract_bad_schema_file', message);
}

function loadCurrent(dir: string): Map<string, SchemaFile> {
  const current = new Map<string, SchemaFile>();
  for (const entry of readdirSync(dir).filter((name) => name.endsWith('.avsc')).sort()) {
    const file = path.join(dir, entry);
    const { text, type } = readSchema(file);
    const fullname = type.name;
    if (fullname === undefined || entry !== `${fullname}.avsc`) {
      throw schemaError(`${file} must be named after the full name of the record it defines (${fullname ?? 'unnamed'}.avsc)`);
    }
    current.set(fullname, { fullname, file, text, type });
  }
  return current;
}

function loadReleased(dir: string): Map<string, ReleasedSchemaFile[]> {
  const releasedDir = path.join(dir, 'released');
  const released = new Map<string, ReleasedSchemaFile[]>();
  if (!existsSync(releasedDir)) return released;
  for (const fullname of readdirSync(releasedDir).sort()) {
    const versions: ReleasedSchemaFile[] = [];
    for (const entry of readdirSync(path.join(releasedDir, fullname))) {
      const match = RELEASE_FILE.exec(entry);
      const file = path.join(releasedDir, fullname, entry);
      if (match?.[1] === undefined) throw schemaError(`${file}: released schemas are named v<N>.avsc`);
      const { text, type } = readSchema(file);
      if (type.name !== fullname) throw schemaError(`${file} defines ${type.name ?? 'an unnamed type'}, not ${fullname}`);
      versions.push({ fullname, file, text, type, version: Number(match[1]) });
    }
    versions.sort((a, b) => a.version - b.version);
    released.set(fullname, versions);
  }
  return released;
}

/** Reads every current and released schema under `dir`; throws on a misplaced or invalid file. */
export function loadSchemaFiles(dir: string = defaultSchemasDir): SchemaFiles {
  return { dir, current: loadCurrent(dir), released: loadReleased(dir) };
}

export function latestRelease(files: SchemaFiles, fullname: string): ReleasedSchemaFile | undefined {
  return files.released.get(fullname)?.at(-1);
}
