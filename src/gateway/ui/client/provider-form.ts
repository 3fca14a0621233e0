/// <reference lib="dom" />
import type { ConnectorTypeView } from '../../routes/providers';
import type { ProviderView } from '../../../registry';
import { ApiError, api } from './api';
import { formActions, h } from './dom';
import { fieldControl, fieldsOf, type FieldControl, type JsonSchema } from './fields';

export interface ProviderFormOptions {
  types: ConnectorTypeView[];
  /** Editing this provider (else creating one). */
  provider?: ProviderView;
  onDone(saved?: ProviderView): void;
}

/**
 * Create or edit a provider. The settings part is generated from the chosen connector type's
 * schema; saving goes through the provider API (POST to create, PATCH to update), and a 400's
 * `details.issues[].path` puts each message next to the field it names.
 */
export function providerForm(options: ProviderFormOptions): HTMLElement {
  const { types, provider } = options;
  const editing = provider !== undefined;
  let controls: FieldControl[] = [];
  const formError = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const settingsBox = h('fieldset', { class: 'settings' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save changes' : 'Create provider');

  const general = [
    fieldControl(
      {
        path: 'name',
        label: 'Name',
        kind: 'text',
        required: true,
        help: 'Shown to flow builders in the node’s provider list.',
      },
      provider?.name,
      editing,
    ),
    ...(editing
      ? []
      : [
          fieldControl(
            {
              path: 'id',
              label: 'ID',
              kind: 'text',
              required: false,
              help: 'Letters, digits, ".", "_" and "-". Nodes refer to the provider by it; generated when empty.',
            },
            undefined,
            false,
          ),
        ]),
  ];
  const typeSelect = h(
    'select',
    { id: 'field-type', name: 'type', required: true, disabled: editing, 'aria-describedby': 'field-type-help' },
    types.map((t) => h('option', { value: t.type, selected: t.type === (provider?.type ?? types[0]?.type) }, t.label)),
  );
  const typeHelp = h('p', { id: 'field-type-help', class: 'help' });

  const renderSettings = () => {
    const type = types.find((t) => t.type === typeSelect.value);
    typeHelp.textContent = type?.description ?? '';
    controls = fieldsOf((type?.settingsSchema ?? {}) as JsonSchema, 'settings.').map((spec) =>
      fieldControl(spec, provider?.settings[spec.path.slice('settings.'.length)], editing),
    );
    settingsBox.replaceChildren(
      h('legend', null, `${type?.label ?? 'Connector'} settings`),
      ...(controls.length
        ? controls.map((c) => c.el)
        : [h('p', { class: 'muted' }, 'This connector has no settings.')]),
    );
  };
  typeSelect.addEventListener('change', renderSettings);
  renderSettings();

  const showErrors = (messages: Array<{ path: string; message: string }>, fallback?: string) => {
    const all = [...general, ...controls];
    for (const c of all) c.setError(undefined);
    const unplaced: string[] = [];
    for (const issue of messages) {
      // The longest field path the issue's path starts with: settings.setup.queues.0.id → settings.setup.
      const target = all
        .filter((c) => issue.path === c.spec.path || issue.path.startsWith(`${c.spec.path}.`))
        .sort((a, b) => b.spec.path.length - a.spec.path.length)[0];
      if (target) target.setError(issue.message);
      else unplaced.push(issue.path && issue.path !== '(root)' ? `${issue.path}: ${issue.message}` : issue.message);
    }
    const text = [...unplaced, ...(fallback && messages.length === 0 ? [fallback] : [])];
    formError.replaceChildren(...text.map((t) => h('p', null, t)));
    formError.hidden = text.length === 0;
    all.find((c) => c.el.classList.contains('invalid'))?.focus();
  };

  const collect = (): { body: Record<string, unknown>; problems: Array<{ path: string; message: string }> } => {
    const body: Record<string, unknown> = {};
    const settings: Record<string, unknown> = {};
    const problems: Array<{ path: string; message: string }> = [];
    for (const c of [...general, ...controls]) {
      const v = c.read();
      const key = c.spec.path.startsWith('settings.') ? c.spec.path.slice('settings.'.length) : undefined;
      if (v.state === 'invalid') problems.push({ path: c.spec.path, message: v.message });
      else if (v.state === 'value') (key ? settings : body)[key ?? c.spec.path] = v.value;
      // Empty while editing: remove the stored value (null), except a secret, which stays as it is.
      else if (editing && key && c.spec.kind !== 'secret' && provider?.settings[key] !== undefined)
        settings[key] = null;
    }
    if (!editing) body.type = typeSelect.value;
    body.settings = settings;
    return { body, problems };
  };

  const form = h(
    'form',
    {
      class: 'provider-form card',
      method: 'post',
      novalidate: true,
      'aria-labelledby': 'form-title',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const { body, problems } = collect();
        if (problems.length > 0) return showErrors(problems);
        saveButton.disabled = true;
        try {
          const saved = editing
            ? await api<ProviderView>('PATCH', `v2.0/handover/providers/${encodeURIComponent(provider.id)}`, body)
            : await api<ProviderView>('POST', 'v2.0/handover/provider', body);
          options.onDone(saved);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          showErrors(error.issues, `${error.code}: ${error.message}`);
        } finally {
          saveButton.disabled = false;
        }
      },
    },
    h('h2', { id: 'form-title' }, editing ? `Edit “${provider.name}”` : 'New provider'),
    h(
      'fieldset',
      null,
      h('legend', null, 'Provider'),
      h('div', { class: 'field' }, h('label', { for: 'field-type' }, 'Connector type'), typeSelect, typeHelp),
      general.map((c) => c.el),
    ),
    settingsBox,
    formError,
    formActions(saveButton, options.onDone),
  );
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') options.onDone();
  });
  return form;
}
