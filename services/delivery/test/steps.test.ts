import { sampleDecision } from '@cjo/service-testkit';
import type { DeliveryRecord } from '../src/delivery';
import { createTemplateEngine } from '../src/liquid';
import { buildOutcome } from '../src/steps/build-outcome';
import { classifyResponse } from '../src/steps/classify-response';
import { prepareWebhook } from '../src/steps/prepare-webhook';

describe('prepareWebhook', () => {
  const liquid = createTemplateEngine();

  it('renders the template with the decision context and builds the body', async () => {
    expect(await prepareWebhook(sampleDecision(), liquid)).toEqual({
      type: 'ok',
      value: {
        type: 'call',
        call: {
          destination: 'http://127.0.0.1:1/hook',
          body: {
            deliveryId: 'instance-1:action',
            decisionId: 'instance-1:action',
            journeyId: 'journey-1',
            profileId: 'profile-1',
            channel: 'webhook',
            content: 'Thanks Ada for 42',
          },
        },
      },
    });
  });

  it('renders unknown variables as empty text', async () => {
    const result = await prepareWebhook(sampleDecision({ template: 'Hi {{ profile.traits.lastName }}!' }), liquid);
    expect(result.type === 'ok' && result.value.type === 'call' && result.value.call.body.content).toBe('Hi !');
  });

  it('rejects channels other than webhook', async () => {
    expect(await prepareWebhook(sampleDecision({ channel: 'sms' }), liquid)).toEqual({
      type: 'ok',
      value: { type: 'reject', error: 'unsupported_channel' },
    });
  });

  it('rejects a decision without destination', async () => {
    expect(await prepareWebhook(sampleDecision({ destination: null }), liquid)).toEqual({
      type: 'ok',
      value: { type: 'reject', error: 'missing_destination' },
    });
  });

  it('rejects templates that do not parse', async () => {
    const result = await prepareWebhook(sampleDecision({ template: 'Hi {{ profile.id ' }), liquid);
    expect(result.type === 'ok' && result.value.type === 'reject' && result.value.error).toMatch(/^template_error: /);
  });

  it('rejects a context that is not a JSON object', async () => {
    const result = await prepareWebhook(sampleDecision({ contextJson: '[]' }), liquid);
    expect(result.type === 'ok' && result.value.type === 'reject' && result.value.error).toMatch(/^invalid_context/);
  });
});

describe('classifyResponse', () => {
  it.each([200, 201, 204, 299])('counts %i as delivered', (httpStatus) => {
    expect(classifyResponse({ type: 'response', httpStatus })).toEqual({ status: 'delivered', httpStatus, error: null });
  });

  it.each([429, 500, 502, 503, 504])('retries %i', (httpStatus) => {
    expect(classifyResponse({ type: 'response', httpStatus })).toEqual({
      status: 'retriable',
      httpStatus,
      error: `http_${httpStatus}`,
    });
  });

  it.each([301, 400, 401, 404, 410, 422])('fails %i for good', (httpStatus) => {
    expect(classifyResponse({ type: 'response', httpStatus })).toEqual({
      status: 'failed',
      httpStatus,
      error: `http_${httpStatus}`,
    });
  });

  it('retries when nothing answered', () => {
    expect(classifyResponse({ type: 'no_response', error: 'timeout: no answer within 5 ms' })).toEqual({
      status: 'retriable',
      httpStatus: null,
      error: 'timeout: no answer within 5 ms',
    });
  });
});

describe('buildOutcome', () => {
  it('maps the stored delivery to the public outcome', () => {
    const record: DeliveryRecord = {
      deliveryId: 'd',
      decisionId: 'd',
      journeyId: 'j',
      profileId: 'p',
      channel: 'webhook',
      destination: 'http://127.0.0.1:1/hook',
      status: 'failed',
      attempts: 2,
      httpStatus: 400,
      error: 'http_400',
      updatedAt: 1_700_000_000_000,
    };
    // Every field carries over as it is; only updatedAt is published as completedAt.
    const { updatedAt, ...carried } = record;
    expect(buildOutcome(record)).toEqual({ ...carried, completedAt: updatedAt });
  });
});
