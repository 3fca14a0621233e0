import { SPECIFICATION_VERSION, defineConnector, type Clock } from 'handover-kit/contract';
import { SimulatedContactCenter } from './center';
import type { CenterConfig } from './model';
import { simulatedSettingsSchema } from './schema';
import { SIMULATED_CAPABILITIES, createSimulatedConnector } from './connector';

export { createSimulatedConnector, SIMULATED_CAPABILITIES } from './connector';

export { SimulatedContactCenter } from './center';
export { attachScriptedAgent, type ScriptedAgentOptions, type ReplyRule } from './scripted';
export { businessHoursSchema, openState, nextOpening, type BusinessHours } from './hours';
export { simulatedSettingsSchema, type SimulatedSettings } from './schema';
export { createSimulatedWebhook, signWebhook, webhookBody, SIGNATURE_HEADER } from './webhook';
export {
  SimulatedVendorError,
  type AgentConfig,
  type AgentState,
  type AgentStatus,
  type CenterConfig,
  type QueueConfig,
  type SimConversation,
  type SimMessage,
  type SimulatedFailure,
} from './model';

/** Named centers living in this process. A provider's `center` setting picks one. */
export class SimulatedCenters {
  private readonly centers = new Map<string, SimulatedContactCenter>();

  /** The named center, created on first use with `setup` and `clock`. */
  get(name = 'default', setup?: CenterConfig, clock?: Clock): SimulatedContactCenter {
    let center = this.centers.get(name);
    if (!center) {
      center = new SimulatedContactCenter(setup ?? {}, clock);
      this.centers.set(name, center);
    }
    return center;
  }

  /** Registers a center you built (agents attached, your clock). */
  set(name: string, center: SimulatedContactCenter): SimulatedContactCenter {
    this.centers.set(name, center);
    return center;
  }

  names(): string[] {
    return [...this.centers.keys()];
  }
}

/**
 * The connector definition. Pass your own `centers` to reach the centers from your tests; the
 * default keeps them private to this definition.
 */
export function simulatedConnector(options: { centers?: SimulatedCenters } = {}) {
  const centers = options.centers ?? new SimulatedCenters();
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'simulated',
    label: 'Simulated contact center',
    description:
      'An in-process contact center with queues, agents, business hours and scripted agents. No account, no network.',
    settingsSchema: simulatedSettingsSchema,
    capabilities: SIMULATED_CAPABILITIES,
    create(settings, runtime) {
      return createSimulatedConnector(centers.get(settings.center, settings.setup, runtime.clock), settings, runtime);
    },
  });
}
