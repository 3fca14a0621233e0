/// <reference lib="dom" />
import { ApiError, adminKey, takeKeyFromFragment } from './api';
import { byId, h } from './dom';

/**
 * Signs the page in with an admin key, then calls `start` with what `verify` returned. `verify` is
 * the page's first admin call: a 401 (unknown key) or 403 (a nodes key) brings the form back.
 */
export async function withSignIn<T>(verify: () => Promise<T>, start: (result: T) => void): Promise<void> {
  takeKeyFromFragment();
  const app = byId('app');
  const attempt = async (): Promise<string | undefined> => {
    try {
      const result = await verify();
      showAccount();
      app.replaceChildren();
      start(result);
      return undefined;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401 || error.status === 403) adminKey.clear();
      if (error.status === 403)
        return 'This is a nodes key: it may only call the handover API. Sign in with an admin key.';
      if (error.status === 401) return 'The gateway does not know this key.';
      return error.message;
    }
  };
  const problem = adminKey.get() ? await attempt() : undefined;
  if (problem === undefined && adminKey.get()) return; // signed in
  if (problem !== undefined && adminKey.get()) {
    // Not a key problem (the gateway is away…): say so, offer to retry.
    app.replaceChildren(
      h(
        'p',
        { class: 'notice error', role: 'alert' },
        problem,
        ' ',
        h('button', { type: 'button', onclick: () => location.reload() }, 'Retry'),
      ),
    );
    return;
  }
  showForm(app, problem, attempt);
}

function showForm(app: HTMLElement, problem: string | undefined, attempt: () => Promise<string | undefined>) {
  const input = h('input', {
    id: 'admin-key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'signin-help signin-error',
  });
  const error = h('p', { id: 'signin-error', class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const setError = (text: string | undefined) => {
    error.textContent = text ?? '';
    error.hidden = !text;
    input.setAttribute('aria-invalid', text ? 'true' : 'false');
  };
  setError(problem);
  const form = h(
    'form',
    {
      method: 'post',
      novalidate: true,
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return setError('Enter the admin API key.');
        button.disabled = true;
        adminKey.set(key);
        const failure = await attempt();
        button.disabled = false;
        if (failure) {
          setError(failure);
          input.select();
          input.focus();
        }
      },
    },
    h('label', { for: 'admin-key' }, 'Admin API key'),
    input,
    h(
      'p',
      { id: 'signin-help', class: 'help' },
      'One of the gateway’s admin keys (HANDOVER_GATEWAY_ADMIN_KEYS, or the one printed when it started). It ' +
        'stays in this tab only.',
    ),
    error,
    button,
  );
  app.replaceChildren(
    h(
      'section',
      { class: 'signin card', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title' }, 'Sign in'),
      form,
    ),
  );
  input.focus();
}

function showAccount() {
  const account = byId('account');
  account.replaceChildren(
    h('span', { class: 'muted' }, 'Signed in (admin)'),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          adminKey.clear();
          location.reload();
        },
      },
      'Sign out',
    ),
  );
}
