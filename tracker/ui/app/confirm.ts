import { h } from './dom.ts';

/**
 * Asks for confirmation in a modal `<dialog>` that states what will change (and, in `note`, anything
 * else worth knowing first, such as who will be recorded; in `warning`, why it may be a mistake).
 * Resolves true only when the confirm button is pressed; Escape or Cancel resolve false.
 */
export function confirmDialog(
  title: string,
  body: string,
  confirmLabel: string,
  note?: string,
  warning?: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: 'primary', 'data-action': 'confirm' }, confirmLabel);
    const cancel = h('button', { type: 'button', 'data-action': 'cancel' }, 'Cancel');
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-body' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', { id: 'confirm-body' }, body),
      warning ? h('p', { id: 'confirm-warning', class: 'msg error' }, warning) : null,
      note ? h('p', { id: 'confirm-note', class: 'hint' }, note) : null,
      h('div', { class: 'dialog-actions' }, cancel, ok),
    );
    let result = false;
    ok.addEventListener('click', () => ((result = true), dialog.close()));
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
