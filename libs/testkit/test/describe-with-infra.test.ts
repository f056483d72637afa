import { infraGate } from '../src/describe-with-infra';

describe('infraGate', () => {
  it('runs a suite whose infrastructure is there', () => {
    expect(infraGate(['kafka'], 'bus', { CJO_INFRA_MISSING: 'redis' })).toEqual({ run: true, warning: null });
    expect(infraGate(['kafka', 'postgres'], 'bus', {})).toEqual({ run: true, warning: null });
  });

  it('skips loudly, naming the suite and what is missing', () => {
    const gate = infraGate(['kafka', 'postgres', 'redis'], 'profiles end to end', { CJO_INFRA_MISSING: 'kafka,redis' });
    expect(gate.run).toBe(false);
    expect(gate.warning).toContain('SKIPPING "profiles end to end"');
    expect(gate.warning).toContain('needs kafka, redis');
    expect(gate.warning).toContain('CJO_REQUIRE_INFRA=1');
  });

  it('never skips when infrastructure is required: the suite runs and fails', () => {
    expect(infraGate(['kafka'], 'bus', { CJO_INFRA_MISSING: 'kafka', CI: 'true' }).run).toBe(true);
    expect(infraGate(['kafka'], 'bus', { CJO_INFRA_MISSING: 'kafka', CJO_REQUIRE_INFRA: '1' }).run).toBe(true);
  });
});
