import { Type, type Static } from '@sinclair/typebox';
import { standaloneConfigFields } from '@cjo/runtime';

/** Keys are environment variable names (read by @cjo/config loadConfig). */
export const deliveryConfigSchema = Type.Object({
  ...standaloneConfigFields(8086),
  /** How long one webhook call may take before it counts as a (retriable) timeout. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5000 }),
});

export type DeliveryConfig = Static<typeof deliveryConfigSchema>;
