export { type Collected, collectRecords } from './collect-records';
export { type TestDb, createTestDb } from './test-db';
export { type FlakyDb, flakyDb } from './flaky-db';
export { sampleDecision, sampleRawEvent, sampleResolvedEvent } from './samples';
