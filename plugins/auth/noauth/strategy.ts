/**
 * The identity a request's headers claim (Zaqar's context hook without
 * Keystone in front): `X-Project-ID`, `X-Roles` (comma-separated),
 * `X-User-ID`, `X-Domain-ID`, `X-Project-Domain-ID`, `X-User-Domain-ID`,
 * `X-Auth-Token`. Anyone can claim any project and role.
 */
import type { AuthStrategy, Credentials, Identity } from '../../../zaqar/auth/strategy';

function roles(header: string | undefined): string[] {
  return header ? header.split(',').map((r) => r.trim()).filter(Boolean) : [];
}

export const noauth: AuthStrategy = {
  trustsClientHeaders: true,
  authenticate(credentials: Credentials): Identity {
    return {
      projectId: credentials.header('x-project-id'),
      roles: roles(credentials.header('x-roles')),
      userId: credentials.header('x-user-id'),
      domainId: credentials.header('x-domain-id'),
      projectDomainId: credentials.header('x-project-domain-id'),
      userDomainId: credentials.header('x-user-domain-id'),
      authToken: credentials.header('x-auth-token'),
    };
  },
};
