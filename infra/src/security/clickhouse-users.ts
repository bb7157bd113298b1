/**
 * Why ClickHouse's `default` user is not locked down in a users file, one message per gap: it must be
 * limited to loopback (`<networks replace="replace">` with only ::1 and 127.0.0.1), so nothing on the
 * network reaches the password-less account. Only the file's own `<default>` block is read.
 */
export function defaultUserProblems(usersXml: string): string[] {
  const block = /<users>[\s\S]*?<default>([\s\S]*?)<\/default>/.exec(usersXml)?.[1];
  if (block === undefined) return ['the users file does not configure the default user — limit it to ::1 and 127.0.0.1 with <networks replace="replace">'];
  const networks = /<networks( replace="replace")?>([\s\S]*?)<\/networks>/.exec(block);
  if (!networks) return ['the default user keeps the packaged networks (::/0: anywhere) — add <networks replace="replace"> with ::1 and 127.0.0.1'];
  const problems: string[] = [];
  if (!networks[1]) problems.push('the default user\'s <networks> merges with the packaged ::/0 — add replace="replace"');
  const allowed = [...networks[2]!.matchAll(/<(ip|host|host_regexp)>([^<]*)<\/\1>/g)].map((m) => m[2]!.trim());
  const open = allowed.filter((a) => !['::1', '127.0.0.1'].includes(a));
  if (open.length > 0) problems.push(`the default user may connect from ${open.join(', ')} — allow only ::1 and 127.0.0.1`);
  return problems;
}
