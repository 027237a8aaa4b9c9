/**
 * Zaqar's Swift URI, `swift://<username>:<password>@/<project_name>`: the
 * credentials of the one Swift account (project) that holds every queue.
 */
export class SwiftUriError extends Error {}

export interface SwiftCredentials {
  user: string;
  password: string;
  project: string;
}

export function parseSwiftUri(uri: string): SwiftCredentials {
  const match = /^swift:\/\/([^:@/]*):([^@]*)@[^/]*\/(.+)$/.exec(uri);
  if (!match) throw new SwiftUriError('expected swift://<username>:<password>@/<project_name>');
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new SwiftUriError('bad percent-encoding');
    }
  };
  const [, user, password, project] = match;
  if (!user) throw new SwiftUriError('the user name is missing');
  return { user: decode(user), password: decode(password), project: decode(project) };
}
