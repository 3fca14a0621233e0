/// <reference lib="dom" />
import type { PlaygroundState, TimelineEntry } from '../../playground/types';
import { clock, h, keyed, pinToEnd } from './dom';

/**
 * What the flow saw: one entry per execution (a customer message, or a handover event the gateway
 * would inject), with `input.handover` as the nodes read it and the branch each node took.
 */
export class Timeline {
  readonly el: HTMLElement;
  private readonly list = h('ol', { class: 'timeline', 'aria-label': 'Flow executions', tabindex: 0 });
  private readonly empty = h('p', { class: 'empty' }, 'Nothing yet: write to the bot.');
  private session = '';

  constructor() {
    this.el = h(
      'section',
      { class: 'pane timeline-pane', 'aria-labelledby': 'timeline-title' },
      h('header', { class: 'pane-head' }, h('h2', { id: 'timeline-title' }, 'What the flow saw')),
      h(
        'p',
        { class: 'muted small' },
        'Each run of the flow: what started it, the input.handover it carried, and the branch each node took.',
      ),
      this.list,
      this.empty,
    );
  }

  render(state: PlaygroundState) {
    if (state.session.id !== this.session) {
      this.session = state.session.id;
      this.list.replaceChildren();
    }
    pinToEnd(this.list, () => keyed(this.list, state.timeline, (e) => String(e.n), entry));
    this.empty.hidden = state.timeline.length > 0;
  }
}

function entry(e: TimelineEntry): HTMLElement {
  const trigger =
    e.trigger === 'user'
      ? h('span', { class: 'tag user' }, e.text ? `customer: “${e.text}”` : 'customer input')
      : h('span', { class: 'tag event' }, `handover event${e.handover?.eventType ? ` (${e.handover.eventType})` : ''}`);
  return h(
    'li',
    { class: `tl-entry trigger-${e.trigger}${e.error ? ' failed' : ''}` },
    h(
      'div',
      { class: 'tl-head' },
      h('span', { class: 'tl-n' }, `#${e.n}`),
      h('time', { datetime: new Date(e.at).toISOString() }, clock(e.at)),
      trigger,
    ),
    e.handover ? h('p', { class: 'tl-input' }, h('code', null, 'input.handover'), ' ', fields(e.handover)) : null,
    h(
      'ol',
      { class: 'tl-steps' },
      e.steps.map((s) =>
        h(
          'li',
          null,
          h('span', { class: 'node' }, s.label),
          s.branch ? [' → ', h('strong', { class: 'branch' }, s.branch)] : null,
          s.stopped
            ? h(
                'span',
                { class: 'muted' },
                e.trigger === 'user' && !s.branch
                  ? ' · message to the agent; the bot stays quiet'
                  : ' · waits for input',
              )
            : null,
        ),
      ),
    ),
    e.error ? h('p', { class: 'bad' }, `Failed: ${e.error}`) : null,
  );
}

function fields(handover: NonNullable<TimelineEntry['handover']>): HTMLElement {
  const { eventType: _skip, ...shown } = handover;
  return h(
    'span',
    { class: 'kv' },
    Object.entries(shown).map(([k, v]) =>
      h(
        'span',
        null,
        h('span', { class: 'k' }, k),
        '=',
        h('span', { class: 'v' }, typeof v === 'string' ? v : String(v)),
      ),
    ),
  );
}
