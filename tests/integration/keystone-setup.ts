/**
 * What the Keystone integration suites share: a real Keystone
 * (tools/services/keystone.ts) and a real zaqar-server process with
 * `auth_strategy = keystone` validating against it, and a client that
 * authenticates with a token (and sends no X-Project-ID of its own).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ZaqarClient, type Reply, type RequestOptions } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import type { KeystoneServer } from '../../tools/services/keystone';

/** A Zaqar client that authenticates with `token`; it names no project (the token does). */
export class TokenClient extends ZaqarClient {
  constructor(
    url: string,
    public token: string | undefined,
  ) {
    super(url, '');
  }

  override request(method: string, requestPath: string, options: RequestOptions = {}): Promise<Reply> {
    return super.request(method, requestPath, {
      ...options,
      headers: { 'X-Project-ID': undefined, ...(this.token ? { 'X-Auth-Token': this.token } : {}), ...options.headers },
    });
  }
}

export interface KeystoneZaqar {
  server: RunningServer;
  /** Removes what `start` made (the server's folder included). */
  cleanup(): Promise<void>;
}

/**
 * A zaqar-server behind `keystone`: admin_mode, v1.1 enabled, pooling with
 * the virtual pool (so pools and flavors are served), plus `authtoken`
 * options, `extraConfig`, and `files` and `dirs` written beside zaqar.conf
 * (policy.yaml, policy.d).
 */
export async function startKeystoneZaqar(
  keystone: KeystoneServer,
  options: {
    authtoken?: Record<string, string | number | boolean>;
    extraConfig?: string;
    files?: Record<string, string>;
    /** Folders of files beside zaqar.conf (policy.d). */
    dirs?: Record<string, Record<string, string>>;
  } = {},
): Promise<KeystoneZaqar> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-keystone-server-'));
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(path.join(dataDir, name), text);
  for (const [dir, files] of Object.entries(options.dirs ?? {})) {
    mkdirSync(path.join(dataDir, dir));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dataDir, dir, name), text);
  }
  const config =
    '\n[DEFAULT]\nauth_strategy = keystone\nenable_deprecated_api_versions = 1.1\npooling = true\n' +
    '\n[pooling:catalog]\nenable_virtual_pool = true\n' +
    keystone.authtokenConfig(options.authtoken) +
    (options.extraConfig ?? '');
  let server: RunningServer;
  try {
    server = await startServer({ dataDir, extraConfig: config });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    server,
    async cleanup() {
      await server.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A token of `user` that expires at `expiresAt` (an application credential with that expiry caps its tokens). */
export async function shortLivedToken(keystone: KeystoneServer, user: 'demo' | 'alt', expiresAt: Date): Promise<string> {
  const account = keystone.accounts[user];
  const own = await keystone.token(user);
  const name = `short-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
  const created = await keystone.api('POST', `/users/${account.userId}/application_credentials`, {
    token: own,
    body: { application_credential: { name, expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, '') } },
  });
  if (created.status !== 201) throw new Error(`application credential: ${created.status} ${JSON.stringify(created.json)}`);
  const credential = created.json.application_credential as { id: string; secret: string };
  const login = await keystone.api('POST', '/auth/tokens?nocatalog', {
    body: { auth: { identity: { methods: ['application_credential'], application_credential: { id: credential.id, secret: credential.secret } } } },
  });
  const token = login.headers.get('x-subject-token');
  if (login.status !== 201 || !token) throw new Error(`application credential login: ${login.status} ${JSON.stringify(login.json)}`);
  return token;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
