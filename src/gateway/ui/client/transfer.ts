/// <reference lib="dom" />
import type { ProviderExport } from '../../../registry';
import { ApiError, api } from './api';
import { formActions, h } from './dom';

/** Export: the provider API's export as a downloaded JSON file (secrets masked unless asked). */
export function exportPanel(onDone: (message?: string) => void): HTMLElement {
  const secrets = h('input', { id: 'export-secrets', type: 'checkbox', 'aria-describedby': 'export-secrets-help' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  return h(
    'form',
    {
      class: 'card',
      method: 'post',
      novalidate: true,
      'aria-labelledby': 'export-title',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        try {
          const data = await api<ProviderExport>(
            'GET',
            `v2.0/handover/providers/export${secrets.checked ? '?includeSecrets=true' : ''}`,
          );
          download(
            `handover-providers-${new Date().toISOString().slice(0, 10)}.json`,
            `${JSON.stringify(data, null, 2)}\n`,
          );
          onDone(
            `Exported ${data.providers.length} ` +
              `provider(s)${secrets.checked ? ' with their secrets: keep the file safe' : ''}.`,
          );
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          error.textContent = `${e.code}: ${e.message}`;
          error.hidden = false;
        }
      },
    },
    h('h2', { id: 'export-title' }, 'Export providers'),
    h(
      'div',
      { class: 'field' },
      h('div', { class: 'check' }, secrets, h('label', { for: 'export-secrets' }, 'Include secrets')),
      h(
        'p',
        { id: 'export-secrets-help', class: 'help' },
        'Without secrets the file documents the setup but cannot be imported as is; with them, treat it like a ' +
          'password.',
      ),
    ),
    error,
    formActions('Download JSON', onDone),
  );
}

/** Import: a JSON export, merged into or replacing the providers; nothing is written if any provider is invalid. */
export function importPanel(onDone: (message?: string) => void): HTMLElement {
  const file = h('input', { id: 'import-file', type: 'file', accept: '.json,application/json', required: true });
  const mode = h(
    'select',
    { id: 'import-mode', 'aria-describedby': 'import-mode-help' },
    h('option', { value: 'merge' }, 'Merge (keep providers not in the file)'),
    h('option', { value: 'replace' }, 'Replace (delete providers not in the file)'),
  );
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const fail = (lines: string[]) => {
    error.replaceChildren(...lines.map((l) => h('p', null, l)));
    error.hidden = false;
  };
  return h(
    'form',
    {
      class: 'card',
      method: 'post',
      novalidate: true,
      'aria-labelledby': 'import-title',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const chosen = file.files?.[0];
        if (!chosen) return fail(['Choose an export file.']);
        let data: unknown;
        try {
          data = JSON.parse(await chosen.text());
        } catch {
          return fail([`${chosen.name} is not valid JSON.`]);
        }
        try {
          const r = await api<{ created: number; updated: number; deleted: number }>(
            'POST',
            `v2.0/handover/providers/import?mode=${mode.value}`,
            data,
          );
          onDone(`Imported: ${r.created} created, ${r.updated} updated, ${r.deleted} deleted.`);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          fail([`${e.code}: ${e.message}`, ...e.issues.map((i) => `${i.path}: ${i.message}`)]);
        }
      },
    },
    h('h2', { id: 'import-title' }, 'Import providers'),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, 'Export file (JSON)'), file),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'import-mode' }, 'Mode'),
      mode,
      h(
        'p',
        { id: 'import-mode-help', class: 'help' },
        'Every provider in the file is validated before anything is written.',
      ),
    ),
    error,
    formActions('Import', onDone),
  );
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
