/**
 * The Identity v3 root of an endpoint, as keystoneauth1's discovery finds
 * it: an endpoint that already names v3 (`.../v3`) is used as it is; an
 * unversioned one (`http://keystone:5000`) is asked for its version list
 * (`GET` answers 300 with `versions.values[]`) and the v3 entry's `self`
 * link is taken. Only v3 exists in Keystones Zaqar runs with, so a version
 * list that names none leaves `<endpoint>/v3`.
 */
import type { KeystoneHttp } from './http';

const VERSIONED = /\/v3(\.\d+)?\/?$/;

interface VersionEntry {
  id?: string;
  status?: string;
  links?: { rel?: string; href?: string }[];
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** The v3 `self` link of a version list body, if it names one. */
export function v3FromVersionList(body: unknown): string | undefined {
  const versions = (body as { versions?: { values?: VersionEntry[] } | VersionEntry[] } | undefined)?.versions;
  const values = Array.isArray(versions) ? versions : versions?.values;
  const v3 = values?.find((entry) => typeof entry.id === 'string' && /^v3(\.|$)/.test(entry.id));
  const self = v3?.links?.find((link) => link.rel === 'self')?.href;
  return self ? trimSlash(self) : undefined;
}

export class Discovery {
  private readonly found = new Map<string, string>();

  constructor(private readonly http: KeystoneHttp) {}

  /** The v3 root of `endpoint`, without a trailing slash (asked once per endpoint). */
  async v3(endpoint: string): Promise<string> {
    const base = trimSlash(endpoint);
    if (VERSIONED.test(base)) return base;
    const known = this.found.get(base);
    if (known) return known;
    // A ConnectionFailure here is Keystone being unreachable: the caller answers 503.
    const reply = await this.http.request('GET', base);
    const v3 = reply.status === 200 || reply.status === 300 ? v3FromVersionList(reply.body) : undefined;
    if (v3 === undefined) return `${base}/v3`; // asked again next time
    this.found.set(base, v3);
    return v3;
  }
}
