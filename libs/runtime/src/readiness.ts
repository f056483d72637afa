import type { ServiceModule } from '@cjo/lifecycle';

/**
 * Whether no module says it cannot work (a consumer that crashed for good processes nothing
 * while the process still answers); modules without an opinion count as ready.
 */
export function modulesReady(modules: readonly ServiceModule[]): boolean {
  return modules.every((module) => module.isReady?.() !== false);
}
