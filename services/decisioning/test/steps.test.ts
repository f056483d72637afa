import type { DecisionRequested } from '@cjo/contract';
import { sampleDecision } from '@cjo/service-testkit';
import { buildDecision } from '../src/steps/build-decision';
import { pickContent } from '../src/steps/pick-content';

function request(overrides: Partial<DecisionRequested> = {}): DecisionRequested {
  return {
    requestId: 'instance-1:action',
    journeyId: 'journey-1',
    instanceId: 'instance-1',
    profileId: 'profile-1',
    triggerMessageId: 'message-1',
    channel: 'webhook',
    candidates: [{ contentId: 'journey-1:action', destination: 'http://127.0.0.1:1/hook', template: 'Hi {{ profile.id }}' }],
    contextJson: '{"profile":{"id":"profile-1"}}',
    requestedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('pickContent', () => {
  it('picks the first candidate', () => {
    const second = { contentId: 'other', destination: null, template: '' };
    const input = request();
    const first = input.candidates[0];
    expect(pickContent({ ...input, candidates: [...input.candidates, second] })).toEqual({ type: 'ok', value: first });
  });

  it('drops a request without candidates', () => {
    expect(pickContent(request({ candidates: [] }))).toEqual({
      type: 'drop',
      reason: 'decision request instance-1:action has no content candidates',
    });
  });
});

describe('buildDecision', () => {
  it('uses the request id as decision id and carries content and context', () => {
    const input = request();
    const content = { contentId: 'journey-1:action', destination: 'http://127.0.0.1:1/hook', template: 'Hi' };
    // The sample decision carries the same ids, content id and destination as request().
    expect(buildDecision(input, content, 1_700_000_000_900)).toEqual(
      sampleDecision({ template: 'Hi', contextJson: input.contextJson, decidedAt: 1_700_000_000_900 }),
    );
  });
});
