import { createMemoryKv } from '../src';
import { describeKvContract } from './kv-contract';

let clock = 1_000_000;

describeKvContract('memory', {
  open: (prefix) => createMemoryKv({ prefix, now: () => clock }),
  elapse: async (ms) => {
    clock += ms;
  },
  cleanup: async () => {},
});
