/** The Authorization header of Prometheus' basic-auth login (web.config.file); none without a login. */
export function prometheusAuthHeaders(login: { readonly user: string; readonly password: string } | undefined): Record<string, string> {
  return login ? { authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}` } : {};
}
