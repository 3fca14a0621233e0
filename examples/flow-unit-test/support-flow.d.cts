import type { FlowDefinition } from 'handover-kit/testing';
export declare function supportFlow(options?: { providerId?: string }): FlowDefinition;
