/// <reference lib="dom" />
import type { ApiKeyView } from '../../keys/named';
import { ApiError, api } from './api';
import { duration, formActions, h } from './dom';

/**
 * API keys: the named keys (scope, providers, last use), a form to create one (the key is shown once,
 * here, and never again) and a revoke button per key. Keys from the environment are not listed.
 */
export function apiKeysPanel(onDone: (message?: string) => void): HTMLElement {
  const list = h('tbody');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const created = h('div', { class: 'notice', role: 'status', hidden: true });
  const name = h('input', { id: 'key-name', required: true, maxlength: 80, autocomplete: 'off' });
  const scope = h(
    'select',
    { id: 'key-scope' },
    h('option', { value: 'nodes' }, 'nodes (the handover API)'),
    h('option', { value: 'admin' }, 'admin (everything)'),
  );
  const providers = h('input', { id: 'key-providers', autocomplete: 'off', 'aria-describedby': 'key-providers-help' });
  const fail = (e: unknown) => {
    if (!(e instanceof ApiError)) throw e;
    error.textContent = `${e.code}: ${e.message}`;
    error.hidden = false;
  };
  const refresh = async () => {
    try {
      const { items } = await api<{ items: ApiKeyView[] }>('GET', 'v2.0/handover/apikeys');
      list.replaceChildren(
        ...(items.length === 0
          ? [h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'No named keys yet.'))]
          : items.map(row)),
      );
    } catch (e) {
      fail(e);
    }
  };
  const row = (k: ApiKeyView) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, k.name),
      h('td', null, k.scope),
      h('td', null, k.providers?.join(', ') ?? 'all'),
      h('td', null, k.lastUsedAt ? `${duration(Date.now() - k.lastUsedAt)} ago` : 'never'),
      h(
        'td',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'aria-label': `Revoke ${k.name}`,
            onclick: async () => {
              try {
                await api('DELETE', `v2.0/handover/apikeys/${encodeURIComponent(k.id)}`);
                await refresh();
              } catch (e) {
                fail(e);
              }
            },
          },
          'Revoke',
        ),
      ),
    );
  void refresh();
  return h(
    'form',
    {
      class: 'card',
      method: 'post',
      novalidate: true,
      'aria-labelledby': 'keys-title',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        error.hidden = true;
        const ids = providers.value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        try {
          const r = await api<{ key: string; apiKey: ApiKeyView }>('POST', 'v2.0/handover/apikeys', {
            name: name.value,
            scope: scope.value,
            ...(ids.length ? { providers: ids } : {}),
          });
          created.replaceChildren(
            h('p', null, `Key “${r.apiKey.name}” created. Copy it now: it is not shown again.`),
            h('code', { class: 'secret-once' }, r.key),
          );
          created.hidden = false;
          name.value = '';
          providers.value = '';
          await refresh();
        } catch (e) {
          fail(e);
        }
      },
    },
    h('h2', { id: 'keys-title' }, 'API keys'),
    h(
      'table',
      { class: 'providers' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Name', 'Scope', 'Providers', 'Last used', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      list,
    ),
    h('div', { class: 'field' }, h('label', { for: 'key-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'key-scope' }, 'Scope'), scope),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'key-providers' }, 'Limit to providers (optional)'),
      providers,
      h('p', { id: 'key-providers-help', class: 'help' }, 'Comma-separated provider IDs; empty for all.'),
    ),
    created,
    error,
    formActions('Create key', onDone, 'Close'),
  );
}
