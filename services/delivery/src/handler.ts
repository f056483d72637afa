import { attempt, drop, ok, publishRecords, retry, toHandlerResult, type Bus, type HandlerResult, type StepResult, type TopicCodec } from '@cjo/bus';
import type { Decision, DeliveryOutcome } from '@cjo/contract';
import { CjoError } from '@cjo/errors';
import type { Liquid } from 'liquidjs';
import { isFinal, type DeliveryRecord } from './delivery';
import { buildOutcome } from './steps/build-outcome';
import { classifyResponse } from './steps/classify-response';
import { prepareWebhook } from './steps/prepare-webhook';
import { sendWebhook, type Fetch } from './steps/send-webhook';
import type { DeliveryStore } from './store';

export interface DecisionHandlerDeps {
  store: DeliveryStore;
  bus: Bus;
  outcomes: TopicCodec<DeliveryOutcome>;
  liquid: Liquid;
  fetch: Fetch;
  webhookTimeoutMs: number;
  now: () => number;
}

export function createDecisionHandler(deps: DecisionHandlerDeps): (decision: Decision) => Promise<HandlerResult> {
  return async (decision) => toHandlerResult(await handle(deps, decision));
}

async function handle(deps: DecisionHandlerDeps, decision: Decision): Promise<StepResult<DeliveryRecord>> {
  const deliveryId = decision.decisionId;
  const at = () => new Date(deps.now());

  const known = await attempt(() => deps.store.begin(deliveryId, decision, at()));
  if (known.type !== 'ok') return known;
  if (isFinal(known.value.status)) {
    // The first run may have stopped between recording and publishing; the outcome is safe to repeat.
    const republished = await publishOutcome(deps, known.value);
    if (republished.type !== 'ok') return republished;
    return drop(`delivery ${deliveryId} is already ${known.value.status}`);
  }

  const prepared = await prepareWebhook(decision, deps.liquid);
  if (prepared.type !== 'ok') return prepared;
  if (prepared.value.type === 'reject') {
    const { error } = prepared.value;
    return finish(deps, () => deps.store.record(deliveryId, { status: 'failed', httpStatus: null, error }, at()));
  }

  const counted = await attempt(() => deps.store.countAttempt(deliveryId, at()));
  if (counted.type !== 'ok') return counted;

  const sent = await sendWebhook(deps.fetch, prepared.value.call, deps.webhookTimeoutMs);
  if (sent.type !== 'ok') return sent;

  const verdict = classifyResponse(sent.value);
  if (verdict.status === 'retriable') {
    const recorded = await attempt(() => deps.store.record(deliveryId, { ...verdict, status: 'retrying' }, at()));
    if (recorded.type !== 'ok') return recorded;
    return retry(new CjoError('webhook_unavailable', `${prepared.value.call.destination}: ${verdict.error}`, { retriable: true }));
  }
  return finish(deps, () => deps.store.record(deliveryId, verdict, at()));
}

async function finish(deps: DecisionHandlerDeps, record: () => Promise<DeliveryRecord>): Promise<StepResult<DeliveryRecord>> {
  const recorded = await attempt(record);
  if (recorded.type !== 'ok') return recorded;
  const published = await publishOutcome(deps, recorded.value);
  if (published.type !== 'ok') return published;
  return recorded;
}

function publishOutcome(deps: DecisionHandlerDeps, record: DeliveryRecord): Promise<StepResult<void>> {
  return attempt(() => publishRecords(deps.bus, deps.outcomes, [{ key: record.profileId, value: buildOutcome(record) }]));
}
