// The API key: kept in localStorage so a reload does not ask again, and the
// dialog that asks for it when gafferd answers 401/403.
const STORAGE_KEY = 'gaffer.dashboard.apiKey';

export class KeyStore {
  #key;

  constructor() {
    try {
      this.#key = localStorage.getItem(STORAGE_KEY) ?? undefined;
    } catch {
      this.#key = undefined;
    }
  }

  get() {
    return this.#key;
  }

  set(key) {
    this.#key = key || undefined;
    try {
      if (this.#key) localStorage.setItem(STORAGE_KEY, this.#key);
      else localStorage.removeItem(STORAGE_KEY);
    } catch { /* private mode: kept for this page only */ }
  }
}

const MESSAGES = {
  required: 'This gafferd requires an API key. It is sent as the X-Api-Key header and as AUTH:<key> on the channel, and kept in this browser.',
  refused: 'The API key was refused: it is unknown, or it may not do this. Enter another key.',
  change: 'A key is set for this page. Enter another one, or forget it.',
  enter: 'Enter an API key for this gafferd.',
};

/**
 * Wire the key dialog of index.html. `onChange()` runs after a key was
 * entered or forgotten; `onAsk()` when the page has to ask. Returns
 * `askForKey(status)`, for a 401 (no key) or 403 (refused) answer.
 */
export function setupKeyDialog(keys, { onChange, onAsk }) {
  const $ = (id) => document.getElementById(id);
  const dialog = $('key-dialog');
  const show = (text, isError) => {
    $('key-message').textContent = text;
    $('key-message').className = isError ? 'error' : '';
    if (!dialog.open) dialog.showModal();
    $('key-input').focus();
  };
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key-input').value.trim();
    if (!key) return;
    keys.set(key);
    $('key-input').value = '';
    dialog.close();
    onChange();
  });
  $('key-cancel').addEventListener('click', () => dialog.close());
  $('key-forget').addEventListener('click', () => {
    keys.set(undefined);
    dialog.close();
    onChange();
  });
  $('key-button').addEventListener('click', () => show(keys.get() ? MESSAGES.change : MESSAGES.enter, false));
  return (status) => {
    onAsk();
    const refused = status === 403 && keys.get();
    show(refused ? MESSAGES.refused : MESSAGES.required, Boolean(refused));
  };
}
