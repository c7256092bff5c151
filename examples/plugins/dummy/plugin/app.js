// A tiny gaffer application: prints its lifecycle like the seed's dummy app,
// and one line per global event of the manager (load, spawn, exit...) while it runs.
export class DummyApp {
  #manager;
  #listener = (type, payload) => {
    if (type.includes('.')) return; // job.<F>.* and proc.<pid>.* repeat the global events
    const who = payload.pid === undefined ? payload.name : `${payload.name} pid ${payload.pid}`;
    console.log(`dummy: ${type} ${who ?? ''}`.trimEnd());
  };

  constructor(options = {}) {
    this.options = options;
  }

  start(manager) {
    console.log('start dummy app');
    this.#manager = manager;
    manager.events.subscribe('.', this.#listener);
  }

  stop() {
    console.log('stop dummy');
    this.#manager?.events.unsubscribe('.', this.#listener);
    this.#manager = undefined;
  }

  restart() {
    console.log('restart dummy');
  }
}
