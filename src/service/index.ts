export { HandoverService, type HandoverServiceOptions } from './service';
export type { IngestResult } from './events';
export { applyEvent } from './apply';
export { renderTemplate, DEFAULT_POSITION_TEXT, DEFAULT_WAIT_TIME_TEXT } from './templates';
export * from '../model';
