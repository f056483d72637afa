/**
 * Segment's documented limits, so that SDKs, which split their batches by them, work unchanged.
 * Sizes are bytes of UTF-8 JSON; for compressed bodies they apply to the decompressed body.
 */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_REQUEST_BYTES = 500 * 1024;

/** Longest userId, anonymousId, messageId, groupId or previousId, in characters. */
export const MAX_ID_LENGTH = 512;

/** Longest track event name, in characters. */
export const MAX_EVENT_NAME_LENGTH = 512;
