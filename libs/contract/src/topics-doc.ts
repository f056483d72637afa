import { fingerprint } from '@cjo/avro';
import { DLQ_HEADERS, dlqTopicOf } from '@cjo/bus';
import type { SchemaFiles } from './schema-files';
import { topics } from './topics';

function headerHex(fp: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(fp);
  return `c3 01 ${bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ')}`;
}

function formatRetention(ms: number | undefined): string {
  if (ms === undefined) return 'broker default';
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} d` : `${ms} ms`;
}

const DLQ_HEADER_MEANINGS: Record<keyof typeof DLQ_HEADERS, string> = {
  errorCode: 'stable error code, e.g. `avro_unknown_schema`',
  errorMessage: 'what went wrong',
  sourceTopic: 'topic the record came from',
  sourcePartition: 'its partition',
  sourceOffset: 'its offset',
  attempts: 'how many times the consumer tried',
};

function dlqHeaderTable(): string[] {
  const keys = Object.keys(DLQ_HEADER_MEANINGS) as Array<keyof typeof DLQ_HEADERS>;
  return ['| header | value |', '|---|---|', ...keys.map((key) => `| \`${DLQ_HEADERS[key]}\` | ${DLQ_HEADER_MEANINGS[key]} |`)];
}

function topicTable(): string[] {
  const rows = Object.values(topics).map(
    (t) =>
      `| \`${t.name}\` | ${t.key} | \`${t.valueSchema}\` | ${t.partitions} | ${t.cleanupPolicy} | ${formatRetention(t.retentionMs)} | ${t.public ? 'yes' : 'no'} |`,
  );
  return ['| topic | key | value schema | partitions | cleanup | retention | public |', '|---|---|---|---|---|---|---|', ...rows];
}

function schemaTable(files: SchemaFiles): string[] {
  const rows = Object.values(topics).map((t) => {
    const current = files.current.get(t.valueSchema);
    const header = current === undefined ? 'missing' : `\`${headerHex(fingerprint(current.type))}\``;
    const released = (files.released.get(t.valueSchema) ?? []).map((r) => `v${r.version}`).join(', ') || 'none';
    return `| \`${t.valueSchema}\` | \`schemas/${t.valueSchema}.avsc\` | ${header} | ${released} |`;
  });
  return ['| value schema | current file | current header (magic + fingerprint) | released versions |', '|---|---|---|---|', ...rows];
}

/** docs/topics.md, generated from the catalogue and schemas/ (`pnpm docs:topics`). */
export function renderTopicsDoc(files: SchemaFiles): string {
  return [
    '# Topics',
    '',
    '<!-- Generated from libs/contract (the topic catalogue) and schemas/ by `pnpm docs:topics`; do not edit by hand. -->',
    '',
    'Every topic is keyed by a UTF-8 string and every value is one Avro record. Records with the same key land on the',
    'same partition, so they are consumed in the order they were produced. The `.v1` suffix is the major version of the',
    'value schema: a change that cannot be made compatibly goes to a new topic (`.v2`).',
    '',
    ...topicTable(),
    '',
    ...Object.values(topics).map((t) => `- \`${t.name}\`: ${t.description}`),
    '',
    'Public topics are a stable integration surface: their schemas only change compatibly (see `schemas/README.md`).',
    '',
    '## Encoding',
    '',
    'Values use Avro [single-object encoding](https://avro.apache.org/docs/1.12.0/specification/#single-object-encoding):',
    '',
    '1. two marker bytes `C3 01`;',
    '2. the 8-byte little-endian CRC-64-AVRO (Rabin) fingerprint of the writer schema\'s Parsing Canonical Form;',
    '3. the record in Avro binary encoding.',
    '',
    'To decode with any Avro library, using `schemas/` alone: parse every `schemas/*.avsc` and',
    '`schemas/released/<fullname>/v<N>.avsc` file (each is self-contained), index them by fingerprint, read the',
    'fingerprint from bytes 2..9 of a record, and decode bytes 10.. with that writer schema, resolved into the schema',
    'your code was written against. In Java, `org.apache.avro.message.BinaryMessageDecoder` does exactly this (add older',
    'versions with `addSchema`). Timestamps are `long` with logical type `timestamp-millis`; fields named `*Json` hold',
    'JSON object text.',
    '',
    ...schemaTable(files),
    '',
    '## Dead-letter topics',
    '',
    `The bus creates a twin \`<topic>.dlq\` for each topic, with the same settings (for example \`${dlqTopicOf(topics.rawEvents.name)}\`).`,
    'A record a consumer cannot process (undecodable, invalid, or still failing after its retries) is copied there with',
    'its key, value and headers unchanged, and these headers added:',
    '',
    ...dlqHeaderTable(),
    '',
  ].join('\n');
}
