// The rights of one channel connection. Keys are checked through the
// ChannelAuth interface of protocol/auth.ts (implemented by auth/), so the
// channel never sees the key store. Without one, every client has full rights.
import type { AccessRight, ChannelAuth, KeyInfo } from '../../protocol/auth.js';

/** The rights the channel's topics and commands ask for (auth.md → Channel subscriptions and commands). */
export type ChannelPermission = Extract<AccessRight, 'admin' | 'manage-all' | 'manage' | 'write' | 'read'>;

/** A permission question: what a topic or command needs, on which target. */
export interface AccessRequirement {
  permission: ChannelPermission;
  /** Session id or job full name; undefined for `admin`/`manage-all`. */
  target: string | undefined;
}

/**
 * The rights of one connection: everything when keys are not required,
 * otherwise what its verified key allows (nothing before `AUTH:`).
 */
export class ChannelAccess {
  readonly #auth: ChannelAuth | undefined;
  #key: KeyInfo | undefined;

  constructor(auth: ChannelAuth | undefined) {
    this.#auth = auth;
  }

  get isRequired(): boolean {
    return this.#auth?.required === true;
  }

  /** Keys are required and no valid key was given yet. */
  get isPending(): boolean {
    return this.isRequired && this.#key === undefined;
  }

  /** Check a key; true when it is known (it is then kept for the whole connection). */
  async authenticate(key: string): Promise<boolean> {
    if (!this.#auth) return true;
    const info = await this.#auth.verify(key);
    if (info === undefined) return false;
    this.#key = info;
    return true;
  }

  allows(requirement: AccessRequirement): boolean {
    if (!this.isRequired) return true;
    if (this.#key === undefined) return false;
    return requirement.target === undefined
      ? this.#auth!.can(this.#key, requirement.permission)
      : this.#auth!.can(this.#key, requirement.permission, requirement.target);
  }
}
