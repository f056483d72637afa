import { buildDecisionRequest } from '../src/steps/build-decision-request';
import { buildTriggerContext } from '../src/steps/build-trigger-context';
import { selectJourneys } from '../src/steps/select-journeys';
import { triggerEventName } from '../src/steps/trigger-event-name';
import { sampleResolvedEvent } from '@cjo/service-testkit';
import { journey } from './fixtures';

describe('triggerEventName', () => {
  it('returns the event name of a track event', () => {
    expect(triggerEventName(sampleResolvedEvent())).toEqual({ type: 'ok', value: 'Order Completed' });
  });

  it('drops events that are not track events', () => {
    expect(triggerEventName(sampleResolvedEvent({ type: 'identify', event: null }))).toMatchObject({ type: 'drop' });
  });

  it('drops track events without a name', () => {
    expect(triggerEventName(sampleResolvedEvent({ event: null }))).toMatchObject({ type: 'drop' });
    expect(triggerEventName(sampleResolvedEvent({ event: '' }))).toMatchObject({ type: 'drop' });
  });
});

describe('selectJourneys', () => {
  it('keeps the active journeys triggered by the event', () => {
    const matching = journey({ id: 'a' });
    const paused = journey({ id: 'b', status: 'paused' });
    const other = journey({ id: 'c', trigger: { event: 'Signed Up' } });
    expect(selectJourneys('Order Completed', [matching, paused, other])).toEqual({ type: 'ok', value: [matching] });
  });

  it('drops the event when no journey matches', () => {
    const result = selectJourneys('Order Completed', [journey({ trigger: { event: 'Signed Up' } })]);
    expect(result).toEqual({ type: 'drop', reason: 'no active journey is triggered by "Order Completed"' });
  });
});

describe('buildTriggerContext', () => {
  it('builds the template scope from the event and its traits', () => {
    expect(buildTriggerContext(sampleResolvedEvent(), 'Order Completed')).toEqual({
      type: 'ok',
      value: {
        event: { name: 'Order Completed', properties: { total: 42 }, messageId: 'message-1', timestamp: 1_700_000_000_000 },
        profile: { id: 'profile-1', traits: { firstName: 'Ada' } },
      },
    });
  });

  it('sends events with unreadable JSON to the DLQ', () => {
    const result = buildTriggerContext(sampleResolvedEvent({ propertiesJson: '{nope' }), 'Order Completed');
    expect(result.type).toBe('dlq');
    expect(result.type === 'dlq' && result.error.code).toBe('invalid_json');
    const array = buildTriggerContext(sampleResolvedEvent({ traitsJson: '[1]' }), 'Order Completed');
    expect(array.type === 'dlq' && array.error.message).toBe('traitsJson is not a JSON object');
  });
});

describe('buildDecisionRequest', () => {
  it('derives every id from the journey and the instance', () => {
    const definition = journey();
    const instance = {
      id: 'instance-1',
      journeyId: definition.id,
      profileId: 'profile-1',
      triggerMessageId: 'message-1',
      state: 'started',
      createdAt: new Date(1_700_000_000_500),
    };
    const context = buildTriggerContext(sampleResolvedEvent(), 'Order Completed');
    if (context.type !== 'ok') throw new Error('context expected');

    const request = buildDecisionRequest(definition, instance, context.value);

    expect(request).toEqual({
      requestId: 'instance-1:action',
      journeyId: definition.id,
      instanceId: 'instance-1',
      profileId: 'profile-1',
      triggerMessageId: 'message-1',
      channel: 'webhook',
      candidates: [{ contentId: `${definition.id}:action`, destination: definition.action.url, template: definition.action.template }],
      contextJson: JSON.stringify(context.value),
      requestedAt: 1_700_000_000_500,
    });
    expect(buildDecisionRequest(definition, instance, context.value)).toEqual(request);
  });
});
