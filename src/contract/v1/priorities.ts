/**
 * Handover priorities, lowest first. In a module of their own, without zod: code that needs only the
 * names (the Cognigy extension's node editor) then loads no validator.
 */
export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
