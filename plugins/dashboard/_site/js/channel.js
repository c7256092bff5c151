// The /channel endpoint: SockJS when the browser bundle loaded, else the raw
// /channel/websocket. Subscriptions are reference-counted here and replayed
// after a reconnection; AUTH:<key> is sent first when a key is set.

const NOP_INTERVAL_MS = 15000;
const MAX_RETRY_MS = 10000;

export class Channel {
  #base;
  #keys;
  #handlers;
  #transport;
  #sock;
  #topics = new Map();
  #pending = new Map();
  #nextId = 1;
  #retryMs = 1000;
  #retryTimer;
  #nopTimer;
  #authFailed = false;
  #closed = false;

  /**
   * `handlers`: onEvent(data), onStatus('live' | 'connecting' | 'down', detail),
   * onAuthRequired(reason), onSubscribed(topic), onSubscriptionError(topic, reason), onReconnect().
   * `transport`: a SockJS transport name to force (e.g. 'xhr-streaming'), or 'raw'.
   */
  constructor(base, keys, handlers, transport) {
    this.#base = base.replace(/\/+$/, '');
    this.#keys = keys;
    this.#handlers = handlers;
    this.#transport = transport;
  }

  get kind() {
    return this.#useSockJs() ? `SockJS${this.#transport ? ` (${this.#transport})` : ''}` : 'websocket';
  }

  connect() {
    this.#closed = false;
    this.#authFailed = false;
    clearTimeout(this.#retryTimer);
    this.#open();
  }

  /** Reconnect now (after a new key was entered). */
  reconnect() {
    const sock = this.#sock;
    this.#sock = undefined;
    if (sock) {
      sock.onclose = null;
      sock.close();
    }
    this.connect();
  }

  subscribe(topic) {
    const count = this.#topics.get(topic) ?? 0;
    this.#topics.set(topic, count + 1);
    if (count === 0) this.#send({ event: 'SUB', data: { topic } });
  }

  unsubscribe(topic) {
    const count = this.#topics.get(topic);
    if (count === undefined) return;
    if (count > 1) {
      this.#topics.set(topic, count - 1);
      return;
    }
    this.#topics.delete(topic);
    this.#send({ event: 'UNSUB', data: { topic } });
  }

  /** Run a channel command; resolves with its result, rejects with {errno, reason}. */
  command(name, args = [], kwargs = {}) {
    const identity = `dash-${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(identity, { resolve, reject });
      if (!this.#send({ event: 'CMD', data: { identity, name, args, kwargs } })) {
        this.#pending.delete(identity);
        reject({ errno: 0, reason: 'not connected' });
      }
    });
  }

  #useSockJs() {
    return typeof window.SockJS === 'function' && this.#transport !== 'raw';
  }

  #open() {
    this.#handlers.onStatus('connecting');
    let sock;
    if (this.#useSockJs()) {
      const options = this.#transport ? { transports: [this.#transport] } : {};
      sock = new window.SockJS(`${this.#base}/channel`, null, options);
    } else {
      sock = new WebSocket(`${this.#base.replace(/^http/, 'ws')}/channel/websocket`);
    }
    this.#sock = sock;
    sock.onopen = () => {
      if (this.#sock !== sock) return;
      this.#retryMs = 1000;
      const key = this.#keys.get();
      if (key) sock.send(`AUTH:${key}`);
      for (const topic of this.#topics.keys()) sock.send(JSON.stringify({ event: 'SUB', data: { topic } }));
      this.#nopTimer = setInterval(() => this.#send({ event: 'NOP' }), NOP_INTERVAL_MS);
      this.#handlers.onStatus('live', this.kind);
      this.#handlers.onReconnect?.();
    };
    sock.onmessage = (e) => this.#receive(e.data);
    sock.onclose = (e) => {
      if (this.#sock !== sock) return;
      clearInterval(this.#nopTimer);
      this.#sock = undefined;
      for (const { reject } of this.#pending.values()) reject({ errno: 0, reason: 'connection closed' });
      this.#pending.clear();
      if (this.#closed || this.#authFailed) {
        this.#handlers.onStatus('down', this.#authFailed ? 'API key needed' : 'closed');
        return;
      }
      this.#handlers.onStatus('down', `reconnecting in ${Math.round(this.#retryMs / 1000)} s (${e.code})`);
      this.#retryTimer = setTimeout(() => this.#open(), this.#retryMs);
      this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
    };
  }

  #send(message) {
    const sock = this.#sock;
    if (!sock || sock.readyState !== 1) return false;
    sock.send(JSON.stringify(message));
    return true;
  }

  #receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    switch (message.event) {
      case 'gaffer:event':
        this.#handlers.onEvent(message.data);
        return;
      case 'gaffer:subscription_success':
        this.#handlers.onSubscribed?.(message.topic);
        return;
      case 'gaffer:subscription_error':
        this.#handlers.onSubscriptionError?.(message.topic, message.data?.reason);
        return;
      case 'gaffer:command_success':
      case 'gaffer:command_error': {
        const pending = this.#pending.get(message.data?.id);
        if (!pending) return;
        this.#pending.delete(message.data.id);
        if (message.event === 'gaffer:command_success') pending.resolve(message.data.result);
        else pending.reject(message.data.error);
        return;
      }
      case 'gaffer:error':
        if (message.data?.error === 'AUTH_REQUIRED') {
          this.#authFailed = true;
          this.#handlers.onAuthRequired(message.data.reason);
        } else {
          console.warn('gaffer channel refused a message:', message.data);
        }
    }
  }
}
