import { canonicalForm, fingerprint } from '@cjo/avro';
import { loadSchemaFiles } from '../src/schema-files';

// Computed once by Avro Java 1.12.0, org.apache.avro.SchemaNormalization.parsingFingerprint64 (signed Java
// longs), on the released v1 files. Released files never change, so neither do these numbers.
const javaFingerprintsOfV1: Record<string, bigint> = {
  'cjo.events.RawEvent': 8951178994318630826n,
  'cjo.events.ResolvedEvent': 793554740942009379n,
  'cjo.profiles.ProfileChanged': -7975755871217746064n,
  'cjo.journeys.DecisionRequested': -8979307035023807212n,
  'cjo.decisioning.Decision': -2516199238375013380n,
  'cjo.delivery.DeliveryOutcome': 4213213503360435350n,
};

describe('released v1 schemas', () => {
  const files = loadSchemaFiles();

  it.each(Object.entries(javaFingerprintsOfV1))('%s v1 has the fingerprint Avro Java computes', (fullname, expected) => {
    const v1 = files.released.get(fullname)?.find((r) => r.version === 1);
    expect(v1).toBeDefined();
    if (v1 === undefined) return;
    expect(BigInt.asIntN(64, fingerprint(v1.type))).toBe(expected);
  });

  it('keeps logical types and docs out of the canonical form', () => {
    const v1 = files.released.get('cjo.events.RawEvent')?.[0];
    expect(v1).toBeDefined();
    if (v1 === undefined) return;
    expect(canonicalForm(v1.type)).not.toMatch(/logicalType|doc|default/);
  });
});
