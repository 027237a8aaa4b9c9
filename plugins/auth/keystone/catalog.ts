/**
 * Endpoint lookup in a v3 service catalog (keystoneauth1's
 * `ServiceCatalogV3.url_for`): by service type, interface and, when one is
 * configured, region. `publicURL`-style interface names mean the same as
 * `public`.
 */
import type { CatalogEntry } from './token-info';

/** keystoneauth's normalisation: `publicURL` → `public`. */
export function normalizeInterface(name: string): string {
  return name.toLowerCase().replace(/url$/, '');
}

export function endpointFor(
  catalog: readonly CatalogEntry[] | undefined,
  query: { type: string; interface: string; region?: string | null; name?: string },
): string | undefined {
  const wanted = normalizeInterface(query.interface);
  for (const entry of catalog ?? []) {
    if (entry.type !== query.type || (query.name !== undefined && entry.name !== query.name)) continue;
    const endpoint = entry.endpoints.find(
      (candidate) =>
        normalizeInterface(candidate.interface) === wanted &&
        (!query.region || candidate.region_id === query.region || candidate.region === query.region),
    );
    if (endpoint?.url) return endpoint.url;
  }
  return undefined;
}
