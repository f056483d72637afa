import type { TopicCodec } from '@cjo/bus';
import { createContract } from '@cjo/contract';
import { sampleDecision, sampleRawEvent, sampleResolvedEvent } from '../src';

function roundTrip<T>(codec: TopicCodec<T>, value: T): T {
  return codec.decode(codec.encode(value));
}

describe('samples', () => {
  // Service tests publish the samples on real topics, so each must be a valid record of its topic.
  it('are valid records of their topics', () => {
    const contract = createContract();
    expect(roundTrip(contract.codec('rawEvents'), sampleRawEvent())).toEqual(sampleRawEvent());
    expect(roundTrip(contract.codec('resolvedEvents'), sampleResolvedEvent())).toEqual(sampleResolvedEvent());
    expect(roundTrip(contract.codec('decisions'), sampleDecision())).toEqual(sampleDecision());
  });

  it('apply overrides over the defaults', () => {
    expect(sampleResolvedEvent({ profileId: 'p-2', userId: null })).toMatchObject({
      profileId: 'p-2',
      userId: null,
      messageId: 'message-1',
    });
  });
});
