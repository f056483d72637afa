import { memoryGraph } from '../support/memory-graph';
import { testRules } from '../support/config';
import { scenarios, type World } from './scenarios';

/** The scenario suite on the planner alone, each event its own batch. */
function pureWorld(): World {
  const graph = memoryGraph(testRules());
  return {
    send: async (...events) => void graph.sendEach(...events),
    profileOf: async (messageId) => graph.profileOf(messageId) ?? `unresolved ${messageId}`,
    linkOf: async (type, value) => graph.linkOf(type, value),
    merges: async () => graph.merges,
    conflicts: async () =>
      graph.conflicts.map(({ kind, profileId, otherProfileId, identifier }) => ({ kind, profileId, otherProfileId, identifier })),
    dead: async () => graph.dead,
  };
}

describe('identity scenarios on the planner', () => {
  for (const scenario of scenarios) {
    it(scenario.name, () => scenario.run(pureWorld(), (name) => name));
  }
});
