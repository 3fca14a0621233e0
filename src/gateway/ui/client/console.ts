/// <reference lib="dom" />
/**
 * The console (`/console`): handover providers managed through the provider API, as the CLI does.
 * List with the last "test connection" outcome, create and edit with forms generated from each
 * connector's settings schema, delete with confirmation, test, export and import.
 */
import type { ConnectorTypeView, ProviderTestResult } from '../../routes/providers';
import type { ProviderCheckRecord } from '../../routes/provider-checks';
import type { ProviderView } from '../../../registry';
import { ApiError, api } from './api';
import { announce, duration, h } from './dom';
import { providerForm } from './provider-form';
import { withSignIn } from './signin';
import { exportPanel, importPanel } from './transfer';
import { apiKeysPanel } from './api-keys';

type ListedProvider = ProviderView & { lastCheck?: ProviderCheckRecord; webhookUrl?: string };

class ConsolePage {
  private readonly status = h('p', { class: 'notice', role: 'status', hidden: true });
  private readonly panel = h('div', { class: 'panel' });
  private readonly body = h('tbody');
  private readonly newButton = h(
    'button',
    { type: 'button', class: 'primary', onclick: () => this.open(this.form()) },
    'New provider',
  );
  private providers: ListedProvider[] = [];

  constructor(private readonly types: ConnectorTypeView[]) {}

  start() {
    const table = h(
      'table',
      { class: 'providers' },
      h('caption', { class: 'visually-hidden' }, 'Handover providers'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Name', 'Type', 'ID', 'Last check', 'Settings', 'Actions'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      this.body,
    );
    document
      .getElementById('app')!
      .replaceChildren(
        h(
          'div',
          { class: 'page-head' },
          h('h1', null, 'Handover providers'),
          h('p', { class: 'muted' }, 'The contact centers your flows hand over to. Nodes pick one by its ID.'),
        ),
        h(
          'div',
          { class: 'toolbar', role: 'toolbar', 'aria-label': 'Providers' },
          this.newButton,
          h('button', { type: 'button', onclick: () => this.open(exportPanel((m) => this.closePanel(m))) }, 'Export'),
          h('button', { type: 'button', onclick: () => this.open(importPanel((m) => this.refreshAfter(m))) }, 'Import'),
          h(
            'button',
            { type: 'button', onclick: () => this.open(apiKeysPanel((m) => this.closePanel(m))) },
            'API keys',
          ),
        ),
        this.status,
        this.panel,
        h('div', { class: 'table-wrap' }, table),
      );
    void this.refresh();
  }

  private form(provider?: ProviderView) {
    return providerForm({
      types: this.types,
      provider,
      onDone: (saved) =>
        saved
          ? void this.refreshAfter(
              `${provider ? 'Saved' : 'Created'} provider “${saved.name}” (${saved.id}).`,
              saved.id,
            )
          : this.closePanel(),
    });
  }

  private open(content: HTMLElement) {
    this.panel.replaceChildren(content);
    announce(this.status, '');
    (content.querySelector('input:not([disabled]), select:not([disabled]), textarea') as HTMLElement | null)?.focus();
  }

  private closePanel(message?: string) {
    this.panel.replaceChildren();
    if (message) announce(this.status, message);
    this.newButton.focus();
  }

  private async refreshAfter(message?: string, focusId?: string) {
    this.panel.replaceChildren();
    await this.refresh();
    if (message) announce(this.status, message);
    const row = focusId ? this.body.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(focusId)}"]`) : null;
    (row ?? this.newButton).focus();
  }

  private async refresh() {
    try {
      this.providers = (await api<{ items: ListedProvider[] }>('GET', 'v2.0/handover/providers')).items;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return announce(this.status, `Could not list the providers: ${e.code}: ${e.message}`, 'error');
    }
    if (this.providers.length === 0) {
      this.body.replaceChildren(
        h('tr', null, h('td', { colspan: 6, class: 'empty' }, 'No providers yet. Create one, or import an export.')),
      );
      return;
    }
    this.body.replaceChildren(...this.providers.map((p) => this.row(p)));
  }

  private row(p: ListedProvider): HTMLElement {
    const type = this.types.find((t) => t.type === p.type);
    const check = h('td', { 'data-label': 'Last check', class: 'check-cell' }, checkSummary(p));
    const testButton = h(
      'button',
      { type: 'button', onclick: () => void this.test(p, check, testButton) },
      'Test connection',
    );
    return h(
      'tr',
      { 'data-id': p.id, tabindex: -1 },
      h('th', { scope: 'row', 'data-label': 'Name' }, p.name),
      h('td', { 'data-label': 'Type' }, type?.label ?? p.type),
      h(
        'td',
        { 'data-label': 'ID' },
        h('code', null, p.id),
        // What to paste into the vendor's webhook settings.
        p.webhookUrl ? h('div', { class: 'muted webhook-url' }, 'Webhook URL: ', h('code', null, p.webhookUrl)) : null,
      ),
      check,
      h('td', { 'data-label': 'Settings' }, settingsSummary(p.settings)),
      h(
        'td',
        { 'data-label': 'Actions', class: 'row-actions' },
        h('button', { type: 'button', onclick: () => this.open(this.form(p)), 'aria-label': `Edit ${p.name}` }, 'Edit'),
        testButton,
        h(
          'button',
          { type: 'button', class: 'danger', onclick: () => this.confirmDelete(p), 'aria-label': `Delete ${p.name}` },
          'Delete',
        ),
      ),
    );
  }

  private async test(p: ListedProvider, cell: HTMLElement, button: HTMLButtonElement) {
    button.disabled = true;
    cell.replaceChildren(h('span', { class: 'muted' }, 'Testing…'));
    try {
      const r = await api<ProviderTestResult>('POST', `v2.0/handover/providers/${encodeURIComponent(p.id)}/test`);
      const record: ProviderCheckRecord = {
        ok: r.ok,
        check: r.check,
        at: Date.now(),
        durationMs: r.durationMs,
        ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
      };
      cell.replaceChildren(checkSummary({ ...p, lastCheck: record }, r.result));
      announce(
        this.status,
        r.ok
          ? `Connection to “${p.name}” works.`
          : `Connection to “${p.name}” failed: ${r.error?.code}: ${r.error?.message}`,
        r.ok ? 'info' : 'error',
      );
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      cell.replaceChildren(h('span', { class: 'bad' }, `${e.code}: ${e.message}`));
    } finally {
      button.disabled = false;
      button.focus();
    }
  }

  private confirmDelete(p: ListedProvider) {
    const cancel = h('button', { type: 'button', autofocus: true }, 'Cancel');
    const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete provider');
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' },
      h('h2', { id: 'confirm-title' }, `Delete “${p.name}”?`),
      h(
        'p',
        { id: 'confirm-text' },
        `Nodes that use the ID “${p.id}” will fail with unknown_provider until a provider with that ID exists again.`,
      ),
      h('div', { class: 'actions' }, cancel, confirm),
    );
    cancel.addEventListener('click', () => dialog.close('cancel'));
    confirm.addEventListener('click', () => dialog.close('delete'));
    dialog.addEventListener('close', async () => {
      dialog.remove();
      if (dialog.returnValue !== 'delete')
        return void this.body.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(p.id)}"] .danger`)?.focus();
      try {
        await api('DELETE', `v2.0/handover/providers/${encodeURIComponent(p.id)}`);
        await this.refreshAfter(`Deleted provider “${p.name}”.`);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        announce(this.status, `Could not delete “${p.name}”: ${e.code}: ${e.message}`, 'error');
      }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  }
}

function checkSummary(p: ListedProvider, result?: unknown): HTMLElement {
  const c = p.lastCheck;
  if (!c) return h('span', { class: 'muted' }, 'Not tested');
  const stale = c.at < p.updatedAt ? h('span', { class: 'muted' }, ' (settings changed since)') : null;
  const when = h('span', { class: 'muted' }, ` · ${duration(Date.now() - c.at)} ago`);
  if (!c.ok)
    return h(
      'span',
      { class: 'check bad' },
      h('strong', null, `✗ ${c.error?.code ?? 'failed'}`),
      `: ${c.error?.message ?? ''}`,
      when,
      stale,
    );
  const agents = (result as { agentsAvailable?: number } | undefined)?.agentsAvailable;
  const detail =
    c.check === 'availability'
      ? agents !== undefined
        ? `${agents} agent(s) available`
        : 'availability answered'
      : 'settings build a connector';
  return h(
    'span',
    { class: 'check good' },
    h('strong', null, '✓ OK'),
    ` · ${detail} · ${c.durationMs} ms`,
    when,
    stale,
  );
}

function settingsSummary(settings: Record<string, unknown>): HTMLElement {
  const entries = Object.entries(settings);
  if (entries.length === 0) return h('span', { class: 'muted' }, 'none');
  const show = (v: unknown) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  };
  return h(
    'details',
    null,
    h('summary', null, `${entries.length} setting${entries.length === 1 ? '' : 's'}`),
    h(
      'dl',
      { class: 'settings-list' },
      entries.map(([k, v]) => [h('dt', null, k), h('dd', null, h('code', null, show(v)))]),
    ),
  );
}

void withSignIn(
  async () => (await api<{ items: ConnectorTypeView[] }>('GET', 'v2.0/handover/services')).items,
  (types) => new ConsolePage(types).start(),
);
