/// <reference lib="dom" />
/**
 * The playground (`/playground`): the customer's chat, the agent desk and the flow's timeline, kept
 * live by one Server-Sent Events stream of the session's state.
 */
import type { ChatLine, PlaygroundState } from '../../playground/types';
import { ApiError, api } from './api';
import { announce, clock, duration, h, keyed, pinToEnd, refocus } from './dom';
import { Desk } from './desk';
import { withSignIn } from './signin';
import { subscribe, type StreamStatus } from './stream';
import { Timeline } from './timeline';

const SESSION_ITEM = 'handover-kit.playgroundSession';
const base = 'playground/api';

class CustomerChat {
  readonly el: HTMLElement;
  private readonly messages = h('ol', {
    class: 'messages',
    id: 'chat-messages',
    'aria-label': 'Customer conversation',
    'aria-live': 'polite',
    tabindex: 0,
  });
  private readonly status = h('span', { class: 'pill', id: 'chat-status' }, 'With the bot');
  private readonly typing = h('p', { class: 'typing', hidden: true });
  private readonly replies = h('div', { class: 'quick-replies', role: 'group', 'aria-label': 'Quick replies' });
  private readonly input = h('input', {
    id: 'customer-text',
    type: 'text',
    autocomplete: 'off',
    enterkeyhint: 'send',
    placeholder: 'Type a message — try “agent”',
    maxlength: 2000,
  });
  private readonly error = h('p', { class: 'notice error', role: 'alert', hidden: true });
  private sessionId = '';

  constructor(private readonly restart: () => void) {
    this.el = h(
      'section',
      { class: 'pane chat', 'aria-labelledby': 'chat-title' },
      h('header', { class: 'pane-head' }, h('h2', { id: 'chat-title' }, 'Customer'), this.status),
      this.messages,
      this.typing,
      this.replies,
      h(
        'form',
        {
          class: 'composer',
          method: 'post',
          novalidate: true,
          onsubmit: (e: SubmitEvent) => (e.preventDefault(), void this.send(this.input.value)),
        },
        h('label', { for: 'customer-text', class: 'visually-hidden' }, 'Message from the customer'),
        this.input,
        h('button', { type: 'submit', class: 'primary' }, 'Send'),
      ),
      this.error,
      h('button', { type: 'button', class: 'link', onclick: () => this.restart() }, 'Start a new conversation'),
    );
  }

  focus() {
    this.input.focus();
  }

  render(state: PlaygroundState) {
    const s = state.session;
    if (s.id !== this.sessionId) {
      this.sessionId = s.id;
      this.messages.replaceChildren();
    }
    pinToEnd(this.messages, () =>
      keyed(
        this.messages,
        s.transcript.map((line, i) => ({ line, i })),
        ({ i }) => String(i),
        ({ line }) => message(line),
      ),
    );
    const ho = s.handover;
    this.status.textContent =
      ho?.status === 'queue'
        ? `In the queue${ho.position ? ` · number ${ho.position}` : ''}` +
          (ho.estimatedWaitMs !== undefined ? ` · about ${duration(ho.estimatedWaitMs)}` : '')
        : ho?.status === 'active'
          ? `With ${ho.agent ?? 'an agent'}`
          : 'With the bot';
    this.status.dataset.status = ho?.status === 'queue' || ho?.status === 'active' ? ho.status : 'bot';
    this.typing.textContent = s.agentTyping ? `${ho?.agent ?? 'The agent'} is typing…` : '';
    this.typing.hidden = !s.agentTyping;
    keyed(
      this.replies,
      s.quickReplies,
      (r) => r,
      (r) => h('button', { type: 'button', onclick: () => void this.send(r) }, r),
    );
  }

  private async send(text: string) {
    if (!text.trim()) return;
    this.input.value = '';
    announce(this.error, '');
    try {
      await api('POST', `${base}/sessions/${encodeURIComponent(this.sessionId)}/messages`, { text });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.input.value = text;
      announce(this.error, `Not sent: ${e.message}`, 'error');
    }
    refocus(this.input, this.el);
  }
}

function message(line: ChatLine): HTMLElement {
  const who =
    line.from === 'user'
      ? 'You (customer)'
      : line.from === 'agent'
        ? (line.agent ?? 'Agent')
        : line.from === 'bot'
          ? 'Bot'
          : 'Notice';
  const time = h('time', { datetime: new Date(line.at).toISOString() }, clock(line.at));
  return h(
    'li',
    { class: `msg from-${line.from}` },
    h('span', { class: 'who' }, who, ' ', time),
    h('p', null, line.text),
  );
}

class PlaygroundPage {
  private readonly chat = new CustomerChat(() => void this.newSession());
  private readonly desk = new Desk(base);
  private readonly timeline = new Timeline();
  private readonly live = h('span', { class: 'pill live', role: 'status' }, 'Connecting…');
  private unsubscribe?: () => void;

  start(first: PlaygroundState) {
    const settings = first.settings;
    document
      .getElementById('app')!
      .replaceChildren(
        h(
          'div',
          { class: 'page-head' },
          h('h1', null, 'Playground'),
          h(
            'p',
            { class: 'muted' },
            `A customer, a flow built from the five handover nodes, and an agent desk on the embedded simulated ` +
              `contact center. Ask for an “agent”, then answer as the agent. Queue updates every ` +
              `${settings.queueUpdateSeconds} s; an inactivity event after ` +
              `${duration(settings.inactivitySeconds * 1000)} of silence (the second one closes).`,
          ),
          this.live,
        ),
        h('div', { class: 'playground' }, this.chat.el, this.desk.el, this.timeline.el),
      );
    this.show(first);
    this.connect(first.session.id);
    this.chat.focus();
  }

  private show(state: PlaygroundState) {
    this.chat.render(state);
    this.desk.render(state);
    this.timeline.render(state);
  }

  private connect(id: string) {
    this.unsubscribe?.();
    sessionStorage.setItem(SESSION_ITEM, id);
    this.unsubscribe = subscribe<PlaygroundState>(
      `${base}/sessions/${encodeURIComponent(id)}/events`,
      (s) => this.show(s),
      (status) => this.onStatus(status),
    );
  }

  private onStatus(status: StreamStatus) {
    const text: Record<StreamStatus, string> = {
      connecting: 'Connecting…',
      live: '● Live',
      reconnecting: 'Reconnecting…',
      denied: 'Signed out',
      gone: 'Session ended',
    };
    this.live.textContent = text[status];
    this.live.dataset.status = status;
    if (status === 'gone') void this.newSession();
    if (status === 'denied') location.reload();
  }

  private async newSession() {
    const state = await api<PlaygroundState>('POST', `${base}/sessions`);
    this.show(state);
    this.connect(state.session.id);
    this.chat.focus();
  }
}

/** The page's session: the one this tab had (reload keeps the conversation), else a new one. */
async function openSession(): Promise<PlaygroundState> {
  const known = sessionStorage.getItem(SESSION_ITEM);
  if (known) {
    try {
      return await api<PlaygroundState>('GET', `${base}/sessions/${encodeURIComponent(known)}`);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
  }
  return api<PlaygroundState>('POST', `${base}/sessions`);
}

void withSignIn(openSession, (state) => new PlaygroundPage().start(state));
