import { releaseResources } from './release-resources';
import { forgetStarted, readStarted } from './started-resources';

/** jest globalTeardown: stops only what globalSetup started in this process. */
export default async function globalTeardown(): Promise<void> {
  await releaseResources(await readStarted());
  await forgetStarted();
}
