import type { Logger } from '../contract';
import type { Delivery, DeliveryItem } from '../delivery';

/**
 * The delivery of a gateway with no Cognigy configured (the newcomer's first run): each item is
 * logged as what the user would see, and the last few are kept for inspection.
 */
export class LogDelivery implements Delivery {
  readonly recent: DeliveryItem[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly keep = 200,
  ) {}

  async deliver(item: DeliveryItem): Promise<void> {
    this.recent.push(item);
    if (this.recent.length > this.keep) this.recent.shift();
    const who = { userId: item.session.userId, sessionId: item.session.sessionId, handoverId: item.handoverId };
    if (item.type === 'message') this.logger.info(`to the user (${item.source}): ${item.text}`, who);
    else if (item.type === 'event')
      this.logger.info(
        `into the flow: handover ${item.handover.status}` +
          (item.handover.eventType ? ` (${item.handover.eventType})` : ''),
        who,
      );
    else this.logger.debug(`agent typing: ${item.typing}`, who);
  }
}
