/**
 * Finds plugins by kind and name. Three sources, in this order (a later one
 * may not shadow an earlier name):
 *
 * 1. built-in plugins: the folders listed in `plugins/builtin.json` at the
 *    project root (found at run time, so the core imports no plugin);
 * 2. `[plugins] paths` in zaqar.conf: files or folders of third-party
 *    plugins (our own option group; Zaqar ignores unknown groups);
 * 3. npm packages named `zaqar-plugin-*` or `@scope/zaqar-plugin-*` in the
 *    project's node_modules.
 *
 * A module that fails to load is logged and skipped, so one broken
 * third-party plugin cannot stop start-up; asking for it by name then gives
 * a clear "unknown plugin" error listing what is available.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../common/logger';
import type { PluginKind, PluginManifest, PluginModule } from './manifest';

/** The project root: two levels above this file's folder in both the source and the compiled tree. */
export function projectRoot(): string {
  let dir = __dirname;
  while (dir !== path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'plugins'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** The folder that holds compiled code for a project-relative source path (dist/ when compiled). */
function compiledRoot(): string {
  // __dirname is <root>/dist/zaqar/plugins when compiled, <root>/zaqar/plugins under a TS runner.
  const up = path.resolve(__dirname, '..', '..');
  return up;
}

export class UnknownPluginError extends Error {
  constructor(
    public readonly kind: PluginKind,
    public readonly pluginName: string,
    public readonly available: string[],
    what = 'plugin',
  ) {
    super(`unknown ${kind} ${what} '${pluginName}' (available: ${available.length ? available.join(', ') : 'none'})`);
    this.name = 'UnknownPluginError';
  }
}

export class PluginRegistry {
  private readonly manifests = new Map<string, PluginManifest>();

  constructor(private readonly logger: Logger) {}

  private key(kind: PluginKind, name: string): string {
    return `${kind}/${name}`;
  }

  /** Adds every manifest a module exports. */
  add(module: PluginModule, source: string): void {
    const manifests = Array.isArray(module.manifest) ? module.manifest : [module.manifest];
    for (const manifest of manifests) {
      if (!manifest || typeof manifest.load !== 'function' || !manifest.kind || !manifest.name) {
        this.logger.warn({ source }, 'ignoring a plugin module without a valid manifest');
        continue;
      }
      const key = this.key(manifest.kind, manifest.name);
      if (this.manifests.has(key)) {
        this.logger.warn({ source, kind: manifest.kind, name: manifest.name }, 'plugin name already taken; ignored');
        continue;
      }
      this.manifests.set(key, manifest);
    }
  }

  /** Requires a plugin module by path and adds it; failures are logged, not thrown. */
  addFromPath(modulePath: string): void {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.add(require(modulePath) as PluginModule, modulePath);
    } catch (err) {
      this.logger.error({ err, modulePath }, 'failed to load plugin module; skipped');
    }
  }

  /** Built-in plugins listed in plugins/builtin.json. */
  addBuiltins(root = projectRoot()): void {
    const listPath = path.join(root, 'plugins', 'builtin.json');
    const folders = JSON.parse(readFileSync(listPath, 'utf8')) as string[];
    const base = compiledRoot();
    for (const folder of folders) this.addFromPath(path.join(base, 'plugins', folder));
  }

  /** npm packages named zaqar-plugin-* (optionally scoped) under node_modules. */
  addInstalledPackages(root = projectRoot()): void {
    const modules = path.join(root, 'node_modules');
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('zaqar-plugin-')) this.addFromPath(path.join(modules, entry));
      else if (entry.startsWith('@')) {
        for (const scoped of readdirSync(path.join(modules, entry))) {
          if (scoped.startsWith('zaqar-plugin-')) this.addFromPath(path.join(modules, entry, scoped));
        }
      }
    }
  }

  all(): PluginManifest[] {
    return [...this.manifests.values()];
  }

  names(kind: PluginKind): string[] {
    return this.all()
      .filter((m) => m.kind === kind)
      .map((m) => m.name)
      .sort();
  }

  find(kind: PluginKind, name: string): PluginManifest | undefined {
    return this.manifests.get(this.key(kind, name));
  }

  /**
   * The plugin of `kind` that opens URIs of `scheme` (a manifest's
   * `uriSchemes`), or UnknownPluginError listing the schemes there are.
   */
  getByScheme(kind: PluginKind, scheme: string): PluginManifest {
    const wanted = scheme.toLowerCase();
    const candidates = this.all().filter((m) => m.kind === kind);
    const manifest = candidates.find((m) => m.uriSchemes?.includes(wanted));
    if (manifest) return manifest;
    const schemes = candidates.flatMap((m) => m.uriSchemes ?? []).sort();
    throw new UnknownPluginError(kind, `${wanted}://`, schemes.map((s) => `${s}://`), 'URI scheme');
  }

  /** The plugin, or UnknownPluginError listing the available names. */
  get(kind: PluginKind, name: string): PluginManifest {
    const manifest = this.find(kind, name);
    if (!manifest) throw new UnknownPluginError(kind, name, this.names(kind));
    return manifest;
  }
}
