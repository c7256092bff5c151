// The seed's example plugin, ported: gafferd imports every module of this
// package and instantiates each exported class that has an `app(cfg)` method.
// No import of gaffer is needed: a plugin is recognised by its shape.
import { DummyApp } from './app.js';

export class DummyPlugin {
  name = 'dummy';
  version = '1.0';
  description = 'test';
  // Names of other plugins that must be installed for this one to run.
  mandatory = [];

  // `cfg` is the parsed gafferd configuration; return an application or nothing.
  app(cfg) {
    return new DummyApp({ configFile: cfg?.configFile });
  }
}
