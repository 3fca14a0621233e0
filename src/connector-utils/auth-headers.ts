/**
 * Request headers built from a credential that changes rarely (a cached token, a signed JWT): the
 * same object is handed out while the credential is unchanged, so a request does not build its
 * auth header again. `HttpClient` copies header objects per attempt, so sharing one is safe.
 */
export function headersPerCredential(
  build: (credential: string) => Record<string, string>,
): (credential: string) => Record<string, string> {
  let last: { credential: string; headers: Record<string, string> } | undefined;
  return (credential) => {
    if (last?.credential !== credential) last = { credential, headers: build(credential) };
    return last.headers;
  };
}
