/// <reference lib="dom" />
import type { AgentAction, DeskConversation, DeskMessage, PlaygroundState } from '../../playground/types';
import { ApiError, api } from './api';
import { announce, duration, h, keyed, pinToEnd, refocus } from './dom';

/**
 * The agent desk: the simulated center's queues (position, estimated wait, how long each has been
 * waiting), the agent's chats (reply, typing, transfer, close) and the agent's status. Every button
 * is one call to the playground's agent API.
 */
export class Desk {
  readonly el: HTMLElement;
  private readonly status = h(
    'select',
    { id: 'agent-status' },
    ['available', 'busy', 'offline'].map((s) => h('option', { value: s }, s)),
  );
  private readonly queue = h('ul', { class: 'queue', 'aria-label': 'Waiting conversations' });
  private readonly queueEmpty = h('p', { class: 'empty' }, 'Nobody is waiting.');
  private readonly tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Your chats' });
  private readonly messages = h('ol', {
    class: 'messages',
    id: 'desk-messages',
    'aria-label': 'Chat with the customer',
    'aria-live': 'polite',
    tabindex: 0,
  });
  private readonly input = h('input', {
    id: 'agent-text',
    type: 'text',
    autocomplete: 'off',
    enterkeyhint: 'send',
    placeholder: 'Reply to the customer',
    maxlength: 2000,
  });
  private readonly typingButton = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Typing…');
  private readonly transferTo = h('select', { id: 'transfer-queue' });
  private readonly conversation: HTMLElement;
  private readonly noChat = h('p', { class: 'empty' }, 'No chat open. Accept one from the queue.');
  private readonly ended = h('ul', { class: 'ended' });
  private readonly error = h('p', { class: 'notice error', role: 'alert', hidden: true });
  private selected?: string;
  private state?: PlaygroundState;
  private typing = false;
  /** The chat just accepted: selected, with the reply box focused, once a state shows it. */
  private accepted?: string;

  constructor(private readonly base: string) {
    this.status.addEventListener(
      'change',
      () => void this.act({ action: 'status', status: this.status.value as 'available' }),
    );
    this.typingButton.addEventListener(
      'click',
      () => this.selected && void this.act({ action: 'typing', conversationId: this.selected, on: !this.typing }),
    );
    // Typing follows the reply box: on while there is text, off when it is emptied (or sent).
    this.input.addEventListener('input', () => {
      const want = this.input.value !== '';
      if (this.selected && want !== this.typing)
        void this.act({ action: 'typing', conversationId: this.selected, on: want });
    });
    this.conversation = h(
      'div',
      { class: 'conversation', hidden: true },
      this.messages,
      h(
        'form',
        {
          class: 'composer',
          method: 'post',
          novalidate: true,
          onsubmit: (e: SubmitEvent) => (e.preventDefault(), void this.reply()),
        },
        h('label', { for: 'agent-text', class: 'visually-hidden' }, 'Reply from the agent'),
        this.input,
        h('button', { type: 'submit', class: 'primary' }, 'Send'),
      ),
      h(
        'div',
        { class: 'tools' },
        this.typingButton,
        h(
          'span',
          { class: 'transfer' },
          h('label', { for: 'transfer-queue' }, 'Transfer to'),
          this.transferTo,
          h(
            'button',
            {
              type: 'button',
              onclick: () =>
                this.selected &&
                void this.act({ action: 'transfer', conversationId: this.selected, queueId: this.transferTo.value }),
            },
            'Transfer',
          ),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: () => this.selected && void this.act({ action: 'close', conversationId: this.selected }),
          },
          'Close chat',
        ),
      ),
    );
    this.el = h(
      'section',
      { class: 'pane desk', 'aria-labelledby': 'desk-title' },
      h(
        'header',
        { class: 'pane-head' },
        h('h2', { id: 'desk-title' }, 'Agent desk'),
        h('span', { class: 'agent-status' }, h('label', { for: 'agent-status' }, 'Status'), this.status),
      ),
      h('h3', null, 'Queue'),
      this.queue,
      this.queueEmpty,
      h('h3', null, 'Your chats'),
      this.tabs,
      this.conversation,
      this.noChat,
      this.error,
      h('details', { class: 'ended-box' }, h('summary', null, 'Recently ended'), this.ended),
    );
    setInterval(() => this.state && this.renderQueue(this.state), 1_000);
  }

  render(state: PlaygroundState) {
    this.state = state;
    const d = state.desk;
    if (document.activeElement !== this.status) this.status.value = d.agent.status;
    this.renderQueue(state);
    const justAccepted = this.accepted !== undefined && d.active.some((c) => c.id === this.accepted);
    if (justAccepted) [this.selected, this.accepted] = [this.accepted, undefined];
    else if (!d.active.some((c) => c.id === this.selected))
      this.selected = (d.active.find((c) => c.mine) ?? d.active[0])?.id;
    keyed(
      this.tabs,
      d.active,
      (c) => c.id,
      (c) => h('button', { type: 'button', onclick: () => this.select(c.id) }, tabLabel(c)),
      (el, c) => {
        el.textContent = tabLabel(c);
        el.setAttribute('aria-pressed', String(c.id === this.selected));
      },
    );
    for (const b of Array.from(this.tabs.children))
      b.setAttribute('aria-pressed', String((b as HTMLElement).dataset.key === this.selected));
    const current = d.active.find((c) => c.id === this.selected);
    this.conversation.hidden = !current;
    this.noChat.hidden = !!current;
    if (current) {
      if (this.messages.dataset.conversation !== current.id) {
        this.messages.dataset.conversation = current.id;
        this.messages.replaceChildren();
      }
      pinToEnd(this.messages, () => keyed(this.messages, current.messages, (m) => m.id, deskMessage));
      if (justAccepted) refocus(this.input, this.el);
      this.typing = current.agentTyping;
      this.typingButton.setAttribute('aria-pressed', String(this.typing));
      keyed(
        this.transferTo,
        d.queues,
        (q) => q.id,
        (q) => h('option', { value: q.id }, q.name),
      );
    }
    keyed(
      this.ended,
      d.ended,
      (c) => c.id,
      (c) => h('li', null, `${c.user} · ${c.status} · ${c.messages.length} messages`),
    );
  }

  private renderQueue(state: PlaygroundState) {
    const waiting = state.desk.queues.flatMap((q) => q.waiting.map((c) => ({ c, queue: q.name })));
    const info = ({ c, queue }: (typeof waiting)[number]) => {
      const estimate = c.estimatedWaitMs !== undefined ? ` · est. ${duration(c.estimatedWaitMs)}` : '';
      const waited = duration(Date.now() - c.enqueuedAt);
      const who = `${c.user}${c.mine ? ' (this page)' : ''}`;
      return `${who} · ${queue} · number ${c.position}${estimate} · waiting ${waited}`;
    };
    keyed(
      this.queue,
      waiting,
      ({ c }) => c.id,
      (w) =>
        h(
          'li',
          null,
          h('span', { class: 'info' }, info(w)),
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              'aria-label': `Accept ${w.c.user}`,
              onclick: () => void this.accept(w.c.id),
            },
            'Accept',
          ),
        ),
      (el, w) => {
        el.querySelector('.info')!.textContent = info(w);
      },
    );
    this.queueEmpty.hidden = waiting.length > 0;
  }

  private select(id: string) {
    this.selected = id;
    if (this.state) this.render(this.state);
    this.input.focus();
  }

  private async accept(id: string) {
    // Marked before the request: the state showing the chat can arrive (over SSE) before the answer does.
    this.accepted = id;
    if (!(await this.act({ action: 'accept', conversationId: id })) && this.accepted === id) this.accepted = undefined;
  }

  private async reply() {
    const text = this.input.value.trim();
    if (!text || !this.selected) return;
    this.input.value = '';
    if (await this.act({ action: 'say', conversationId: this.selected, text }))
      this.typing = false; // sending ends typing
    else this.input.value = text;
    refocus(this.input, this.el);
  }

  private async act(action: AgentAction): Promise<boolean> {
    announce(this.error, '');
    if (action.action === 'typing') this.typing = action.on;
    try {
      await api('POST', `${this.base}/agent`, action);
      return true;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      announce(this.error, e.message, 'error');
      return false;
    }
  }
}

function tabLabel(c: DeskConversation): string {
  return `${c.user}${c.mine ? ' (this page)' : ''}`;
}

function deskMessage(m: DeskMessage): HTMLElement {
  const who =
    m.from === 'agent'
      ? 'You (agent)'
      : m.from === 'user'
        ? 'Customer'
        : m.from === 'history'
          ? 'Before the handover'
          : 'Notice';
  return h(
    'li',
    { class: `msg from-${m.from === 'user' ? 'customer' : m.from}` },
    h('span', { class: 'who' }, who),
    h('p', null, m.text),
  );
}
