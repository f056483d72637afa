import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSchemaFiles } from '../src/schema-files';
import { renderTopicsDoc } from '../src/topics-doc';

describe('docs/topics.md', () => {
  it('is what the generator produces from the catalogue', () => {
    const onDisk = readFileSync(path.resolve(__dirname, '../../../docs/topics.md'), 'utf8');
    const generated = renderTopicsDoc(loadSchemaFiles());
    if (onDisk !== generated) throw new Error('docs/topics.md is out of date with the topic catalogue or schemas/: run `pnpm docs:topics`');
    expect(onDisk).toContain('| `cjo.events.raw.v1` |');
  });

  it('documents the DLQ headers the bus writes', () => {
    const doc = renderTopicsDoc(loadSchemaFiles());
    for (const header of ['cjo-error-code', 'cjo-error-message', 'cjo-source-topic', 'cjo-source-partition', 'cjo-source-offset', 'cjo-attempts']) {
      expect(doc).toContain(`\`${header}\``);
    }
  });
});
