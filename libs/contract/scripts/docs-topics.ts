// Regenerates docs/topics.md from the topic catalogue and schemas/.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSchemaFiles } from '../src/schema-files';
import { renderTopicsDoc } from '../src/topics-doc';

const target = path.resolve(__dirname, '../../../docs/topics.md');
writeFileSync(target, renderTopicsDoc(loadSchemaFiles()));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
