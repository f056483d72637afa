/** What a journey does, as stored in `journeys.definition`. */
export interface JourneyDefinition {
  trigger: { event: string };
  action: { channel: 'webhook'; url: string; template: string };
}

export type JourneyStatus = 'active' | 'paused';

export interface Journey extends JourneyDefinition {
  id: string;
  name: string;
  status: JourneyStatus;
  createdAt: Date;
}

/** One run of a journey for one profile, started by one trigger event. */
export interface JourneyInstance {
  id: string;
  journeyId: string;
  profileId: string;
  triggerMessageId: string;
  state: string;
  createdAt: Date;
}
