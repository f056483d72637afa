import { dlqTopicOf, type TopicSpec } from './types';

const DLQ_SUFFIX = dlqTopicOf('');

/** The specs plus a `<name>.dlq` twin with the same settings for each (a DLQ gets no DLQ of its own). */
export function withDlqTwins(specs: TopicSpec[]): TopicSpec[] {
  const byName = new Map<string, TopicSpec>();
  for (const spec of specs) {
    byName.set(spec.name, spec);
    if (!spec.name.endsWith(DLQ_SUFFIX)) {
      byName.set(dlqTopicOf(spec.name), { ...spec, name: dlqTopicOf(spec.name) });
    }
  }
  return [...byName.values()];
}
