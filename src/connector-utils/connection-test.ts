import { toHandoverError, type ConnectionCheck, type ConnectionTestResult } from '../contract';

export interface ConnectionStep {
  /** `auth`, `queue`, `inbox`, `integration`… */
  name: string;
  /** The setting the resource comes from, e.g. `settings.queueId`. */
  field?: string;
  /**
   * Touches the resource; resolves to what was found (`queue "Support"`), throws when it fails.
   * `skip` instead: why the step does not apply (e.g. the optional setting is empty).
   */
  run?: () => Promise<string | void>;
  skip?: string;
}

/**
 * Runs a connector's connection test, step by step: the first step is usually `auth`; when a step
 * fails the ones after it are reported as skipped (they would fail for the same reason). The result
 * names the failing step and its setting, so "test connection" says *which* resource is wrong.
 */
export async function runConnectionChecks(steps: readonly ConnectionStep[]): Promise<ConnectionTestResult> {
  const checks: ConnectionCheck[] = [];
  let failed: ConnectionCheck | undefined;
  for (const step of steps) {
    const base = { name: step.name, ...(step.field ? { field: step.field } : {}) };
    if (failed) {
      checks.push({ ...base, status: 'skipped', message: `not checked: ${failed.name} failed` });
      continue;
    }
    if (step.skip !== undefined || !step.run) {
      checks.push({ ...base, status: 'skipped', message: step.skip ?? 'nothing to check' });
      continue;
    }
    try {
      const found = await step.run();
      checks.push({ ...base, status: 'ok', ...(found ? { message: found } : {}) });
    } catch (error) {
      const typed = toHandoverError(error);
      failed = {
        ...base,
        status: 'failed',
        message: `${step.name}${step.field ? ` (${step.field})` : ''}: ${typed.message}`,
        error: { code: typed.code, message: typed.message },
      };
      checks.push(failed);
    }
  }
  return { ok: !failed, checks };
}
